//! The limits policy holds in every entry the front ends call (issue 11): a count past its bound
//! is refused before any work, naming the field and the bound.

use std::sync::Arc;

use impasse_app::dynamics::{DynamicsRequest, Sweep, dynamics};
use impasse_app::negotiate::{NegotiateRequest, negotiate};
use impasse_app::tournament::TournamentConfig;
use impasse_app::{AppError, Token};
use impasse_format::GeniusSemantics;

fn seed() -> impasse_core::Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/negotiation-impasse-2023.toml");
    impasse_app::load(&path, &[], GeniusSemantics::Genius).expect("the seed loads")
}

fn field_error(err: AppError) -> (&'static str, String) {
    match err {
        AppError::Field { field, message } => (field, message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn dynamics_refuses_runs_horizons_and_grids_past_their_bounds() {
    let scenario = seed();
    let load = |_: &[impasse_format::Override]| Ok(scenario.clone());
    let token = Token::new();
    let run = |request: DynamicsRequest| dynamics(&load, "seed", &request, &token).unwrap_err();

    let (field, message) =
        field_error(run(DynamicsRequest { runs: 1_000_000_000_000_000, ..Default::default() }));
    assert_eq!(field, "runs");
    assert!(message.contains("limit of 100,000,000"), "{message}");

    let (field, message) =
        field_error(run(DynamicsRequest { horizon: Some(u32::MAX), ..Default::default() }));
    assert_eq!(field, "horizon");
    assert!(message.contains("4,294,967,295 rounds"), "{message}");

    // Two sweeps of 5,000 and 2 points: 10,000 points, within the grid bound, but 10^7 runs on
    // each of four models is 4·10^11 replications in all.
    let sweeps: Vec<Sweep> = ["conflict.balance=0.1:0.9:5000", "conflict.discount=0.5:0.9:2"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let (field, message) =
        field_error(run(DynamicsRequest { runs: 10_000_000, sweeps, ..Default::default() }));
    assert_eq!(field, "runs");
    assert!(message.contains("replications in all"), "{message}");

    let err = "conflict.balance=0:1:10001".parse::<Sweep>().unwrap_err();
    let (field, message) = field_error(err);
    assert_eq!(field, "sweep");
    assert!(message.starts_with("'conflict.balance=0:1:10001': 10,001 sweep points"), "{message}");
}

#[test]
fn negotiate_refuses_steps_and_repetitions_past_their_bounds() {
    let scenario = Arc::new(seed());
    for (request, expected) in [
        (NegotiateRequest { steps: u32::MAX, ..Default::default() }, "steps"),
        (NegotiateRequest { repetitions: u32::MAX, ..Default::default() }, "repetitions"),
    ] {
        let err = negotiate(scenario.clone(), &request, &Token::new()).unwrap_err();
        let (field, message) = field_error(err);
        assert_eq!(field, expected);
        assert!(message.contains("above the limit of 10,000,000"), "{message}");
    }
    // Each within its bound, but 10^12 steps in all.
    let request =
        NegotiateRequest { steps: 10_000_000, repetitions: 100_000, ..Default::default() };
    let (field, message) = field_error(negotiate(scenario, &request, &Token::new()).unwrap_err());
    assert_eq!(field, "steps");
    assert!(message.contains("1,000,000,000,000 negotiation steps in all"), "{message}");
}

#[test]
fn a_tournament_configuration_past_a_bound_is_refused_at_the_value() {
    let text =
        "scenarios = [\"a.toml\"]\nagents = [\"all\"]\noutput = \"out\"\nsteps = 4000000000\n";
    let err = TournamentConfig::parse(text, "t.toml").unwrap_err().to_string();
    assert!(err.starts_with("t.toml:4:9: `steps`: 4,000,000,000 steps"), "{err}");
    let text =
        "scenarios = [\"a.toml\"]\nagents = [\"all\"]\noutput = \"out\"\nrepetitions = 20000000\n";
    let err = TournamentConfig::parse(text, "t.toml").unwrap_err().to_string();
    assert!(err.starts_with("t.toml:4:15: `repetitions`"), "{err}");
    assert!(err.contains("IMPASSE_LIMITS=repetitions=N"), "{err}");
}
