//! The assessment of a scenario's conflict: models driven by the scenario, checked against the
//! reference's oracle values.

use std::path::Path;

use impasse_dynamics::assess::{AssessConfig, Models, Run, assess};
use impasse_format::{NativeSyntax, Override, parse_native};

/// The border province with its power trajectory flattened (so that no commitment problem stops
/// the learning models), and `overrides`.
fn border_province(overrides: &[&str]) -> impasse_core::Scenario {
    let mut all = vec!["conflict.trajectory.1=0.5", "conflict.trajectory.2=0.5"];
    all.extend_from_slice(overrides);
    border_province_as_is(&all)
}

fn border_province_as_is(overrides: &[&str]) -> impasse_core::Scenario {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/power-shift-ripeness.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let overrides: Vec<Override> = overrides.iter().map(|o| o.parse().unwrap()).collect();
    parse_native(&text, "power-shift-ripeness.toml", NativeSyntax::Toml, &overrides).unwrap()
}

const CONFIG: AssessConfig =
    AssessConfig { runs: 100_000, seed: 3, horizon: None, stalemate: 0.1, models: Models::ALL };

#[test]
fn the_screening_model_reads_the_scenario_and_reproduces_the_reference() {
    // The reference's BWF-2 case (p = .5, r = .1, δ = .95, c_A = .02, c_R = .01, c_I = .05): the
    // border province has stakes of 1, so the scenario's costs are the model's.
    let scenario = border_province(&[
        "conflict.discount=0.95",
        "conflict.costs.north=0.02",
        "conflict.dynamics.decisive=0.1",
        "conflict.dynamics.resolve_prior=0.1",
        "conflict.dynamics.resolved_cost=0.01",
        "conflict.dynamics.irresolute_cost=0.05",
    ]);
    let a = assess(&scenario, &CONFIG).unwrap();
    let Run::Ran(s) = &a.screening else { panic!("{:?}", a.screening) };
    assert!((s.first_threshold - 0.347826).abs() < 1e-6);
    assert_eq!(s.region, 2);
    assert!((s.expected_fought_rounds - 0.3775).abs() < 1e-4);
    assert!((s.p_settle - 0.96225).abs() < 1e-5);
    let se = (s.p_settle * (1.0 - s.p_settle) / 1e5).sqrt();
    assert!((s.simulated.p_settled() - s.p_settle).abs() < 4.0 * se);
    // The learning model lacks its assumptions and says which.
    let Run::Skipped(why) = &a.learning else { panic!("learning should be skipped") };
    assert!(why.contains("front_length") && why.contains("belief_b"), "{why}");
}

#[test]
fn the_learning_model_matches_its_exact_chain_and_attrition_its_closed_form() {
    let scenario = border_province(&[
        "conflict.dynamics.front_length=8",
        "conflict.dynamics.front_position=3",
        "conflict.dynamics.advance=0.45",
        "conflict.dynamics.belief_a=[3, 7]",
        "conflict.dynamics.belief_b=[7, 3]",
    ]);
    let a = assess(&scenario, &CONFIG).unwrap();
    let Run::Ran(l) = &a.learning else { panic!("{:?}", a.learning) };
    // Costs .05 + .05 = .1 with Beta(3,7) against Beta(7,3): t* = 30.
    assert_eq!(l.t_star, Some(30));
    let p = l.exact.settled;
    let se = (p * (1.0 - p) / 1e5).sqrt();
    assert!((l.simulated.p_settled() - p).abs() < 4.0 * se, "{} vs {p}", l.simulated.p_settled());
    // Attrition: stakes 1, costs .05 each: λ = .05 per side, E[T] = 10 rounds, even odds.
    let Run::Ran(w) = &a.attrition else { panic!("{:?}", a.attrition) };
    assert!((w.expected_rounds - 10.0).abs() < 1e-12 && (w.p_a_concedes_first - 0.5).abs() < 1e-12);
    assert!(matches!(a.screening, Run::Skipped(_)));
    assert_eq!(a.horizon, 200);
    assert!((a.range.0 - 0.45).abs() < 1e-12 && (a.range.1 - 0.55).abs() < 1e-12);
}

#[test]
fn unequal_prior_strengths_have_no_closed_form_t_star_but_an_exact_chain() {
    let scenario = border_province(&[
        "conflict.dynamics.decisive=0.1",
        "conflict.dynamics.resolve_prior=0.1",
        "conflict.dynamics.resolved_cost=0.01",
        "conflict.dynamics.irresolute_cost=0.05",
        "conflict.dynamics.front_length=8",
        "conflict.dynamics.front_position=3",
        "conflict.dynamics.advance=0.45",
        "conflict.dynamics.belief_a=[3, 7]",
        "conflict.dynamics.belief_b=[7, 5]",
    ]);
    let a = assess(
        &scenario,
        &AssessConfig {
            runs: 1000,
            seed: 1,
            horizon: Some(50),
            stalemate: 0.1,
            models: Models::ALL,
        },
    )
    .unwrap();
    assert_eq!(a.horizon, 50);
    // Unequal prior strengths: no closed-form t*, but the exact chain and the simulation run.
    let Run::Ran(l) = &a.learning else { panic!("{:?}", a.learning) };
    assert_eq!(l.t_star, None);
    assert!(
        (l.exact.settled + l.exact.decided_a + l.exact.decided_b + l.exact.ongoing - 1.0).abs()
            < 1e-9
    );
}

#[test]
fn a_commitment_problem_stops_the_learning_models() {
    // North gains 0.6 → 0.8 in one period: South fights now (the analysis crate's check).
    let learning = [
        "conflict.dynamics.front_length=8",
        "conflict.dynamics.front_position=3",
        "conflict.dynamics.advance=0.45",
        "conflict.dynamics.belief_a=[3, 7]",
        "conflict.dynamics.belief_b=[7, 3]",
    ];
    let a = assess(&border_province_as_is(&learning), &CONFIG).unwrap();
    assert!(a.commitment.as_ref().unwrap().problem);
    for run in [
        a.learning.clone().map_skip(),
        a.screening.clone().map_skip(),
        a.way_out.clone().map_skip(),
    ] {
        assert!(run.unwrap().contains("commitment problem"));
    }
    assert!(matches!(a.attrition, Run::Ran(_)), "attrition is not a learning model");
    let a = assess(&border_province(&learning), &CONFIG).unwrap();
    assert!(!a.commitment.as_ref().unwrap().problem);
    assert!(matches!(a.learning, Run::Ran(_)) && matches!(a.way_out, Run::Ran(_)));
}

trait Skip {
    fn map_skip(self) -> Option<String>;
}

impl<T> Skip for Run<T> {
    fn map_skip(self) -> Option<String> {
        match self {
            Run::Ran(_) => None,
            Run::Skipped(why) => Some(why),
        }
    }
}
