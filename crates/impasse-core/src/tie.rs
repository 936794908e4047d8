//! How utilities are compared: the tie rule.
//!
//! Utilities are computed in `f64`, so two packages that are worth exactly the same to a party can
//! come out a few units in the last place apart (`0.1 + 0.2` versus `0.2 + 0.1 + 0.0`). Every
//! comparison the analyses make (dominance, ties, acceptability against a reservation value) goes
//! through [`tie_key`], which rounds a utility to an integer number of [`TIE_RESOLUTION`] units.
//!
//! Why this is safe: floating-point noise in a sum of a few dozen terms is below `1e-14`, while a
//! key changes only when a value crosses a half-unit boundary (`(k + ½)·1e-9`). Inputs written as
//! decimals with at most nine places (every GENIUS domain and every shipped scenario) land exactly
//! on a unit, as far from a boundary as possible, so noise can neither split a tie nor create one.
//! The price is that genuinely different utilities closer than `5e-10` count as equal.

/// The resolution at which utilities are compared: values whose difference rounds to zero at this
/// resolution are ties.
pub const TIE_RESOLUTION: f64 = 1e-9;

/// The comparison key of a utility: the utility rounded to a whole number of [`TIE_RESOLUTION`]
/// units. Two utilities are tied exactly when their keys are equal, and `a` is better than `b`
/// exactly when `tie_key(a) > tie_key(b)`.
///
/// Non-finite utilities saturate (`-inf` to `i64::MIN`, `+inf` to `i64::MAX`); NaN maps to
/// `i64::MIN`, so it never looks acceptable.
#[inline]
pub fn tie_key(utility: f64) -> i64 {
    if utility.is_nan() {
        return i64::MIN;
    }
    // `as` saturates for out-of-range floats.
    (utility / TIE_RESOLUTION).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_does_not_split_ties() {
        let a = 0.1 + 0.2;
        let b = 0.3;
        assert_ne!(a, b);
        assert_eq!(tie_key(a), tie_key(b));
        let c: f64 = [0.34 * 300.0 / 320.0, 0.06, 0.13 * 0.5].iter().sum();
        let d: f64 = [0.13 * 0.5, 0.06, 0.34 * 300.0 / 320.0].iter().sum();
        assert_eq!(tie_key(c), tie_key(d));
    }

    #[test]
    fn distinct_values_stay_distinct() {
        assert!(tie_key(0.500_000_01) > tie_key(0.5));
        assert!(tie_key(-0.25) < tie_key(0.0));
        assert_eq!(tie_key(f64::NAN), i64::MIN);
        assert_eq!(tie_key(f64::INFINITY), i64::MAX);
    }
}
