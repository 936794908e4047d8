//! Tests of the native scenario reader (`parse_native`): valid files in both syntaxes, every kind
//! of error with its line, column, expected and found, overrides, expressions, and robustness
//! against arbitrary and mutated input.

use std::fs;
use std::path::Path;

use impasse_core::{CrossingCost, Expr, IssueKind, Reservation, Scenario, ValueSet};
use impasse_format::{Diagnostic, Diagnostics, NativeSyntax, Override, parse_native};
use proptest::prelude::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/native");
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scenario-format.md");

fn read(name: &str) -> String {
    fs::read_to_string(Path::new(DATA).join(name)).expect("fixture is readable")
}

fn syntax_of(name: &str) -> NativeSyntax {
    if name.ends_with(".json") { NativeSyntax::Json } else { NativeSyntax::Toml }
}

fn load(name: &str) -> Scenario {
    parse_native(&read(name), name, syntax_of(name), &[])
        .unwrap_or_else(|diags| panic!("{name} must load:\n{diags}"))
}

fn toml(text: &str) -> Result<Scenario, Diagnostics> {
    parse_native(text, "s.toml", NativeSyntax::Toml, &[])
}

fn json(text: &str) -> Result<Scenario, Diagnostics> {
    parse_native(text, "s.json", NativeSyntax::Json, &[])
}

fn errors(result: Result<Scenario, Diagnostics>) -> Vec<Diagnostic> {
    match result {
        Ok(_) => panic!("expected errors, the scenario loaded"),
        Err(diags) => {
            assert!(!diags.is_empty(), "an error must carry at least one diagnostic");
            diags.0
        }
    }
}

fn set(overrides: &[&str]) -> Vec<Override> {
    overrides.iter().map(|text| text.parse().expect("PATH=VALUE")).collect()
}

/// The minimal valid scenario with `edit(text)` applied: a replacement of one exact snippet.
fn minimal_with(from: &str, to: &str) -> String {
    let text = read("minimal.toml");
    assert!(text.contains(from), "minimal.toml has no {from:?}");
    text.replacen(from, to, 1)
}

/// Asserts that `diags` holds exactly one diagnostic, at `line:column`, whose message contains
/// `message`, with `expected` and `found` as given.
#[track_caller]
fn assert_single(
    diags: &[Diagnostic],
    line: u32,
    column: u32,
    message: &str,
    expected: &str,
    found: &str,
) {
    assert_eq!(diags.len(), 1, "expected one diagnostic, got:\n{}", Diagnostics(diags.to_vec()));
    let diag = &diags[0];
    assert_eq!((diag.line, diag.column), (line, column), "{diag}");
    assert!(diag.message.contains(message), "message {:?} lacks {message:?}", diag.message);
    assert_eq!(diag.expected, expected, "{diag}");
    assert_eq!(diag.found, found, "{diag}");
    assert_eq!(diag.file, "s.toml");
}

fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
    Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
}

// ----- valid files ---------------------------------------------------------------------------

#[test]
fn minimal_toml_and_its_json_twin_read_the_same() {
    let from_toml = load("minimal.toml");
    let from_json = load("minimal.json");
    assert_eq!(from_toml.parts(), from_json.parts());

    let scenario = from_toml;
    assert_eq!(scenario.name(), "Minimal");
    let ids: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(scenario.parties()[1].power, 2.0);
    assert_eq!(scenario.parties()[0].power, 1.0, "power defaults to 1");
    assert_eq!(scenario.issues()[1].kind, IssueKind::Real { min: 0.0, max: 1.0, steps: 5 });
    let a = &scenario.parties()[0].utility;
    assert_eq!(a.weights(), [0.5, 0.5]);
    assert_eq!(a.values()[0], [1.0, 0.5, 0.0]);
    assert_eq!(a.values()[1], [1.0, 0.75, 0.5, 0.25, 0.0], "piecewise-linear scores on the grid");
    let b = &scenario.parties()[1];
    assert_eq!(b.reservation, Reservation::Conflict);
    assert_eq!(b.utility.terms().len(), 1);
    assert_eq!(
        b.utility.terms()[0].label,
        "x >= \"mid\" and n <= 0.5",
        "the label defaults to the condition"
    );
    assert_eq!(
        b.utility.terms()[0].condition,
        Expr::And(vec![atom(0, 3, &[1, 2]), atom(1, 5, &[0, 1, 2])])
    );
    assert_eq!(scenario.red_lines()[0].cost, CrossingCost::Penalty(0.1));
    assert_eq!(scenario.proposals()[0].package, [Some(1), Some(2)]);
    assert_eq!(scenario.proposals()[0].name, "split", "the name defaults to the identifier");
    let conflict = scenario.conflict().expect("a conflict model");
    assert_eq!(conflict.balance, None);
    assert_eq!(conflict.discount, 0.9);
    assert_eq!(conflict.victory_a, [0, 4]);
    assert_eq!(conflict.costs, [Some(0.1), None]);
    assert_eq!(
        scenario.balance(),
        Some(1.0 / 3.0),
        "the balance defaults to side A's share of capability"
    );
}

#[test]
fn the_assembled_spec_examples_load() {
    let scenario = load("spec-example.toml");
    let ids: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(
        ids,
        ["crimea", "donbas", "south", "nato", "sanctions", "troops", "share"],
        "tables keep their order"
    );
    assert_eq!(scenario.parties().len(), 4);
    assert_eq!(scenario.red_lines().len(), 3);
    assert_eq!(scenario.preconditions().len(), 1);
    // sanctions >= "maintained" and sanctions != "lifted"
    assert_eq!(
        scenario.red_lines()[1].requires,
        Expr::And(vec![atom(4, 4, &[2, 3]), atom(4, 4, &[1, 2, 3])])
    );
    // troops <= 10 or share < 0.5 (share has 101 points)
    assert_eq!(
        scenario.red_lines()[2].requires,
        Expr::Or(vec![
            atom(5, 51, &(0..=10).collect::<Vec<_>>()),
            atom(6, 101, &(0..50).collect::<Vec<_>>())
        ])
    );
    assert_eq!(scenario.red_lines()[0].cost, CrossingCost::Absolute);
    let freeze = &scenario.proposals()[1];
    assert_eq!(freeze.package, [None, None, None, None, None, Some(20), Some(50)]);
    assert_eq!(scenario.proposals()[0].by, Some(1));
    let russia = &scenario.parties()[0].utility;
    assert!((russia.values()[5][10] - 0.4).abs() < 1e-12, "troops = 10 scores half-way to 0.8");
    assert_eq!(russia.values()[5][50], 1.0);
    let conflict = scenario.conflict().expect("conflict");
    assert_eq!(conflict.side_b, [1, 2, 3]);
    assert_eq!(conflict.trajectory, [0.45, 0.5, 0.6]);
    assert_eq!(conflict.mobilisation, [Some(0.3), Some(0.1), None, None]);
    assert_eq!(scenario.balance(), Some(0.45));
}

/// Every line of every TOML example in the specification appears in the assembled example file,
/// so the file cannot drift from the spec unnoticed. The examples are not one consistent scenario;
/// the few lines that had to change to make them one are listed here.
#[test]
fn the_assembled_example_covers_every_spec_example() {
    let spec = fs::read_to_string(SPEC).expect("the spec is readable");
    let example = read("spec-example.toml");
    let example_lines: Vec<&str> = example.lines().map(str::trim).collect();
    let changed = [
        // The assembled scenario adds a value used by its other proposals.
        r#"values = ["russia", "ukraine", "deferred"]   # categorical and ordinal"#,
        // Victory packages must name every issue, and the assembled scenario has seven.
        r#"victory_a = { donbas = "russia", south = "russia", crimea = "russia" }   # the package if A prevails"#,
        r#"victory_b = { donbas = "ukraine", south = "ukraine", crimea = "ukraine" } # the package if B prevails"#,
        // Russia's reservation comes from the conflict here, to exercise that form as well.
        r#"reservation = 0.35                    # a number, or "conflict" (derived from the conflict model)"#,
    ];
    let mut blocks = 0;
    let mut in_block = false;
    for line in spec.lines() {
        if line.trim_start().starts_with("```") {
            in_block = line.trim() == "```toml";
            blocks += usize::from(in_block);
            continue;
        }
        let line = line.trim();
        if in_block && !line.is_empty() && !changed.contains(&line) {
            assert!(
                example_lines.contains(&line),
                "spec line missing from spec-example.toml: {line}"
            );
        }
    }
    assert!(blocks >= 7, "the spec has its TOML examples ({blocks} found)");
}

#[test]
fn expressions_in_files_compile_with_precedence_and_grid_snapping() {
    let text = minimal_with(
        "requires = 'x != \"low\"'",
        "requires = '''not x == \"low\" and n > 0.26 or x in [\"high\", 'low'] and n == 0.74'''",
    );
    let scenario = toml(&text).unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(
        scenario.red_lines()[0].requires,
        Expr::Or(vec![
            Expr::And(vec![Expr::Not(Box::new(atom(0, 3, &[0]))), atom(1, 5, &[2, 3, 4])]),
            Expr::And(vec![atom(0, 3, &[0, 2]), atom(1, 5, &[3])]),
        ])
    );
}

// ----- errors, one kind at a time -------------------------------------------------------------

#[test]
fn unknown_keys_are_reported_with_a_suggestion() {
    let diags =
        errors(toml(&minimal_with("[parties.a]\nname = \"A\"", "[parties.a]\nnmae = \"A\"")));
    // The misspelt key, and then the missing `name`.
    assert_eq!(diags.len(), 2, "{}", Diagnostics(diags.clone()));
    assert_eq!((diags[0].line, diags[0].column), (6, 1));
    assert_eq!(diags[0].message, "missing required key `name` in `parties.a`");
    assert_eq!((diags[1].line, diags[1].column, diags[1].found.as_str()), (7, 1, "`nmae`"));
    assert_eq!(diags[1].message, "unknown key `nmae` in `parties.a`; did you mean `name`?");
    assert_eq!(diags[1].expected, "one of: name, description, power");
}

#[test]
fn wrong_types_are_reported_at_the_value() {
    let diags = errors(toml(&minimal_with("power = 2", "power = \"strong\"")));
    assert_single(
        &diags,
        11,
        9,
        "`parties.b.power` has the wrong type",
        "a number >= 0",
        "\"strong\"",
    );
}

#[test]
fn negative_power_and_costs_are_out_of_range() {
    let diags = errors(toml(&minimal_with("power = 2", "power = -2")));
    assert_single(&diags, 11, 9, "`parties.b.power` is out of range", "a number >= 0", "-2");
    let diags = errors(toml(&minimal_with("costs = { a = 0.1 }", "costs = { a = -0.1 }")));
    assert_single(&diags, 53, 15, "`conflict.costs.a` is out of range", "a number >= 0", "-0.1");
}

#[test]
fn bad_identifiers_are_reported_at_the_key() {
    // Red lines, preconditions and proposals are keyed by identifiers.
    let text = minimal_with("[red_lines.floor]", "[red_lines.\"floor-2\"]");
    let diags = errors(toml(&text));
    assert_single(
        &diags,
        40,
        12,
        "invalid identifier `floor-2` in `red_lines`",
        "ASCII letters, digits and `_`, starting with a letter, at most 128 bytes",
        "\"floor-2\"",
    );
    // Party and issue names may be any text, but not empty or with a space at either end.
    let text = minimal_with("[parties.b]", "[parties.\"b \"]")
        .replace("\"b\"", "\"b \"")
        .replace("[\"b\"]", "[\"b \"]")
        .replace("[preferences.b]", "[preferences.\"b \"]")
        .replace("[[preferences.b.terms]]", "[[preferences.\"b \".terms]]");
    let diags = errors(toml(&text));
    let bad: Vec<&Diagnostic> =
        diags.iter().filter(|diag| diag.message.starts_with("invalid name")).collect();
    assert_eq!(bad.len(), 1, "{}", Diagnostics(diags.clone()));
    assert_eq!((bad[0].line, bad[0].column), (9, 10));
    assert_eq!(bad[0].message, "invalid name \"b \" in `parties`");
    assert_eq!(bad[0].found, "\"b \"");
}

/// Names that are not identifiers, as GENIUS domains have them, are written quoted: as TOML keys,
/// in expressions and in `--set` paths (see: #10).
const QUOTED: &str = r#"format_version = 1

[scenario]
name = "Job"

[parties."IntegerDomain-prof1"]
name = "Employer"

[parties."B side"]
name = "B side"

[issues."work from home"]
name = "work from home"
type = "categorical"
values = ["yes", "no"]

[issues."Duration (weeks)"]
name = "Duration (weeks)"
type = "ordinal"
values = ["06-09", "10-12", "13+"]

[preferences."IntegerDomain-prof1"]
reservation = 0.2
weights = { "work from home" = 0.5, "Duration (weeks)" = 0.5 }
values."work from home" = { yes = 0.0, no = 1.0 }
values."Duration (weeks)" = { "06-09" = 1.0, "10-12" = 0.5 }

[preferences."B side"]
reservation = 0.1
weights = { "work from home" = 1 }
values."work from home" = { yes = 1.0 }

[red_lines.home]
party = "B side"
requires = '"work from home" == "yes" or "Duration (weeks)" >= "10-12"'
cost = "absolute"

[proposals.short]
package = { "work from home" = "no", "Duration (weeks)" = "06-09" }
"#;

#[test]
fn quoted_names_are_read_and_addressed_as_written() {
    let scenario = toml(QUOTED).unwrap_or_else(|diags| panic!("{diags}"));
    let parties: Vec<&str> = scenario.parties().iter().map(|party| party.id.as_str()).collect();
    assert_eq!(parties, ["IntegerDomain-prof1", "B side"]);
    let issues: Vec<&str> = scenario.issues().iter().map(|issue| issue.id.as_str()).collect();
    assert_eq!(issues, ["work from home", "Duration (weeks)"]);
    assert_eq!(
        scenario.red_lines()[0].requires,
        Expr::Or(vec![atom(0, 2, &[0]), atom(1, 3, &[1, 2])])
    );
    assert_eq!(scenario.proposals()[0].package, [Some(1), Some(0)]);
    assert_eq!(scenario.parties()[0].utility.eval(&[1, 0]), 1.0);

    // `--set` paths quote such keys as TOML does; an `=` inside quotes belongs to the path.
    let overrides = set(&[
        r#"parties."IntegerDomain-prof1".power=3"#,
        r#"preferences.'B side'.reservation=0.4"#,
        r#"preferences."IntegerDomain-prof1".values."Duration (weeks)"."10-12"=0.25"#,
        r#"preferences."IntegerDomain-prof1".weights["work from home"]=0.75"#,
    ]);
    let scenario = parse_native(QUOTED, "s.toml", NativeSyntax::Toml, &overrides)
        .unwrap_or_else(|diags| panic!("{diags}"));
    assert_eq!(scenario.parties()[0].power, 3.0);
    assert_eq!(scenario.parties()[1].reservation, Reservation::Value(0.4));
    assert_eq!(scenario.parties()[0].utility.weights(), [0.75, 0.5]);
    assert_eq!(scenario.parties()[0].utility.values()[1], [1.0, 0.25, 0.0]);
    let with_eq: Override = r#"parties."a=b".power=1"#.parse().expect("PATH=VALUE");
    assert_eq!((with_eq.path.as_str(), with_eq.value.as_str()), (r#"parties."a=b".power"#, "1"));

    // Unknown quoted names are reported with the path written as it would be typed.
    let overrides = set(&[r#"preferences."B side".weights."work  from home"=1"#]);
    let diags = errors(parse_native(QUOTED, "s.toml", NativeSyntax::Toml, &overrides));
    assert_eq!(diags.len(), 1, "{}", Diagnostics(diags.clone()));
    assert!(
        diags[0].message.contains(r#"`preferences."B side".weights` has no key `work  from home`"#),
        "{}",
        diags[0]
    );
    // An unclosed quote swallows the `=`: there is no PATH=VALUE.
    assert!(r#"parties."B side.power=1"#.parse::<Override>().is_err());
    let junk = set(&[r#"parties."B side"x.power=1"#]);
    let diags = errors(parse_native(QUOTED, "s.toml", NativeSyntax::Toml, &junk));
    assert!(diags[0].message.contains("the path has an empty or badly quoted key"), "{}", diags[0]);
}

#[test]
fn unknown_parties_issues_and_values_are_reported() {
    let diags = errors(toml(&minimal_with("party = \"b\"", "party = \"c\"")));
    assert_single(
        &diags,
        41,
        9,
        "unknown party 'c' in `red_lines.floor.party`",
        "one of: a, b",
        "\"c\"",
    );
    let diags = errors(toml(&minimal_with("weights = { x = 1 }", "weights = { y = 1 }")));
    assert_single(
        &diags,
        33,
        13,
        "unknown issue 'y' in `preferences.b.weights`",
        "an issue of the scenario",
        "`y`",
    );
    let diags =
        errors(toml(&minimal_with("values.x = { high = 1.0 }", "values.x = { top = 1.0 }")));
    assert_single(
        &diags,
        34,
        14,
        "issue 'x' has no value 'top'; its values are 'low', 'mid', 'high'",
        "a value of the issue",
        "`top`",
    );
    let diags = errors(toml(&minimal_with(
        "package = { x = \"mid\", n = 0.5 }",
        "package = { x = \"mid\", n = 1.5 }",
    )));
    assert_single(&diags, 46, 28, "issue 'n' has no value 1.5", "a value of the issue", "1.5");
}

#[test]
fn numbers_out_of_range_are_reported() {
    let diags =
        errors(toml(&minimal_with("costs = { a = 0.1 }", "costs = { a = 0.1 }\nbalance = 1.5")));
    assert_single(
        &diags,
        54,
        11,
        "`conflict.balance` is out of range",
        "a probability in [0, 1]",
        "1.5",
    );
    let diags = errors(toml(&minimal_with("steps = 5", "steps = 1")));
    assert_single(
        &diags,
        23,
        9,
        "`issues.n.steps` is out of range",
        "an integer from 2 to 1000000",
        "1",
    );
    let diags = errors(toml(&minimal_with("min = 0\nmax = 1", "min = 2\nmax = 1")));
    assert_single(&diags, 22, 7, "`issues.n.max` is below `min`", "a number >= 2.0", "1");
    let diags = errors(toml(&minimal_with("[[0, 1], [1, 0]]", "[[0, 1], [0, 0]]")));
    assert_single(
        &diags,
        29,
        29,
        "the values in `preferences.a.values.n.points` must increase",
        "a value above 0.0",
        "0",
    );
    let diags = errors(toml(&minimal_with("cost = 0.1", "cost = \"high\"")));
    assert_single(
        &diags,
        43,
        8,
        "`red_lines.floor.cost` has the wrong value",
        "\"absolute\" or a number >= 0",
        "\"high\"",
    );
    let diags = errors(toml(&minimal_with("format_version = 1", "format_version = 2")));
    assert_single(&diags, 1, 18, "unsupported format version 2", "1", "2");
}

#[test]
fn victory_packages_must_name_every_issue() {
    let diags = errors(toml(&minimal_with(
        "victory_b = { x = \"high\", n = 0.0 }",
        "victory_b = { x = \"high\" }",
    )));
    assert_single(
        &diags,
        52,
        13,
        "`conflict.victory_b` must name a value for every issue; it leaves out n",
        "a value for every issue",
        "values for 1 of 2 issues",
    );
}

#[test]
fn missing_required_keys_are_reported_at_their_table() {
    let diags = errors(toml(&minimal_with("requires = 'x != \"low\"'\n", "")));
    assert_single(
        &diags,
        40,
        1,
        "missing required key `requires` in `red_lines.floor`",
        "`requires`: a condition (an expression string)",
        "nothing",
    );
}

#[test]
fn conflict_reservations_need_a_conflict_model() {
    let text = read("minimal.toml");
    let text = &text[..text.find("[conflict]").expect("conflict")];
    let diags = errors(toml(text));
    assert_single(
        &diags,
        32,
        15,
        "the scenario has no [conflict] table",
        "a number, or a [conflict] table",
        "\"conflict\"",
    );
}

#[test]
fn expression_errors_point_inside_multiline_strings() {
    // A multi-line basic string with an escape and a line-ending backslash.
    let text = minimal_with(
        "requires = 'x != \"low\"'",
        "requires = \"\"\"\nx != \\\"low\\\" and \\\n    (n > 0.5 or\n  x < \"top\")\"\"\"",
    );
    let diags = errors(toml(&text));
    assert_single(
        &diags,
        45,
        7,
        "issue 'x' has no value 'top'",
        "a value of the issue",
        "the string \"top\"",
    );
    // A multi-line literal string.
    let text = minimal_with(
        "requires = 'x != \"low\"'",
        "requires = '''\nx != \"low\"\nand crimea == 'a''''",
    );
    let diags = errors(toml(&text));
    assert_single(
        &diags,
        44,
        5,
        "unknown issue 'crimea'; known issues: x, n",
        "an issue of the scenario",
        "'crimea'",
    );
    // A JSON string with escapes before the error.
    let text = read("minimal.json")
        .replace(r#""requires": "x != \"low\"""#, r#""requires": "x != \"l\u00f6w\"""#);
    let diags = errors(json(&text));
    assert_eq!(diags.len(), 1, "{}", Diagnostics(diags.clone()));
    assert_eq!((diags[0].line, diags[0].column), (26, 48), "{}", diags[0]);
    assert!(diags[0].message.contains("issue 'x' has no value 'löw'"));
}

#[test]
fn ordering_comparisons_are_refused_on_categorical_issues() {
    let text = read("spec-example.toml")
        .replace("requires = \"troops <= 10", "requires = \"crimea <= 'russia' or troops <= 10");
    let diags = errors(parse_native(&text, "s.toml", NativeSyntax::Toml, &[]));
    assert_eq!(diags.len(), 1, "{}", Diagnostics(diags.clone()));
    assert!(diags[0].message.contains("issue 'crimea' is categorical"), "{}", diags[0]);
    assert_eq!(
        (diags[0].column, diags[0].expected.as_str(), diags[0].found.as_str()),
        (20, "==, != or in", "'<='")
    );
}

#[test]
fn limits_are_reported() {
    let mut text = String::from("format_version = 1\n[scenario]\nname = \"big\"\n");
    for idx in 0..70 {
        text.push_str(&format!(
            "[parties.p{idx}]\nname = \"P\"\n[preferences.p{idx}]\nreservation = 0\n"
        ));
    }
    text.push_str("[issues.x]\nname = \"X\"\ntype = \"integer\"\nmin = 0\nmax = 2000000\n");
    text.push_str(&format!("[issues.y]\nname = \"Y\"\ntype = \"categorical\"\nvalues = [\"a\"]\n[red_lines.r]\nparty = \"p0\"\nrequires = \"{}\"\n", vec!["y == 'a'"; 3000].join(" and ")));
    let diags = errors(toml(&text));
    let messages: Vec<&str> = diags.iter().map(|diag| diag.message.as_str()).collect();
    assert!(
        messages.iter().any(|message| message.contains("has 70 parties, above the limit of 64")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|message| message.contains("has 2000001 values, above the limit of 1000000")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|message| message.contains("above the limit of 16384")),
        "{messages:#?}"
    );
    // Preferences of parties beyond the limit are not reported as unknown.
    assert!(!messages.iter().any(|message| message.contains("unknown party")), "{messages:#?}");
}

// ----- syntax errors ---------------------------------------------------------------------------

#[test]
fn toml_syntax_errors_are_all_reported() {
    let text =
        minimal_with("name = \"Minimal\"", "name = \"Minimal").replace("power = 2", "power = 2.");
    let diags = errors(toml(&text));
    assert_eq!(diags.len(), 2, "{}", Diagnostics(diags.clone()));
    assert_eq!((diags[0].line, diags[0].column), (4, 16), "{}", diags[0]);
    assert!(diags[0].message.starts_with("invalid TOML: "), "{}", diags[0]);
    assert_eq!((diags[1].line, diags[1].column), (11, 11));
    assert_eq!(diags[1].expected, "digits");
}

#[test]
fn json_syntax_errors_are_positioned() {
    let diags = errors(json("{\n  \"format_version\": 1,\n  \"scenario\": {\"name\": \"x\",}\n}"));
    assert_eq!(diags.len(), 1);
    assert_eq!((diags[0].line, diags[0].column), (3, 28), "{}", diags[0]);
    assert_eq!(diags[0].message, "invalid JSON: expected a key");
    assert_eq!(diags[0].found, "`}`");
    let diags = errors(json("{\"a\": 1, \"a\": 2}"));
    assert_eq!(
        (diags[0].column, diags[0].message.as_str()),
        (10, "invalid JSON: duplicate key \"a\"")
    );
    let deep = "[".repeat(10_000);
    let diags = errors(json(&deep));
    assert!(diags[0].message.contains("nested deeper than 128"), "{}", diags[0]);
}

// ----- many errors at once (snapshots) ---------------------------------------------------------

#[test]
fn a_file_with_many_errors_reports_all_of_them() {
    let text = r#"format_version = 1
extra = true

[scenario]
title = "Typo"

[parties.russia]
name = "Russia"
power = -1

[parties.2usa]
name = "USA"

[issues.crimea]
name = "Crimea"
type = "categorical"
values = ["russia", "ukraine", "deferred"]

[issues.troops]
name = "Troops"
type = "integer"
min = 0
max = 50
steps = 4

[issues.share]
name = "Share"
type = "real"
min = 0
max = 1

[issues.status]
name = "Status"
type = "ordinal"
values = ["low", "high", "low"]

[issues.grid]
name = "Grid"
type = "real"
min = 1
max = 0
steps = 1

[preferences.russia]
reservation = "war"
weights = { crimea = "high", nato = 0.1 }
values.crimea = { russia = 1, kyiv = 0 }
values.share.points = [[0, 0], [0.5, 1], [0.4, 1]]
values.troops = { low = 1 }

[[preferences.russia.terms]]
when = 'crimea == "russia" and sanctions in ["lifted"]'
value = 0.1

[preferences.china]
reservation = 0

[red_lines.constitution]
party = "kremlin"
requires = 'crimea < "russia"'
cost = -1

[preconditions.talks]
party = "russia"
requires = "crimea == 'ukraine' and (share > 0.5"

[proposals.deal]
by = "russia"
package = { crimea = "deferred", share = 2, troops = 2.5 }

[conflict]
side_a = ["russia"]
side_b = ["russia"]
balance = 1.2
victory_a = { crimea = "russia" }
victory_b = { crimea = "ukraine", troops = 0, share = 1.0, status = "high" }
trajectory = [0.5, 1.5]
discount = 1
mobilisation = { russia = 2 }
"#;
    let diags = errors(toml(text));
    insta::assert_snapshot!(Diagnostics(diags).to_string());
}

#[test]
fn a_json_file_with_errors_reports_the_same_kinds() {
    let text = r#"{
  "format_version": "1",
  "scenario": {"name": "J"},
  "parties": {"a": {"name": "A"}, "b": {"name": "B", "power": "x"}},
  "issues": {"x": {"name": "X", "type": "ordinal", "values": []}},
  "preferences": {"a": {"reservation": 0}, "b": {"reservation": null}},
  "red_lines": {"r": {"party": "a", "requires": "x == 'a' or", "colour": "red"}}
}"#;
    let diags = errors(json(text));
    insta::assert_snapshot!(Diagnostics(diags).to_string());
}

// ----- overrides -------------------------------------------------------------------------------

fn with_overrides(name: &str, overrides: &[&str]) -> Result<Scenario, Diagnostics> {
    parse_native(&read(name), name, syntax_of(name), &set(overrides))
}

#[test]
fn overrides_replace_and_create_values() {
    let scenario = with_overrides(
        "minimal.toml",
        &[
            "conflict.balance=0.6",
            "conflict.costs.b=0.3",
            "conflict.costs.a=0.2",
            "preferences.b.weights.n=0.1",
            "parties.a.power=3",
            "red_lines.floor.cost=absolute",
            "preferences.b.terms[0].value=-0.5",
            "preferences.a.values.x.high=0.25",
            "issues.n.steps=3",
            "scenario.description='set from the command line'",
            "conflict.trajectory=[0.6, 0.7]",
        ],
    )
    .unwrap_or_else(|diags| panic!("{diags}"));
    let conflict = scenario.conflict().expect("conflict");
    assert_eq!(conflict.balance, Some(0.6));
    assert_eq!(conflict.costs, [Some(0.2), Some(0.3)]);
    assert_eq!(conflict.trajectory, [0.6, 0.7]);
    assert_eq!(scenario.parties()[1].utility.weights(), [1.0, 0.1]);
    assert_eq!(scenario.parties()[0].power, 3.0);
    assert_eq!(scenario.red_lines()[0].cost, CrossingCost::Absolute);
    assert_eq!(scenario.parties()[1].utility.terms()[0].value, -0.5);
    assert_eq!(scenario.parties()[0].utility.values()[0], [1.0, 0.5, 0.25]);
    assert_eq!(scenario.issues()[1].cardinality(), 3);
    assert_eq!(scenario.description(), "set from the command line");
    // The same overrides on the JSON twin give the same scenario.
    let twin = with_overrides("minimal.json", &["conflict.balance=0.6", "parties.a.power=3"])
        .expect("loads");
    assert_eq!(twin.balance(), Some(0.6));
}

#[test]
fn overrides_can_create_a_conflict_balance_and_missing_tables() {
    let scenario = with_overrides("minimal.toml", &["conflict.mobilisation.a=0.5"]).expect("loads");
    assert_eq!(scenario.conflict().expect("conflict").mobilisation, [Some(0.5), None]);
    let scenario =
        with_overrides("spec-example.toml", &["preferences.eu.weights.crimea=0.5"]).expect("loads");
    assert_eq!(scenario.parties()[2].utility.weights()[0], 0.5);
}

#[test]
fn unknown_override_paths_list_what_exists() {
    let diags = errors(with_overrides("minimal.toml", &["conflict.balanse=0.6"]));
    assert_eq!(diags.len(), 1);
    let diag = &diags[0];
    assert_eq!((diag.file.as_str(), diag.line), ("--set", 0));
    assert_eq!(
        diag.message,
        "conflict.balanse=0.6: unknown path: `conflict` has no key `balanse` that can be set"
    );
    assert!(
        diag.expected.contains("side_a, side_b, victory_a, victory_b, costs, description, balance"),
        "{diag}"
    );
    let diags = errors(with_overrides(
        "minimal.toml",
        &["parties.c.power=1", "preferences.b.weights.y=1", "conflict.side_a.x=1", "parties.a=1"],
    ));
    let messages: Vec<&str> = diags.iter().map(|diag| diag.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "parties.c.power=1: unknown path: `parties` has no key `c` that can be set",
            "preferences.b.weights.y=1: unknown path: `preferences.b.weights` has no key `y` that can be set",
            "conflict.side_a.x=1: unknown path: `conflict.side_a` is an array of 1 items",
            "parties.a=1: the path names a table; set its values one at a time",
        ]
    );
    assert_eq!(diags[1].expected, "a key of `preferences.b.weights`: x, n");
}

#[test]
fn invalid_override_values_are_reported_against_the_override() {
    let diags = errors(with_overrides(
        "minimal.toml",
        &["conflict.balance=1.5", "red_lines.floor.requires=x == 'top'"],
    ));
    assert_eq!(diags.len(), 2, "{}", Diagnostics(diags.clone()));
    assert_eq!((diags[0].file.as_str(), diags[0].line), ("--set conflict.balance", 0));
    assert_eq!(
        (diags[0].expected.as_str(), diags[0].found.as_str()),
        ("a probability in [0, 1]", "1.5")
    );
    assert_eq!(diags[1].file, "--set red_lines.floor.requires");
    assert!(
        diags[1].message.contains("has no value 'top'")
            && diags[1].message.contains("at character 6"),
        "{}",
        diags[1]
    );
    let diags = errors(with_overrides("minimal.toml", &["parties.a.power=[1"]));
    assert_eq!(diags[0].message, "parties.a.power=[1: VALUE is not a valid TOML value");
}

// ----- robustness ------------------------------------------------------------------------------

fn never_panics(text: &str) {
    for syntax in [NativeSyntax::Toml, NativeSyntax::Json] {
        if let Err(diags) =
            parse_native(text, "fuzz", syntax, &set(&["conflict.balance=0.5", "parties.a.power=2"]))
        {
            assert!(!diags.is_empty(), "an error without diagnostics for {text:?}");
            for diag in &diags.0 {
                assert!(!diag.message.is_empty());
                // Problems the model's own checks find mean the reader's validation missed them.
                assert!(
                    !diag.message.starts_with("invalid scenario:"),
                    "validation let through: {diag}\n{text}"
                );
            }
        }
    }
}

/// One edit of a valid file: delete, insert or replace a few bytes, or duplicate a line.
#[derive(Clone, Debug)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
    DuplicateLine(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippet = prop_oneof![
        "[ -~]{0,6}",
        Just("\"".to_owned()),
        Just("'''".to_owned()),
        Just("[".to_owned()),
        Just("{".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("\n[x]\n".to_owned()),
        Just("é".to_owned()),
        Just(" and not (".to_owned()),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<usize>(), snippet.clone()).prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<usize>(), snippet).prop_map(|(at, text)| Mutation::Replace(at, text)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

/// Values that keep a TOML file well-formed but probe the validator.
fn value_pool() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "-1",
        "0",
        "1",
        "2",
        "0.5",
        "1e308",
        "-0.0",
        "nan",
        "inf",
        "9223372036854775807",
        "\"x\"",
        "\"\"",
        "\"conflict\"",
        "\"absolute\"",
        "\"russia\"",
        "\"low\"",
        "true",
        "[]",
        "{}",
        "[[0, 1]]",
        "[[1, 0], [0, 1]]",
        "[\"a\", \"a\"]",
        "[\"b\"]",
        "{ x = 1 }",
        "{ crimea = \"x\" }",
        "'x == \"low\" or not n < 0.5'",
        "'crimea in [\"russia\"]'",
        "'('",
        "'x < 1'",
        "'true and false'",
        "1979-05-27",
        "[0.5, 2]",
        "\"categorical\"",
        "\"integer\"",
        "\"real\"",
        "1000001",
    ])
}

/// Replaces the value of some `key = value` lines of a TOML file.
fn replace_values(text: &str, edits: &[(usize, &str)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let assignments: Vec<usize> =
        (0..lines.len()).filter(|&idx| lines[idx].contains(" = ")).collect();
    for &(at, value) in edits {
        let idx = assignments[at % assignments.len()];
        let key = lines[idx].split(" = ").next().unwrap_or_default().to_owned();
        lines[idx] = format!("{key} = {value}");
    }
    lines.join("\n")
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut text = text.to_owned();
    let boundary = |text: &str, at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for mutation in mutations {
        match mutation {
            Mutation::Delete(at, len) => {
                let start = boundary(&text, *at);
                let end = boundary(&text, start.saturating_add(*len).min(text.len()));
                text.replace_range(start..end, "");
            }
            Mutation::Insert(at, snippet) => {
                let at = boundary(&text, *at);
                text.insert_str(at, snippet);
            }
            Mutation::Replace(at, snippet) => {
                let start = boundary(&text, *at);
                let end = boundary(&text, start.saturating_add(snippet.len()).min(text.len()));
                text.replace_range(start..end, snippet);
            }
            Mutation::DuplicateLine(at) => {
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = lines[at % lines.len()].to_owned();
                    let at = boundary(&text, *at);
                    text.insert_str(at, &format!("\n{line}\n"));
                }
            }
        }
    }
    text
}

proptest! {
    // 512 cases by default; PROPTEST_CASES raises it for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        never_panics(&text);
    }

    #[test]
    fn json_like_text_never_panics(text in "[\\[\\]{}\",:0-9a-z .eE+\\-\\\\]{0,200}") {
        never_panics(&text);
    }

    #[test]
    fn valid_toml_with_replaced_values_never_panics(
        file in prop_oneof![Just("minimal.toml"), Just("spec-example.toml")],
        edits in proptest::collection::vec((any::<usize>(), value_pool()), 1..6),
    ) {
        never_panics(&replace_values(&read(file), &edits));
    }

    #[test]
    fn mutated_valid_files_never_panic(
        file in prop_oneof![Just("minimal.toml"), Just("minimal.json"), Just("spec-example.toml")],
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let text = mutate(&read(file), &mutations);
        never_panics(&text);
    }
}

/// See: fuzz/regressions/native_toml/integer-min-i64.toml (negating i64::MIN overflowed).
#[test]
fn the_smallest_integer_bound_is_refused_without_overflow() {
    let text = "format_version = 1\n[scenario]\nname = \"x\"\n[issues.n]\nname = \"n\"\ntype = \"integer\"\nmin = -9223372036854775808\nmax = 0\n";
    let diagnostics = toml(text).expect_err("the bound is out of range");
    assert!(diagnostics.to_string().contains("between -2^53 and 2^53"), "{diagnostics}");
}

fn border_province() -> String {
    fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/power-shift-ripeness.toml"
    ))
    .expect("shipped scenario")
}

#[test]
fn conflict_dynamics_assumptions_are_read_checked_and_overridable() {
    let text = format!(
        "{}\n[conflict.dynamics]\ndecisive = 0.1\nresolve_prior = 0.3\nresolved_cost = 0.01\n\
         irresolute_cost = 0.05\nfront_length = 12\nfront_position = 6\nadvance = 0.5\n\
         belief_a = [3, 7]\nbelief_b = [7.0, 3.0]\nhorizon = 200\n",
        border_province()
    );
    let scenario = toml(&text).unwrap();
    let d = &scenario.conflict().unwrap().dynamics;
    assert_eq!((d.decisive, d.resolve_prior), (Some(0.1), Some(0.3)));
    assert_eq!((d.resolved_cost, d.irresolute_cost), (Some(0.01), Some(0.05)));
    assert_eq!((d.front_length, d.front_position, d.advance), (Some(12), Some(6), Some(0.5)));
    assert_eq!(
        (d.belief_a, d.belief_b, d.horizon),
        (Some((3.0, 7.0)), Some((7.0, 3.0)), Some(200))
    );
    // Absent: every assumption unset.
    let plain = toml(&border_province()).unwrap();
    assert_eq!(plain.conflict().unwrap().dynamics, impasse_core::DynamicsAssumptions::default());
    // Overrides reach them, and may create them.
    let shifted = parse_native(
        &border_province(),
        "s.toml",
        NativeSyntax::Toml,
        &set(&["conflict.dynamics.resolve_prior=0.2", "conflict.dynamics.belief_a=[1, 1]"]),
    )
    .unwrap();
    let d = &shifted.conflict().unwrap().dynamics;
    assert_eq!((d.resolve_prior, d.belief_a), (Some(0.2), Some((1.0, 1.0))));
    // Bad values are located.
    let bad = format!(
        "{}\n[conflict.dynamics]\nresolve_prior = 1.5\nresolved_cost = 0.05\nirresolute_cost = 0.01\n\
         front_length = 5\nfront_position = 5\nbelief_a = [3]\nhorizon = 0\nspeed = 2\n",
        border_province()
    );
    let diags = errors(toml(&bad));
    let text_of = |d: &Diagnostic| format!("{}: {} (expected {})", d.line, d.message, d.expected);
    let all: Vec<String> = diags.iter().map(text_of).collect();
    for needle in [
        "conflict.dynamics.resolve_prior",
        "conflict.dynamics.irresolute_cost",
        "conflict.dynamics.front_position",
        "conflict.dynamics.belief_a",
        "conflict.dynamics.horizon",
        "speed",
    ] {
        assert!(all.iter().any(|line| line.contains(needle)), "{needle} not reported in {all:#?}");
    }
    assert!(diags.iter().all(|d| d.line > 0), "{all:#?}");
}
