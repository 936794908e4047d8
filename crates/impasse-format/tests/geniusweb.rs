//! Tests of the GeniusWeb importer (`load_geniusweb_folder`, `parse_geniusweb`, and `load_path`'s
//! detection of GeniusWeb folders).
//!
//! Expected utilities are computed by hand from the numbers in the fixtures
//! (`tests/data/geniusweb/`), not through the importer.

use std::fs;
use std::path::{Path, PathBuf};

use impasse_core::{IssueKind, Reservation, Scenario};
use impasse_format::{
    Diagnostic, Diagnostics, InputKind, MAX_FILE_BYTES, load_geniusweb_folder, load_path,
    parse_geniusweb,
};
use proptest::prelude::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/geniusweb");

fn fixture(rel: &str) -> PathBuf {
    Path::new(DATA).join(rel)
}

fn read(rel: &str) -> String {
    fs::read_to_string(fixture(rel)).expect("fixture is readable")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The value index of `label` in issue `issue` of `scenario`.
fn idx(scenario: &Scenario, issue: usize, label: &str) -> u32 {
    (0..scenario.issues()[issue].cardinality())
        .find(|&value| scenario.issues()[issue].value(value).to_string() == label)
        .unwrap_or_else(|| panic!("no value {label:?} in issue {issue}"))
}

fn bid(scenario: &Scenario, labels: &[&str]) -> Vec<u32> {
    labels.iter().enumerate().map(|(issue, label)| idx(scenario, issue, label)).collect()
}

// ---------------------------------------------------------------------------------------------
// The party domain

#[test]
fn the_party_domain_loads_with_hand_computed_utilities() {
    let scenario =
        load_geniusweb_folder(&fixture("party")).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.name(), "party");
    assert_eq!(scenario.space().size(), Some(4 * 4 * 4 * 4 * 3 * 4));
    let ids: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(ids, ["Food", "Drinks", "Location", "Invitations", "Music", "Cleanup"]);
    assert_eq!(
        scenario.issues()[3].kind,
        IssueKind::Categorical {
            values: vec![
                "Plain".into(),
                "Photo".into(),
                "Custom, Handmade".into(),
                "Custom, Printed".into()
            ]
        }
    );
    let parties: Vec<(&str, &str)> =
        scenario.parties().iter().map(|party| (party.id.as_str(), party.name.as_str())).collect();
    assert_eq!(parties, [("party1", "party1"), ("party2", "party2")]);

    let (p1, p2) = (&scenario.parties()[0], &scenario.parties()[1]);
    assert_eq!(p1.utility.cap(), None, "GeniusWeb utilities are not clamped");
    // Party 1's favourite package: every value scoring 1 (Chips and Nuts scores 0.8).
    let best = bid(
        &scenario,
        &[
            "Chips and Nuts",
            "Beer Only",
            "Party Room",
            "Custom, Handmade",
            "DJ",
            "Specialized Materials",
        ],
    );
    let expected = 0.2 * 0.8 + 0.3 * 1.0 + 0.2 * 1.0 + 0.05 * 1.0 + 0.15 * 1.0 + 0.1 * 1.0;
    assert!(close(p1.utility.eval(&best), expected), "{}", p1.utility.eval(&best));
    let expected = 0.25 * 0.1 + 0.25 * 0.2 + 0.1 * 0.4 + 0.1 * 0.25 + 0.2 * 0.5 + 0.1 * 0.4;
    assert!(close(p2.utility.eval(&best), expected), "{}", p2.utility.eval(&best));
    let other =
        bid(&scenario, &["Catering", "Non-Alcoholic", "Your Dorm", "Plain", "MP3", "Hired Help"]);
    let expected = 0.2 * 0.2 + 0.3 * 0.1 + 0.2 * 0.25 + 0.05 * 0.2 + 0.15 * 0.6 + 0.1 * 0.3;
    assert!(close(p1.utility.eval(&other), expected));
    let expected = 0.25 * 0.8 + 0.25 * 0.5 + 0.1 * 0.6 + 0.1 * 1.0 + 0.2 * 0.2 + 0.1 * 0.9;
    assert!(close(p2.utility.eval(&other), expected));
}

#[test]
fn a_reservation_bid_becomes_its_utility() {
    let scenario =
        load_geniusweb_folder(&fixture("party")).unwrap_or_else(|diags| panic!("{diags}"));
    let p1 = &scenario.parties()[0];
    // Handmade Food, Handmade Cocktails, Party Tent, Custom Printed, Band, Special Equipment.
    let reservation = 0.2 * 0.4 + 0.3 * 0.7 + 0.2 * 0.5 + 0.05 * 0.5 + 0.15 * 0.3 + 0.1 * 0.3;
    let Reservation::Value(value) = p1.reservation else { panic!("a value") };
    assert!(close(value, reservation), "{value}");
    // Exactly the utility of that package (NegMAS 0.16 gives 0.49 too).
    let package = bid(
        &scenario,
        &[
            "Handmade Food",
            "Handmade Cocktails",
            "Party Tent",
            "Custom, Printed",
            "Band",
            "Special Equipment",
        ],
    );
    assert_eq!(value, p1.utility.eval(&package));
    assert_eq!(p1.discount, None);

    let p2 = &scenario.parties()[1];
    assert_eq!(p2.reservation, Reservation::Value(0.35), "`reserved_value` as given");
    assert_eq!(p2.discount, Some(0.8));
    // Party 2 gives no utility for "Custom, Printed": GeniusWeb scores it 0.
    let printed = bid(
        &scenario,
        &["Catering", "Catering", "Party Tent", "Custom, Printed", "Band", "Hired Help"],
    );
    let expected = 0.25 * 0.8 + 0.25 * 0.9 + 0.1 * 1.0 + 0.1 * 0.0 + 0.2 * 1.0 + 0.1 * 0.9;
    assert!(close(p2.utility.eval(&printed), expected));
    assert_eq!(
        scenario.notes(),
        [
            "party 'party2': issue \"Invitations\": no utility for \"Custom, Printed\", scored 0 as GeniusWeb does",
            "party 'party2': discount factor 0.8 noted, not applied by the static analyses",
        ]
    );
}

#[test]
fn a_reservation_bid_wins_over_a_number_and_partial_bids_count_zero() {
    let domain = read("party/party.json");
    let profile = read("party/party1.json")
        .replace(r#""reservationBid": {"#, r#""reservation": 0.9, "reservationBid": {"#);
    let partial = read("party/party1.json")
        .replace(",\n        \"Cleanup\": \"Special Equipment\"", "")
        .replace("\"Food\": \"Handmade Food\",\n", "");
    let scenario =
        parse_geniusweb(("party.json", &domain), &[("a.json", &profile), ("b.json", &partial)])
            .unwrap_or_else(|diags| panic!("{diags}"));
    let Reservation::Value(full) = scenario.parties()[0].reservation else { panic!() };
    assert!(close(full, 0.49));
    assert!(
        scenario.notes()[0].contains("the reservation bid") && scenario.notes()[0].contains("0.9"),
        "{:?}",
        scenario.notes()
    );
    let Reservation::Value(part) = scenario.parties()[1].reservation else { panic!() };
    assert!(close(part, 0.49 - 0.2 * 0.4 - 0.1 * 0.3), "{part}");
    assert_eq!(scenario.name(), "party");
}

// ---------------------------------------------------------------------------------------------
// Number ranges

#[test]
fn number_ranges_become_integer_or_ordinal_issues() {
    let scenario =
        load_geniusweb_folder(&fixture("numbers")).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.issues()[0].kind, IssueKind::Integer { min: 10, max: 15 });
    assert_eq!(
        scenario.issues()[1].kind,
        IssueKind::Ordinal {
            values: vec!["1.5".into(), "1.75".into(), "2".into(), "2.25".into(), "2.5".into()]
        }
    );
    assert_eq!(
        scenario.issues()[2].kind,
        IssueKind::Ordinal { values: vec!["0".into(), "5".into(), "10".into()] }
    );
    assert_eq!(scenario.space().size(), Some(6 * 5 * 3 * 2));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["buyer", "seller"], "sorted file names; delivery.json is the domain");

    let (buyer, seller) = (&scenario.parties()[0], &scenario.parties()[1]);
    // Quantity 12, Price 2, Days 5, post.
    let package = bid(&scenario, &["12", "2", "5", "post"]);
    let expected = 0.3 * 0.4 + 0.4 * 0.5 + 0.2 * 0.5 + 0.1 * 0.3;
    assert!(close(buyer.utility.eval(&package), expected));
    let Reservation::Value(reservation) = buyer.reservation else { panic!() };
    assert!(close(reservation, expected), "the reservation bid is this package");
    // Seller: Quantity from 0.2 at 10 to 0.7 at 15; 13 → 0.2 + 0.5·3/5 = 0.5.
    let package = bid(&scenario, &["13", "2.25", "10", "courier"]);
    let expected = 0.1 * 0.5 + 0.6 * 0.75 + 0.1 * 1.0 + 0.2 * 0.0;
    assert!(close(seller.utility.eval(&package), expected));
    assert_eq!(seller.reservation, Reservation::Value(0.4));
    // Interpolated utilities are rounded to 8 decimals, as GeniusWeb does: 11 → 0.2 + 0.5/5.
    let tables = seller.utility.values();
    assert_eq!(tables[0][1], 0.3);
}

#[test]
fn decimal_ranges_are_exact_and_steps_may_stop_short_of_high() {
    let domain = r#"{"name": "d", "issuesValues": {
        "x": {"range": {"low": 0.1, "high": 0.45, "step": 0.1}},
        "y": {"range": {"low": -2, "high": 2, "step": 1}}
    }}"#;
    let profile = |hv: &str| {
        format!(
            r#"{{"LinearAdditiveUtilitySpace": {{
            "issueUtilities": {{
                "x": {{"numberutils": {{"lowValue": 0.1, "lowUtility": 0, "highValue": {hv}, "highUtility": 1}}}},
                "y": {{"numberutils": {{"lowValue": -2, "lowUtility": 1, "highValue": 2, "highUtility": 0}}}}
            }},
            "issueWeights": {{"x": 0.5, "y": 0.5}}
        }}}}"#
        )
    };
    let (a, b) = (profile("0.4"), profile("0.45"));
    let scenario = parse_geniusweb(("d.json", domain), &[("a.json", &a), ("b.json", &b)])
        .unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(
        scenario.issues()[0].kind,
        IssueKind::Ordinal { values: vec!["0.1".into(), "0.2".into(), "0.3".into(), "0.4".into()] },
        "0.1 + 3·0.1 is 0.4 exactly, not 0.30000000000000004 + 0.1"
    );
    assert_eq!(scenario.issues()[1].kind, IssueKind::Integer { min: -2, max: 2 });
    let x = &scenario.parties()[0].utility.values()[0];
    assert_eq!(x, &[0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0].map(|u: f64| (u * 1e8).round() / 1e8));
}

// ---------------------------------------------------------------------------------------------
// Detection

#[test]
fn load_path_detects_geniusweb_and_genius_folders() {
    assert_eq!(InputKind::of(&fixture("party")), InputKind::GeniusWebFolder);
    assert_eq!(InputKind::of(&fixture("numbers")), InputKind::GeniusWebFolder);
    let genius = Path::new(DATA).join("../genius/y2012/CameraB");
    assert_eq!(InputKind::of(&genius), InputKind::GeniusFolder);
    let scenario = load_path(&fixture("party"), &[]).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.parties().len(), 2);

    // A folder holding a JSON domain next to stray XML is still GeniusWeb.
    let scratch = Scratch::new("mixed");
    scratch
        .write("party.json", read("party/party.json").as_bytes())
        .write("party1.json", read("party/party1.json").as_bytes())
        .write("party2.json", read("party/party2.json").as_bytes())
        .write("notes.xml", b"<notes/>");
    assert_eq!(InputKind::of(&scratch.0), InputKind::GeniusWebFolder);
    // A folder of JSON files without a domain is GeniusWeb too, and says what is missing.
    let scratch = Scratch::new("nodomain");
    scratch
        .write("party1.json", read("party/party1.json").as_bytes())
        .write("party2.json", read("party/party2.json").as_bytes());
    assert_eq!(InputKind::of(&scratch.0), InputKind::GeniusWebFolder);
    let diags = load_path(&scratch.0, &[]).expect_err("no domain");
    let diag = only(&diags);
    assert_eq!(diag.message, "the folder holds no GeniusWeb domain file");
    assert_eq!(diag.found, "party1.json, party2.json");
    assert_eq!((diag.line, diag.column), (0, 0));
}

// ---------------------------------------------------------------------------------------------
// Bad input

/// The 1-based line and column (in characters) of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line as u32, column as u32)
}

fn at(diag: &Diagnostic) -> (u32, u32) {
    (diag.line, diag.column)
}

fn only(diags: &Diagnostics) -> &Diagnostic {
    assert_eq!(diags.len(), 1, "expected one diagnostic:\n{diags}");
    &diags.0[0]
}

fn find<'a>(diags: &'a Diagnostics, fragment: &str) -> &'a Diagnostic {
    diags
        .0
        .iter()
        .find(|diag| diag.message.contains(fragment))
        .unwrap_or_else(|| panic!("no diagnostic with {fragment:?}:\n{diags}"))
}

fn with_profile(profile: &str) -> Result<Scenario, Diagnostics> {
    parse_geniusweb(
        ("party.json", &read("party/party.json")),
        &[("p.json", profile), ("party2.json", &read("party/party2.json"))],
    )
}

#[test]
fn a_missing_domain_is_reported() {
    let diags = parse_geniusweb(
        ("party.json", r#"{"name": "party", "issues": {}}"#),
        &[("a.json", &read("party/party1.json")), ("b.json", &read("party/party2.json"))],
    )
    .expect_err("no issuesValues");
    let missing = find(&diags, "the domain has no `issuesValues`");
    assert_eq!((missing.file.as_str(), at(missing)), ("party.json", (1, 1)));
    let unknown = find(&diags, "unknown key \"issues\"");
    assert_eq!(at(unknown), (1, 19));

    let diags = parse_geniusweb(
        ("party.json", &read("party/party1.json")),
        &[("a.json", &read("party/party1.json")), ("b.json", &read("party/party2.json"))],
    )
    .expect_err("a profile given as domain");
    find(&diags, "the domain has no `issuesValues`");

    let diags = parse_geniusweb(
        ("party.json", &read("party/party.json")),
        &[("a.json", &read("party/party1.json"))],
    )
    .expect_err("one profile");
    assert!(only(&diags).message.contains("at least two profiles, found 1"));
}

#[test]
fn an_unknown_issue_is_reported_at_its_key() {
    let bad = read("party/party1.json").replacen("\"Music\": {", "\"Musik\": {", 1);
    let diags = with_profile(&bad).expect_err("unknown issue");
    let unknown = find(&diags, "names issue \"Musik\", which is not in the domain");
    assert_eq!(unknown.file, "p.json");
    assert_eq!(at(unknown), position_of(&bad, "\"Musik\""));
    assert!(unknown.expected.contains("\"Food\", \"Drinks\""), "{unknown}");
    assert_eq!(unknown.found, "\"Musik\"");
    // Music now has no utilities: reported at `issueUtilities`.
    let missing = find(&diags, "no utilities for issue \"Music\"");
    assert_eq!(at(missing), position_of(&bad, "{\n      \"Food\""));
    assert_eq!(diags.len(), 2, "{diags}");

    let bad = read("party/party1.json").replace("\"Cleanup\": 0.1", "\"Clean-up\": 0.1");
    let diags = with_profile(&bad).expect_err("unknown weight");
    assert_eq!(
        at(find(&diags, "`issueWeights` names issue \"Clean-up\"")),
        position_of(&bad, "\"Clean-up\"")
    );
    find(&diags, "no weight for issue \"Cleanup\"");
}

#[test]
fn a_value_not_in_the_domain_is_reported() {
    let bad = read("party/party1.json").replacen("\"Beer Only\": 1", "\"Wine Only\": 1", 1);
    let diags = with_profile(&bad).expect_err("unknown value");
    let diag = only(&diags);
    assert_eq!(diag.message, "\"Wine Only\" is not a value of issue \"Drinks\" in the domain");
    assert_eq!(at(diag), position_of(&bad, "\"Wine Only\""));
    assert!(diag.expected.starts_with("one of \"Non-Alcoholic\", \"Beer Only\""), "{diag}");

    let bad = read("party/party1.json").replace("\"Music\": \"Band\"", "\"Music\": \"Orchestra\"");
    let diag = only(&with_profile(&bad).expect_err("bad bid")).clone();
    assert_eq!(
        diag.message,
        "the reservation bid's value for issue \"Music\" is not in the domain"
    );
    assert_eq!(at(&diag), position_of(&bad, "\"Orchestra\""));
    assert_eq!(diag.found, "\"Orchestra\"");
}

#[test]
fn unsupported_profile_classes_are_named() {
    for class in ["SumOfGroupsUtilitySpace", "DefaultPartialOrdering"] {
        let bad = read("party/party1.json").replace("LinearAdditiveUtilitySpace", class);
        let diags = with_profile(&bad).expect_err("unsupported class");
        let diag = only(&diags);
        assert_eq!(diag.message, format!("unsupported GeniusWeb profile class `{class}`"));
        assert_eq!(at(diag), (2, 3));
        assert!(diag.expected.contains("LinearAdditiveUtilitySpace"), "{diag}");
        assert_eq!(diag.found, format!("`{class}`"));
    }
    // In a folder, such a profile is classified as a profile, and refused.
    let scratch = Scratch::new("class");
    scratch
        .write("party.json", read("party/party.json").as_bytes())
        .write("a.json", read("party/party1.json").as_bytes())
        .write(
            "b.json",
            read("party/party2.json")
                .replace("LinearAdditiveUtilitySpace", "SumOfGroupsUtilitySpace")
                .as_bytes(),
        )
        .write("settings.json", br#"{"deadline": 10}"#);
    let diags = load_geniusweb_folder(&scratch.0).expect_err("unsupported");
    let diag = only(&diags);
    assert_eq!(diag.file, scratch.file("b.json"));
    assert!(diag.message.contains("SumOfGroupsUtilitySpace"));
}

#[test]
fn malformed_json_is_located() {
    let bad =
        read("party/party1.json").replacen("\"Finger-Food\": 0.6,", "\"Finger-Food\": 0.6", 1);
    let diags = with_profile(&bad).expect_err("missing comma");
    let diag = only(&diags);
    assert_eq!(diag.file, "p.json");
    assert_eq!(diag.message, "invalid JSON: missing `,` or `}` in object");
    assert_eq!(at(diag), position_of(&bad, "\"Handmade Food\": 0.4"));
    assert_eq!(diag.expected, "`,` or `}`");

    let diags = with_profile("{\"LinearAdditiveUtilitySpace\": {\n  \"name\": 'x'\n}}")
        .expect_err("single quotes");
    assert_eq!(at(only(&diags)), (2, 11));

    let diags = parse_geniusweb(
        ("d.json", "{\"name\": \"d\",\n \"issuesValues\": {\"a\": {\"values\": [\"x\",]}}}"),
        &[("a.json", "{}"), ("b.json", "[")],
    )
    .expect_err("several");
    let files: Vec<&str> = diags.0.iter().map(|diag| diag.file.as_str()).collect();
    assert_eq!(files, ["a.json", "b.json", "d.json"], "{diags}");
    assert_eq!(diags.0[0].message, "not a GeniusWeb profile");
    assert_eq!(diags.0[0].found, "an empty object");
    assert_eq!(at(&diags.0[2]), (2, 40));
}

#[test]
fn utilities_weights_and_ranges_are_checked() {
    let bad = read("party/party1.json")
        .replacen("\"Catering\": 0.2", "\"Catering\": 1.2", 1)
        .replace("\"Invitations\": 0.05", "\"Invitations\": -0.05");
    let diags = with_profile(&bad).expect_err("out of range");
    let utility = find(&diags, "the utility of value \"Catering\" is not a number in [0, 1]");
    assert_eq!(at(utility), position_of(&bad, "1.2"));
    let weight = find(&diags, "the weight of issue \"Invitations\" is not a non-negative number");
    assert_eq!(at(weight), position_of(&bad, "-0.05"));

    let kinds = read("party/party1.json").replacen("\"discreteutils\"", "\"numberutils\"", 1);
    let diag = only(&with_profile(&kinds).expect_err("kind")).clone();
    assert_eq!(diag.message, "issue \"Food\" is a list of values in the domain");
    assert_eq!(diag.found, "`numberutils`");

    let domain =
        r#"{"name": "d", "issuesValues": {"x": {"range": {"low": 1, "high": 3, "step": 0}}}}"#;
    let profile = r#"{"LinearAdditiveUtilitySpace": {"issueUtilities": {}, "issueWeights": {}}}"#;
    let diags = parse_geniusweb(("d.json", domain), &[("a.json", profile), ("b.json", profile)])
        .expect_err("step 0");
    let diag = only(&diags);
    assert!(
        diag.message.contains("the step of the range of issue \"x\" is not positive"),
        "{diag}"
    );
    assert_eq!(at(diag), position_of(domain, "0}"));

    let domain =
        r#"{"name": "d", "issuesValues": {"x": {"range": {"low": 1, "high": 3, "step": 1}}}}"#;
    let profile = r#"{"LinearAdditiveUtilitySpace": {
        "issueUtilities": {"x": {"numberutils": {"lowValue": 0, "lowUtility": 0, "highValue": 3, "highUtility": 1}}},
        "issueWeights": {"x": 1}}}"#;
    let diags = parse_geniusweb(("d.json", domain), &[("a.json", profile), ("b.json", profile)])
        .expect_err("not fitting");
    assert_eq!(diags.len(), 2, "one per profile:\n{diags}");
    let diag = &diags.0[0];
    assert_eq!(diag.message, "`lowValue` is not the start of issue \"x\"'s range");
    assert_eq!((diag.expected.as_str(), diag.found.as_str()), ("1.0", "0"));
}

/// Caught by the `geniusweb` fuzz target's finite-utility check (input in
/// fuzz/regressions/geniusweb/weights-sum-overflows.bin): weights that are each finite but add up
/// to infinity were accepted, and gave utilities of `inf`.
#[test]
fn weights_whose_sum_overflows_are_refused() {
    let domain =
        r#"{"name": "d", "issuesValues": {"a": {"values": ["x"]}, "b": {"values": ["y"]}}}"#;
    let profile = r#"{"LinearAdditiveUtilitySpace": {
        "issueUtilities": {"a": {"discreteutils": {"valueUtilities": {"x": 1}}},
                           "b": {"discreteutils": {"valueUtilities": {"y": 1}}}},
        "issueWeights": {"a": 1e308, "b": 1e308}}}"#;
    let diags = parse_geniusweb(("d.json", domain), &[("a.json", profile), ("b.json", profile)])
        .expect_err("weights summing to infinity");
    assert_eq!(diags.len(), 2, "one per profile:\n{diags}");
    let diag = &diags.0[0];
    assert_eq!(diag.message, "the issue weights add up to more than the largest number");
    assert_eq!((diag.file.as_str(), at(diag)), ("a.json", position_of(profile, "{\"a\": 1e308")));

    // Large weights whose sum is finite are used as given.
    let large = profile.replace("1e308", "8e307");
    let scenario = parse_geniusweb(("d.json", domain), &[("a.json", &large), ("b.json", &large)])
        .expect("a finite sum");
    let utility = scenario.parties()[0].utility.eval(&[0, 0]);
    assert!(utility.is_finite() && utility == 2.0 * 8e307, "{utility}");
}

#[test]
fn an_inline_domain_must_match_the_domain_file() {
    let bad =
        read("party/party1.json").replacen("\"Band\"\n", "\"Band\",\n            \"Karaoke\"\n", 1);
    let diags = with_profile(&bad).expect_err("mismatch");
    let diag = only(&diags);
    assert_eq!(diag.message, "the profile's domain differs from the domain file party.json");
    assert_eq!(diag.found, "other values for issue \"Music\"");
    assert_eq!(at(diag), position_of(&bad, "{\n      \"name\": \"party\""));
}

// ---------------------------------------------------------------------------------------------
// Folders

/// A scratch folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("impasse-geniusweb-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("scratch folder");
        Scratch(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> &Scratch {
        fs::write(self.0.join(name), bytes).expect("scratch file");
        self
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn folders_need_one_domain_and_two_profiles_and_skip_other_json() {
    let scratch = Scratch::new("counts");
    scratch
        .write("d1.json", read("party/party.json").as_bytes())
        .write("d2.json", read("party/party.json").as_bytes())
        .write("p.json", read("party/party1.json").as_bytes())
        .write("specials.json", b"not even JSON")
        .write("settings.json", br#"{"deadline": {"durationms": 60000}}"#);
    let diags = load_geniusweb_folder(&scratch.0).expect_err("counts");
    assert_eq!(find(&diags, "more than one GeniusWeb domain file").found, "d1.json, d2.json");
    assert_eq!(find(&diags, "1 GeniusWeb profile(s)").found, "p.json");
    assert_eq!(diags.len(), 2, "{diags}");

    let diags = load_geniusweb_folder(&scratch.0.join("nowhere")).expect_err("missing");
    assert!(only(&diags).message.starts_with("cannot read the folder"));
}

#[test]
fn junk_and_oversized_files_in_a_folder_are_reported() {
    let scratch = Scratch::new("junk");
    scratch
        .write("party.json", read("party/party.json").as_bytes())
        .write("party1.json", read("party/party1.json").as_bytes())
        .write("party2.json", read("party/party2.json").as_bytes())
        .write("broken.json", b"{\n  \"a\": tru\n}")
        .write("latin1.json", b"{\"caf\xe9\": 1}");
    let big = fs::File::create(scratch.0.join("zz.json")).expect("create");
    big.set_len(MAX_FILE_BYTES + 1).expect("sparse file");
    let diags = load_geniusweb_folder(&scratch.0).expect_err("junk");
    assert_eq!(diags.len(), 3, "{diags}");
    let broken = find(&diags, "invalid JSON");
    assert_eq!((broken.file.clone(), at(broken)), (scratch.file("broken.json"), (2, 8)));
    let latin = find(&diags, "not valid UTF-8");
    assert_eq!(latin.file, scratch.file("latin1.json"));
    let large = find(&diags, "too large");
    assert_eq!(large.found, format!("{} bytes", MAX_FILE_BYTES + 1));
}

// ---------------------------------------------------------------------------------------------
// Robustness

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "-1",
    "1e400",
    "0.5",
    "\"range\"",
    "\"values\"",
    "\"numberutils\"",
    "\"discreteutils\"",
    "\"step\": 0",
    "\\u00e9",
    "\n",
];

fn mutate(base: &str, edits: &[(prop::sample::Index, u8, u8)]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    for (place, byte, op) in edits {
        let pos = place.index(bytes.len() + 1);
        match op % 4 {
            0 if pos < bytes.len() => bytes[pos] = *byte,
            1 => bytes.insert(pos, *byte),
            2 if pos < bytes.len() => {
                bytes.remove(pos);
            }
            _ => {
                let token = TOKENS[usize::from(*byte) % TOKENS.len()];
                bytes.splice(pos..pos, token.bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check(result: Result<Scenario, Diagnostics>) -> Result<(), TestCaseError> {
    match result {
        Ok(scenario) => {
            let zeros = vec![0; scenario.issues().len()];
            for party in scenario.parties() {
                prop_assert!(party.utility.eval(&zeros).is_finite());
            }
        }
        Err(diags) => {
            prop_assert!(!diags.is_empty());
            for diag in &diags.0 {
                prop_assert!(!diag.message.is_empty());
                prop_assert!(diag.line > 0 || diag.column == 0);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_files_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 0..10),
        which in 0u8..4,
    ) {
        let (mut domain, mut a, mut b) = (read("numbers/delivery.json"), read("numbers/buyer.json"), read("numbers/seller.json"));
        match which {
            0 => domain = mutate(&domain, &edits),
            1 => a = mutate(&a, &edits),
            2 => b = mutate(&b, &edits),
            _ => a = mutate(&read("party/party1.json"), &edits),
        }
        check(parse_geniusweb(("d.json", &domain), &[("a.json", &a), ("b.json", &b)]))?;
    }
}

#[test]
fn huge_ranges_are_refused_not_overflowed() {
    let profile = r#"{"LinearAdditiveUtilitySpace": {"issueUtilities": {}, "issueWeights": {}}}"#;
    for range in [
        r#"{"low": -100000000000000000000000000000, "high": 100000000000000000000000000000, "step": 1e-8}"#,
        r#"{"low": 0, "high": 1e30, "step": 1}"#,
        r#"{"low": 0.000000000000000000001, "high": 1e30, "step": 1}"#,
    ] {
        let domain = format!(r#"{{"name": "d", "issuesValues": {{"x": {{"range": {range}}}}}}}"#);
        let diags =
            parse_geniusweb(("d.json", &domain), &[("a.json", profile), ("b.json", profile)])
                .expect_err("too large");
        assert_eq!(diags.len(), 1, "{diags}");
        assert_eq!(diags.0[0].file, "d.json");
    }
}

#[test]
fn files_in_memory_read_as_their_folder_does() {
    let folder =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/geniusweb/party");
    let from_folder = impasse_format::load_geniusweb_folder(&folder).unwrap();
    let mut files: Vec<(String, String)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    let from_files = impasse_format::parse_geniusweb_files(from_folder.name(), &files).unwrap();
    assert_eq!(format!("{from_files:?}"), format!("{from_folder:?}"));
}
