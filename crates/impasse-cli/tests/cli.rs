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
/// The one point of a `dynamics --format json` report without a sweep.
fn point(args: &[&str]) -> Value {
    let report = json(args);
    assert_eq!(report["sweep"], serde_json::json!([]), "{report}");
    report["points"][0].clone()
}

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

// See: #10 (names as written; load what GENIUS loads, with a warning).
#[test]
fn genius_quirks_are_analysed_with_a_warning_and_names_as_written() {
    let folder = "crates/impasse-format/tests/data/genius-quirks/NoObjective";
    let output = impasse(&["analyze", folder, "--format", "json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "warning: {folder}/Job-prof2.xml:2:1: the profile has no <objective>"
        )),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let nash = report["solutions"]["nash"]["outcome"].as_object().expect("a Nash package");
    let keys: Vec<&str> = nash.keys().map(String::as_str).collect();
    assert_eq!(keys, ["work from home", "Duration (weeks)", "Salary"]);
    let parties: Vec<&str> = report["scenario"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|party| party["id"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["Job-prof1", "Job-prof2"]);
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
    // The library names the model's limit; the CLI adds its flag.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("above the outcome limit for exact analysis (max_outcomes = 100)"));
    assert!(stderr.contains("set the limit with --max-outcomes"), "{stderr}");
}

const HOLDERS: &str = "red-line-holder,red-line-holder,red-line-holder,red-line-holder,red-line-holder,red-line-holder";

#[test]
fn red_line_holders_stop_at_the_seed_clash_and_agree_once_the_balance_shifts() {
    let report = json(&["negotiate", SEED, "--agents", HOLDERS]);
    assert_eq!(report["agreement"], Value::Null);
    assert_eq!(report["end"], "deadline");
    let why = &report["why_no_agreement"];
    assert_eq!(why["zone_of_agreement"], "empty");
    let named: Vec<&str> = why["clashes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c.as_array().unwrap().iter().map(|m| m["constraint"].as_str().unwrap()))
        .collect();
    assert!(
        named.contains(&"withdrawal_first") && named.contains(&"hold_new_territories"),
        "{named:?}"
    );
    let text = impasse(&["negotiate", SEED, "--agents", HOLDERS]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Why no agreement") && text.contains("withdrawal_first"), "{text}");
    // Past the ripeness threshold (balance 0.311) the same agents agree, on a package every party
    // accepts.
    let report = json(&["negotiate", SEED, "--agents", HOLDERS, "--set", "conflict.balance=0.3"]);
    assert_eq!(report["end"], "agreement");
    let (u, r) =
        (report["utilities"].as_object().unwrap(), report["reservation"].as_object().unwrap());
    assert!(u.iter().all(|(p, v)| v.as_f64().unwrap() >= r[p].as_f64().unwrap()));
    assert!(report["agreement"]["donbas"].is_string());
}

#[test]
fn negotiate_reports_agreement_utilities_steps_and_trace() {
    let folder = "crates/impasse-format/tests/data/genius/y2012/CameraB";
    let report = json(&["negotiate", folder, "--agents", "boulware,conceder", "--steps", "100"]);
    let trace = report["trace"].as_array().unwrap();
    let steps = report["steps"].as_u64().unwrap();
    assert!(report["agreement"].is_object());
    assert_eq!(report["utilities"].as_object().unwrap().len(), 2);
    // NegMAS's step count: the agreement's step plus one; offers alternate a, b, a, …
    assert_eq!(trace.last().unwrap()["step"].as_u64().unwrap() + 1, steps);
    assert_eq!(trace[0]["proposer"], "Camera-B-prof1", "parties named by their file stems");
    assert_eq!(trace[1]["proposer"], "Camera-B-prof2");
    assert_eq!(trace.len() as u64, report["offers"].as_u64().unwrap());
    let agreed = &report["agreement"];
    assert!(trace.iter().any(|t| &t["outcome"] == agreed));
    // Repetitions report throughput; the trace goes to a file.
    let path = temp_file("trace.csv", "");
    let report = json(&[
        "negotiate",
        folder,
        "--agents",
        "linear,tft",
        "--repetitions",
        "20",
        "--trace",
        path.to_str().unwrap(),
    ]);
    assert_eq!(report["throughput"]["repetitions"], 20);
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("step,time,proposer,outcome_index,Maker,"), "{csv}");
    assert_eq!(csv.lines().count() as u64, report["offers"].as_u64().unwrap() + 1);
}

#[test]
fn unknown_agents_and_wrong_counts_exit_2_listing_what_is_valid() {
    let out = impasse(&["negotiate", SEED, "--agents", "bolware"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown agent 'bolware'") && err.contains("red-line-holder"), "{err}");
    let out = impasse(&["negotiate", SEED, "--agents", "boulware,linear"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 agents given for 6 parties (russia, usa, eu, ukraine, china, india)"),
        "{err}"
    );
    let out = impasse(&["negotiate", "--list-agents"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("naive-tit-for-tat"));
}

#[test]
fn tournaments_run_rank_and_reject_bad_configs() {
    let dir = std::env::temp_dir().join(format!("impasse-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let genius = repo().join("crates/impasse-format/tests/data/genius/y2012");
    let config = dir.join("t.toml");
    std::fs::write(
        &config,
        format!(
            "scenarios = [{:?}]\nagents = [\"boulware\", \"conceder\", \"random\"]\nrepetitions = 2\nsteps = 40\nseed = 1\noutput = \"out\"\n",
            genius.display().to_string()
        ),
    )
    .unwrap();
    let out = impasse(&["tournament", config.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rank") && stdout.contains("boulware"), "{stdout}");
    let rows = std::fs::read_to_string(dir.join("out/rows.jsonl")).unwrap();
    let first = rows.clone();
    // Running again finds every row done and redoes nothing.
    let out = impasse(&["tournament", config.to_str().unwrap(), "--quiet"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ran 0 in"));
    assert_eq!(std::fs::read_to_string(dir.join("out/rows.jsonl")).unwrap(), first);
    // Bad configs.
    std::fs::write(&config, "scenarios = [\"x\"]\nagents = [\"nope\"]\noutput = \"o\"\n").unwrap();
    let out = impasse(&["tournament", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("valid agents: boulware"));
    std::fs::write(&config, "scenarios = [\"missing\"]\nagents = [\"linear\"]\noutput = \"o\"\n")
        .unwrap();
    let out = impasse(&["tournament", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn geniusweb_folders_negotiate_and_native_scenarios_export_to_genius() {
    let report = json(&[
        "negotiate",
        "crates/impasse-format/tests/data/geniusweb/party",
        "--agents",
        "boulware,opponent-model",
    ]);
    assert_eq!(report["utilities"].as_object().unwrap().len(), 2);
    assert!(report["agreement"]["Food"].is_string());
    // Export, read back as GENIUS: same verdict and zone size as the native file.
    let dir = std::env::temp_dir().join(format!("impasse-export-{}", std::process::id()));
    let out =
        impasse(&["export", "scenarios/distributive-price.toml", "--to", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3, "domain and two profiles");
    let native = json(&["analyze", "scenarios/distributive-price.toml"]);
    let genius = json(&["analyze", dir.to_str().unwrap()]);
    assert_eq!(native["verdict"], genius["verdict"]);
    assert_eq!(native["agreement_zone"]["size"], genius["agreement_zone"]["size"]);
    // Overrides are for native files only.
    let out = impasse(&["analyze", dir.to_str().unwrap(), "--set", "conflict.balance=0.3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("native scenario files only"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dynamics_reports_models_skips_missing_assumptions_and_sweeps() {
    let report = point(&["dynamics", "scenarios/power-shift-ripeness.toml", "--runs", "20000"]);
    // Stakes 1 and costs .05 each: attrition lasts 10 rounds in expectation, even odds.
    assert!((report["attrition"]["expected_rounds"].as_f64().unwrap() - 10.0).abs() < 1e-9);
    // Its power trajectory poses a commitment problem: the learning models are not run.
    assert_eq!(report["commitment"]["problem"], true);
    for model in ["screening", "learning", "way_out"] {
        assert!(report[model]["skipped"].as_str().unwrap().contains("commitment problem"));
    }
    // A flat trajectory: now the missing assumptions are named.
    let flat = ["--set", "conflict.trajectory.1=0.5", "--set", "conflict.trajectory.2=0.5"];
    let mut args = vec!["dynamics", "scenarios/power-shift-ripeness.toml", "--runs", "20000"];
    args.extend(flat);
    let report = point(&args);
    assert_eq!(report["commitment"]["problem"], false);
    assert!(report["screening"]["skipped"].as_str().unwrap().contains("resolve_prior"));
    assert!(report["learning"]["skipped"].as_str().unwrap().contains("front_length"));
    assert!(report["way_out"]["skipped"].as_str().unwrap().contains("front_length"));
    // The reference's screening case through the scenario.
    let report = point(&[
        "dynamics",
        "scenarios/power-shift-ripeness.toml",
        "--runs",
        "20000",
        flat[0],
        flat[1],
        flat[2],
        flat[3],
        "--set",
        "conflict.discount=0.95",
        "--set",
        "conflict.costs.north=0.02",
        "--set",
        "conflict.dynamics.decisive=0.1",
        "--set",
        "conflict.dynamics.resolve_prior=0.3",
        "--set",
        "conflict.dynamics.resolved_cost=0.01",
        "--set",
        "conflict.dynamics.irresolute_cost=0.05",
    ]);
    assert!((report["screening"]["p_settle"].as_f64().unwrap() - 0.97).abs() < 1e-4);
    // Same seed, same numbers; a sweep gives one row per point and model.
    let args = [
        "dynamics",
        "scenarios/power-shift-ripeness.toml",
        "--runs",
        "5000",
        "--sweep",
        "conflict.costs.north=0.02:0.1:3",
        "--format",
        "csv",
    ];
    let (a, b) = (impasse(&args), impasse(&args));
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
    let csv = String::from_utf8_lossy(&a.stdout);
    assert!(csv.starts_with("conflict.costs.north,model,p_settled"));
    assert_eq!(csv.lines().count(), 1 + 3, "{csv}");
    // Bad parameters and sweeps exit 2 with a clear message.
    for (bad, needle) in [
        (vec!["--set", "conflict.dynamics.resolve_prior=1.5"], "probability"),
        (vec!["--sweep", "conflict.balance=0.2:0.8"], "PATH=FROM:TO:N"),
        (vec!["--sweep", "conflict.balance=0.2:0.8:1"], "N ≥ 2"),
        (vec!["--runs", "0"], "--runs"),
        (vec!["--stalemate", "1.5"], "--stalemate"),
        (vec!["--model", "nonsense"], "way-out"),
        (vec!["--set", "conflict.dynamics.mobilised_a=1.5"], "(0, 1]"),
    ] {
        let mut full = vec!["dynamics", "scenarios/power-shift-ripeness.toml"];
        full.extend(bad);
        let out = impasse(&full);
        assert_eq!(out.status.code(), Some(2), "{full:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{full:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = impasse(&["dynamics", "scenarios/distributive-price.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[conflict]"));
    // A what-if mobilisation needs today's: refused, at its line, without one.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/power-shift-ripeness.toml"
    ))
    .unwrap();
    let cut = text.replace("[conflict.mobilisation]\nnorth = 0.4\nsouth = 0.6\n", "");
    assert_ne!(cut, text);
    let path =
        std::env::temp_dir().join(format!("impasse-mobilisation-{}.toml", std::process::id()));
    std::fs::write(&path, cut + "\n[conflict.dynamics]\nmobilised_a = 0.5\n").unwrap();
    let out = impasse(&["dynamics", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("conflict.mobilisation") && stderr.contains(":"), "{stderr}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn dynamics_on_the_seed_reports_the_way_out_and_ripeness() {
    let seed = "scenarios/negotiation-impasse-2023.toml";
    let report = point(&["dynamics", seed, "--runs", "20000"]);
    let way_out = &report["way_out"];
    // An impasse today at the perceived balances, no deal within a year, not ripe.
    assert_eq!(way_out["ripeness_today"]["way_out"], false);
    assert_eq!(way_out["ripeness_today"]["ripe"], false);
    let curve = way_out["exact"]["settled_by_round"].as_array().unwrap();
    assert_eq!(curve.len(), 13, "horizon 12 quarters");
    assert_eq!(curve[4].as_f64().unwrap(), 0.0);
    // The documented figures (docs/dynamics.md, scenarios/README.md). With an even advance every
    // path of 12 battles has probability 2^-12, so the exact answers are dyadic.
    let settled = way_out["exact"]["p_settled"].as_f64().unwrap();
    assert!((settled - 1260.0 / 4096.0).abs() < 1e-12, "{settled}");
    assert!((way_out["exact"]["p_decided_a"].as_f64().unwrap() - 0.265625).abs() < 1e-12);
    assert!((way_out["exact"]["p_decided_b"].as_f64().unwrap() - 0.0625).abs() < 1e-12);
    let today = way_out["perceived_balances_today"].as_array().unwrap();
    assert!((today[0].as_f64().unwrap() - 0.710).abs() < 5e-4);
    assert!((today[1].as_f64().unwrap() - 0.290).abs() < 5e-4);
    // Every deal respects the red lines: Russia keeps the incorporation in its Constitution.
    for terms in way_out["terms"].as_array().unwrap() {
        let status = terms["package"]["new_regions_status"].as_str().unwrap();
        assert!(status.starts_with("incorporated"), "{terms}");
    }
    // The exact path and the Monte Carlo agree.
    let simulated = way_out["simulated"]["p_settled"].as_f64().unwrap();
    let se = (settled * (1.0 - settled) / 20_000.0).sqrt();
    assert!((simulated - settled).abs() < 4.0 * se);
    // The one-prize reduction sees a bargaining range the multi-issue zone does not.
    let range = report["sides"]["bargaining_range"].as_array().unwrap();
    assert!(range[0].as_f64().unwrap() < range[1].as_f64().unwrap());
    // Only the requested model runs; mobilising the West raises its chances.
    let only = point(&["dynamics", seed, "--runs", "2000", "--model", "way-out"]);
    assert!(only["attrition"]["skipped"].as_str().unwrap().contains("not requested"));
    let mobilised = point(&[
        "dynamics",
        seed,
        "--runs",
        "2000",
        "--model",
        "way-out",
        "--set",
        "conflict.dynamics.mobilised_b=0.3",
    ]);
    let p = |r: &serde_json::Value, key: &str| r["way_out"]["exact"][key].as_f64().unwrap();
    assert!(p(&mobilised, "p_decided_b") > p(&only, "p_decided_b"));
    assert!(p(&mobilised, "p_settled") > p(&only, "p_settled"));
    // The text report names the sides and the verdict.
    let out = impasse(&["dynamics", seed, "--runs", "2000"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("closed (impasse)") && text.contains("not ripe"), "{text}");
}

#[test]
fn plots_are_written_by_every_command_and_bad_paths_exit_2() {
    let dir = std::env::temp_dir().join(format!("impasse-cli-plots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let at = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let ok = |args: &[&str]| {
        let out = impasse(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let (space, ripeness) = (at("space.png"), at("ripeness.svg"));
    ok(&[
        "analyze",
        "scenarios/power-shift-ripeness.toml",
        "--plot",
        &space,
        "--ripeness-plot",
        &ripeness,
    ]);
    let png = std::fs::read(&space).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
    let svg = std::fs::read_to_string(&ripeness).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("North"), "the ripeness chart names the sides");
    let negotiation = at("negotiation.svg");
    ok(&[
        "negotiate",
        "scenarios/distributive-price.toml",
        "--agents",
        "boulware,conceder",
        "--plot",
        &negotiation,
    ]);
    assert!(std::fs::read_to_string(&negotiation).unwrap().contains("offers by"));
    let dynamics = at("dynamics.png");
    ok(&[
        "dynamics",
        "scenarios/negotiation-impasse-2023.toml",
        "--runs",
        "500",
        "--plot",
        &dynamics,
    ]);
    let sweep = at("sweep.svg");
    ok(&[
        "dynamics",
        "scenarios/negotiation-impasse-2023.toml",
        "--runs",
        "200",
        "--model",
        "way-out",
        "--sweep",
        "conflict.costs.russia=0.1:0.4:3",
        "--sweep",
        "conflict.dynamics.mobilised_a=0.3:0.9:3",
        "--format",
        "csv",
        "--plot",
        &sweep,
    ]);
    assert!(std::fs::read_to_string(&sweep).unwrap().contains("conflict.costs.russia"));
    let config = dir.join("t.toml");
    std::fs::write(
        &config,
        format!(
            "scenarios = [\"{}/scenarios/distributive-price.toml\"]\nagents = [\"boulware\", \"conceder\", \"linear\"]\nrepetitions = 1\nsteps = 30\nseed = 1\noutput = \"out\"\n",
            repo().display()
        ),
    )
    .unwrap();
    let tournament = at("tournament.png");
    ok(&["tournament", config.to_str().unwrap(), "--quiet", "--plot", &tournament]);
    assert!(std::fs::read(&tournament).unwrap().starts_with(b"\x89PNG"));
    // A format nobody can draw, a folder that does not exist.
    for bad in [at("space.pdf"), dir.join("missing/space.svg").to_str().unwrap().to_owned()] {
        let out = impasse(&["analyze", "scenarios/distributive-price.toml", "--plot", &bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot draw"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Validates `instance` against `docs/schema/<stem>.schema.json`.
#[track_caller]
fn assert_schema(stem: &str, what: &str, instance: &Value) {
    let path = repo().join(format!("docs/schema/{stem}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(instance).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "{what}: {stem} output violates {}:\n{}",
        path.display(),
        errors.join("\n")
    );
}

#[test]
fn every_command_prints_what_its_generated_schema_describes() {
    let mut inputs: Vec<String> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    inputs.sort();
    for domain in ["y2010/ItexvsCypress", "y2011/Laptop", "y2012/CameraB", "y2012/GroceryA"] {
        inputs.push(
            repo()
                .join("crates/impasse-format/tests/data/genius")
                .join(domain)
                .display()
                .to_string(),
        );
    }
    let mut dynamics = 0;
    for path in &inputs {
        let check = json(&["check", path]);
        assert_eq!(check["valid"], true, "{path}");
        assert_schema("check", path, &check);
        let analysis = json(&["analyze", path]);
        assert_schema("analysis", path, &analysis);
        let parties = analysis["scenario"]["parties"].as_array().map_or(2, Vec::len);
        let agents = vec!["boulware"; parties].join(",");
        let negotiation = json(&["negotiate", path, "--agents", &agents, "--steps", "60"]);
        assert_schema("negotiation", path, &negotiation);
        let out = impasse(&["dynamics", path, "--runs", "200", "--format", "json"]);
        if out.status.success() {
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_schema("dynamics", path, &report);
            dynamics += 1;
        }
    }
    assert!(dynamics >= 2, "dynamics checked on {dynamics} scenarios");
    // A tournament's summary.json and its rows.
    let dir = std::env::temp_dir().join(format!("impasse-cli-schema-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("t.toml");
    std::fs::write(
        &config,
        format!(
            "scenarios = [\"{}/scenarios/distributive-price.toml\"]\nagents = [\"boulware\", \"conceder\"]\nsteps = 30\noutput = \"out\"\n",
            repo().display()
        ),
    )
    .unwrap();
    let out = impasse(&["tournament", config.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/summary.json")).unwrap())
            .unwrap();
    assert_schema("tournament", "summary.json", &summary);
    for line in std::fs::read_to_string(dir.join("out/rows.jsonl")).unwrap().lines() {
        assert_schema("tournament-row", "rows.jsonl", &serde_json::from_str(line).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_a_scenario_or_locates_every_problem() {
    let out = impasse(&["check", "scenarios/negotiation-impasse-2023.toml"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reads without error") && text.contains("parties (6)"), "{text}");
    let path = std::env::temp_dir().join(format!("impasse-check-{}.toml", std::process::id()));
    std::fs::write(&path, "format_version = 1\n[scenario]\nname = 3\n").unwrap();
    let out = impasse(&["check", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert!(report["info"].is_null());
    let located = report["errors"].as_array().unwrap().iter().any(|e| {
        e["line"] == 3
            && e["column"] == 8
            && e["message"].as_str().unwrap().contains("scenario.name")
    });
    assert!(located, "{report}");
    assert_schema("check", "an invalid scenario", &report);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn user_given_sizes_past_their_bounds_exit_2_naming_the_bound() {
    // These used to abort on an allocation sized by the request (issue 11).
    let seed = "scenarios/negotiation-impasse-2023.toml";
    for (args, needle) in [
        (vec!["dynamics", seed, "--horizon", "4294967295"], "above the limit of 10,000"),
        (vec!["dynamics", seed, "--runs", "1000000000000000"], "IMPASSE_LIMITS=runs=N"),
        (vec!["dynamics", seed, "--sweep", "conflict.balance=0:1:20000"], "limit of 10,000"),
        (vec!["analyze", seed, "--threads", "1000000"], "above the limit of 1,024"),
        (vec!["analyze", seed, "--max-outcomes", "100000000000"], "--max-outcomes: "),
        (
            vec!["negotiate", seed, "--agents", "all", "--steps", "4294967295"],
            "--steps: 4,294,967,295 steps",
        ),
        (
            vec!["negotiate", seed, "--agents", "all", "--repetitions", "4000000000"],
            "--repetitions: ",
        ),
        // A device has no size to check first: it is read up to the limit, not to the end.
        (vec!["analyze", "/dev/zero"], "more than 16777216 bytes"),
    ] {
        let out = impasse(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.matches(needle).count(), 1, "said once: {stderr}");
    }
    // A time bound can be raised on purpose, a hard one cannot.
    let raised = Command::new(env!("CARGO_BIN_EXE_impasse"))
        .current_dir(repo())
        .env("IMPASSE_LIMITS", "runs=2e8")
        .args(["dynamics", seed, "--runs", "150000000", "--horizon", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&raised.stderr);
    assert!(
        stderr.contains("--horizon: must be at least 1"),
        "runs passed the raised bound: {stderr}"
    );
    let hard = Command::new(env!("CARGO_BIN_EXE_impasse"))
        .current_dir(repo())
        .env("IMPASSE_LIMITS", "steps=1e9")
        .args(["negotiate", seed, "--agents", "all", "--steps", "20000000"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&hard.stderr);
    assert_eq!(hard.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("'steps' is a hard limit and cannot be raised"), "{stderr}");
    // A step deadline at its bound still starts at the beginning: Boulware does not agree at
    // once.
    let report = json(&[
        "negotiate",
        "scenarios/distributive-price.toml",
        "--agents",
        "boulware,boulware",
        "--steps",
        "10000000",
        "--time-limit",
        "0.02",
    ]);
    assert!(report["trace"][0]["time"].as_f64().unwrap() < 0.5, "{}", report["trace"][0]);
    assert_ne!(report["steps"], 1, "no agreement at the first step");
}

/// A native scenario: parties `a` and `b` (display names `a_name`, `b_name`) with opposed
/// preferences over one categorical issue `x` of two values. Names and values are written inside
/// TOML basic strings, so TOML escapes (`\u0001`) work.
fn opposed_pair(name: &str, a_name: &str, b_name: &str, values: [&str; 2]) -> String {
    let [first, second] = values;
    let mut text = format!(
        "format_version = 1\n[scenario]\nname = \"{name}\"\n[parties.a]\nname = \"{a_name}\"\n\
         [parties.b]\nname = \"{b_name}\"\n[issues.x]\nname = \"X\"\ntype = \"categorical\"\n\
         values = [\"{first}\", \"{second}\"]\n"
    );
    for (party, scores) in [("a", [1.0, 0.0]), ("b", [0.0, 1.0])] {
        text.push_str(&format!(
            "[preferences.{party}]\nreservation = 0.0\n[preferences.{party}.weights]\nx = 1.0\n\
             [preferences.{party}.values.x]\n\"{first}\" = {:.1}\n\"{second}\" = {:.1}\n",
            scores[0], scores[1]
        ));
    }
    text
}

#[test]
fn an_export_refuses_characters_xml_cannot_hold_and_shows_them_escaped() {
    // A value label with U+0001: XML 1.0 cannot hold it even as a character reference, so the
    // export used to write XML that did not parse (issue 11).
    let text = opposed_pair("ctrl", "A", "B", [r"p\u0001q", "r"]);
    let dir = std::env::temp_dir().join(format!("impasse-ctrl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ctrl.toml");
    std::fs::write(&path, &text).unwrap();
    let out =
        impasse(&["export", path.to_str().unwrap(), "--to", dir.join("out").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("U+0001") && stderr.contains(r"p\u{1}q"), "{stderr}");
    assert!(!stderr.contains('\u{1}'), "no raw control character reaches the terminal");
    assert!(!dir.join("out").join("a.xml").exists(), "nothing half-written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn control_characters_in_names_are_escaped_in_text_and_exact_in_json() {
    // An escape sequence that retitles the terminal, a carriage return that would overprint the
    // line with a fake verdict, and a line break (issue 11).
    let text = opposed_pair(
        r"Talks\u001b]0;pwned\u0007",
        r"A\rVERDICT: DEAL",
        r"B\nVERDICT: DEAL",
        ["p", "q"],
    );
    let path = temp_file("control-names.toml", &text);
    let path = path.to_str().unwrap();
    let out = impasse(&["analyze", path]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(['\u{1b}', '\u{7}', '\r']), "raw control characters: {stdout:?}");
    assert!(stdout.starts_with("Talks\\u{1b}]0;pwned\\u{7}\n"), "{stdout}");
    assert!(stdout.contains("A\\u{d}VERDICT: DEAL"), "{stdout}");
    assert!(!stdout.lines().any(|line| line.starts_with("VERDICT: DEAL")), "{stdout}");
    let report = json(&["analyze", path]);
    assert_eq!(report["scenario"]["name"], "Talks\u{1b}]0;pwned\u{7}", "JSON keeps the name");
    let _ = std::fs::remove_file(path);
}

#[test]
fn robustness_reports_verdict_probabilities_and_drivers() {
    let args = [
        "robustness",
        "scenarios/distributive-price.toml",
        "--vary",
        "preferences.seller.reservation=0.2:0.8",
        "--vary",
        "preferences.buyer.reservation=0.1:0.3:0.6",
        "--samples",
        "60",
    ];
    let report = json(&args);
    assert_schema("robustness", "a two-input robustness run", &report);
    assert_eq!(report["samples"], 60);
    let p = report["verdict_probability"]["impasse"]["probability"].as_f64().unwrap();
    let q = report["verdict_probability"]["agreement_possible"]["probability"].as_f64().unwrap();
    assert!((p + q - 1.0).abs() < 1e-12 && p > 0.0 && q > 0.0, "{report}");
    assert_eq!(report["inputs"][1]["distribution"], "triangular");
    let out = impasse(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("P(impasse)") && text.contains("What drives the verdict"), "{text}");
    // A bad range is a clear error naming the flag.
    let out = impasse(&["robustness", "scenarios/distributive-price.toml", "--vary", "x=2:1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: --vary: 'x=2:1'"));
}
