//! The bargaining solutions over the zone of agreement, computed from the zone's Pareto frontier.
//!
//! Every solution maximises an objective of the parties' utilities *after* red-line penalties (what
//! they actually get), with the reservation values as the disagreement point `d`. Utilities enter
//! through their tie keys, so packages tied for every party score exactly alike; with
//! `g_i = key(u_i) − key(d_i)` (a whole number of the scenario's tie units,
//! [`impasse_core::Ties::resolution`], never negative inside the zone):
//! - Nash: the product `Π g_i`, maximised as the sum of logarithms `Σ ln g_i` (in floating point;
//!   `ln 0 = −∞`, the worst), so that no number of parties overflows or underflows it: the product
//!   of forty gains of `10^9` units is `10^360`, beyond `f64`. The logarithm is increasing, so the
//!   maximisers are those of the exact product;
//! - Kalai–Smorodinsky: `min_i g_i / G_i`, where `G_i = key(a_i) − key(d_i)` and `a_i` is the
//!   best utility of party `i` within the zone (its ideal point); a party with `G_i = 0` has ratio
//!   1 (in floating point);
//! - egalitarian: `min_i g_i` (exact, on integers);
//! - utilitarian: `Σ key(u_i)` (exact, on integers).
//!
//! Ties: the floating-point objectives count as equal to the maximum `V*` when within
//! `1e-12·|V*|` of it; for Nash, when the log sum is within `1e-12` of the largest (a relative
//! `1e-12` on the product). Among the packages whose objective equals the maximum, the one with the
//! lexicographically largest keys (party 0 first) wins, then the lowest package index.
//!
//! Each objective is non-decreasing in every party's utility, and a package that dominates another
//! has lexicographically larger keys, so the chosen package is always on the zone's frontier: the
//! maxima are computed over the frontier only.

use crate::frontier::Front;

/// Relative tolerance under which floating-point objective values count as equal.
pub const RELATIVE_TOLERANCE: f64 = 1e-12;

/// The class outcome index chosen by each solution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) nash: Option<u64>,
    pub(crate) kalai_smorodinsky: Option<u64>,
    pub(crate) egalitarian: Option<u64>,
    pub(crate) utilitarian: Option<u64>,
}

/// Picks the first group (groups are in lexicographically descending key order, so the first
/// group among the maximisers is the tie-break winner) whose objective reaches the maximum.
///
/// Values within `relative·|V*|` plus `absolute` of the maximum `V*` count as maximal. When every
/// value is `−∞` (a Nash log sum with a zero gain in every group), every group is maximal.
fn pick_float(
    front: &Front,
    relative: f64,
    absolute: f64,
    objective: impl Fn(&[i64]) -> f64,
) -> Option<u64> {
    let values: Vec<f64> = (0..front.len()).map(|g| objective(front.keys(g))).collect();
    let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if best.is_nan() {
        return None;
    }
    let threshold =
        if best == f64::NEG_INFINITY { best } else { best - relative * best.abs() - absolute };
    values.iter().position(|&value| value >= threshold).map(|g| front.groups()[g].first())
}

/// The Nash objective of a group: `Σ ln g_i`, the logarithm of the product of the gains (`−∞`
/// when a gain is 0). Gains are non-negative inside the zone; a negative one (not in a zone) also
/// gives `−∞`.
pub(crate) fn nash_log(gains: impl Iterator<Item = i128>) -> f64 {
    gains.map(|gain| if gain > 0 { (gain as f64).ln() } else { f64::NEG_INFINITY }).sum()
}

fn pick_exact(front: &Front, objective: impl Fn(&[i64]) -> i128) -> Option<u64> {
    let values: Vec<i128> = (0..front.len()).map(|g| objective(front.keys(g))).collect();
    let best = values.iter().copied().max()?;
    values.iter().position(|&value| value == best).map(|g| front.groups()[g].first())
}

/// The four solutions over the zone frontier `front` (keys after penalties), with reservation keys
/// `reservation`.
pub(crate) fn solve(front: &Front, reservation: &[i64]) -> Chosen {
    if front.is_empty() {
        return Chosen::default();
    }
    let gain =
        |keys: &[i64], party: usize| i128::from(keys[party]) - i128::from(reservation[party]);
    let parties = reservation.len();
    let ideal: Vec<i64> = (0..parties)
        .map(|party| (0..front.len()).map(|g| front.keys(g)[party]).max().unwrap_or(i64::MIN))
        .collect();
    let nash = pick_float(front, 0.0, RELATIVE_TOLERANCE, |keys| {
        nash_log((0..parties).map(|party| gain(keys, party)))
    });
    let kalai_smorodinsky = pick_float(front, RELATIVE_TOLERANCE, 0.0, |keys| {
        (0..parties)
            .map(|party| {
                let span = i128::from(ideal[party]) - i128::from(reservation[party]);
                if span == 0 { 1.0 } else { gain(keys, party) as f64 / span as f64 }
            })
            .fold(f64::INFINITY, f64::min)
    });
    let egalitarian =
        pick_exact(front, |keys| (0..parties).map(|party| gain(keys, party)).min().unwrap_or(0));
    let utilitarian = pick_exact(front, |keys| keys.iter().map(|&key| i128::from(key)).sum());
    Chosen { nash, kalai_smorodinsky, egalitarian, utilitarian }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontier::FrontBuilder;

    /// The zone frontier of a list of key vectors (index = position).
    fn front_of(points: &[Vec<i64>]) -> Front {
        let mut builder = FrontBuilder::new(points[0].len(), 0);
        for (index, keys) in points.iter().enumerate() {
            builder.push(keys, index as u64, 1);
        }
        builder.finish()
    }

    /// The Nash choice by the exact product (in `i128`, or compared as big rationals via `f64`
    /// only when exact), among the frontier's groups, ties to the first group.
    fn brute_nash(front: &Front, reservation: &[i64]) -> Option<u64> {
        let product = |keys: &[i64]| -> i128 {
            keys.iter().zip(reservation).map(|(&k, &r)| i128::from(k) - i128::from(r)).product()
        };
        let best = (0..front.len()).map(|g| product(front.keys(g))).max()?;
        (0..front.len())
            .find(|&g| product(front.keys(g)) == best)
            .map(|g| front.groups()[g].first())
    }

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn log_nash_matches_the_exact_product() {
        // Two and three parties, gains up to 10^9 tie units (exact products fit in i128).
        for seed in 0..2000u64 {
            let mut state = seed;
            let parties = 2 + (seed % 2) as usize;
            let n = 1 + (lcg(&mut state) % 30) as usize;
            let levels = 1 + lcg(&mut state) % 12;
            let unit = [1i64, 1_000, 83_333_333][(seed % 3) as usize];
            let reservation: Vec<i64> =
                (0..parties).map(|_| (lcg(&mut state) % 3) as i64 * unit).collect();
            let points: Vec<Vec<i64>> = (0..n)
                .map(|_| {
                    reservation
                        .iter()
                        .map(|&r| r + (lcg(&mut state) % levels) as i64 * unit)
                        .collect()
                })
                .collect();
            let front = front_of(&points);
            assert_eq!(
                solve(&front, &reservation).nash,
                brute_nash(&front, &reservation),
                "{seed}"
            );
        }
    }

    #[test]
    fn nash_with_forty_parties_is_never_null() {
        // Forty parties with gains near 10^9 units: the product, 10^360, overflows `f64`, and so
        // every float product would be `inf` (or NaN once a gain is 0), and the maximum lost.
        let parties = 40;
        let reservation = vec![0i64; parties];
        let base = 1_000_000_000i64;
        // Group 1 trades a little of party 0 for more of party 1: its product is larger.
        let points = vec![
            vec![base; parties],
            {
                let mut keys = vec![base; parties];
                keys[0] = base + 1_000;
                keys[1] = base - 10_000_000;
                keys
            },
            {
                let mut keys = vec![base; parties];
                keys[0] = base - 1_000;
                keys[1] = base + 10_000_000;
                keys
            },
        ];
        let product: f64 = points[0].iter().map(|&k| k as f64).product();
        assert!(product.is_infinite(), "the float product overflows");
        let front = front_of(&points);
        assert_eq!(front.len(), 3);
        let chosen = solve(&front, &reservation);
        // ln: group 2 gains ln(1 + 10^-2) + ln(1 − 10^-6) > 0 over group 0; group 1 loses.
        assert_eq!(chosen.nash, Some(2));
        // Smaller gains keep the product finite: then the log sum picks the product's maximiser.
        let small: Vec<Vec<i64>> = points
            .iter()
            .map(|keys| keys.iter().map(|&k| (k - base) + 20_000_000).collect())
            .collect();
        let reservation_small = vec![0i64; parties];
        let front = front_of(&small);
        assert_eq!(solve(&front, &reservation_small).nash, Some(2));
        // A zero gain for everyone in every group: every group is equally bad, the first wins.
        let zero = vec![vec![0i64; parties], {
            let mut keys = vec![0i64; parties];
            keys[3] = 5;
            keys
        }];
        let front = front_of(&zero);
        assert!(solve(&front, &reservation).nash.is_some());
    }
}
