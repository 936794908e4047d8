//! Tournaments through the application layer: the files, resuming, cancelling, the
//! configuration, the report.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use impasse_app::tournament::{Output, TournamentConfig, summary_of};
use impasse_app::{AppError, Token};
use impasse_negotiate::tournament::{Entry, Protocol, Tournament};
use impasse_negotiate::{AgentSpec, Setting};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn setting(path: &str) -> Arc<Setting> {
    let scenario =
        impasse_app::load(&root().join(path), &[], impasse_format::GeniusSemantics::Genius)
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    Arc::new(Setting::from_scenario(Arc::new(scenario)).unwrap())
}

fn toy_tournament(repetitions: u32) -> Tournament {
    let entries = vec![
        Entry::new("price".into(), setting("scenarios/distributive-price.toml")),
        Entry::new("logrolling".into(), setting("scenarios/integrative-logrolling.toml")),
    ];
    let agents = vec![
        AgentSpec::TimeBased(4.0),
        AgentSpec::Random,
        AgentSpec::NaiveTitForTat,
        AgentSpec::Nash,
    ];
    Tournament::new(entries, agents, repetitions, 30, 9, Protocol::Sao).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impasse-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn an_interrupted_tournament_resumes_without_redoing_work() {
    let dir = std::env::temp_dir().join(format!("impasse-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let tournament = toy_tournament(2);
    // The reference run.
    let full = dir.join("full");
    let mut out = Output::open(&full, &tournament, false).unwrap();
    tournament.run(0, |rows| out.write(rows)).unwrap();
    // An interrupted one: the first 37 rows, then half a row in each file.
    let part = dir.join("part");
    let mut out = Output::open(&part, &tournament, false).unwrap();
    let mut written = 0;
    tournament
        .run(0, |rows| {
            let take = rows.len().min(37 - written);
            written += take;
            out.write(&rows[..take])
        })
        .unwrap();
    drop(out);
    for file in ["rows.csv", "rows.jsonl"] {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(part.join(file)).unwrap();
        f.write_all(b"99,partial").unwrap();
    }
    let mut out = Output::open(&part, &tournament, false).unwrap();
    assert_eq!(out.resumed, 37);
    let ran = tournament.run(out.resumed, |rows| out.write(rows)).unwrap();
    assert_eq!(ran, tournament.len() - 37);
    for file in ["rows.csv", "rows.jsonl"] {
        assert_eq!(
            std::fs::read(full.join(file)).unwrap(),
            std::fs::read(part.join(file)).unwrap(),
            "{file}"
        );
    }
    // A different tournament in the same folder is refused.
    let other = toy_tournament(1);
    let err = Output::open(&part, &other, false).unwrap_err().to_string();
    assert!(err.contains("different tournament"), "{err}");
    let summary = summary_of(&full.join("rows.jsonl")).unwrap();
    assert_eq!(summary.negotiations, tournament.len());
    let standings = summary.standings();
    assert_eq!(standings.len(), 4);
    assert!(standings.windows(2).all(|w| w[0].mean_utility >= w[1].mean_utility));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_report_and_summary_json_agree_with_the_rows_and_a_rerun_resumes_everything() {
    let dir = temp("report");
    let tournament = toy_tournament(1);
    let report =
        impasse_app::tournament::run(&tournament, &dir, false, Vec::new(), &Token::new()).unwrap();
    assert_eq!(report.negotiations, tournament.len());
    assert_eq!(report.run.negotiations, tournament.len());
    let rows = std::fs::read_to_string(dir.join("rows.jsonl")).unwrap();
    let agreements = rows.lines().filter(|l| l.contains("\"agreement\":true")).count() as u64;
    assert_eq!(report.agreements, agreements);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(written, serde_json::to_value(&report).unwrap());
    let again =
        impasse_app::tournament::run(&tournament, &dir, false, Vec::new(), &Token::new()).unwrap();
    assert_eq!((again.run.negotiations, again.run.resumed), (0, tournament.len()));
    assert_eq!(again.standings, report.standings);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_cancelled_tournament_stops_early_and_a_rerun_resumes_its_rows() {
    let dir = temp("cancel");
    let tournament = toy_tournament(4);
    let me: Arc<OnceLock<Token>> = Arc::new(OnceLock::new());
    let handle = me.clone();
    let token = Token::with_progress(None, move |p| {
        if p.done >= 16
            && let Some(t) = handle.get()
        {
            t.cancel();
        }
    });
    me.set(token.clone()).unwrap();
    let out = impasse_app::tournament::run(&tournament, &dir, false, Vec::new(), &token);
    assert!(matches!(out, Err(AppError::Cancelled)), "{out:?}");
    let kept = std::fs::read_to_string(dir.join("rows.jsonl")).unwrap().lines().count() as u64;
    assert!(kept >= 16 && kept < tournament.len(), "{kept}");
    let rest =
        impasse_app::tournament::run(&tournament, &dir, false, Vec::new(), &Token::new()).unwrap();
    assert_eq!(rest.run.resumed, kept);
    assert_eq!(rest.negotiations, tournament.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_tournament_configs_get_clear_errors() {
    let err = TournamentConfig::parse(
        "scenarios = [\"x\"]\nagents = [\"bolware\"]\noutput = \"o\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("unknown agent 'bolware'") && err.contains("boulware, linear, conceder"),
        "{err}"
    );
    let err = TournamentConfig::parse(
        "scenarios = [\"x\"]\nagents = [\"linear\"]\noutput = \"o\"\nsteps = \"many\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("t.toml:4:9:"), "{err}");
    let err = TournamentConfig::parse(
        "scenarios = [\"x\"]\nagents = [\"linear\"]\noutput = \"o\"\nsteps_ = 3\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown field") && err.contains("expected keys"), "{err}");
    let err = TournamentConfig::parse(
        "scenarios = []\nagents = [\"linear\"]\noutput = \"o\"\n",
        "t.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`scenarios` is empty"), "{err}");
    let ok = TournamentConfig::parse(
        "scenarios = [\"x\"]\nagents = [\"all\"]\noutput = \"o\"\n",
        "t.toml",
    )
    .unwrap();
    assert_eq!(ok.specs().unwrap().len(), impasse_negotiate::BUILT_IN.len());
}

#[test]
fn a_changed_reservation_value_is_not_resumed_and_the_refusal_says_what_changed() {
    let dir = temp("stale");
    let price = root().join("scenarios/distributive-price.toml");
    let tournament = |set: &[&str]| {
        let overrides: Vec<impasse_format::Override> =
            set.iter().map(|s| s.parse().unwrap()).collect();
        let scenario =
            impasse_app::load(&price, &overrides, impasse_format::GeniusSemantics::Genius).unwrap();
        let setting = Arc::new(Setting::from_scenario(Arc::new(scenario)).unwrap());
        let agents = vec![AgentSpec::TimeBased(4.0), AgentSpec::TimeBased(0.25)];
        Tournament::new(vec![Entry::new("price".into(), setting)], agents, 1, 30, 1, Protocol::Sao)
            .unwrap()
    };
    let first = tournament(&[]);
    impasse_app::tournament::run(&first, &dir, false, Vec::new(), &Token::new()).unwrap();
    // The same tournament resumes everything.
    let again =
        impasse_app::tournament::run(&first, &dir, false, Vec::new(), &Token::new()).unwrap();
    assert_eq!(again.run.negotiations, 0);
    // A reservation value changed: the rows would be stale, so the folder is refused.
    let changed = tournament(&["preferences.buyer.reservation=0.6"]);
    assert_ne!(changed.fingerprint(), first.fingerprint());
    let err = impasse_app::tournament::run(&changed, &dir, false, Vec::new(), &Token::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("scenario 'price'") && err.contains("reservation"), "{err}");
    // Started over, it runs everything again.
    let fresh =
        impasse_app::tournament::run(&changed, &dir, true, Vec::new(), &Token::new()).unwrap();
    assert_eq!(fresh.run.negotiations, changed.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_scenario_files_with_one_name_get_two_labels() {
    let dir = temp("labels");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::copy(
            root().join("scenarios/distributive-price.toml"),
            dir.join(sub).join("x.toml"),
        )
        .unwrap();
    }
    let config = dir.join("t.toml");
    std::fs::write(
        &config,
        "scenarios = [\"a/x.toml\", \"b/x.toml\"]\nagents = [\"linear\"]\noutput = \"out\"\n",
    )
    .unwrap();
    let configured = impasse_app::tournament::configure(&config).unwrap();
    let labels: Vec<&str> = configured.request.scenarios.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["x.toml", "x.toml (2)"]);
    let _ = std::fs::remove_dir_all(&dir);
}
