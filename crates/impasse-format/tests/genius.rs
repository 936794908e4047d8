//! Tests of the GENIUS importer (`load_genius_folder`, `parse_genius`).
//!
//! Utilities are checked against an independent reading of the XML: a few lines of string scanning
//! in this file pull the numbers out of the profiles, and GENIUS's formulas are applied to them
//! directly, without going through the importer's tree, tables or terms.

use std::fs;
use std::path::{Path, PathBuf};

use impasse_core::{IssueKind, Reservation, Scenario};
use impasse_format::{
    Diagnostic, Diagnostics, GeniusSemantics, load_genius_folder, load_genius_folder_with,
    parse_genius, parse_genius_with,
};
use proptest::prelude::*;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/genius-domains");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius");
const QUIRKS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/genius-quirks");

/// The collection of GENIUS domains: the shared one when present, else the copies in tests/data.
fn domains_root() -> PathBuf {
    let shared = Path::new(SHARED);
    if shared.is_dir() { shared.to_path_buf() } else { PathBuf::from(DATA) }
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(DATA).join(rel)
}

fn read(rel: &str) -> String {
    fs::read_to_string(fixture(rel)).expect("fixture is readable")
}

fn load(rel: &str) -> Scenario {
    load_genius_folder(&fixture(rel)).unwrap_or_else(|diags| panic!("{rel} must load:\n{diags}"))
}

/// Every `y20*/*` folder of a collection, sorted.
fn domain_folders(root: &Path) -> Vec<PathBuf> {
    let mut folders = Vec::new();
    let mut years: Vec<PathBuf> = fs::read_dir(root)
        .expect("collection is readable")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.is_dir()
                && path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("y20"))
        })
        .collect();
    years.sort();
    for year in years {
        let mut inner: Vec<PathBuf> = fs::read_dir(&year)
            .expect("year folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        inner.sort();
        folders.extend(inner);
    }
    folders
}

// ---------------------------------------------------------------------------------------------
// An independent scrape of GENIUS XML numbers

/// Every tag of `xml` in document order as `(name, attributes)`; closing tags are named `/name`.
/// Assumes double-quoted attributes, as in the fixtures.
fn scrape_tags(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for chunk in xml.split('<').skip(1) {
        let Some(end) = chunk.find('>') else { continue };
        let body = chunk[..end].trim_end_matches('/');
        let name = body.split_whitespace().next().unwrap_or("").to_owned();
        let mut attrs = Vec::new();
        let mut rest = &body[name.len()..];
        while let Some(eq) = rest.find("=\"") {
            let key = rest[..eq].trim().to_owned();
            let after = &rest[eq + 2..];
            let close = after.find('"').expect("closing quote");
            attrs.push((key, after[..close].to_owned()));
            rest = &after[close + 1..];
        }
        out.push((name, attrs));
    }
    out
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs.iter().find(|(name, _)| name == key).map(|(_, value)| value.as_str())
}

fn num(attrs: &[(String, String)], key: &str) -> f64 {
    get(attrs, key).unwrap_or_else(|| panic!("attribute {key}")).parse().expect("number")
}

/// A linear-additive profile: per issue (in file order) its evaluations and its weight.
fn scrape_additive(xml: &str) -> Vec<(Vec<f64>, f64)> {
    let mut issues: Vec<(String, Vec<f64>)> = Vec::new();
    let mut weights: Vec<(String, f64)> = Vec::new();
    for (name, attrs) in scrape_tags(xml) {
        match name.as_str() {
            "issue" => issues.push((get(&attrs, "index").expect("index").to_owned(), Vec::new())),
            "item" => {
                issues.last_mut().expect("item inside issue").1.push(num(&attrs, "evaluation"))
            }
            "weight" => weights
                .push((get(&attrs, "index").expect("index").to_owned(), num(&attrs, "value"))),
            _ => {}
        }
    }
    issues
        .into_iter()
        .map(|(index, evals)| {
            let weight = weights.iter().find(|(i, _)| *i == index).expect("weight").1;
            (evals, weight)
        })
        .collect()
}

/// GENIUS's additive utility, straight from the scraped numbers.
fn additive_utility(profile: &[(Vec<f64>, f64)], outcome: &[u32]) -> f64 {
    let mut total = 0.0;
    for ((evals, weight), &value) in profile.iter().zip(outcome) {
        let max = evals.iter().copied().fold(f64::MIN, f64::max);
        let eval = if max < 1e-5 { 0.0 } else { evals[value as usize] / max };
        total += weight * eval;
    }
    total.min(1.0)
}

/// A bound of a hyper-rectangle: `(issue index, min, max)`.
type Bound = (i64, f64, f64);

/// A hyper-rectangle profile: maxutility, ufun weight and rectangles `(utility, bounds)`.
struct Rectangles {
    max_utility: f64,
    weight: f64,
    rectangles: Vec<(f64, Vec<Bound>)>,
}

fn scrape_rectangles(xml: &str) -> Rectangles {
    let mut scraped =
        Rectangles { max_utility: f64::NAN, weight: f64::NAN, rectangles: Vec::new() };
    for (name, attrs) in scrape_tags(xml) {
        match name.as_str() {
            "utility" => scraped.max_utility = num(&attrs, "maxutility"),
            "ufun" => scraped.weight = num(&attrs, "weight"),
            "hyperRectangle" => scraped.rectangles.push((num(&attrs, "utility"), Vec::new())),
            "INCLUDES" => scraped.rectangles.last_mut().expect("bound inside rectangle").1.push((
                get(&attrs, "index").expect("index").parse().expect("int"),
                num(&attrs, "min"),
                num(&attrs, "max"),
            )),
            _ => {}
        }
    }
    scraped
}

/// The integer issues of a domain: `(index, lowerbound)` in file order.
fn scrape_integer_issues(xml: &str) -> Vec<(i64, i64)> {
    scrape_tags(xml)
        .into_iter()
        .filter(|(name, _)| name == "issue")
        .map(|(_, attrs)| {
            (
                get(&attrs, "index").expect("index").parse().expect("int"),
                get(&attrs, "lowerbound").expect("lb").parse().expect("int"),
            )
        })
        .collect()
}

fn rectangle_utility(profile: &Rectangles, issues: &[(i64, i64)], outcome: &[u32]) -> f64 {
    let value_of = |index: i64| {
        let pos = issues.iter().position(|(i, _)| *i == index).expect("bounded issue");
        (issues[pos].1 + i64::from(outcome[pos])) as f64
    };
    let sum: f64 = profile
        .rectangles
        .iter()
        .filter(|(_, bounds)| {
            bounds.iter().all(|&(index, min, max)| min <= value_of(index) && value_of(index) <= max)
        })
        .map(|(utility, _)| utility * profile.weight)
        .sum();
    (sum / profile.max_utility).min(1.0)
}

/// A small deterministic generator (PCG-style LCG) for sampling outcomes.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u32) -> u32 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(bound)) as u32
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// ---------------------------------------------------------------------------------------------
// Real domains

#[test]
fn every_collected_domain_loads() {
    let root = domains_root();
    let folders = domain_folders(&root);
    assert!(!folders.is_empty(), "no domain folders under {}", root.display());
    let mut failures = Vec::new();
    for folder in &folders {
        match load_genius_folder(folder) {
            Ok(scenario) => {
                assert!(scenario.parties().len() >= 2, "{}", folder.display());
                assert!(!scenario.issues().is_empty(), "{}", folder.display());
                let name = folder.file_name().expect("folder name").to_string_lossy();
                assert_eq!(scenario.name(), name);
                for party in scenario.parties() {
                    assert_eq!(party.power, 1.0);
                    assert!(party.description.is_empty());
                    assert_eq!(party.utility.cap(), Some(1.0));
                }
            }
            Err(diags) => failures.push(format!("{}:\n{diags}", folder.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} folders failed:\n{}",
        failures.len(),
        folders.len(),
        failures.join("\n")
    );
    if root == Path::new(SHARED) {
        // The collection's README lists 2010–2013, one 2014 and one 2015 domain.
        assert!(folders.len() >= 100, "only {} folders", folders.len());
    }
}

#[test]
fn the_copied_fixtures_load_too() {
    let folders = domain_folders(Path::new(DATA));
    assert_eq!(folders.len(), 7);
    for folder in folders {
        load_genius_folder(&folder)
            .unwrap_or_else(|diags| panic!("{}:\n{diags}", folder.display()));
    }
}

#[test]
fn camera_b_matches_genius_by_hand() {
    let scenario = load("y2012/CameraB");
    assert_eq!(scenario.name(), "CameraB");
    assert_eq!(scenario.space().size(), Some(3600));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["Camera-B-prof1", "Camera-B-prof2"], "keys are the file stems as written");
    let names: Vec<&str> = scenario.parties().iter().map(|party| party.name.as_str()).collect();
    assert_eq!(names, ["Camera-B-prof1", "Camera-B-prof2"]);
    let issue_names: Vec<&str> =
        scenario.issues().iter().map(|issue| issue.name.as_str()).collect();
    assert_eq!(issue_names, ["Maker", "Body", "Lens", "Tripod", "Bag", "Accessory"]);
    let issue_ids: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(issue_ids, issue_names, "issues are keyed by their names as written");
    assert_eq!(
        scenario.issues()[0].kind,
        IssueKind::Categorical {
            values: vec![
                "Canon".into(),
                "Nikon".into(),
                "Pentax".into(),
                "Sony".into(),
                "Panasonic".into()
            ]
        }
    );
    for party in scenario.parties() {
        assert_eq!(party.reservation, Reservation::Value(0.0));
        assert_eq!(party.discount, Some(0.5));
    }
    assert_eq!(
        scenario.notes(),
        [
            "party 'Camera-B-prof1': GENIUS discount factor 0.5 noted, not applied by the static analyses",
            "party 'Camera-B-prof2': GENIUS discount factor 0.5 noted, not applied by the static analyses",
        ]
    );

    // Profile 1, read off Camera-B-prof1.xml: weights 0.34 0.06 0.13 0.09 0.11 0.27; the
    // evaluations of each issue are divided by that issue's largest (320, 150, 350, 525, 340, 220).
    let u1 = &scenario.parties()[0].utility;
    // Canon, Full size, High end model, GITZO, Domke, Electronic Flash.
    let first = 0.34 + 0.06 + 0.13 + 0.09 + 0.11 + 0.27 * (40.0 / 220.0);
    assert!(close(u1.eval(&[0, 0, 0, 0, 0, 0]), first));
    // Pentax, compact, Entry model, Induro, Artizan and Artist, Strap.
    let worst = 0.34 * (10.0 / 320.0)
        + 0.06 * (10.0 / 150.0)
        + 0.13 * (30.0 / 350.0)
        + 0.09 * (25.0 / 525.0)
        + 0.11 * (15.0 / 340.0)
        + 0.27 * (5.0 / 220.0);
    assert!(close(u1.eval(&[2, 3, 2, 2, 4, 3]), worst));
    // Canon, Full size, High end model, GITZO, Domke, Battery Grip: every issue at its best.
    assert!(close(u1.eval(&[0, 0, 0, 0, 0, 1]), 1.0));
}

#[test]
fn camera_b_matches_an_independent_scrape_on_every_outcome() {
    let scenario = load("y2012/CameraB");
    let profiles = [
        scrape_additive(&read("y2012/CameraB/Camera-B-prof1.xml")),
        scrape_additive(&read("y2012/CameraB/Camera-B-prof2.xml")),
    ];
    let space = scenario.space();
    let mut outcomes = space.range(0, space.size().expect("finite"));
    let mut checked = 0;
    while let Some((_, outcome)) = outcomes.next_outcome() {
        for (party, profile) in scenario.parties().iter().zip(&profiles) {
            let expected = additive_utility(profile, outcome);
            let got = party.utility.eval(outcome);
            assert!(close(got, expected), "{} at {outcome:?}: {got} vs {expected}", party.id);
        }
        checked += 1;
    }
    assert_eq!(checked, 3600);
}

#[test]
fn laptop_c_is_clamped_at_one() {
    let scenario = load("y2012/LaptopC");
    assert_eq!(scenario.space().size(), Some(27));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["Laptop-C-prof1", "Laptop-C-prof2"]);
    let profile = scrape_additive(&read("y2012/LaptopC/Laptop-C-prof1.xml"));
    let weight_sum: f64 = profile.iter().map(|(_, weight)| weight).sum();
    assert!(weight_sum > 1.0, "the fixture's weights sum above 1");
    let utility = &scenario.parties()[0].utility;
    // HP, 60 Gb, 19'' LCD: every issue at its best; GENIUS clamps the 1.00005 to 1.
    assert_eq!(utility.eval(&[2, 0, 0]), 1.0);
    for party in scenario.parties() {
        assert_eq!(party.reservation, Reservation::Value(0.0));
        assert_eq!(party.discount, None, "a discount factor of 1 means no discount");
    }
    assert!(scenario.notes().is_empty());
}

#[test]
fn nice_or_die_defaults() {
    let scenario = load("y2011/NiceOrDie");
    assert_eq!(scenario.space().size(), Some(3));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["NiceOrDie1", "NiceOrDie2"]);
    let u1 = &scenario.parties()[0].utility;
    assert!(close(u1.eval(&[0]), 1.0));
    assert!(close(u1.eval(&[1]), 160.0 / 1000.0));
    assert!(close(u1.eval(&[2]), 299.0 / 1000.0));
    for party in scenario.parties() {
        assert_eq!(party.reservation, Reservation::Value(0.0), "no <reservation> means 0");
        assert_eq!(party.discount, None);
    }
}

#[test]
fn ten_issues_matches_an_independent_hyper_rectangle_evaluation() {
    let scenario = load("y2014/10issues");
    assert_eq!(scenario.space().size(), Some(10_000_000_000));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["profile-1", "profile-2"]);
    for issue in scenario.issues() {
        assert_eq!(issue.kind, IssueKind::Integer { min: 0, max: 9 });
    }
    let issues = scrape_integer_issues(&read("y2014/10issues/10issues-domain.xml"));
    let profiles = [
        scrape_rectangles(&read("y2014/10issues/profile-1.xml")),
        scrape_rectangles(&read("y2014/10issues/profile-2.xml")),
    ];
    for (party, profile) in scenario.parties().iter().zip(&profiles) {
        assert_eq!(party.utility.terms().len(), profile.rectangles.len());
        assert!(party.utility.tables().iter().flatten().all(|&score| score == 0.0));
        assert_eq!(party.reservation, Reservation::Value(0.0));
    }
    let mut rng = Lcg(7);
    let mut positive = 0;
    for _ in 0..5000 {
        let outcome: Vec<u32> =
            scenario.space().radices().iter().map(|&radix| rng.below(radix)).collect();
        for (party, profile) in scenario.parties().iter().zip(&profiles) {
            let expected = rectangle_utility(profile, &issues, &outcome);
            let got = party.utility.eval(&outcome);
            assert!(close(got, expected), "{} at {outcome:?}: {got} vs {expected}", party.id);
            if got > 0.0 {
                positive += 1;
            }
        }
    }
    assert!(positive > 1000, "the sample must exercise the rectangles ({positive} positive)");
}

// ---------------------------------------------------------------------------------------------
// Synthetic profiles: integer evaluators, EXCLUDES, notes

const DOMAIN: &str = r#"<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="Color" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red"/>
<item index="2" value="blue"/>
</issue>
<issue index="2" name="Size" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="5"/>
</objective>
</utility_space>
</negotiation_template>
"#;

const PROFILE_A: &str = r#"<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
<weight index="1" value="0.6"/>
<issue index="1" name="Color" type="discrete" etype="discrete" vtype="discrete">
<item index="1" value="red" cost="0" evaluation="4"/>
<item index="2" value="blue" cost="0" evaluation="2"/>
</issue>
<issue index="2" name="Size" type="integer" etype="integer" vtype="integer" lowerbound="1" upperbound="5">
<evaluator ftype="linear" slope="0.25" offset="0"/>
</issue>
<weight index="2" value="0.4"/>
</objective>
<reservation value="0.3"/>
<discount_factor value="0.9"/>
</utility_space>
"#;

const PROFILE_B: &str = r#"<utility_space>
<objective index="0" name="root" type="objective" etype="objective">
<issue index="1" name="Color" type="discrete">
<item index="1" value="red" evaluation="0"/>
<item index="2" value="blue" evaluation="10"/>
</issue>
<issue index="2" name="Size" type="integer" lowerbound="1" upperbound="5">
<evaluator ftype="linear" utilityLowestValue="1" utilityHighestValue="0"/>
</issue>
<weight index="1" value="0.5"/>
<weight index="2" value="0.7"/>
</objective>
<discount_factor value="1.0"/>
</utility_space>
"#;

fn synthetic(profile_a: &str, profile_b: &str) -> Result<Scenario, Diagnostics> {
    parse_genius(("dom.xml", DOMAIN), &[("alpha-1.xml", profile_a), ("beta.xml", profile_b)])
}

#[test]
fn integer_evaluators_follow_genius() {
    let scenario = synthetic(PROFILE_A, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.name(), "dom");
    assert_eq!(scenario.issues()[1].kind, IssueKind::Integer { min: 1, max: 5 });
    assert_eq!(scenario.space().size(), Some(10));
    let (a, b) = (&scenario.parties()[0], &scenario.parties()[1]);
    assert_eq!((a.id.as_str(), a.name.as_str()), ("alpha-1", "alpha-1"));
    // A: red 4/4, blue 2/4; size clamp(0.25·(v − 1), 0, 1).
    assert!(close(a.utility.eval(&[0, 4]), 0.6 + 0.4));
    assert!(close(a.utility.eval(&[1, 2]), 0.6 * 0.5 + 0.4 * 0.5));
    assert!(close(a.utility.eval(&[1, 0]), 0.3));
    assert_eq!(a.reservation, Reservation::Value(0.3));
    assert_eq!(a.discount, Some(0.9));
    // B: utilityLowestValue 1 at size 1 down to utilityHighestValue 0 at size 5; weights sum to 1.2.
    assert!(close(b.utility.eval(&[0, 1]), 0.7 * 0.75));
    assert_eq!(b.utility.eval(&[1, 0]), 1.0, "0.5 + 0.7 is clamped to 1");
    assert!(close(b.utility.eval(&[1, 4]), 0.5));
    assert_eq!(b.reservation, Reservation::Value(0.0));
    assert_eq!(b.discount, None);
    assert_eq!(
        scenario.notes(),
        ["party 'alpha-1': GENIUS discount factor 0.9 noted, not applied by the static analyses"]
    );
}

#[test]
fn integer_evaluations_are_clamped_to_the_unit_interval() {
    let steep = PROFILE_A.replace(r#"slope="0.25" offset="0""#, r#"slope="0.5" offset="-0.5""#);
    let scenario = synthetic(&steep, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    let utility = &scenario.parties()[0].utility;
    // clamp(0.5·(v − 1) − 0.5, 0, 1) for v = 1..=5: 0, 0, 0.5, 1, 1 (not −0.5 and 1.5).
    let expected = [0.0, 0.0, 0.5, 1.0, 1.0];
    for (size, eval) in expected.iter().enumerate() {
        assert!(
            close(utility.eval(&[1, size as u32]), 0.6 * 0.5 + 0.4 * eval),
            "size index {size}"
        );
    }
}

#[test]
fn discount_factors_outside_the_unit_interval_are_discarded_like_genius() {
    let zero =
        PROFILE_A.replace(r#"<discount_factor value="0.9"/>"#, r#"<discount_factor value="0.0"/>"#);
    let scenario = synthetic(&zero, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.parties()[0].discount, None);
    assert!(scenario.notes().is_empty());
    let above =
        PROFILE_A.replace(r#"<discount_factor value="0.9"/>"#, r#"<discount_factor value="1.5"/>"#);
    let scenario = synthetic(&above, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.parties()[0].discount, None);
    assert_eq!(scenario.notes().len(), 1);
    assert!(
        scenario.notes()[0].contains("1.5") && scenario.notes()[0].contains("discarded"),
        "{:?}",
        scenario.notes()
    );
}

#[test]
fn an_integer_issue_without_evaluator_scores_zero_with_a_note() {
    let bare = PROFILE_A.replace(r#"<evaluator ftype="linear" slope="0.25" offset="0"/>"#, "");
    let scenario = synthetic(&bare, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    assert!(close(scenario.parties()[0].utility.eval(&[0, 4]), 0.6));
    assert!(
        scenario
            .notes()
            .iter()
            .any(|note| note.starts_with("party 'alpha-1'") && note.contains("no evaluator"))
    );
}

const RECT_DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="root">
<issue index="1" name="x" type="integer" lowerbound="0" upperbound="3"/>
<issue index="2" name="y" type="integer" lowerbound="10" upperbound="12"/>
</objective></utility_space></negotiation_template>"#;

const RECT_PROFILE: &str = r#"<utility_space type="nonlinear"><objective index="0" name="root">
<issue index="1" name="x" type="integer" lowerbound="0" upperbound="3"/>
<issue index="2" name="y" type="integer" lowerbound="10" upperbound="12"/>
<utility maxutility="50">
<ufun type="PlainUfun" weight="2" aggregation="sum">
<hyperRectangle utility="10"><INCLUDES index="1" min="1" max="2"/><INCLUDES index="2" min="11" max="12"/></hyperRectangle>
<hyperRectangle utility_value="5" weight="0.5"><EXCLUDES index="1" min="0" max="0"/><EXCLUDES index="2" min="10" max="10"/></hyperRectangle>
<hyperRectangle utility="3"/>
</ufun>
</utility>
</objective>
<reservation value="0.1"/>
</utility_space>"#;

#[test]
fn hyper_rectangles_with_excludes_weights_and_no_bounds() {
    let scenario = parse_genius(
        ("rect.xml", RECT_DOMAIN),
        &[("p.xml", RECT_PROFILE), ("q.xml", RECT_PROFILE)],
    )
    .unwrap_or_else(|diags| panic!("{diags}"));
    let utility = &scenario.parties()[0].utility;
    assert_eq!(utility.terms().len(), 3);
    // Per rectangle: utility × rectangle weight × ufun weight / maxutility.
    let include = 10.0 * 2.0 / 50.0;
    let exclude = 5.0 * 0.5 * 2.0 / 50.0;
    let always = 3.0 * 2.0 / 50.0;
    for x in 0..4u32 {
        for y in 0..3u32 {
            let (vx, vy) = (f64::from(x), 10.0 + f64::from(y));
            let mut expected: f64 = always;
            if (1.0..=2.0).contains(&vx) && (11.0..=12.0).contains(&vy) {
                expected += include;
            }
            if !(vx == 0.0 && vy == 10.0) {
                expected += exclude;
            }
            assert!(close(utility.eval(&[x, y]), expected.min(1.0)), "({x}, {y})");
        }
    }
    assert_eq!(scenario.parties()[0].reservation, Reservation::Value(0.1));
    assert_eq!(scenario.parties()[1].id, "q");
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

#[test]
fn malformed_xml_is_located() {
    let bad = PROFILE_A.replacen("</issue>", "</isue>", 1);
    let diags = synthetic(&bad, PROFILE_B).expect_err("mismatched tags");
    let diag = only(&diags);
    assert_eq!(diag.file, "alpha-1.xml");
    assert_eq!(diag.message, "malformed XML");
    assert_eq!(at(diag), position_of(&bad, "</isue>"));
    assert!(diag.found.contains("isue"), "{diag}");

    let unclosed = PROFILE_A.replace("</utility_space>\n", "");
    let diag = only(&synthetic(&unclosed, PROFILE_B).expect_err("unclosed root")).clone();
    assert!(diag.message.contains("<utility_space> is never closed"), "{diag}");
    assert_eq!(at(&diag), (1, 1));

    let bad_attr =
        PROFILE_A.replace(r#"<weight index="2" value="0.4"/>"#, r#"<weight index="2" value=0.4/>"#);
    let diag = only(&synthetic(&bad_attr, PROFILE_B).expect_err("unquoted")).clone();
    assert_eq!(diag.message, "malformed attribute");
    let (line, column) = position_of(&bad_attr, "value=0.4");
    assert_eq!(at(&diag), (line, column + "value=".len() as u32));

    // A stray name with no `=` is pointed at, not the character after it, and the message holds
    // no parser-internal offset.
    let stray = PROFILE_A
        .replace(r#"<weight index="2" value="0.4"/>"#, r#"<weight index="2" value="0.4" / >"#);
    let diag = only(&synthetic(&stray, PROFILE_B).expect_err("a stray name")).clone();
    assert_eq!(diag.message, "malformed attribute");
    assert_eq!(at(&diag), position_of(&stray, "/ >"), "{diag}");
    assert!(diag.found.starts_with("`/`, not followed by `=`"), "{diag}");
    assert!(!diag.found.contains("position"), "{diag}");
}

#[test]
fn a_missing_weight_is_reported_at_its_issue() {
    let bad = PROFILE_A.replace("<weight index=\"2\" value=\"0.4\"/>\n", "");
    let diags = synthetic(&bad, PROFILE_B).expect_err("missing weight");
    let diag = only(&diags);
    assert_eq!(diag.message, "no weight for issue 'Size' (index 2)");
    assert_eq!(at(diag), position_of(&bad, "<issue index=\"2\""));
    assert!(diag.expected.contains("<weight index=\"2\""), "{diag}");
}

#[test]
fn a_bad_weight_is_reported_once() {
    let bad = PROFILE_A
        .replace(r#"<weight index="2" value="0.4"/>"#, r#"<weight index="2" value="heavy"/>"#);
    let diags = synthetic(&bad, PROFILE_B).expect_err("bad weight");
    let diag = only(&diags);
    assert_eq!(diag.message, "`value` is not a finite number");
    assert_eq!(at(diag), position_of(&bad, "heavy"));
    assert_eq!(diag.expected, "a number (the issue weight)");

    let twice = PROFILE_A.replace(
        r#"<weight index="2" value="0.4"/>"#,
        r#"<weight index="2" value="0.4"/><weight index="2" value="0.1"/>"#,
    );
    let diag = only(&synthetic(&twice, PROFILE_B).expect_err("duplicate weight")).clone();
    assert_eq!(diag.message, "duplicate weight for index 2");
    assert_eq!(at(&diag), position_of(&twice, r#"<weight index="2" value="0.1""#));
}

#[test]
fn unknown_evaluators_and_legacy_parameters_are_refused() {
    let bad = PROFILE_A.replace(r#"ftype="linear""#, r#"ftype="triangular""#);
    let diags = synthetic(&bad, PROFILE_B).expect_err("unknown evaluator");
    let diag = only(&diags);
    assert!(diag.message.contains("unknown GENIUS evaluator type"), "{diag}");
    assert_eq!(at(diag), position_of(&bad, "triangular\""));
    assert_eq!(diag.found, "ftype=\"triangular\"");

    let legacy = PROFILE_A.replace(
        r#"ftype="linear" slope="0.25" offset="0""#,
        r#"parameter0="0.1" parameter1="0.2""#,
    );
    let diag = only(&synthetic(&legacy, PROFILE_B).expect_err("legacy")).clone();
    assert!(diag.message.contains("parameter0/parameter1"), "{diag}");
    assert_eq!(at(&diag), position_of(&legacy, "<evaluator"));
}

#[test]
fn real_issues_are_refused() {
    let domain = DOMAIN.replace(
        r#"type="integer" etype="integer" vtype="integer""#,
        r#"type="real" etype="real" vtype="real""#,
    );
    let diags = parse_genius(("dom.xml", &domain), &[("a.xml", PROFILE_A), ("b.xml", PROFILE_B)])
        .expect_err("real issue");
    let diag = only(&diags);
    assert_eq!(diag.file, "dom.xml");
    assert_eq!(diag.message, "real-valued GENIUS issues are not supported");
    assert_eq!(at(diag), position_of(&domain, "real\""));
}

#[test]
fn profile_domain_mismatches_are_all_reported() {
    let bad_a = PROFILE_A
        .replace(r#"value="blue""#, r#"value="green""#)
        .replace(r#"name="Size""#, r#"name="Height""#);
    let bad_b = PROFILE_B.replace(r#"<issue index="2""#, r#"<issue index="3""#);
    let diags = synthetic(&bad_a, &bad_b).expect_err("mismatches");

    let green = find(&diags, "\"green\" is not a value of issue 'Color'");
    assert_eq!(green.file, "alpha-1.xml");
    assert_eq!(at(green), position_of(&bad_a, "green"));
    assert!(green.expected.contains("\"red\", \"blue\""), "{green}");
    let blue = find(&diags, "value \"blue\" of issue 'Color' (index 1) has no evaluation");
    assert_eq!(at(blue), position_of(&bad_a, "<issue index=\"1\""));
    let renamed = find(&diags, "issue index 2 has another name in the domain");
    assert_eq!(at(renamed), position_of(&bad_a, "Height"));
    assert_eq!((renamed.expected.as_str(), renamed.found.as_str()), ("\"Size\"", "\"Height\""));

    let unknown = find(&diags, "issue index 3 is not in the domain");
    assert_eq!(unknown.file, "beta.xml");
    assert_eq!(at(unknown), position_of(&bad_b, "<issue index=\"3\""));
    let missing = find(&diags, "does not evaluate issue 'Size' (index 2)");
    assert_eq!(missing.file, "beta.xml");
    assert_eq!(at(missing), position_of(&bad_b, "<objective"));
    assert_eq!(diags.len(), 5, "{diags}");
}

#[test]
fn type_mismatches_and_bad_numbers_are_reported() {
    let bad = PROFILE_A.replace(r#"evaluation="4""#, r#"evaluation="four""#).replace(
        r#"<issue index="2" name="Size" type="integer" etype="integer" vtype="integer""#,
        r#"<issue index="2" name="Size" type="discrete""#,
    );
    let diags = synthetic(&bad, PROFILE_B).expect_err("bad numbers");
    let number = find(&diags, "`evaluation` is not a finite number");
    assert_eq!(at(number), position_of(&bad, "four"));
    assert_eq!(number.found, "\"four\"");
    let kind = find(&diags, "issue 'Size' (index 2) has another type in the domain");
    assert_eq!(at(kind), position_of(&bad, "<issue index=\"2\""));
}

#[test]
fn non_linear_profiles_refuse_what_genius_cannot_mean() {
    let mixed = RECT_PROFILE.replace(
        r#"<INCLUDES index="2" min="11" max="12"/>"#,
        r#"<EXCLUDES index="2" min="11" max="12"/>"#,
    );
    let diags =
        parse_genius(("rect.xml", RECT_DOMAIN), &[("p.xml", &mixed), ("q.xml", RECT_PROFILE)])
            .expect_err("mixed");
    let diag = only(&diags);
    assert!(diag.message.contains("mixing INCLUDES and EXCLUDES"), "{diag}");
    assert_eq!(at(diag), position_of(&mixed, "<hyperRectangle"));

    let max = RECT_PROFILE
        .replace(r#"aggregation="sum""#, r#"aggregation="max""#)
        .replace(r#"maxutility="50""#, r#"maxutility="0""#);
    let diags =
        parse_genius(("rect.xml", RECT_DOMAIN), &[("p.xml", &max), ("q.xml", RECT_PROFILE)])
            .expect_err("max");
    assert_eq!(at(find(&diags, "unsupported GENIUS ufun aggregation")), position_of(&max, "max\""));
    assert_eq!(at(find(&diags, "`maxutility` must be positive")), position_of(&max, "0\">"));

    let domain = RECT_DOMAIN.replace(
        r#"<issue index="1" name="x" type="integer" lowerbound="0" upperbound="3"/>"#,
        r#"<issue index="1" name="x" type="discrete"><item value="a"/><item value="b"/></issue>"#,
    );
    let diags =
        parse_genius(("rect.xml", &domain), &[("p.xml", RECT_PROFILE), ("q.xml", RECT_PROFILE)])
            .expect_err("discrete");
    assert_eq!(diags.len(), 4, "one per bound on x, in each profile:\n{diags}");
    let diag = find(&diags, "bound on discrete issue 'x' (index 1)");
    assert_eq!(at(diag), position_of(RECT_PROFILE, "<INCLUDES index=\"1\""));
}

#[test]
fn junk_and_wrong_files_are_reported_at_their_start() {
    let diags = synthetic("this is not xml at all", PROFILE_B).expect_err("junk");
    let diag = only(&diags);
    assert!(diag.message.starts_with("not a GENIUS XML file"), "{diag}");
    assert_eq!(at(diag), (1, 1));

    let diags = synthetic(DOMAIN, PROFILE_B).expect_err("a domain given as a profile");
    let diag = only(&diags);
    assert_eq!(diag.message, "not a GENIUS profile");
    assert_eq!(diag.found, "<negotiation_template>");
    assert_eq!(at(diag), (1, 1));

    let diags = parse_genius(("dom.xml", PROFILE_A), &[("a.xml", PROFILE_A), ("b.xml", PROFILE_B)])
        .expect_err("a profile as domain");
    assert_eq!(only(&diags).message, "not a GENIUS domain file");

    let diags =
        parse_genius(("dom.xml", DOMAIN), &[("a.xml", PROFILE_A)]).expect_err("one profile");
    assert!(only(&diags).message.contains("at least two profiles, found 1"));

    let diags = synthetic("", PROFILE_B).expect_err("empty");
    assert!(only(&diags).message.contains("no root element"));
}

#[test]
fn limits_are_reported_not_exhausted() {
    let deep =
        format!("<utility_space>{}{}</utility_space>", "<a>".repeat(100), "</a>".repeat(100));
    let diag = only(&synthetic(&deep, PROFILE_B).expect_err("too deep")).clone();
    assert_eq!(diag.message, "elements are nested too deeply");
    assert_eq!(diag.line, 1);

    let wide = DOMAIN.replace(r#"upperbound="5""#, r#"upperbound="9000000000""#);
    let diags = parse_genius(("dom.xml", &wide), &[("a.xml", PROFILE_A), ("b.xml", PROFILE_B)])
        .expect_err("too many values");
    let diag = only(&diags);
    assert_eq!(diag.message, "the integer issue has too many values to tabulate");
    assert_eq!(at(diag), position_of(&wide, r#"<issue index="2""#));
}

#[test]
fn a_byte_order_mark_does_not_shift_positions() {
    let with_bom = format!("\u{feff}{PROFILE_A}");
    synthetic(&with_bom, PROFILE_B).unwrap_or_else(|diags| panic!("{diags}"));
    let bad = with_bom.replace(r#"ftype="linear""#, r#"ftype="odd""#);
    let diag = only(&synthetic(&bad, PROFILE_B).expect_err("odd")).clone();
    assert_eq!(diag.line, position_of(&bad, "odd\"").0);
    assert_eq!(diag.column, position_of(&bad, "odd\"").1);
}

#[test]
fn problems_in_several_files_are_all_reported() {
    let bad_a = PROFILE_A.replace("<weight index=\"1\" value=\"0.6\"/>\n", "");
    let bad_b = PROFILE_B.replacen("</issue>", "</isue>", 1);
    let domain =
        DOMAIN.replace(r#"lowerbound="1" upperbound="5"/>"#, r#"lowerbound="x" upperbound="5"/>"#);
    let diags = parse_genius(("dom.xml", &domain), &[("a.xml", &bad_a), ("b.xml", &bad_b)])
        .expect_err("several");
    let files: Vec<&str> = diags.0.iter().map(|diag| diag.file.as_str()).collect();
    assert_eq!(files, ["b.xml", "dom.xml"], "{diags}");
    let bound = find(&diags, "`lowerbound` is not an integer");
    let (line, column) = position_of(&domain, r#"lowerbound="x""#);
    assert_eq!(at(bound), (line, column + r#"lowerbound=""#.len() as u32));
}

// ---------------------------------------------------------------------------------------------
// Quirks GENIUS reads: loaded with a warning that says what was assumed (see: #10)

fn labels(scenario: &Scenario, issue: usize) -> Vec<&str> {
    match &scenario.issues()[issue].kind {
        IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
            values.iter().map(String::as_str).collect()
        }
        other => panic!("a discrete issue, found {other:?}"),
    }
}

#[test]
fn quirks_issues_without_an_objective_load_with_a_warning() {
    let dir = Path::new(QUIRKS).join("NoObjective");
    let scenario = load_genius_folder(&dir).unwrap_or_else(|diags| panic!("{diags}"));
    let file = dir.join("Job-prof2.xml").display().to_string();
    assert_eq!(
        scenario.warnings(),
        [format!(
            "{file}:2:1: the profile has no <objective>: the <issue> and <weight> elements \
             directly inside <utility_space> are read as its objective's, as GENIUS and NegMAS \
             read them"
        )]
    );
    let ids: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(ids, ["work from home", "Duration (weeks)", "Salary"]);
    assert_eq!(labels(&scenario, 1), ["06-09", "10-12", "13+"]);
    let parties: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(parties, ["Job-prof1", "Job-prof2"]);
    // Job-prof2, by hand: 0.4·5/5 + 0.4·4/4 + 0.2·clamp(0.5·(3 − 1)) = 1; 0.4/5 + 0.4/4 + 0 = 0.18.
    let prof2 = &scenario.parties()[1];
    assert!(close(prof2.utility.eval(&[0, 0, 2]), 1.0));
    assert!(close(prof2.utility.eval(&[1, 2, 0]), 0.18));
    assert_eq!(prof2.reservation, Reservation::Value(0.1));
    // The wrapped profile reads as before, with no warning of its own.
    let prof1 = &scenario.parties()[0];
    assert!(close(prof1.utility.eval(&[1, 2, 0]), 0.2 + 0.3 + 0.5));

    // A <utility_space> with neither an <objective> nor issues is still refused: GENIUS cannot
    // read it either.
    let domain = fs::read_to_string(dir.join("Job-domain.xml")).expect("domain");
    let prof1 = fs::read_to_string(dir.join("Job-prof1.xml")).expect("profile");
    let empty = "<utility_space>\n<reservation value=\"0.1\"/>\n</utility_space>\n";
    let diags = parse_genius(("d.xml", &domain), &[("a.xml", &prof1), ("b.xml", empty)])
        .expect_err("no objective and no issues");
    let diag = only(&diags);
    assert_eq!((diag.file.as_str(), diag.line, diag.column), ("b.xml", 1, 1));
    assert_eq!(diag.message, "the profile has no <objective>");
}

#[test]
fn quirks_two_issues_with_one_name_are_keyed_apart_with_a_warning() {
    let domain = DOMAIN.replace(r#"name="Size""#, r#"name="Color""#);
    let profile_a = PROFILE_A.replace(r#"name="Size""#, r#"name="Color""#);
    let profile_b = PROFILE_B.replace(r#"name="Size""#, r#"name="Color""#);
    let scenario =
        parse_genius(("dom.xml", &domain), &[("a.xml", &profile_a), ("b.xml", &profile_b)])
            .unwrap_or_else(|diags| panic!("{diags}"));
    let ids: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(ids, ["Color", "Color (2)"]);
    assert_eq!(scenario.issues()[1].name, "Color", "the name stays as written");
    let (line, column) = position_of(&domain, r#"<issue index="2""#);
    assert_eq!(
        scenario.warnings(),
        [format!(
            "dom.xml:{line}:{column}: issue name \"Color\" is used by an earlier issue too: this \
             one is keyed \"Color (2)\""
        )]
    );
}

#[test]
fn quirks_an_item_listed_twice_loads_with_a_warning() {
    let dir = Path::new(QUIRKS).join("DuplicateItem");
    let scenario = load_genius_folder(&dir).unwrap_or_else(|diags| panic!("{diags}"));
    let domain = dir.join("Fruit-domain.xml").display().to_string();
    let buyer = dir.join("Fruit-buyer.xml").display().to_string();
    assert_eq!(
        scenario.warnings(),
        [
            format!(
                "{domain}:8:9: value \"Apple\" of issue \"Fruit\" is listed twice: read as one \
                 value, at its first position (GENIUS lists the same value twice, which changes \
                 no utility)"
            ),
            format!(
                "{buyer}:7:7: value \"Apple\" of issue 'Fruit' (index 1) is listed twice: the \
                 evaluation of the last <item> that has one is used, as GENIUS and NegMAS use it \
                 (each keeps one evaluation per value, the last read)"
            ),
        ]
    );
    assert_eq!(labels(&scenario, 0), ["Apple", "Pear", "Kiwi"]);
    assert_eq!(scenario.issues()[1].id, "Box size");
    assert_eq!(scenario.space().size(), Some(6));
    // The buyer's evaluations are Apple 10 (the last), Pear 5, Kiwi 4: divided by 10.
    let buyer = &scenario.parties()[0];
    assert_eq!(buyer.id, "Fruit-buyer");
    assert!(close(buyer.utility.eval(&[0, 1]), 0.7 + 0.3));
    assert!(close(buyer.utility.eval(&[1, 0]), 0.7 * 0.5 + 0.3 * 0.5));
    assert!(close(buyer.utility.eval(&[2, 0]), 0.7 * 0.4 + 0.3 * 0.5));
    let seller = &scenario.parties()[1];
    assert!(close(seller.utility.eval(&[2, 1]), 0.5 * 0.5 + 0.5 / 3.0));

    // A later <item> without an evaluation leaves the earlier one, as in GENIUS.
    let text = fs::read_to_string(dir.join("Fruit-buyer.xml")).expect("profile");
    let later_bare =
        text.replace(r#"value="Apple" evaluation="10""#, r#"value="Apple" evaluation="null""#);
    let seller = fs::read_to_string(dir.join("Fruit-seller.xml")).expect("profile");
    let domain = fs::read_to_string(dir.join("Fruit-domain.xml")).expect("domain");
    let scenario =
        parse_genius(("Fruit-domain.xml", &domain), &[("b.xml", &later_bare), ("s.xml", &seller)])
            .unwrap_or_else(|diags| panic!("{diags}"));
    // Apple 2, Pear 5, Kiwi 4: divided by 5.
    assert!(close(scenario.parties()[0].utility.eval(&[0, 1]), 0.7 * 0.4 + 0.3));
}

// ---------------------------------------------------------------------------------------------
// NegMAS semantics (the tables themselves are checked against NegMAS in `src/negmas.rs`)

#[test]
fn negmas_semantics_read_raw_integer_evaluators_without_clamping() {
    let scenario = parse_genius_with(
        ("dom.xml", DOMAIN),
        &[("a.xml", PROFILE_A), ("b.xml", PROFILE_B)],
        GeniusSemantics::Negmas,
    );
    // Profile B's integer issue uses utilityLowestValue/utilityHighestValue, which NegMAS ignores
    // (slope 1, offset 0 on the raw value): accepted, and normalised like any line.
    let scenario = scenario.unwrap_or_else(|diags| panic!("{diags}"));
    let a = &scenario.parties()[0].utility;
    assert_eq!(a.cap(), None);
    // A: colour 4, 2 → 1, 0; size 0.25·v for v = 1..=5 → 0, 0.25, …, 1 after rescaling.
    assert_eq!(a.values()[0], [1.0, 0.0]);
    assert_eq!(a.values()[1], [0.0, 0.25, 0.5, 0.75, 1.0]);
    // Weights 0.6·2 and 0.4·1, then divided by their sum 1.6.
    assert!(close(a.weights()[0], 1.2 / 1.6) && close(a.weights()[1], 0.4 / 1.6));
    // The reservation 0.3 goes through the same map: (0.3 − (0.6·2 + 0.4·0.25))/1.6.
    let impasse_core::Reservation::Value(reserved) = scenario.parties()[0].reservation else {
        panic!("a value")
    };
    assert!(close(reserved, (0.3 - (0.6 * 2.0 + 0.4 * 0.25)) / 1.6), "{reserved}");
    // The same profile with GENIUS semantics is another function.
    let genius = synthetic(PROFILE_A, PROFILE_B).expect("loads");
    assert_ne!(genius.parties()[0].utility.values(), a.values());
}

#[test]
fn negmas_semantics_refuse_what_negmas_cannot_read() {
    let diags = load_genius_folder_with(&fixture("y2014/10issues"), GeniusSemantics::Negmas)
        .expect_err("hyper-rectangles");
    assert_eq!(diags.len(), 2, "one per profile:\n{diags}");
    let diag = &diags.0[0];
    assert_eq!(
        diag.message,
        "hyper-rectangle (non-linear) profiles are not supported with NegMAS semantics"
    );
    let text = read("y2014/10issues/profile-1.xml");
    assert_eq!(at(diag), position_of(&text, "<utility "));

    let bare = PROFILE_A.replace(r#"<evaluator ftype="linear" slope="0.25" offset="0"/>"#, "");
    let diags = parse_genius_with(
        ("dom.xml", DOMAIN),
        &[("a.xml", &bare), ("b.xml", PROFILE_B)],
        GeniusSemantics::Negmas,
    )
    .expect_err("no evaluator");
    let diag = only(&diags);
    assert!(diag.message.contains("has no evaluator, which NegMAS semantics do not support"));
    assert_eq!(at(diag), position_of(&bare, "<issue index=\"2\""));

    let untyped = PROFILE_A.replace(r#"ftype="linear" "#, "");
    let diags = parse_genius_with(
        ("dom.xml", DOMAIN),
        &[("a.xml", &untyped), ("b.xml", PROFILE_B)],
        GeniusSemantics::Negmas,
    )
    .expect_err("no ftype");
    assert!(only(&diags).message.contains("no `ftype`"), "{diags}");
}

#[test]
fn the_default_semantics_are_genius() {
    assert_eq!(GeniusSemantics::default(), GeniusSemantics::Genius);
    let with =
        load_genius_folder_with(&fixture("y2012/CameraB"), GeniusSemantics::Genius).expect("loads");
    assert_eq!(with, load("y2012/CameraB"));
}

// ---------------------------------------------------------------------------------------------
// Folders

/// A scratch folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let path =
            std::env::temp_dir().join(format!("impasse-genius-{}-{tag}", std::process::id()));
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
fn an_empty_folder_is_refused() {
    let scratch = Scratch::new("empty");
    let diags = load_genius_folder(&scratch.0).expect_err("empty folder");
    assert_eq!(diags.len(), 2, "{diags}");
    let domain = find(&diags, "no GENIUS domain file");
    assert_eq!((domain.line, domain.file.as_str()), (0, scratch.0.display().to_string().as_str()));
    assert_eq!(domain.found, "no .xml files");
    find(&diags, "0 GENIUS profile(s)");

    let missing = scratch.0.join("nowhere");
    let diags = load_genius_folder(&missing).expect_err("missing folder");
    assert!(only(&diags).message.starts_with("cannot read the folder"));
}

#[test]
fn folders_classify_by_root_element_and_skip_the_rest() {
    let scratch = Scratch::new("classify");
    scratch
        .write("b-profile.xml", PROFILE_B.as_bytes())
        .write("a-profile.xml", PROFILE_A.as_bytes())
        .write("zz-domain.XML", DOMAIN.as_bytes())
        .write("pareto.xml", b"0.5, 0.5\n1.0, 0.2\n")
        .write("other.xml", b"<results><run/></results>")
        .write("notes.txt", b"not read");
    fs::create_dir_all(scratch.0.join("sub.xml")).expect("a folder named like a file");
    let scenario = load_genius_folder(&scratch.0).unwrap_or_else(|diags| panic!("{diags}"));
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["a-profile", "b-profile"], "sorted file-name order");
    assert!(scenario.name().starts_with("impasse-genius-"));
}

#[test]
fn junk_files_in_a_folder_are_reported() {
    let scratch = Scratch::new("junk");
    scratch
        .write("dom.xml", DOMAIN.as_bytes())
        .write("p1.xml", PROFILE_A.as_bytes())
        .write("p2.xml", PROFILE_B.as_bytes())
        .write("junk.xml", b"\n\n  garbage <not xml>")
        .write("latin1.xml", b"<utility_space>\n  <objective name=\"caf\xe9\"/>\n</utility_space>");
    let diags = load_genius_folder(&scratch.0).expect_err("junk");
    assert_eq!(diags.len(), 2, "{diags}");
    let junk = find(&diags, "not a GENIUS XML file");
    assert_eq!((junk.file.clone(), at(junk)), (scratch.file("junk.xml"), (1, 1)));
    let latin = find(&diags, "not valid UTF-8");
    assert_eq!((latin.file.clone(), at(latin)), (scratch.file("latin1.xml"), (2, 23)));
    assert_eq!(latin.found, "byte 0xe9");
}

#[test]
fn folders_need_one_domain_and_two_profiles() {
    let scratch = Scratch::new("counts");
    scratch
        .write("d1.xml", DOMAIN.as_bytes())
        .write("d2.xml", DOMAIN.as_bytes())
        .write("p.xml", PROFILE_A.as_bytes());
    let diags = load_genius_folder(&scratch.0).expect_err("counts");
    assert_eq!(find(&diags, "more than one GENIUS domain file").found, "d1.xml, d2.xml");
    assert_eq!(find(&diags, "1 GENIUS profile(s)").found, "p.xml");
}

#[test]
fn oversized_files_are_not_read() {
    let scratch = Scratch::new("large");
    scratch.write("dom.xml", DOMAIN.as_bytes()).write("p1.xml", PROFILE_A.as_bytes());
    let big = fs::File::create(scratch.0.join("p2.xml")).expect("create");
    big.set_len(17 * 1024 * 1024).expect("sparse file");
    let diags = load_genius_folder(&scratch.0).expect_err("too large");
    let diag = find(&diags, "too large");
    assert_eq!(diag.file, scratch.file("p2.xml"));
    assert_eq!(diag.found, format!("{} bytes", 17 * 1024 * 1024));
}

// ---------------------------------------------------------------------------------------------
// Robustness

const TOKENS: &[&str] = &[
    "<",
    ">",
    "/>",
    "\"",
    "'",
    "=",
    "&amp;",
    "&bogus;",
    "<!--",
    "-->",
    "<![CDATA[",
    "</issue>",
    "<issue index=\"1\">",
    "<item value=\"x\" evaluation=\"1\"/>",
    "<weight index=\"9\" value=\"2\"/>",
    "<objective>",
    "<utility maxutility=\"0\">",
    "<hyperRectangle>",
    "<EXCLUDES index=\"1\" min=\"0\" max=\"1\"/>",
    "NaN",
    "-1",
    "1e308",
    "99999999999999999999",
    "lowerbound=\"-2000000000\"",
    "type=\"real\"",
    "\u{feff}",
    "\n",
];

fn mutate(
    base: &str,
    edits: &[(prop::sample::Index, u8, u8)],
    cut: Option<prop::sample::Index>,
) -> String {
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
    if let Some(cut) = cut {
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check_outcome(result: Result<Scenario, Diagnostics>) -> Result<(), TestCaseError> {
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

fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), any::<u8>()), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mutated_camera_profiles_never_panic(edits in edits(), cut in prop::option::weighted(0.2, any::<prop::sample::Index>())) {
        let domain = read("y2012/CameraB/Camera-B-domain.xml");
        let prof2 = read("y2012/CameraB/Camera-B-prof2.xml");
        let mutated = mutate(&read("y2012/CameraB/Camera-B-prof1.xml"), &edits, cut);
        check_outcome(parse_genius(("d.xml", &domain), &[("p1.xml", &mutated), ("p2.xml", &prof2)]))?;
    }

    #[test]
    fn mutated_rectangle_profiles_and_domains_never_panic(
        edits in edits(),
        cut in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        mutate_domain in any::<bool>(),
    ) {
        let domain = read("y2014/10issues/10issues-domain.xml");
        let prof1 = read("y2014/10issues/profile-1.xml");
        let prof2 = read("y2014/10issues/profile-2.xml");
        if mutate_domain {
            let mutated = mutate(&domain, &edits, cut);
            check_outcome(parse_genius(("d.xml", &mutated), &[("p1.xml", &prof1), ("p2.xml", &prof2)]))?;
        } else {
            let mutated = mutate(&prof1, &edits, cut);
            check_outcome(parse_genius(("d.xml", &domain), &[("p1.xml", &mutated), ("p2.xml", &prof2)]))?;
        }
    }

    #[test]
    fn mutated_synthetic_files_never_panic(edits in edits(), which in 0u8..3) {
        let (mut domain, mut a, mut b) = (DOMAIN.to_owned(), PROFILE_A.to_owned(), PROFILE_B.to_owned());
        match which {
            0 => domain = mutate(DOMAIN, &edits, None),
            1 => a = mutate(PROFILE_A, &edits, None),
            _ => b = mutate(PROFILE_B, &edits, None),
        }
        check_outcome(parse_genius(("d.xml", &domain), &[("a.xml", &a), ("b.xml", &b)]))?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        check_outcome(parse_genius(("d.xml", &text), &[("a.xml", &text), ("b.xml", PROFILE_B)]))?;
        check_outcome(parse_genius(("d.xml", DOMAIN), &[("a.xml", &text), ("b.xml", PROFILE_B)]))?;
    }
}

/// A folder's files, in memory, as an upload gives them (file name, text).
fn files_of(folder: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (p.file_name().unwrap().to_str().unwrap().to_owned(), fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn files_in_memory_read_as_their_folder_does() {
    for rel in ["y2012/CameraB", "y2011/Laptop", "y2010/ItexvsCypress"] {
        let folder = fixture(rel);
        let from_folder = load_genius_folder(&folder).unwrap();
        let from_files = impasse_format::parse_genius_files(
            from_folder.name(),
            &files_of(&folder),
            GeniusSemantics::Genius,
        )
        .unwrap();
        assert_eq!(format!("{from_files:?}"), format!("{from_folder:?}"), "{rel}");
    }
    // Classification problems are the folder's, named after the upload.
    let mut files = files_of(&fixture("y2012/CameraB"));
    files.retain(|(name, _)| !name.contains("prof2"));
    let err = impasse_format::parse_genius_files("upload", &files, GeniusSemantics::Genius)
        .unwrap_err()
        .to_string();
    assert!(err.contains("upload: ") && err.contains("at least two"), "{err}");
}
