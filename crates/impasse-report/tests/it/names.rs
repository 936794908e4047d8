//! For every GENIUS domain of the shared collection and of the format crate's fixtures, the JSON
//! report names issues, values and parties exactly as its XML files do, and so does the text
//! report (see: #10). The oracle reads the XML text independently
//! ([`impasse_testkit::genius::names_in`]).

use std::path::Path;

use impasse_analysis::{AnalysisConfig, analyze};
use impasse_format::load_genius_folder;
use impasse_report::{AnalysisReport, render_text};
use impasse_testkit::genius::{GeniusNames, domain_folders, names_in};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../impasse-format/tests/data");

/// Domains above this many packages are not analysed (a debug-build test budget); they are
/// listed, not skipped silently.
const LIMIT: u64 = 1_000_000;

/// Checks one point of the report: its package keys are the issue names in order, each value one
/// of its issue's values as written, its utilities keyed by the party names in order.
#[track_caller]
fn check_point(what: &str, point: &Value, names: &GeniusNames) {
    let outcome = point["outcome"].as_object().expect("an outcome object");
    let keys: Vec<&str> = outcome.keys().map(String::as_str).collect();
    let issues: Vec<&str> = names.issues.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(keys, issues, "{what}: package keys");
    for ((_, values), value) in names.issues.iter().zip(outcome.values()) {
        match value {
            Value::String(label) => assert!(values.contains(label), "{what}: value {label:?}"),
            Value::Number(_) => assert!(values.is_empty(), "{what}: a number for an integer issue"),
            other => panic!("{what}: value {other}"),
        }
    }
    let parties: Vec<&str> =
        point["utilities"].as_object().expect("utilities").keys().map(String::as_str).collect();
    assert_eq!(parties, names.parties, "{what}: utility keys");
}

/// Checks a folder's report; returns `false` when its space is above [`LIMIT`].
fn check(folder: &Path) -> bool {
    let what = folder.display().to_string();
    let scenario = load_genius_folder(folder).unwrap_or_else(|diags| panic!("{what}: {diags}"));
    if scenario.space().size().is_none_or(|size| size > LIMIT) {
        return false;
    }
    let names = names_in(folder);
    let config = AnalysisConfig {
        max_frontier: 50,
        max_clashes: 4,
        max_closest: 3,
        ..AnalysisConfig::default()
    };
    let analysis = analyze(&scenario, &config).unwrap_or_else(|err| panic!("{what}: {err}"));
    let report = AnalysisReport::new(&scenario, &analysis);
    let json = serde_json::to_value(&report).expect("serialises");
    let parties = json["scenario"]["parties"].as_array().expect("parties");
    let party_ids: Vec<&str> = parties.iter().map(|party| party["id"].as_str().unwrap()).collect();
    let party_names: Vec<&str> =
        parties.iter().map(|party| party["name"].as_str().unwrap()).collect();
    assert_eq!(party_ids, names.parties, "{what}: party ids");
    assert_eq!(party_names, names.parties, "{what}: party names");
    let issues = json["scenario"]["issues"].as_array().expect("issues");
    for (issue, (name, _)) in issues.iter().zip(&names.issues) {
        assert_eq!(issue["id"], name.as_str(), "{what}: issue id");
        assert_eq!(issue["name"], name.as_str(), "{what}: issue name");
    }
    assert_eq!(issues.len(), names.issues.len(), "{what}");
    let frontier = json["pareto_frontier"].as_array().expect("frontier");
    assert!(!frontier.is_empty(), "{what}: a frontier");
    let solutions = json["solutions"].as_object().expect("solutions");
    let points = frontier
        .iter()
        .chain(json["zone_pareto_frontier"].as_array().expect("zone frontier"))
        .chain(json["closest"].as_array().expect("closest"))
        .chain(solutions.values().filter(|point| !point.is_null()));
    for point in points {
        check_point(&what, point, &names);
    }
    // The text report writes packages as `issue=value` with the names as written.
    let text = render_text(&report);
    let first = &frontier[0]["outcome"];
    for (issue, value) in first.as_object().expect("outcome") {
        let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        assert!(text.contains(&format!("{issue}={value}")), "{what}: text shows {issue}={value}");
    }
    for party in &names.parties {
        assert!(text.contains(party.as_str()), "{what}: text names {party}");
    }
    true
}

#[test]
fn every_shared_domain_reports_its_names_as_written() {
    let root = impasse_testkit::genius::shared_domains().expect(
        "the shared GENIUS collection (../shared/genius-domains) is missing: the test needs it",
    );
    let root = root.as_path();
    assert!(root.is_dir(), "{} is missing: the names test needs it", root.display());
    let folders = domain_folders(root);
    assert!(folders.len() >= 100, "only {} domains", folders.len());
    let mut too_large: Vec<String> = Vec::new();
    for folder in &folders {
        if !check(folder) {
            too_large.push(folder.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    // Listed, so that nothing is left out silently: their names are checked on the scenario by
    // impasse-format's `tests/names.rs`.
    assert_eq!(too_large, ["10issues"], "domains above {LIMIT} packages");
}

#[test]
fn the_fixtures_report_their_names_as_written() {
    for root in ["genius", "genius-quirks"] {
        let root = Path::new(FIXTURES).join(root);
        let folders = domain_folders(&root);
        assert!(folders.len() >= 2, "{}", root.display());
        for folder in folders {
            let large = folder.ends_with("10issues");
            assert_eq!(check(&folder), !large, "{}", folder.display());
        }
    }
}
