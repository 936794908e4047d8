//! Tests of the GENIUS export (`to_genius`, `write_genius_folder`).
//!
//! The oracle is the round trip: export, read the files back with the GENIUS importer, and check
//! on every package that each party's GENIUS utility is the documented affine image
//! `scale·(u − shift)` of its native utility, and that the reservation value went through the same
//! map. When a scenario is already in GENIUS form (every GENIUS fixture), the map must be the
//! identity and the weights and scores must come back bit for bit.

use std::fs;
use std::path::{Path, PathBuf};

use impasse_core::{
    ConflictModel, CrossingCost, Expr, Issue, IssueKind, Party, RedLine, Reservation, Scenario,
    ScenarioParts, Term, Utility, ValueSet,
};
use impasse_format::{
    ExportError, GeniusExport, InputKind, load_genius_folder, load_path, parse_genius, to_genius,
    write_genius_folder,
};

const GENIUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");
const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");

/// Every `y20*/*` folder of the GENIUS fixtures, sorted.
fn genius_folders() -> Vec<PathBuf> {
    let mut folders = Vec::new();
    let mut years: Vec<PathBuf> = fs::read_dir(GENIUS)
        .expect("fixtures")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.is_dir()
                && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("y20"))
        })
        .collect();
    years.sort();
    for year in years {
        let mut inner: Vec<PathBuf> = fs::read_dir(&year)
            .expect("year")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.is_dir())
            .collect();
        inner.sort();
        folders.extend(inner);
    }
    folders
}

fn native_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(SCENARIOS)
        .expect("scenarios folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

/// Reads an export back with the GENIUS importer, parties in the scenario's order.
fn reimport(export: &GeniusExport) -> Scenario {
    let profiles: Vec<(&str, &str)> =
        export.profiles.iter().map(|file| (file.name.as_str(), file.text.as_str())).collect();
    parse_genius((&export.domain.name, &export.domain.text), &profiles)
        .unwrap_or_else(|diags| panic!("the export must load:\n{diags}\n{}", export.domain.text))
}

/// The oracle: on every package, each party's GENIUS utility is `map(u)`; reservation values too.
fn check_round_trip(what: &str, scenario: &Scenario, export: &GeniusExport) -> Scenario {
    let back = reimport(export);
    assert_eq!(back.issues().len(), scenario.issues().len(), "{what}");
    for (a, b) in scenario.issues().iter().zip(back.issues()) {
        assert_eq!(a.cardinality(), b.cardinality(), "{what}: issue {}", a.id);
        assert_eq!(a.id, b.id, "{what}: keys survive the round trip");
        if let (
            IssueKind::Categorical { values: x } | IssueKind::Ordinal { values: x },
            IssueKind::Categorical { values: y },
        ) = (&a.kind, &b.kind)
        {
            assert_eq!(x, y, "{what}: value names survive the round trip");
        }
    }
    assert_eq!(back.parties().len(), scenario.parties().len(), "{what}");
    let reservations = scenario.reservation_values();
    for (idx, (party, genius)) in scenario.parties().iter().zip(back.parties()).enumerate() {
        assert_eq!(party.id, genius.id, "{what}");
        assert_eq!(party.discount, genius.discount, "{what}: discount of {}", party.id);
        let map = export.maps[idx];
        assert!(map.scale > 0.0, "{what}: a positive map");
        assert_eq!(
            genius.reservation,
            Reservation::Value(map.apply(reservations[idx])),
            "{what}: reservation of {}",
            party.id
        );
    }
    let space = scenario.space();
    let size = space.size().expect("a small space");
    assert!(size <= 200_000, "{what}: {size} packages");
    let mut outcomes = space.range(0, size);
    let mut worst = 0.0f64;
    while let Some((_, outcome)) = outcomes.next_outcome() {
        for (idx, (party, genius)) in scenario.parties().iter().zip(back.parties()).enumerate() {
            let expected = export.maps[idx].apply(party.utility.eval(outcome));
            let got = genius.utility.eval(outcome);
            let diff = (got - expected).abs();
            worst = worst.max(diff);
            assert!(
                diff <= 1e-12,
                "{what}: party {} at {outcome:?}: GENIUS {got}, expected {expected}",
                party.id
            );
        }
    }
    eprintln!("{what}: {size} packages, largest difference {worst:e}");
    back
}

#[test]
fn genius_fixtures_round_trip_exactly() {
    let folders = genius_folders();
    assert_eq!(folders.len(), 7);
    let mut exported = 0;
    for folder in folders {
        let what = folder.display().to_string();
        let scenario = load_genius_folder(&folder).unwrap_or_else(|diags| panic!("{diags}"));
        let export = match to_genius(&scenario) {
            Ok(export) => export,
            Err(ExportError::Unsupported(problems)) => {
                // Only the hyper-rectangle profiles of 10issues are beyond GENIUS's additive form.
                assert!(what.ends_with("10issues"), "{what}: {problems:?}");
                assert_eq!(problems.len(), 2, "one per party: {problems:?}");
                assert!(
                    problems[0].starts_with("party 'profile-1': its utility has"),
                    "{problems:?}"
                );
                assert!(problems[0].contains("non-additive term"), "{problems:?}");
                continue;
            }
            Err(err) => panic!("{what}: {err}"),
        };
        assert!(export.dropped.is_empty(), "{what}: {:?}", export.dropped);
        assert!(export.notes.is_empty(), "{what}: {:?}", export.notes);
        let back = check_round_trip(&what, &scenario, &export);
        for (party, genius) in scenario.parties().iter().zip(back.parties()) {
            assert!(export.maps.iter().all(|map| map.is_identity()), "{what}");
            assert_eq!(party.utility.weights(), genius.utility.weights(), "{what}: bit for bit");
            assert_eq!(party.utility.values(), genius.utility.values(), "{what}: bit for bit");
            assert_eq!(party.utility.cap(), genius.utility.cap());
            assert_eq!(party.reservation, genius.reservation);
        }
        exported += 1;
    }
    assert_eq!(exported, 6);
}

/// Every additive domain of the shared GENIUS collection comes back bit for bit.
#[test]
fn the_genius_collection_round_trips_bit_for_bit() {
    let shared = impasse_testkit::genius::shared_domains().expect(
        "the shared GENIUS collection (../shared/genius-domains) is missing: this test needs it",
    );
    let shared = shared.as_path();
    let mut checked = 0;
    for year in fs::read_dir(shared).expect("collection").map(|entry| entry.expect("entry").path())
    {
        if !year.is_dir() {
            continue;
        }
        for folder in fs::read_dir(&year).expect("year").map(|entry| entry.expect("entry").path()) {
            let Ok(scenario) = load_genius_folder(&folder) else { continue };
            let Ok(export) = to_genius(&scenario) else {
                assert!(
                    scenario.parties().iter().any(|party| !party.utility.terms().is_empty()),
                    "{}: only non-additive profiles are refused",
                    folder.display()
                );
                continue;
            };
            let back = reimport(&export);
            let what = folder.display().to_string();
            assert_eq!(scenario.issues(), back.issues(), "{what}: issue and value names kept");
            for (party, genius) in scenario.parties().iter().zip(back.parties()) {
                assert_eq!(party.id, genius.id, "{what}: party names kept");
                assert_eq!(party.name, genius.name, "{what}: party names kept");
                let what = format!("{} {}", folder.display(), party.id);
                assert_eq!(party.utility.weights(), genius.utility.weights(), "{what}");
                assert_eq!(party.utility.values(), genius.utility.values(), "{what}");
                assert_eq!(party.reservation, genius.reservation, "{what}");
                assert_eq!(party.discount, genius.discount, "{what}");
            }
            assert!(export.maps.iter().all(|map| map.is_identity()));
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} domains");
}

#[test]
fn native_scenarios_round_trip_up_to_the_map() {
    let files = native_scenarios();
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let what = file.display().to_string();
        let scenario = load_path(&file, &[]).unwrap_or_else(|diags| panic!("{diags}"));
        let export = to_genius(&scenario).unwrap_or_else(|err| panic!("{what}: {err}"));
        check_round_trip(&what, &scenario, &export);
        // What GENIUS cannot say is listed, one line per construct.
        let dropped = export.dropped.join("\n");
        for line in scenario.red_lines() {
            assert!(dropped.contains(&format!("red line '{}'", line.id)), "{what}: {dropped}");
        }
        for pre in scenario.preconditions() {
            assert!(dropped.contains(&format!("precondition '{}'", pre.id)), "{what}");
        }
        for proposal in scenario.proposals() {
            assert!(dropped.contains(&format!("proposal '{}'", proposal.id)), "{what}");
        }
        assert_eq!(scenario.conflict().is_some(), dropped.contains("the conflict model"), "{what}");
    }
}

#[test]
fn integer_and_real_issues_are_written_as_genius_can_read_them() {
    let price = load_path(&Path::new(SCENARIOS).join("distributive-price.toml"), &[])
        .unwrap_or_else(|diags| panic!("{diags}"));
    let export = to_genius(&price).expect("exports");
    let back = reimport(&export);
    assert!(matches!(price.issues()[0].kind, IssueKind::Integer { .. }));
    assert_eq!(
        back.issues()[0].kind,
        price.issues()[0].kind,
        "linear scores: a GENIUS integer issue"
    );
    assert!(export.profiles[0].text.contains("<evaluator ftype=\"linear\""));

    let war = load_path(&Path::new(SCENARIOS).join("power-shift-ripeness.toml"), &[])
        .unwrap_or_else(|diags| panic!("{diags}"));
    let export = to_genius(&war).expect("exports");
    let IssueKind::Real { steps, .. } = war.issues()[0].kind else { panic!("a real issue") };
    let back = reimport(&export);
    let IssueKind::Categorical { values } = &back.issues()[0].kind else { panic!("discrete") };
    assert_eq!(values.len(), steps as usize);
    assert_eq!((values[0].as_str(), values[7].as_str(), values[100].as_str()), ("0", "0.07", "1"));
    assert!(export.dropped.iter().any(|line| line.contains("written as its 101 grid points")));
    assert!(
        export
            .notes
            .iter()
            .any(|note| note.contains("reservation derived from the conflict model")),
        "{:?}",
        export.notes
    );
}

#[test]
fn a_folder_written_loads_back_through_load_path() {
    let scenario = load_path(&Path::new(SCENARIOS).join("integrative-logrolling.toml"), &[])
        .unwrap_or_else(|diags| panic!("{diags}"));
    let dir = std::env::temp_dir().join(format!("impasse-export-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let export = write_genius_folder(&scenario, &dir).expect("writes");
    assert_eq!(InputKind::of(&dir), InputKind::GeniusFolder);
    let back = load_path(&dir, &[]).unwrap_or_else(|diags| panic!("{diags}"));
    // GENIUS folders order parties by file name; identifiers survive.
    for party in scenario.parties() {
        let idx = back.party_index(&party.id).expect("same identifiers");
        let map = export.maps[scenario.party_index(&party.id).expect("party")];
        let outcome = vec![1; scenario.issues().len()];
        assert!(
            (back.parties()[idx].utility.eval(&outcome) - map.apply(party.utility.eval(&outcome)))
                .abs()
                < 1e-12
        );
    }
    // Writing again over the same files is fine; a folder with other XML files is refused.
    write_genius_folder(&scenario, &dir).expect("rewrites");
    fs::write(dir.join("stray.xml"), "<x/>").expect("stray file");
    let err = write_genius_folder(&scenario, &dir).expect_err("stray file");
    assert!(err.to_string().contains("stray.xml"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}

/// Names as written (spaces, parentheses, leading digits, `+`) survive an export and a reading back,
/// through files and through a folder (see: #10).
#[test]
fn names_as_written_survive_a_round_trip() {
    let quirks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius-quirks/NoObjective");
    let scenario = load_genius_folder(Path::new(quirks)).unwrap_or_else(|diags| panic!("{diags}"));
    let export = to_genius(&scenario).expect("exports");
    assert!(export.notes.is_empty(), "{:?}", export.notes);
    let files: Vec<&str> = export.profiles.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(files, ["Job-prof1.xml", "Job-prof2.xml"]);
    assert!(export.domain.text.contains(r#"name="Duration (weeks)""#), "{}", export.domain.text);
    assert!(export.domain.text.contains(r#"value="06-09""#), "{}", export.domain.text);
    let back = check_round_trip("NoObjective", &scenario, &export);
    assert_eq!(back.issues(), scenario.issues());
    assert!(back.warnings().is_empty(), "the export is plain GENIUS: {:?}", back.warnings());

    let dir = std::env::temp_dir().join(format!("impasse-export-names-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    write_genius_folder(&scenario, &dir).expect("writes");
    let back = load_genius_folder(&dir).unwrap_or_else(|diags| panic!("{diags}"));
    let _ = fs::remove_dir_all(&dir);
    assert_eq!(back.issues(), scenario.issues());
    let ids: Vec<&str> = back.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["Job-prof1", "Job-prof2"]);

    // A party key that cannot be a file name is written under a sanitised one, with a note.
    let mut parts = scenario.parts().clone();
    parts.parties[0].id = "Job/prof 1".into();
    parts.parties[1].id = "pareto".into();
    let odd = Scenario::new(parts).expect("valid");
    let export = to_genius(&odd).expect("exports");
    let files: Vec<&str> = export.profiles.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(files, ["Job_prof_1.xml", "pareto_2.xml"], "GENIUS skips *pareto.xml");
    assert!(
        export
            .notes
            .iter()
            .any(|note| note.starts_with("party 'Job/prof 1': written as Job_prof_1.xml")),
        "{:?}",
        export.notes
    );
}

// ---------------------------------------------------------------------------------------------
// Synthetic scenarios: negative scores, offsets, caps, terms

fn party(id: &str, utility: Utility, reservation: Reservation) -> Party {
    Party {
        id: id.into(),
        name: id.into(),
        description: String::new(),
        power: 1.0,
        utility,
        reservation,
        discount: None,
    }
}

fn synthetic(a: Utility, b: Utility) -> Scenario {
    Scenario::new(ScenarioParts {
        name: "synthetic & <odd> \"name\"".into(),
        issues: vec![
            Issue::new(
                "colour",
                "Colour",
                IssueKind::Categorical {
                    values: vec!["red".into(), "green & blue".into(), "<none>".into()],
                },
            ),
            Issue::new("size", "Size", IssueKind::Integer { min: -1, max: 2 }),
        ],
        parties: vec![
            party("a", a, Reservation::Value(0.25)),
            party("b", b, Reservation::Conflict),
        ],
        red_lines: vec![RedLine {
            id: "no_red".into(),
            party: 1,
            description: String::new(),
            source: "colour != \"red\"".into(),
            requires: Expr::Atom { issue: 0, allowed: ValueSet::from_indices(3, [1, 2]) },
            cost: CrossingCost::Absolute,
        }],
        conflict: Some(ConflictModel {
            description: String::new(),
            side_a: vec![0],
            side_b: vec![1],
            balance: Some(0.3),
            victory_a: vec![0, 0],
            victory_b: vec![2, 3],
            costs: vec![Some(0.1), Some(0.2)],
            mobilisation: vec![None, None],
            trajectory: vec![],
            discount: 0.9,
            dynamics: impasse_core::DynamicsAssumptions::default(),
        }),
        ..ScenarioParts::default()
    })
    .expect("valid scenario")
}

#[test]
fn negative_scores_offsets_and_large_weights_go_through_an_affine_map() {
    // a: a negative weight, negative scores, an offset, weights summing above 1.
    let a = Utility::new(vec![-2.0, 3.0], vec![vec![1.0, -0.5, 0.0], vec![-1.0, 0.0, 2.0, 0.5]])
        .with_offset(0.3);
    // b: non-linear scores on the integer issue.
    let b = Utility::new(vec![0.4, 0.6], vec![vec![0.0, 1.0, 0.5], vec![0.0, 0.9, 1.0, 0.2]]);
    let scenario = synthetic(a, b);
    let export = to_genius(&scenario).expect("exports");
    let map = export.maps[0];
    // Contributions: colour −2, 1, 0 (shift −2, span 3); size −3, 0, 6, 1.5 (shift −3, span 9).
    assert_eq!(map.shift, 0.3 - 2.0 - 3.0);
    assert_eq!(map.scale, 1.0 / 12.0);
    assert!(export.maps[1].is_identity());
    let back = check_round_trip("synthetic", &scenario, &export);
    // b's scores on `size` are not linear: the issue is written as discrete for everyone.
    assert_eq!(
        back.issues()[1].kind,
        IssueKind::Categorical { values: vec!["-1".into(), "0".into(), "1".into(), "2".into()] }
    );
    assert!(export.dropped.iter().any(|line| line.starts_with("red line 'no_red' of party 'b'")));
    assert!(export.dropped.iter().any(|line| line.starts_with("the conflict model")));
    assert!(export.notes.iter().any(|note| note.starts_with("party 'a': utilities written as")));
    // The odd names are escaped and come back.
    assert!(export.domain.text.contains("value=\"green &amp; blue\""));
    assert_eq!(back.issues()[0].value(2).to_string(), "<none>");
    assert_eq!(export.domain.name, "synthetic_odd_name-domain.xml");
}

#[test]
fn caps_and_terms_are_refused_when_genius_cannot_express_them() {
    let plain = Utility::new(vec![0.5, 0.5], vec![vec![0.0, 1.0, 0.5], vec![0.0, 0.5, 1.0, 0.2]]);
    // A cap at 0.8 that binds.
    let capped = plain.clone().with_cap(Some(0.8));
    let err = to_genius(&synthetic(capped, plain.clone())).expect_err("a binding cap at 0.8");
    let ExportError::Unsupported(problems) = err else { panic!("unsupported") };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("party 'a': its utility is capped at 0.8"), "{problems:?}");
    // A cap no package reaches is harmless.
    let loose = plain.clone().with_cap(Some(5.0));
    to_genius(&synthetic(loose, plain.clone())).expect("a cap that never binds");
    // A cap at 1 that binds is GENIUS's own clamp, unless there is an offset.
    let heavy = Utility::new(vec![1.0, 1.0], vec![vec![0.0, 1.0, 0.5], vec![0.0, 0.5, 1.0, 0.2]]);
    let export = to_genius(&synthetic(heavy.clone().with_cap(Some(1.0)), plain.clone()))
        .expect("GENIUS's clamp");
    assert!(export.maps[0].is_identity());
    check_round_trip(
        "clamped",
        &synthetic(heavy.clone().with_cap(Some(1.0)), plain.clone()),
        &export,
    );
    let err = to_genius(&synthetic(heavy.with_offset(0.1).with_cap(Some(1.0)), plain.clone()))
        .expect_err("clamp with offset");
    assert!(err.to_string().contains("party 'a': its utility is capped at 1"), "{err}");
    // Non-additive terms, in both parties: both are named.
    let term = Term {
        label: "red and big".into(),
        condition: Expr::Atom { issue: 0, allowed: ValueSet::from_indices(3, [0]) },
        value: 0.2,
    };
    let with_terms = plain.clone().with_terms(vec![term]);
    let err = to_genius(&synthetic(with_terms.clone(), with_terms)).expect_err("terms");
    let ExportError::Unsupported(problems) = err else { panic!("unsupported") };
    assert_eq!(problems.len(), 2);
    assert!(
        problems[1].starts_with("party 'b': its utility has 1 non-additive term(s) (red and big)")
    );
}

#[test]
fn an_export_snapshot() {
    let scenario = load_path(&Path::new(SCENARIOS).join("distributive-price.toml"), &[])
        .unwrap_or_else(|diags| panic!("{diags}"));
    let export = to_genius(&scenario).expect("exports");
    let mut text = String::new();
    for file in export.files() {
        text.push_str(&format!("==> {} <==\n{}\n", file.name, file.text));
    }
    text.push_str("==> dropped <==\n");
    for line in &export.dropped {
        text.push_str(&format!("{line}\n"));
    }
    text.push_str("==> notes <==\n");
    for line in &export.notes {
        text.push_str(&format!("{line}\n"));
    }
    insta::assert_snapshot!(text);
}

// ---------------------------------------------------------------------------------------------
// Random additive utilities

mod random {
    use proptest::prelude::*;

    use super::*;

    /// An issue of kind `kind % 3` (categorical, integer, real) with `size` values.
    fn issue(kind: u8, size: u32, idx: usize) -> Issue {
        let id = format!("i{idx}");
        let kind = match kind % 3 {
            0 => IssueKind::Categorical { values: (0..size).map(|v| format!("v{v}")).collect() },
            1 => IssueKind::Integer { min: -3, max: -4 + i64::from(size) },
            _ => IssueKind::Real { min: 0.0, max: 2.0, steps: size },
        };
        Issue::new(&id, &format!("Issue {idx}"), kind)
    }

    /// A utility over issues of `sizes` values: random weights, scores (linear in the value
    /// index when `linear`, so that integer issues stay integer issues) and offset.
    fn utility(sizes: Vec<u32>) -> impl Strategy<Value = Utility> {
        let scores: Vec<_> =
            sizes.iter().map(|&n| prop::collection::vec(-1.0f64..2.0, n as usize)).collect();
        (prop::collection::vec(-2.0f64..2.0, sizes.len()), scores, -1.0f64..1.0, any::<bool>())
            .prop_map(|(weights, scores, offset, linear)| {
                let scores = if linear {
                    scores
                        .iter()
                        .map(|s| (0..s.len()).map(|k| s[0] + 0.25 * k as f64).collect())
                        .collect()
                } else {
                    scores
                };
                Utility::new(weights, scores).with_offset(offset)
            })
    }

    fn scenarios() -> impl Strategy<Value = Scenario> {
        prop::collection::vec((any::<u8>(), 2u32..5), 1..4).prop_flat_map(|kinds| {
            let sizes: Vec<u32> = kinds.iter().map(|&(_, size)| size).collect();
            (Just(kinds), utility(sizes.clone()), utility(sizes), -0.5f64..1.0).prop_map(
                |(kinds, a, b, reservation)| {
                    Scenario::new(ScenarioParts {
                        name: "random".into(),
                        issues: kinds
                            .iter()
                            .enumerate()
                            .map(|(idx, &(kind, size))| issue(kind, size, idx))
                            .collect(),
                        parties: vec![
                            party("a", a, Reservation::Value(reservation)),
                            party("b", b, Reservation::Value(0.0)),
                        ],
                        ..ScenarioParts::default()
                    })
                    .expect("valid")
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn exports_of_additive_utilities_are_affine_images(scenario in scenarios()) {
            let export = to_genius(&scenario).expect("additive utilities always export");
            check_round_trip("random", &scenario, &export);
        }
    }
}
