//! How utilities are compared: the tie rule.
//!
//! Utilities are computed in `f64`, so two packages that are worth exactly the same to a party can
//! come out a few units in the last place apart (`0.1 + 0.2` versus `0.2 + 0.1 + 0.0`). Every
//! comparison the analyses make (dominance, ties, acceptability against a reservation value) goes
//! through a scenario's [`Ties`] ([`crate::Scenario::ties`]): [`Ties::key`] rounds a utility to an
//! integer number of [`Ties::resolution`] units, and two utilities are tied exactly when their keys
//! are equal.
//!
//! The resolution is relative to the scenario's scale; [`Ties`] states the rule and why.

/// The resolution at scale `S = 1`: the resolution of every scenario whose utility magnitude lies
/// in `[1, 10)` (see [`Ties`]), which holds every scenario with utilities normalised to `[0, 1]`.
pub const TIE_RESOLUTION: f64 = 1e-9;

/// The base-ten exponent of [`TIE_RESOLUTION`].
const BASE_EXPONENT: i32 = -9;

/// The smallest exponent a resolution takes (`1e-307`, a normal float).
const MIN_EXPONENT: i32 = -307;

/// The tie rule of one scenario: the resolution at which its utilities are compared.
///
/// The resolution is `1e-9·S`, where the scale `S` follows the scenario's utility magnitude `M`
/// (the largest absolute value among the utilities any party can attain, the reservation values,
/// the finite crossing costs and the costs of conflict; see [`crate::Scenario::magnitude`]):
/// - `S = 10^floor(log10 M)`, the power of ten at or below `M`, so the resolution is between
///   `1e-10` and `1e-9` of the largest utility; `S = 1` (resolution [`TIE_RESOLUTION`] `= 1e-9`)
///   for `M` in `[1, 10)`, which holds every scenario normalised to `[0, 1]`;
/// - `S = 1` when `M` is 0 or not finite (nothing to scale by).
///
/// Why this rule: a scenario normalised to `[0, 1]` (every GENIUS domain, most shipped scenarios)
/// keeps the absolute `1e-9` it always had, while a fixed absolute resolution
/// fails both ways: on a tiny scale (utilities around `1e-12`) every utility rounds to key 0, so a
/// package worth less than the reservation value ties with it and is admitted into the zone; on a
/// huge scale (utilities around `1e12`) `u / 1e-9` exceeds `i64::MAX`, keys saturate, and distinct
/// utilities tie. With the relative rule the keys of attainable utilities stay below `1e10`
/// in magnitude (a few times that after penalties), far from saturating, and multiplying every
/// utility of a scenario by a power of ten leaves every comparison unchanged. (The resolution is
/// never below `1e-307`, so scales under about `1e-298` are compared at that resolution.)
///
/// Why rounding is safe: floating-point noise in a sum of a few dozen terms is below `1e-14·M`,
/// while a key changes only when a value crosses a half-unit boundary (`(k + ½)·1e-9·S`). Inputs
/// written as decimals with at most nine places relative to the scale (every GENIUS domain and
/// every shipped scenario) land exactly on a unit, as far from a boundary as possible, so noise can
/// neither split a tie nor create one. The price is that genuinely different utilities closer than
/// half a unit (`5e-10·S`) count as equal.
///
/// `Copy` and cheap: analyses take it once from [`crate::Scenario::ties`] and apply
/// [`Ties::key`] to every utility. The default is [`Ties::UNIT`].
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Ties {
    /// `log10(S)`: 0 for the unit scale.
    exponent: i32,
    /// `1e-9·S`, correctly rounded.
    resolution: f64,
    /// `S`, correctly rounded.
    scale: f64,
}

impl Default for Ties {
    fn default() -> Ties {
        Ties::UNIT
    }
}

impl Ties {
    /// The unit scale `S = 1`: resolution [`TIE_RESOLUTION`].
    pub const UNIT: Ties = Ties { exponent: 0, resolution: TIE_RESOLUTION, scale: 1.0 };

    /// The tie rule for utilities of magnitude `magnitude` (the largest absolute utility, see
    /// [`Ties`]): `S = 10^floor(log10 magnitude)`, the unit scale for 0 or non-finite
    /// magnitudes.
    pub fn for_magnitude(magnitude: f64) -> Ties {
        let magnitude = magnitude.abs();
        if !(magnitude.is_finite() && magnitude > 0.0) {
            return Ties::UNIT;
        }
        // A magnitude a hair below a power of ten (a normalised profile whose best utility sums
        // to 0.9999999999999999) counts as that power: rounding noise must not change the scale.
        let magnitude = (magnitude * (1.0 + 1e-9)).min(f64::MAX);
        // floor(log10 M), checked against exactly parsed powers of ten so that `M = 10^k` (as
        // `1.0 * 1e-3` gives) lands on `k` whatever the rounding of `log10`.
        let power = |e: i32| format!("1e{e}").parse::<f64>().unwrap_or(f64::INFINITY);
        let mut exponent = magnitude.log10().floor() as i32;
        if power(exponent) > magnitude {
            exponent -= 1;
        } else if power(exponent + 1) <= magnitude {
            exponent += 1;
        }
        Ties::with_exponent(exponent)
    }

    /// The tie rule for a set of values compared as utilities: [`Ties::for_magnitude`] of the
    /// largest finite absolute value among them (non-finite values are ignored).
    pub fn for_values(values: impl IntoIterator<Item = f64>) -> Ties {
        Ties::for_magnitude(
            values
                .into_iter()
                .filter(|value| value.is_finite())
                .fold(0.0f64, |acc, value| acc.max(value.abs())),
        )
    }

    /// The scale `S = 10^exponent` (exponent clamped so the resolution is a normal float).
    fn with_exponent(exponent: i32) -> Ties {
        if exponent == 0 {
            return Ties::UNIT;
        }
        let exponent = exponent.max(MIN_EXPONENT - BASE_EXPONENT);
        // Parsing gives the correctly rounded power of ten (`powi` may be off by an ulp).
        let resolution =
            format!("1e{}", exponent + BASE_EXPONENT).parse().unwrap_or(TIE_RESOLUTION);
        let scale = format!("1e{exponent}").parse().unwrap_or(1.0);
        Ties { exponent, resolution, scale }
    }

    /// The resolution: utilities whose difference rounds to zero at it are ties. `1e-9·S`.
    #[inline]
    pub fn resolution(self) -> f64 {
        self.resolution
    }

    /// The scale `S` (a power of ten; 1 for the unit scale).
    pub fn scale(self) -> f64 {
        self.scale
    }

    /// `log10(S)`: 0 for the unit scale.
    pub fn exponent(self) -> i32 {
        self.exponent
    }

    /// Whether this is the unit scale ([`Ties::UNIT`], resolution [`TIE_RESOLUTION`]).
    #[inline]
    pub fn is_unit(self) -> bool {
        self.exponent == 0
    }

    /// The comparison key of a utility: the utility rounded to a whole number of
    /// [`Ties::resolution`] units, `round(u / resolution)`. Two utilities are tied exactly when
    /// their keys are equal, and `a` is better than `b` exactly when `key(a) > key(b)`.
    ///
    /// Non-finite utilities saturate (`-inf` to `i64::MIN`, `+inf` to `i64::MAX`); NaN maps to
    /// `i64::MIN`, so it never looks acceptable.
    #[inline]
    pub fn key(self, utility: f64) -> i64 {
        if utility.is_nan() {
            return i64::MIN;
        }
        // `as` saturates for out-of-range floats.
        (utility / self.resolution).round() as i64
    }
}

/// The comparison key of a utility at the unit scale: [`Ties::UNIT`]`.key(utility)`, the
/// utility rounded to a whole number of [`TIE_RESOLUTION`] units. Analyses of a scenario use the
/// scenario's own [`Ties`] ([`crate::Scenario::ties`]) instead; this is for values that are not
/// utilities of a scenario (probabilities, for example).
///
/// Non-finite utilities saturate (`-inf` to `i64::MIN`, `+inf` to `i64::MAX`); NaN maps to
/// `i64::MIN`, so it never looks acceptable.
#[inline]
pub fn tie_key(utility: f64) -> i64 {
    Ties::UNIT.key(utility)
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

    #[test]
    fn scale_is_the_power_of_ten_at_or_below_the_magnitude() {
        for magnitude in [1.0, 1.0 - 1e-15, 7.0, 9.99, 0.0, -0.0, f64::INFINITY, f64::NAN] {
            assert_eq!(Ties::for_magnitude(magnitude), Ties::UNIT, "{magnitude}");
        }
        assert_eq!(Ties::UNIT.resolution(), TIE_RESOLUTION);
        let tiny = Ties::for_magnitude(1e-12);
        assert_eq!((tiny.exponent(), tiny.resolution(), tiny.scale()), (-12, 1e-21, 1e-12));
        let huge = Ties::for_magnitude(4e12);
        assert_eq!((huge.exponent(), huge.resolution(), huge.scale()), (12, 1e3, 1e12));
        assert_eq!(Ties::for_magnitude(0.5).exponent(), -1);
        for k in -300..=300 {
            let power: f64 = format!("1e{k}").parse().unwrap();
            assert_eq!(Ties::for_magnitude(power).exponent(), k.max(-298), "1e{k}");
            assert_eq!(Ties::for_magnitude(power.next_down()).exponent(), k.max(-298), "1e{k}-");
            assert_eq!(Ties::for_magnitude(power * (1.0 - 1e-6)).exponent(), (k - 1).max(-298));
        }
        assert_eq!(Ties::for_magnitude(2e3).exponent(), 3);
        assert_eq!(Ties::for_magnitude(9e-4).exponent(), -4);
        assert_eq!(Ties::for_magnitude(-3e-7).exponent(), -7);
        assert_eq!(Ties::for_magnitude(f64::MAX).resolution(), 1e299);
        let least = Ties::for_magnitude(f64::from_bits(1));
        assert_eq!(least.resolution(), 1e-307);
        assert_eq!(Ties::for_values([0.5, f64::NAN, -2e5, f64::NEG_INFINITY]).exponent(), 5);
        assert_eq!(Ties::for_values([]), Ties::UNIT);
    }

    #[test]
    fn scaled_keys_resolve_relatively_and_never_saturate() {
        // Tiny scale: 0 and 1e-14 are a hundred-millionth of the magnitude apart, not a tie.
        let tiny = Ties::for_magnitude(1e-12);
        assert_eq!(tie_key(0.0), tie_key(1e-14));
        assert!(tiny.key(0.0) < tiny.key(1e-14));
        assert_eq!(tiny.key(0.1e-12 + 0.2e-12), tiny.key(0.3e-12));
        // Huge scale: the keys of 1e12 and 1e12 + 1e5 saturate at the unit scale.
        let huge = Ties::for_magnitude(1e12);
        assert_eq!(tie_key(1e12), tie_key(1e12 + 1e5));
        assert!(huge.key(1e12) < huge.key(1e12 + 1e5));
        assert_eq!(huge.key(1e12), 1_000_000_000);
        assert_eq!(huge.key(f64::NAN), i64::MIN);
        // Scaling by a power of ten outside the band keeps the keys of grid values.
        for k in (-12..=-4).chain(4..=12) {
            let ties = Ties::for_magnitude(10f64.powi(k));
            let scale = 10f64.powi(k);
            for step in -64..=64 {
                let value = f64::from(step) / 64.0;
                assert_eq!(ties.key(value * scale), Ties::UNIT.key(value), "{k} {step}");
            }
        }
    }
}
