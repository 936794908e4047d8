//! End-to-end tests of the `impasse` binary: exit codes, the JSON schema, overrides, bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn impasse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impasse"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the impasse binary runs")
}

#[track_caller]
fn json(args: &[&str]) -> Value {
    let mut full = args.to_vec();
    full.extend(["--format", "json"]);
    let output = impasse(&full);
    assert!(
        output.status.success(),
        "impasse {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("valid JSON on stdout")
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impasse-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

const SEED: &str = "scenarios/negotiation-impasse-2023.toml";

#[test]
fn the_seed_is_an_impasse_with_the_positions_clash_named() {
    let report = json(&["analyze", SEED]);
    assert_eq!(report["format_version"], 1);
    assert_eq!(report["verdict"], "impasse");
    assert_eq!(report["agreement_zone"]["size"], 0);
    assert!(report["solutions"]["nash"].is_null());
    let clashes = report["clashes"].as_array().expect("clashes");
    assert!(!clashes.is_empty());
    let members: Vec<(String, String)> = clashes
        .iter()
        .flat_map(|set| set.as_array().expect("a clash is a list").iter())
        .map(|member| {
            (
                member["party"].as_str().unwrap_or_default().to_owned(),
                member["constraint"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(members.iter().any(|(party, _)| party == "russia"));
    assert!(members.iter().any(|(party, _)| party == "usa"));
    assert!(
        members.iter().any(|(_, constraint)| constraint == "withdrawal_first"),
        "the White House's precondition is part of a clash: {members:?}"
    );
    assert!(!report["closest"].as_array().expect("closest").is_empty());
    let ripeness = &report["ripeness"];
    assert_eq!(ripeness["zone_today"], false);
    assert!(!ripeness["balance_intervals"].as_array().expect("intervals").is_empty());
    for key in ["pareto_frontier", "proposals", "agreement_zone", "solutions"] {
        assert!(!report[key].is_null(), "{key} present");
    }
    let proposals = report["proposals"].as_array().expect("proposals");
    assert_eq!(proposals.len(), 3);
    assert!(proposals.iter().all(|proposal| proposal["in_zone"] == false));
}

#[test]
fn shifting_the_balance_past_the_threshold_opens_a_zone() {
    let report = json(&["analyze", SEED]);
    let target =
        report["ripeness"]["balance_shift"]["target"].as_f64().expect("a shift opens a zone");
    let opened = json(&["analyze", SEED, "--set", &format!("conflict.balance={target}")]);
    assert_eq!(opened["verdict"], "agreement_possible");
    assert!(opened["solutions"]["nash"].is_object());
    let step = if target < 0.5 { 0.01 } else { -0.01 };
    let closed = json(&["analyze", SEED, "--set", &format!("conflict.balance={}", target + step)]);
    assert_eq!(closed["verdict"], "impasse");
}

#[test]
fn examples_give_the_verdicts_worked_out_by_hand() {
    let distributive = json(&["analyze", "scenarios/distributive-price.toml"]);
    assert_eq!(distributive["verdict"], "agreement_possible");
    assert_eq!(distributive["agreement_zone"]["size"], 21);
    let integrative = json(&["analyze", "scenarios/integrative-logrolling.toml"]);
    assert_eq!(integrative["agreement_zone"]["size"], 117);
    let nash = &integrative["solutions"]["nash"]["utilities"];
    let total: f64 = nash.as_object().expect("utilities").values().filter_map(Value::as_f64).sum();
    assert!((total - 1.5).abs() < 1e-9, "logrolling reaches the welfare maximum: {nash}");
    let ripe = json(&["analyze", "scenarios/power-shift-ripeness.toml"]);
    assert_eq!(ripe["verdict"], "impasse");
    assert_eq!(ripe["ripeness"]["commitment"]["problem"], true);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = json(&["analyze", SEED, "--threads", "1"]);
    let two = json(&["analyze", SEED, "--threads", "2"]);
    assert_eq!(one, two);
}

#[test]
fn genius_domains_are_analysed() {
    let report = json(&["analyze", "crates/impasse-format/tests/data/genius/y2012/CameraB"]);
    assert_eq!(report["scenario"]["outcomes"], 3600);
    assert_eq!(report["verdict"], "agreement_possible");
    assert!(report["solutions"]["nash"]["utilities"].is_object());
}

#[test]
fn bad_input_exits_2_with_every_problem_located() {
    let path = temp_file(
        "bad.toml",
        "format_version = 1\n[scenario]\nname = \"x\"\n[parties.a]\nname = 3\n[issues.i]\nname = \"i\"\ntype = \"sorted\"\n",
    );
    let output = impasse(&["analyze", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.toml:5:"), "{stderr}");
    assert!(stderr.contains("bad.toml:8:"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_overrides_and_missing_files_exit_2() {
    let output = impasse(&["analyze", SEED, "--set", "conflict.nonsense=1"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("conflict.nonsense"));
    let output = impasse(&["analyze", "no/such/file.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let output = impasse(&["analyze", SEED, "--set", "novalue"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn huge_spaces_are_refused_clearly() {
    let output = impasse(&["analyze", SEED, "--max-outcomes", "100"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("above the limit"));
}
