//! The Pareto frontier and the Nash solution of outcomes given as a table of utilities, for callers
//! that tabulate every outcome themselves (the negotiation metrics).
//!
//! The rules are those of [`crate::analyze`]: utilities are compared through their tie keys
//! ([`impasse_core::Ties::key`], at the scale of the table: [`Ties::for_values`] of every utility
//! and reservation value), outcomes tied for every party form one frontier group, an outcome
//! is acceptable when no party forbids it and its key reaches every party's reservation key, and
//! the Nash solution maximises the product of the gains in tie keys over the acceptable outcomes,
//! ties going as in [`crate::solutions`] (lexicographically best keys, party 0 first, then the
//! lowest outcome). The table is streamed in chunks merged in a balanced tree, so the result does
//! not depend on the number of threads.

use impasse_core::Ties;

use crate::analyze::tree_reduce;
use crate::frontier::{Front, FrontBuilder};
use crate::kernel::key;
use crate::prepared::CHUNK;

/// The frontier and the Nash solution of a table of utilities.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct TabulatedFrontier {
    /// The Pareto frontier of every outcome, one entry per tie group (outcomes whose utilities have
    /// equal tie keys for every party): the group's lowest outcome. In report order: party 0's
    /// utility descending, then the next parties'.
    pub frontier: Vec<usize>,
    /// How many outcomes are on the frontier (every member of every tie group).
    pub frontier_size: u128,
    /// The Nash solution over the acceptable outcomes, with the reservation values as the
    /// disagreement point; `None` when no outcome is acceptable.
    pub nash: Option<usize>,
}

/// The Pareto frontier and the Nash solution of the outcomes `0..n`, where `utilities[p][o]` is
/// party `p`'s utility of outcome `o`, `reservation[p]` its reservation value and `forbidden(o)`
/// tells whether some party can never accept `o` (an absolute red line or a precondition).
///
/// Keys are taken at the table's own scale, [`Ties::for_values`] of every utility and reservation
/// value (so the unit scale for utilities within `[1e-3, 1e3]`).
///
/// # Panics
///
/// When the parties' tables differ in length or `reservation` does not have one value per party
/// (caller bugs).
pub fn tabulated_frontier(
    utilities: &[&[f64]],
    reservation: &[f64],
    forbidden: &(dyn Fn(usize) -> bool + Sync),
) -> TabulatedFrontier {
    let parties = utilities.len();
    assert_eq!(reservation.len(), parties, "one reservation value per party");
    let n = utilities.first().map_or(0, |table| table.len());
    assert!(utilities.iter().all(|table| table.len() == n), "one utility per outcome and party");
    let ties = table_ties(utilities, reservation);
    let reservation_keys: Vec<i64> = reservation.iter().map(|&value| ties.key(value)).collect();
    let size = n as u64;
    let (front, zone) = tree_reduce(
        0,
        size.div_ceil(CHUNK),
        &|chunk| {
            let (start, end) = (chunk * CHUNK, ((chunk + 1) * CHUNK).min(size));
            // Only the lowest outcome of a tie group is reported: no further indices are kept.
            let mut front = FrontBuilder::new(parties, 0);
            let mut zone = FrontBuilder::new(parties, 0);
            let mut keys = vec![0i64; parties];
            for index in start..end {
                let outcome = index as usize;
                for (slot, table) in keys.iter_mut().zip(utilities) {
                    *slot = key(ties, table[outcome]);
                }
                front.push(&keys, index, 1);
                if keys.iter().zip(&reservation_keys).all(|(value, floor)| value >= floor)
                    && !forbidden(outcome)
                {
                    zone.push(&keys, index, 1);
                }
            }
            (front.finish(), zone.finish())
        },
        &|(front_a, zone_a): (Front, Front), (front_b, zone_b)| {
            (front_a.merge(front_b, 0), zone_a.merge(zone_b, 0))
        },
    )
    .unwrap_or_else(|| (Front::empty(parties), Front::empty(parties)));
    let nash = crate::solutions::solve(&zone, &reservation_keys).nash;
    TabulatedFrontier {
        frontier: front.groups().iter().map(|group| group.first() as usize).collect(),
        frontier_size: front.count(),
        nash: nash.map(|index| index as usize),
    }
}

/// The tie rule of a table: the scale of its largest utility or reservation value.
fn table_ties(utilities: &[&[f64]], reservation: &[f64]) -> Ties {
    Ties::for_values(utilities.iter().flat_map(|table| table.iter()).chain(reservation).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over tie keys: every non-dominated key vector's lowest outcome in descending
    /// key order, and the Nash outcome by the documented tie rule.
    fn brute(utilities: &[Vec<f64>], reservation: &[f64], forbidden: &[bool]) -> TabulatedFrontier {
        let n = utilities[0].len();
        let tables: Vec<&[f64]> = utilities.iter().map(Vec::as_slice).collect();
        let ties = table_ties(&tables, reservation);
        let keys = |o: usize| utilities.iter().map(|table| ties.key(table[o])).collect::<Vec<_>>();
        let dominates = |a: &[i64], b: &[i64]| {
            a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
        };
        let efficient: Vec<usize> =
            (0..n).filter(|&o| !(0..n).any(|p| dominates(&keys(p), &keys(o)))).collect();
        let mut groups: Vec<(Vec<i64>, usize)> = Vec::new();
        for &o in &efficient {
            if !groups.iter().any(|(k, _)| *k == keys(o)) {
                groups.push((keys(o), o));
            }
        }
        groups.sort_by(|a, b| b.0.cmp(&a.0));
        let floors: Vec<i64> = reservation.iter().map(|&r| ties.key(r)).collect();
        let acceptable: Vec<usize> = (0..n)
            .filter(|&o| !forbidden[o] && keys(o).iter().zip(&floors).all(|(k, f)| k >= f))
            .collect();
        let product = |o: usize| -> f64 {
            keys(o)
                .iter()
                .zip(&floors)
                .map(|(&k, &f)| (i128::from(k) - i128::from(f)) as f64)
                .product()
        };
        let best = acceptable.iter().map(|&o| product(o)).fold(f64::NEG_INFINITY, f64::max);
        let nash = acceptable
            .iter()
            .copied()
            .filter(|&o| product(o) >= best - crate::solutions::RELATIVE_TOLERANCE * best.abs())
            .min_by(|&a, &b| keys(b).cmp(&keys(a)).then(a.cmp(&b)));
        TabulatedFrontier {
            frontier: groups.iter().map(|(_, o)| *o).collect(),
            frontier_size: efficient.len() as u128,
            nash,
        }
    }

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[track_caller]
    fn check(utilities: &[Vec<f64>], reservation: &[f64], forbidden: &[bool]) {
        let tables: Vec<&[f64]> = utilities.iter().map(Vec::as_slice).collect();
        let got = tabulated_frontier(&tables, reservation, &|o| forbidden[o]);
        assert_eq!(got, brute(utilities, reservation, forbidden));
    }

    #[test]
    fn matches_brute_force_on_random_tables() {
        for seed in 0..400u64 {
            let mut state = seed;
            let parties = 2 + (seed % 3) as usize;
            let n = 1 + (lcg(&mut state) % 40) as usize;
            let levels = 1 + lcg(&mut state) % 6;
            let utilities: Vec<Vec<f64>> = (0..parties)
                .map(|_| (0..n).map(|_| (lcg(&mut state) % levels) as f64 / 5.0).collect())
                .collect();
            let reservation: Vec<f64> =
                (0..parties).map(|_| (lcg(&mut state) % 3) as f64 / 10.0).collect();
            let forbidden: Vec<bool> = (0..n).map(|_| lcg(&mut state).is_multiple_of(7)).collect();
            check(&utilities, &reservation, &forbidden);
        }
    }

    #[test]
    fn values_equal_at_the_tie_resolution_are_ties() {
        // 0.1 + 0.2 and 0.3 differ in the last bit: one tie group, reported by its first outcome,
        // and the Nash solution goes to the lower outcome of the tie.
        let utilities = vec![vec![0.1 + 0.2, 0.3, 0.0], vec![0.7, 0.7, 1.0]];
        let got = tabulated_frontier(
            &utilities.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            &[0.0, 0.0],
            &|_| false,
        );
        assert_eq!(got.frontier, vec![0, 2]);
        assert_eq!(got.frontier_size, 3);
        assert_eq!(got.nash, Some(0));
        check(&utilities, &[0.0, 0.0], &[false; 3]);
        // Equal products: (0.5, 0.2) and (0.2, 0.5) tie; party 0's larger utility wins.
        check(&[vec![0.2, 0.5], vec![0.5, 0.2]], &[0.0, 0.0], &[false; 2]);
        // Just below the reservation value at the tie resolution counts as reaching it.
        let got = tabulated_frontier(&[&[0.3 - 1e-12], &[1.0]], &[0.3, 0.0], &|_| false);
        assert_eq!(got.nash, Some(0));
    }

    #[test]
    fn spans_many_chunks() {
        let n = 3 * CHUNK as usize + 17;
        let a: Vec<f64> = (0..n).map(|o| (o % 101) as f64 / 100.0).collect();
        let b: Vec<f64> = (0..n).map(|o| 1.0 - (o % 101) as f64 / 100.0).collect();
        let got = tabulated_frontier(&[&a, &b], &[0.1, 0.1], &|o| o % 101 == 50);
        assert_eq!(got.frontier.len(), 101);
        assert_eq!(got.frontier[0], 100);
        assert_eq!(got.frontier_size, (0..n).count() as u128);
        // The product peaks at 0.5/0.5, forbidden; 0.51/0.49 and 0.49/0.51 tie, party 0 wins.
        assert_eq!(got.nash, Some(51));
    }
}
