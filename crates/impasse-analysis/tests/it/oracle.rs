//! Property tests: `analyze` agrees with the brute-force oracles on small random scenarios, and
//! with the `O(n·F)` oracle on random scenarios spanning many chunks.

use impasse_testkit::build::random_constrained;
use impasse_testkit::oracle::Oracle;
use impasse_testkit::strategies::scenarios;
use proptest::prelude::*;

use crate::check::against_oracle;

proptest! {
    // 256 cases by default; set PROPTEST_CASES for more.
    #[test]
    fn small_scenarios_match_the_brute_force_oracle(scenario in scenarios()) {
        if let Err(message) = against_oracle(&scenario, true) {
            prop_assert!(false, "{}", message);
        }
    }

    #[test]
    fn the_fast_frontier_oracle_is_the_quadratic_one(scenario in scenarios()) {
        let oracle = Oracle::new(&scenario);
        let mut quadratic = oracle.frontier();
        quadratic.sort_unstable();
        prop_assert_eq!(oracle.frontier_by_sum(), quadratic);
        let mut zone = oracle.zone_frontier();
        zone.sort_unstable();
        prop_assert_eq!(oracle.zone_frontier_by_sum(), zone);
    }
}

/// Spaces of 30–60 thousand packages: several chunks, so the per-chunk frontiers, counts and
/// top-k lists are merged.
#[test]
fn multi_chunk_scenarios_match_the_oracle() {
    let shapes: [(usize, &[u32]); 4] = [
        (2, &[8, 8, 8, 8, 8]),
        (3, &[6, 7, 8, 9, 10]),
        (4, &[5, 6, 7, 8, 9, 2]),
        (2, &[2, 3, 4, 5, 6, 7, 8]),
    ];
    for (seed, (parties, radices)) in shapes.iter().enumerate() {
        let scenario = random_constrained(seed as u64, *parties, radices);
        if let Err(message) = against_oracle(&scenario, false) {
            panic!("seed {seed}: {message}");
        }
    }
}
