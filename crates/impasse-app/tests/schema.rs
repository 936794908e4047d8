//! The reports' JSON Schemas: `docs/schema/` holds exactly what the types generate, and every
//! report made on every shipped scenario and on the GENIUS fixture domains validates against it.
//!
//! After changing a report type, regenerate the files with
//! `IMPASSE_UPDATE_SCHEMAS=1 cargo test -p impasse-app --test schema`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use impasse_app::dynamics::DynamicsRequest;
use impasse_app::negotiate::NegotiateRequest;
use impasse_app::{AnalyzeRequest, Token};
use impasse_format::GeniusSemantics;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema(stem: &str) -> Value {
    let path = root().join(format!("docs/schema/{stem}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; run the schema test with IMPASSE_UPDATE_SCHEMAS=1", path.display())
    });
    serde_json::from_str(&text).unwrap()
}

/// Validates `report` against `docs/schema/<stem>.schema.json`, listing every violation.
fn assert_valid(stem: &str, what: &str, report: &impl serde::Serialize) {
    let instance = serde_json::to_value(report).unwrap();
    let validator = jsonschema::validator_for(&schema(stem)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: the {stem} report violates its schema:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_schema_files_are_what_the_types_generate() {
    let update = std::env::var_os("IMPASSE_UPDATE_SCHEMAS").is_some();
    let dir = root().join("docs/schema");
    let mut stale = Vec::new();
    for (stem, schema) in impasse_report::schema::schemas() {
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = dir.join(format!("{stem}.schema.json"));
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (regenerate with IMPASSE_UPDATE_SCHEMAS=1 cargo test -p impasse-app --test schema): {stale:?}"
    );
}

/// Every shipped scenario and every GENIUS fixture domain.
fn inputs() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            found.push(path);
        }
    }
    for (_, path) in
        impasse_app::tournament::collect(&root().join("crates/impasse-format/tests/data/genius"))
    {
        found.push(path);
    }
    found.sort();
    assert!(found.len() >= 10, "{found:?}");
    found
}

#[test]
fn every_report_on_every_shipped_scenario_and_genius_domain_validates() {
    let token = Token::new();
    let mut dynamics = 0;
    for path in inputs() {
        let what = path.display().to_string();
        let scenario = impasse_app::load(&path, &[], GeniusSemantics::Genius)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_valid("check", &what, &impasse_app::check(Ok(&scenario)));
        if let Ok(analyzed) = impasse_app::analyze(&scenario, &AnalyzeRequest::default()) {
            assert_valid("analysis", &what, &analyzed.report);
        }
        let scenario = Arc::new(scenario);
        let request = NegotiateRequest { steps: 60, repetitions: 2, ..NegotiateRequest::default() };
        match impasse_app::negotiate::negotiate(scenario.clone(), &request, &token) {
            Ok(negotiation) => assert_valid("negotiation", &what, &negotiation.report),
            Err(impasse_app::AppError::Unprocessable { code: "too_large", .. }) => {
                assert!(scenario.space().size_f64() > request.max_outcomes as f64, "{what}");
            }
            Err(err) => panic!("{what}: {err}"),
        }
        if let Ok(export) = impasse_app::export::export(&scenario) {
            assert_valid("export", &what, &export);
        }
        if scenario.conflict().is_some() {
            let load = |o: &[impasse_format::Override]| {
                impasse_app::load(&path, o, GeniusSemantics::Genius)
            };
            let request = DynamicsRequest { runs: 300, ..DynamicsRequest::default() };
            if let Ok(run) = impasse_app::dynamics::dynamics(&load, &what, &request, &token) {
                assert_valid("dynamics", &what, &run.report);
                dynamics += 1;
            }
        }
    }
    assert!(dynamics >= 2, "the dynamics report was checked on {dynamics} scenarios");
}

#[test]
fn a_sweep_and_a_tournament_validate() {
    let seed = root().join("scenarios/negotiation-impasse-2023.toml");
    let load =
        |o: &[impasse_format::Override]| impasse_app::load(&seed, o, GeniusSemantics::Genius);
    let request = DynamicsRequest {
        runs: 200,
        sweeps: vec!["conflict.balance=0.3:0.7:3".parse().unwrap()],
        ..DynamicsRequest::default()
    };
    let run = impasse_app::dynamics::dynamics(&load, "seed", &request, &Token::new()).unwrap();
    assert_eq!(run.report.points.len(), 3);
    assert_valid("dynamics", "sweep", &run.report);
    let scenario = Arc::new(
        impasse_app::load(
            &root().join("scenarios/distributive-price.toml"),
            &[],
            GeniusSemantics::Genius,
        )
        .unwrap(),
    );
    let setting = Arc::new(impasse_app::negotiate::prepare(scenario, u64::MAX).unwrap());
    let request = impasse_app::tournament::TournamentRequest {
        scenarios: vec![("price".into(), setting)],
        agents: impasse_app::negotiate::agents_by_name(&["boulware", "conceder"]).unwrap(),
        repetitions: 1,
        steps: 40,
        seed: 1,
        protocol: impasse_negotiate::tournament::Protocol::Sao,
        max_negotiations: 1000,
    };
    let tournament = request.prepare().unwrap();
    let mut rows = Vec::new();
    let report = impasse_app::tournament::run_in_memory(&tournament, &Token::new(), |batch| {
        rows.extend_from_slice(batch);
    })
    .unwrap();
    assert_valid("tournament", "tournament", &report);
    for row in &rows {
        assert_valid("tournament-row", "row", row);
    }
}
