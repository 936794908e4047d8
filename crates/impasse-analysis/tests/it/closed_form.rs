//! The closed-form oracles of the reference (bargaining models §4.3), on fine discretisations of
//! one real issue.

use impasse_analysis::{AnalysisConfig, Point, analyze};
use impasse_testkit::build::one_issue;

fn utilities(point: &Option<Point>) -> (f64, f64) {
    match point {
        Some(point) => (point.net_utilities[0], point.net_utilities[1]),
        None => panic!("expected a solution"),
    }
}

fn assert_near(what: &str, got: (f64, f64), want: (f64, f64), tolerance: f64) {
    assert!(
        (got.0 - want.0).abs() <= tolerance && (got.1 - want.1).abs() <= tolerance,
        "{what}: got {got:?}, expected {want:?} (±{tolerance})"
    );
}

/// Frontier `u1 + u2 = 1` with disagreement point `d`: Nash = KS = egalitarian =
/// `d + ((1 − d1 − d2)/2)(1, 1)`.
#[test]
fn linear_frontier() {
    for d in [(0.0, 0.0), (0.1, 0.3), (0.25, 0.05)] {
        let scenario = one_issue(0.0, 1.0, 1001, |x| x, |x| 1.0 - x, d);
        let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
        let t = (1.0 - d.0 - d.1) / 2.0;
        let want = (d.0 + t, d.1 + t);
        let solutions = &analysis.solutions;
        assert_near("nash", utilities(&solutions.nash), want, 1e-9);
        assert_near("kalai-smorodinsky", utilities(&solutions.kalai_smorodinsky), want, 1e-9);
        assert_near("egalitarian", utilities(&solutions.egalitarian), want, 1e-9);
        // Every package sums to 1: the utilitarian tie goes to the best package for party 0.
        let utilitarian = utilities(&solutions.utilitarian);
        assert_near("utilitarian", utilitarian, (1.0 - d.1, d.1), 1e-9);
        assert_eq!(analysis.frontier_size, 1001);
    }
}

/// Frontier `u2 = 1 − u1²`, `d = 0`: Nash = `(1/√3, 2/3)`, KS = egalitarian = `(φ − 1, φ − 1)`.
#[test]
fn concave_frontier() {
    let scenario = one_issue(0.0, 1.0, 100_001, |x| x, |x| 1.0 - x * x, (0.0, 0.0));
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    let solutions = &analysis.solutions;
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    assert_near("nash", utilities(&solutions.nash), (1.0 / 3f64.sqrt(), 2.0 / 3.0), 2e-5);
    assert_near(
        "kalai-smorodinsky",
        utilities(&solutions.kalai_smorodinsky),
        (golden, golden),
        2e-5,
    );
    assert_near("egalitarian", utilities(&solutions.egalitarian), (golden, golden), 2e-5);
    // Near x = 0, 1 − x² ties with 1 at the 1e-9 resolution, so a few grid points are dominated.
    assert!(analysis.frontier_size > 99_990 && analysis.frontier_size <= 100_001);
    assert_eq!(analysis.zone.size, 100_001);
}

/// Frontier `u1/2 + u2 = 1`, `d = 0`: Nash = KS = `(1, 0.5)`, egalitarian = `(2/3, 2/3)`: the
/// example that separates the egalitarian solution from KS.
#[test]
fn tilted_frontier() {
    let scenario = one_issue(0.0, 2.0, 2001, |x| x, |x| 1.0 - x / 2.0, (0.0, 0.0));
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    let solutions = &analysis.solutions;
    assert_near("nash", utilities(&solutions.nash), (1.0, 0.5), 1e-9);
    assert_near("kalai-smorodinsky", utilities(&solutions.kalai_smorodinsky), (1.0, 0.5), 1e-9);
    assert_near("egalitarian", utilities(&solutions.egalitarian), (2.0 / 3.0, 2.0 / 3.0), 1e-3);
    assert_near("utilitarian", utilities(&solutions.utilitarian), (2.0, 0.0), 1e-9);
}
