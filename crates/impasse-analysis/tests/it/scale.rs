//! The tie rule is relative to the scenario's scale (`impasse_core::Ties`): multiplying every
//! utility, reservation value and cost by a power of ten changes no answer, and the two defects of
//! a fixed absolute resolution (a package below a tiny reservation value admitted into the zone;
//! saturated keys on a huge scale dropping packages off the frontier) are gone.

use impasse_analysis::{Analysis, AnalysisConfig, analyze};
use impasse_core::{CrossingCost, Scenario, ScenarioParts, Utility};
use impasse_testkit::build::{atom, categorical, grid_scenario, party, red_line, scenario};
use impasse_testkit::oracle::Oracle;
use proptest::prelude::*;

fn config() -> AnalysisConfig {
    AnalysisConfig { max_frontier: usize::MAX, max_closest: 7, ..AnalysisConfig::default() }
}

/// Everything the tie rule decides, as package sets and chosen packages.
#[derive(Debug, PartialEq)]
struct Answers {
    zone: Vec<u64>,
    zone_size: u128,
    frontier: Vec<Vec<u32>>,
    frontier_size: u128,
    zone_frontier: Vec<Vec<u32>>,
    zone_frontier_size: u128,
    solutions: [Option<Vec<u32>>; 4],
    clashes: String,
}

fn answers(scenario: &Scenario, analysis: &Analysis) -> Answers {
    let oracle = Oracle::new(scenario);
    let outcomes = |points: &[impasse_analysis::Point]| {
        let mut list: Vec<Vec<u32>> = points.iter().map(|p| p.outcome.clone()).collect();
        list.sort();
        list
    };
    let chosen =
        |point: &Option<impasse_analysis::Point>| point.as_ref().map(|p| p.outcome.clone());
    let s = &analysis.solutions;
    Answers {
        zone: oracle.packages.iter().filter(|p| p.in_zone()).map(|p| p.index).collect(),
        zone_size: analysis.zone.size,
        frontier: outcomes(&analysis.frontier),
        frontier_size: analysis.frontier_size,
        zone_frontier: outcomes(&analysis.zone_frontier),
        zone_frontier_size: analysis.zone_frontier_size,
        solutions: [
            chosen(&s.nash),
            chosen(&s.kalai_smorodinsky),
            chosen(&s.egalitarian),
            chosen(&s.utilitarian),
        ],
        clashes: format!("{:?}", analysis.clashes.sets),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Scaling every utility (scores), reservation value and crossing cost by `10^k`,
    /// `k ∈ -12..=12`, leaves the zone, both frontiers, the solutions and the clashing sets
    /// unchanged; and the analysis still agrees with the brute-force oracle at every scale.
    #[test]
    fn answers_do_not_depend_on_the_scale(
        parties in 2usize..4,
        radices in proptest::collection::vec(2u32..5, 1..4),
        draws in proptest::collection::vec(any::<u64>(), 8..24),
        with_lines in any::<bool>(),
    ) {
        let base = grid_scenario(parties, &radices, &draws, with_lines, 1.0);
        let expected = answers(&base, &analyze(&base, &config()).unwrap());
        for k in -12..=12 {
            let factor: f64 = format!("1e{k}").parse().unwrap();
            let scaled = grid_scenario(parties, &radices, &draws, with_lines, factor);
            let analysis = analyze(&scaled, &config()).unwrap();
            prop_assert_eq!(&answers(&scaled, &analysis), &expected, "scale 1e{}", k);
            if k % 6 == 0
                && let Err(message) = crate::check::against_oracle(&scaled, true)
            {
                prop_assert!(false, "scale 1e{}: {}", k, message);
            }
        }
    }
}

#[test]
fn a_package_below_a_tiny_reservation_value_is_not_in_the_zone() {
    // Utilities in [0, 1e-12], party a's reservation value 1e-14: the package worth 0 to a is
    // below it. At a fixed resolution of 1e-9 both round to key 0 and it was admitted.
    let scores_a = vec![0.0, 0.5e-12, 1e-12];
    let scores_b = vec![1e-12, 0.5e-12, 0.0];
    let tiny = scenario(ScenarioParts {
        name: "tiny".into(),
        issues: vec![categorical("x", 3)],
        parties: vec![
            party("a", Utility::new(vec![1.0], vec![scores_a]), 1e-14),
            party("b", Utility::new(vec![1.0], vec![scores_b]), 0.0),
        ],
        ..ScenarioParts::default()
    });
    assert_eq!(tiny.ties().exponent(), -12);
    let analysis = analyze(&tiny, &config()).unwrap();
    assert_eq!(analysis.zone.size, 2);
    let zone: Vec<Vec<u32>> = analysis.zone_frontier.iter().map(|p| p.outcome.clone()).collect();
    assert!(!zone.contains(&vec![0]), "{zone:?}");
    let oracle = Oracle::new(&tiny);
    assert!(!oracle.packages[0].in_zone());
    assert!(oracle.packages[1].in_zone() && oracle.packages[2].in_zone());
    // The same with a finite red line whose penalty pushes a package just below the floor.
    let mut parts = tiny.parts().clone();
    parts.red_lines.push(red_line("line", 0, atom(0, 3, &[0, 1]), Some(0.49e-12)));
    let lined = scenario(parts);
    let analysis = analyze(&lined, &config()).unwrap();
    // Package 2 is worth 1e-12 − 0.49e-12 ≥ 1e-14 to a: still in; package 1 is worth 0.5e-12.
    assert_eq!(analysis.zone.size, 2);
    if let Err(message) = crate::check::against_oracle(&lined, true) {
        panic!("{message}");
    }
}

#[test]
fn huge_utilities_keep_the_whole_frontier() {
    // Utilities around 1e12: at a fixed resolution of 1e-9 every key saturates at i64::MAX, every
    // package ties with every other, and the frontier was the whole space. The frontier must be
    // the one of the raw utilities (exact on this grid: every sum is one rounding of a grid value).
    let scale = 1e12;
    let n = 6u32;
    let scores_a: Vec<Vec<f64>> = vec![
        (0..n).map(|v| f64::from(v) / 8.0 * scale).collect(),
        (0..n).map(|v| f64::from((v * 5) % n) / 16.0 * scale).collect(),
    ];
    let scores_b: Vec<Vec<f64>> = vec![
        (0..n).map(|v| f64::from((v * 7 + 3) % n) / 8.0 * scale).collect(),
        (0..n).map(|v| f64::from(n - 1 - v) / 16.0 * scale + 4.0 * scale).collect(),
    ];
    let huge = scenario(ScenarioParts {
        name: "huge".into(),
        issues: vec![categorical("x", n), categorical("y", n)],
        parties: vec![
            party("a", Utility::new(vec![1.0, 1.0], scores_a), 0.5 * scale),
            party("b", Utility::new(vec![1.0, 1.0], scores_b), 4.0 * scale),
        ],
        red_lines: vec![red_line("line", 1, atom(0, n, &[0, 1, 2, 3]), Some(0.25 * scale))],
        ..ScenarioParts::default()
    });
    assert_eq!(huge.ties().exponent(), 12);
    let analysis = analyze(&huge, &config()).unwrap();
    // Brute force on the raw utilities.
    let space = huge.space();
    let packages: Vec<(Vec<u32>, Vec<f64>)> = (0..space.size().unwrap())
        .map(|index| {
            let mut outcome = vec![0; 2];
            space.decode(index, &mut outcome);
            let u = huge.parties().iter().map(|p| p.utility.eval(&outcome)).collect();
            (outcome, u)
        })
        .collect();
    let dominates = |a: &[f64], b: &[f64]| {
        a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
    };
    let mut expected: Vec<Vec<u32>> = packages
        .iter()
        .filter(|(_, u)| !packages.iter().any(|(_, v)| dominates(v, u)))
        .map(|(outcome, _)| outcome.clone())
        .collect();
    expected.sort();
    assert!(expected.len() < packages.len() / 2, "the test needs dominated packages");
    let mut got: Vec<Vec<u32>> = analysis.frontier.iter().map(|p| p.outcome.clone()).collect();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(analysis.frontier_size, expected.len() as u128);
    // The keys of the frontier are far from saturating.
    let ties = huge.ties();
    for point in &analysis.frontier {
        for &u in &point.utilities {
            assert!(ties.key(u).unsigned_abs() < 1 << 40, "{u}");
        }
    }
    assert!(analysis.solutions.nash.is_some());
    if let Err(message) = crate::check::against_oracle(&huge, true) {
        panic!("{message}");
    }
    // Penalties are compared at the same scale.
    assert!(matches!(huge.red_lines()[0].cost, CrossingCost::Penalty(p) if p == 0.25 * scale));
}
