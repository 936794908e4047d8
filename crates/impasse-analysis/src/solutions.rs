//! The bargaining solutions over the zone of agreement, computed from the zone's Pareto frontier.
//!
//! Every solution maximises an objective of the parties' utilities *after* red-line penalties (what
//! they actually get), with the reservation values as the disagreement point `d`. Utilities enter
//! through their tie keys, so packages tied for every party score exactly alike; with
//! `g_i = key(u_i) − key(d_i)` (a whole number of [`impasse_core::TIE_RESOLUTION`] units, never
//! negative inside the zone):
//! - Nash: the product `Π g_i` (in floating point);
//! - Kalai–Smorodinsky: `min_i g_i / G_i`, where `G_i = key(a_i) − key(d_i)` and `a_i` is the
//!   best utility of party `i` within the zone (its ideal point); a party with `G_i = 0` has ratio
//!   1 (in floating point);
//! - egalitarian: `min_i g_i` (exact, on integers);
//! - utilitarian: `Σ key(u_i)` (exact, on integers).
//!
//! Ties: the floating-point objectives count as equal to the maximum `V*` when within
//! `1e-12·|V*|` of it. Among the packages whose objective equals the maximum, the one with the
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
fn pick_float(front: &Front, objective: impl Fn(&[i64]) -> f64) -> Option<u64> {
    let values: Vec<f64> = (0..front.len()).map(|g| objective(front.keys(g))).collect();
    let best = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if best.is_nan() {
        return None;
    }
    let threshold = best - RELATIVE_TOLERANCE * best.abs();
    values.iter().position(|&value| value >= threshold).map(|g| front.groups()[g].first())
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
    let nash =
        pick_float(front, |keys| (0..parties).map(|party| gain(keys, party) as f64).product());
    let kalai_smorodinsky = pick_float(front, |keys| {
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
