//! Hand-made scenarios with answers worked out by hand.

use impasse_analysis::{AnalysisConfig, AnalysisError, ConstraintKind, Verdict, analyze};
use impasse_core::{ScenarioParts, Utility};
use impasse_testkit::build::{self, atom, categorical, one_issue, party, red_line, scenario};

/// One issue with three values; a wants 0, b wants 2.
fn split(lines: Vec<impasse_core::RedLine>, reservations: (f64, f64)) -> impasse_core::Scenario {
    scenario(ScenarioParts {
        name: "split".into(),
        issues: vec![categorical("x", 3)],
        parties: vec![
            party("a", Utility::new(vec![1.0], vec![vec![1.0, 0.5, 0.0]]), reservations.0),
            party("b", Utility::new(vec![1.0], vec![vec![0.0, 0.5, 1.0]]), reservations.1),
        ],
        red_lines: lines,
        proposals: vec![
            build::proposal("middle", vec![Some(1)]),
            build::proposal("open", vec![None]),
        ],
        ..ScenarioParts::default()
    })
}

#[test]
fn clashing_absolute_red_lines_are_an_impasse() {
    let scenario = split(
        vec![
            red_line("a_only", 0, atom(0, 3, &[0]), None),
            red_line("b_only", 1, atom(0, 3, &[2]), None),
        ],
        (0.0, 0.0),
    );
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    assert_eq!(analysis.verdict, Verdict::Impasse);
    assert_eq!(analysis.zone.size, 0);
    assert_eq!(analysis.zone.hard_feasible, 0);
    assert!(!analysis.zone.preconditions_compatible);
    assert_eq!(analysis.frontier_size, 3);
    assert_eq!(analysis.zone_frontier_size, 0);
    assert!(analysis.solutions.nash.is_none());
    // No package is hard-feasible: the closest are chosen among all, each violating a red line.
    assert_eq!(analysis.closest.len(), 3);
    for closest in &analysis.closest {
        // x = 1 crosses both lines, x = 0 and x = 2 one each.
        let crossed = if closest.point.outcome == [1] { 2 } else { 1 };
        assert_eq!(closest.hard_violations.len(), crossed, "{closest:?}");
        assert!(closest.shortfalls.iter().all(|&s| s == 0.0));
    }
    assert!(matches!(analysis.closest[0].hard_violations[0].kind, ConstraintKind::RedLine(_)));
}

#[test]
fn penalties_lower_what_the_holder_gets() {
    // b loses 0.3 below x = 2; it needs 0.4: only x = 2 (1.0) works for b, and a needs 0.
    let scenario = split(vec![red_line("b_wants_2", 1, atom(0, 3, &[2]), Some(0.3))], (0.0, 0.4));
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    assert_eq!(analysis.verdict, Verdict::AgreementPossible);
    assert_eq!(analysis.zone.size, 1);
    assert_eq!(analysis.zone.hard_feasible, 3);
    assert_eq!(analysis.zone_frontier.len(), 1);
    assert_eq!(analysis.zone_frontier[0].outcome, vec![2]);
    let nash = analysis.solutions.nash.as_ref().expect("nash");
    assert_eq!(nash.outcome, vec![2]);
    // The middle proposal: b gets 0.5 − 0.3 = 0.2 < 0.4.
    let middle = &analysis.proposals[0];
    assert_eq!(middle.completions, 1);
    assert!((middle.utilities[1].0 - 0.2).abs() < 1e-12);
    assert_eq!(middle.acceptable, vec![Some(true), Some(false)]);
    assert_eq!(middle.red_lines_crossed, vec![0]);
    assert!(!middle.in_zone);
    // The open proposal: everything is possible.
    let open = &analysis.proposals[1];
    assert_eq!(open.completions, 3);
    assert_eq!(open.acceptable, vec![Some(true), None]);
    assert_eq!(open.red_lines_maybe_crossed, vec![0]);
    assert!(open.in_zone);
    assert!(analysis.closest.is_empty());
}

#[test]
fn an_exact_tie_with_the_reservation_value_is_acceptable() {
    // 0.1 + 0.2 is not 0.3 in floating point, but it ties with it.
    let scenario = scenario(ScenarioParts {
        name: "tie".into(),
        issues: vec![categorical("x", 2), categorical("y", 2)],
        parties: vec![
            party("a", Utility::new(vec![1.0, 1.0], vec![vec![0.1, 0.0], vec![0.2, 0.0]]), 0.3),
            party("b", Utility::new(vec![1.0, 1.0], vec![vec![0.0, 0.5], vec![0.0, 0.5]]), 0.0),
        ],
        ..ScenarioParts::default()
    });
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    assert_eq!(analysis.zone.size, 1);
    assert_eq!(analysis.zone_frontier[0].outcome, vec![0, 0]);
}

#[test]
fn the_frontier_list_is_cut_but_counted_exactly() {
    let scenario = one_issue(0.0, 1.0, 1001, |x| x, |x| 1.0 - x, (0.0, 0.0));
    let config = AnalysisConfig { max_frontier: 10, ..AnalysisConfig::default() };
    let analysis = analyze(&scenario, &config).expect("analysis");
    assert_eq!(analysis.frontier.len(), 10);
    assert_eq!(analysis.frontier_size, 1001);
    assert_eq!(analysis.frontier[0].utilities[0], 1.0);
    assert_eq!(analysis.zone_frontier.len(), 10);
    assert!(
        analysis
            .notes
            .iter()
            .any(|note| note == "issue 'x' (real interval) is analysed on 1001 points")
    );
}

#[test]
fn interchangeable_values_are_counted_through_their_class() {
    // Values 1 and 2 of issue x are worth the same to both parties: they form one class.
    let scenario = scenario(ScenarioParts {
        name: "classes".into(),
        issues: vec![categorical("x", 3), categorical("y", 2)],
        parties: vec![
            party(
                "a",
                Utility::new(vec![1.0, 1.0], vec![vec![1.0, 0.0, 0.0], vec![0.0, 0.5]]),
                0.0,
            ),
            party(
                "b",
                Utility::new(vec![1.0, 1.0], vec![vec![0.0, 1.0, 1.0], vec![0.5, 0.0]]),
                0.0,
            ),
        ],
        ..ScenarioParts::default()
    });
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    assert_eq!(analysis.classes, 4);
    assert_eq!(analysis.zone.space_size, 6);
    assert_eq!(analysis.zone.size, 6);
    // Frontier: (1.5, 0) at [0,1], (1, 0.5) at [0,0], (0.5, 1) at [1,1]x2, (0, 1.5) at [1,0]x2.
    let listed: Vec<(Vec<u32>, u128)> =
        analysis.frontier.iter().map(|p| (p.outcome.clone(), p.count)).collect();
    assert_eq!(listed, vec![(vec![0, 1], 1), (vec![0, 0], 1), (vec![1, 1], 2), (vec![1, 0], 2)]);
    assert_eq!(analysis.frontier_size, 6);
    assert!(
        analysis
            .notes
            .iter()
            .any(|note| note.contains("6 packages are analysed as 4 class outcomes"))
    );
    // Utilitarian: every package sums to 1.5; the tie goes to the best package for party 0.
    assert_eq!(
        analysis.solutions.utilitarian.as_ref().map(|p| p.outcome.clone()),
        Some(vec![0, 1])
    );
}

#[test]
fn tied_packages_of_different_classes_are_all_listed() {
    // (x, y) = (0, 1) and (1, 0) are worth the same to both parties but are different classes.
    let scenario = scenario(ScenarioParts {
        name: "ties".into(),
        issues: vec![categorical("x", 2), categorical("y", 2)],
        parties: vec![
            party("a", Utility::new(vec![1.0, 1.0], vec![vec![0.5, 0.0], vec![0.0, 0.5]]), 0.0),
            party("b", Utility::new(vec![1.0, 1.0], vec![vec![0.0, 0.25], vec![0.25, 0.0]]), 0.0),
        ],
        ..ScenarioParts::default()
    });
    let analysis = analyze(&scenario, &AnalysisConfig::default()).expect("analysis");
    let listed: Vec<Vec<u32>> = analysis.frontier.iter().map(|p| p.outcome.clone()).collect();
    // All four packages: (0.5, 0.25) twice, (1, 0) and (0, 0.5).
    assert_eq!(listed, vec![vec![0, 1], vec![0, 0], vec![1, 1], vec![1, 0]]);
    assert_eq!(analysis.frontier_size, 4);
    let nash = analysis.solutions.nash.as_ref().expect("nash");
    assert_eq!(nash.outcome, vec![0, 0]);
}

#[test]
fn spaces_above_the_limit_are_refused() {
    let scenario = one_issue(0.0, 1.0, 1001, |x| x, |x| 1.0 - x, (0.0, 0.0));
    let config = AnalysisConfig { max_outcomes: 1000, ..AnalysisConfig::default() };
    let err = analyze(&scenario, &config).unwrap_err();
    assert!(matches!(err, AnalysisError::TooLarge { limit: 1000, .. }));
    // The message speaks of the model's limit, not of a front end's flag.
    let message = err.to_string();
    assert!(message.contains("the outcome limit for exact analysis (max_outcomes = 1000)"));
    assert!(!message.contains("--"), "{message}");
}
