//! The native scenario format (TOML or JSON), as specified in `docs/scenario-format.md`.
//!
//! A file is read in three steps:
//! 1. parsed into a generic tree that remembers where every key and value was written (TOML via
//!    `toml`'s recoverable parser, so that all syntax errors are reported; JSON via
//!    [`crate::json`]);
//! 2. `--set` overrides are applied to the tree ([`crate::overrides`]);
//! 3. the tree is validated into [`ScenarioParts`] in one walk that reports every problem (unknown
//!    keys, wrong types, missing keys, bad identifiers, unknown names, numbers out of range,
//!    expression errors) at its line and column, with what was expected and what was found.
//!
//! Only when the walk finds nothing wrong is [`Scenario::new`] called; its own checks should then
//! pass, and any [`impasse_core::ModelError`] is reported against the whole file.

use std::collections::{BTreeSet, HashMap};

use impasse_core::{
    ConflictModel, CrossingCost, DynamicsAssumptions, Expr, Issue, IssueKind, Party, Precondition,
    Proposal, RedLine, Reservation, Scenario, ScenarioParts, Term, Utility,
};

use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::expr::{self, ATOM_BUDGET_BITS, IssueScope, describe_values, list};
use crate::json::parse_json;
use crate::overrides::{self, Override};
use crate::tree::{self, Key, Kind, Node, Origin, SyntaxError, format_float, quote};

/// The concrete syntax of a native scenario file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NativeSyntax {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

/// The most parties a scenario may have.
pub(crate) const MAX_PARTIES: usize = 64;
/// The most issues a scenario may have.
pub(crate) const MAX_ISSUES: usize = 256;
/// The most values one issue may have (listed values, integer range, real grid points).
pub(crate) const MAX_VALUES: u64 = 1_000_000;
/// The most values all issues together may have.
pub(crate) const MAX_TOTAL_VALUES: u64 = 1_000_000;
/// The most score cells all utilities together may hold (parties × total values).
pub(crate) const MAX_UTILITY_CELLS: u64 = 16_000_000;
/// The most red lines, preconditions, proposals, terms per party, piecewise points per function
/// and trajectory entries.
pub(crate) const MAX_ITEMS: usize = 4096;
/// The longest identifier, in bytes.
pub(crate) const MAX_ID_LEN: usize = 128;
/// Integer issue bounds must lie within ±2^53, where every integer is exactly a float.
const MAX_INTEGER_BOUND: i64 = 1 << 53;
/// The default number of grid points of a real issue.
const DEFAULT_STEPS: u32 = 11;
/// The default per-period discount of the conflict model.
const DEFAULT_DISCOUNT: f64 = 0.9;

/// Keys of the top level.
pub(crate) const ROOT_KEYS: &[&str] = &[
    "format_version",
    "scenario",
    "parties",
    "issues",
    "preferences",
    "red_lines",
    "preconditions",
    "proposals",
    "conflict",
];
/// Keys of `[scenario]`.
pub(crate) const SCENARIO_KEYS: &[&str] = &["name", "description"];
/// Keys of `[parties.<id>]`.
pub(crate) const PARTY_KEYS: &[&str] = &["name", "description", "power"];
/// Keys of `[issues.<id>]` (which apply depends on the type).
pub(crate) const ISSUE_KEYS: &[&str] =
    &["name", "description", "type", "values", "min", "max", "steps"];
/// Keys of `[preferences.<party>]`.
pub(crate) const PREFERENCE_KEYS: &[&str] = &["reservation", "weights", "values", "terms"];
/// Keys of `[[preferences.<party>.terms]]`.
pub(crate) const TERM_KEYS: &[&str] = &["when", "value", "label"];
/// Keys of `[red_lines.<id>]`.
pub(crate) const RED_LINE_KEYS: &[&str] = &["party", "description", "requires", "cost"];
/// Keys of `[preconditions.<id>]`.
pub(crate) const PRECONDITION_KEYS: &[&str] = &["party", "description", "requires"];
/// Keys of `[proposals.<id>]`.
pub(crate) const PROPOSAL_KEYS: &[&str] = &["name", "by", "description", "package"];
/// The largest front length and horizon accepted in `[conflict.dynamics]`.
const MAX_DYNAMICS_COUNT: u32 = 10_000;
/// Keys of `[conflict]`.
pub(crate) const CONFLICT_KEYS: &[&str] = &[
    "description",
    "side_a",
    "side_b",
    "balance",
    "victory_a",
    "victory_b",
    "trajectory",
    "discount",
    "costs",
    "mobilisation",
    "dynamics",
];
/// Keys of `[conflict.dynamics]`.
pub(crate) const DYNAMICS_KEYS: &[&str] = &[
    "decisive",
    "resolve_prior",
    "resolved_cost",
    "irresolute_cost",
    "front_length",
    "front_position",
    "advance",
    "belief_a",
    "belief_b",
    "horizon",
    "mobilised_a",
    "mobilised_b",
];

/// Parses a native scenario, applying `overrides` before validation.
///
/// Every problem is returned at once, sorted by position. Syntax errors stop the reading before
/// validation (a partly read tree would give misleading follow-on errors).
pub fn parse_native(
    text: &str,
    file: &str,
    syntax: NativeSyntax,
    overrides: &[Override],
) -> Result<Scenario, Diagnostics> {
    let lines = LineIndex::new(text);
    let tree = match syntax {
        NativeSyntax::Toml => tree::from_toml(text),
        NativeSyntax::Json => parse_json(text).map_err(|error| vec![error]),
    };
    let mut root = match tree {
        Ok(root) => root,
        Err(errors) => {
            let language = match syntax {
                NativeSyntax::Toml => "TOML",
                NativeSyntax::Json => "JSON",
            };
            let mut diagnostics = Diagnostics(
                errors
                    .iter()
                    .map(|error| syntax_diagnostic(text, file, &lines, language, error))
                    .collect(),
            );
            diagnostics.sort();
            return Err(diagnostics);
        }
    };
    let mut diagnostics = overrides::apply(&mut root, overrides);
    let mut checker =
        Checker { file, text, lines, overrides, diagnostics: Vec::new(), budget: ATOM_BUDGET_BITS };
    let parts = checker.scenario(&root);
    diagnostics.extend(checker.diagnostics);
    if !diagnostics.is_empty() {
        let mut diagnostics = Diagnostics(diagnostics);
        diagnostics.sort();
        return Err(diagnostics);
    }
    Scenario::new(parts).map_err(|errors| {
        Diagnostics(
            errors
                .into_iter()
                .map(|error| Diagnostic {
                    file: file.to_owned(),
                    line: 0,
                    column: 0,
                    message: format!("invalid scenario: {error}"),
                    expected: String::new(),
                    found: String::new(),
                })
                .collect(),
        )
    })
}

pub(crate) fn syntax_diagnostic(
    text: &str,
    file: &str,
    lines: &LineIndex<'_>,
    language: &str,
    error: &SyntaxError,
) -> Diagnostic {
    let message = format!("invalid {language}: {}", error.message);
    let expected = match error.expected.as_str() {
        "" if error.message == "duplicate key" => "a key not already defined".to_owned(),
        "" => format!("valid {language}"),
        expected => expected.to_owned(),
    };
    let Some(span) = &error.span else {
        return Diagnostic {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message,
            expected,
            found: String::new(),
        };
    };
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let snippet = text.get(start..end).filter(|snippet| !snippet.is_empty()).or_else(|| {
        text.get(start..)
            .and_then(|rest| rest.chars().next())
            .map(|ch| &text[start..start + ch.len_utf8()])
    });
    let found = match snippet {
        None => "the end of the file".to_owned(),
        Some("\n" | "\r\n") => "the end of the line".to_owned(),
        Some(snippet) => {
            let first_line = snippet.lines().next().unwrap_or(snippet);
            let short: String = first_line.chars().take(40).collect();
            format!("`{short}`")
        }
    };
    lines.diagnostic(file, start, message, expected, found)
}

/// Whether `name` is an identifier: ASCII letters, digits and `_`, starting with a letter.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
}

/// The closest of `candidates` to `word`, if close enough to be a likely misspelling.
fn suggest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    if word.len() > 64 {
        return None;
    }
    let limit = match word.chars().count() {
        0..=2 => return None,
        len => (len / 3).max(1),
    };
    candidates
        .filter(|candidate| candidate.len() <= 64)
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// adjacent characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            table[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (table[(i - 1) * width + j] + 1)
                    .min(table[i * width + j - 1] + 1)
                    .min(table[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(table[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    table[a.len() * width + b.len()]
}

fn join(path: &str, key: &str) -> String {
    let key = path_segment(key);
    if path.is_empty() { key } else { format!("{path}.{key}") }
}

/// `key` as one segment of a dotted path (in messages and in `--set`): bare when it is a TOML bare
/// key (ASCII letters, digits, `_` and `-`), else in double quotes with `"` and `\` escaped, as
/// TOML writes it (`issues."work from home".values`).
pub(crate) fn path_segment(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for ch in key.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// Whether `name` can key a party or an issue: not empty, at most [`MAX_ID_LEN`] bytes, no control
/// characters and no space at either end. Keys that are not identifiers are written quoted in
/// TOML (`[issues."work from home"]`), in expressions (`"work from home" == "yes"`) and in
/// `--set` paths (`parties."IntegerDomain-prof1".power`).
fn is_name_key(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ID_LEN
        && !name.chars().any(char::is_control)
        && name.trim() == name
}

fn place(path: &str) -> String {
    if path.is_empty() { "the top level".to_owned() } else { format!("`{path}`") }
}

/// A table of the tree with its dotted path.
struct Table<'n> {
    node: &'n Node,
    entries: &'n [(Key, Node)],
    path: String,
}

impl<'n> Table<'n> {
    fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(key, _)| key.name == name).map(|(_, node)| node)
    }
}

/// A party as declared under `[parties]`.
struct PartyDecl {
    id: String,
    name: String,
    description: String,
    power: f64,
}

/// What a party's preferences say.
struct Preferences {
    weights: Vec<f64>,
    values: Vec<Vec<f64>>,
    terms: Vec<Term>,
    reservation: Reservation,
}

/// The declared parties and issues, against which everything else is checked.
struct Decls {
    parties: Vec<PartyDecl>,
    /// Identifiers declared beyond the limits on parties and issues: references to them are not
    /// reported again.
    beyond_limits: BTreeSet<String>,
    issues: Vec<Issue>,
    /// Whether each issue's definition is valid (references to broken issues are not checked
    /// further, to avoid follow-on errors).
    usable: Vec<bool>,
    /// Whether the issues are small enough to build score tables for.
    fits: bool,
    /// Per issue, the indices of its value labels (empty for numeric or broken issues, and when
    /// the issues do not fit).
    labels: Vec<HashMap<String, u32>>,
}

impl Decls {
    fn scope(&self) -> IssueScope<'_> {
        IssueScope { issues: &self.issues, usable: &self.usable, labels: &self.labels }
    }

    /// The parties' keys, for messages (quoted when they are not bare keys).
    fn party_ids(&self) -> String {
        list(self.parties.iter().map(|party| path_segment(&party.id)))
    }

    /// The issues' keys, for messages (quoted when they are not bare keys).
    fn issue_ids(&self) -> String {
        list(self.issues.iter().map(|issue| path_segment(&issue.id)))
    }

    fn party_index(&self, id: &str) -> Option<usize> {
        self.parties.iter().position(|party| party.id == id)
    }

    fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|issue| issue.id == id)
    }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    lines: LineIndex<'a>,
    overrides: &'a [Override],
    diagnostics: Vec<Diagnostic>,
    /// Atom value bits still allowed (see [`ATOM_BUDGET_BITS`]).
    budget: u64,
}

impl<'a> Checker<'a> {
    // ----- reporting -------------------------------------------------------------------------

    fn report(
        &mut self,
        origin: &Origin,
        message: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        let diagnostic = match origin {
            Origin::File(span) => {
                self.lines.diagnostic(self.file, span.start, message, expected, found)
            }
            Origin::Set(index) => Diagnostic {
                file: format!(
                    "--set {}",
                    self.overrides.get(*index).map_or("", |entry| entry.path.as_str())
                ),
                line: 0,
                column: 0,
                message: message.into(),
                expected: expected.into(),
                found: found.into(),
            },
        };
        self.diagnostics.push(diagnostic);
    }

    fn wrong_type(&mut self, node: &Node, path: &str, expected: &str) {
        self.report(
            &node.origin,
            format!("{} has the wrong type", place(path)),
            expected,
            node.describe(),
        );
    }

    fn out_of_range(&mut self, node: &Node, path: &str, expected: &str) {
        self.report(
            &node.origin,
            format!("{} is out of range", place(path)),
            expected,
            node.describe(),
        );
    }

    // ----- tables and keys -------------------------------------------------------------------

    fn table<'n>(&mut self, node: &'n Node, path: &str) -> Option<Table<'n>> {
        match node.entries() {
            Some(entries) => Some(Table { node, entries, path: path.to_owned() }),
            None => {
                self.wrong_type(node, path, "a table");
                None
            }
        }
    }

    /// Reports every key of `table` not in `allowed`.
    fn keys(&mut self, table: &Table<'_>, allowed: &[&str]) {
        for (key, _) in table.entries {
            if !allowed.contains(&key.name.as_str()) {
                self.unknown_key(key, &table.path, allowed);
            }
        }
    }

    fn unknown_key(&mut self, key: &Key, path: &str, allowed: &[&str]) {
        let hint = suggest(&key.name, allowed.iter().copied())
            .map(|candidate| format!("; did you mean `{candidate}`?"))
            .unwrap_or_default();
        self.report(
            &key.origin,
            format!("unknown key `{}` in {}{hint}", key.name, place(path)),
            format!("one of: {}", allowed.join(", ")),
            format!("`{}`", key.name),
        );
    }

    fn required<'n>(&mut self, table: &Table<'n>, key: &str, expected: &str) -> Option<&'n Node> {
        let node = table.get(key);
        if node.is_none() {
            self.report(
                &table.node.origin,
                format!("missing required key `{key}` in {}", place(&table.path)),
                format!("`{key}`: {expected}"),
                "nothing",
            );
        }
        node
    }

    /// Reports an entry count above `max`; returns the number of entries to read.
    fn limit(&mut self, table: &Table<'_>, max: usize, what: &str) -> usize {
        if table.entries.len() > max {
            self.report(
                &table.node.origin,
                format!(
                    "{} has {} {what}, above the limit of {max}",
                    place(&table.path),
                    table.entries.len()
                ),
                format!("at most {max} {what}"),
                format!("{}", table.entries.len()),
            );
        }
        table.entries.len().min(max)
    }

    /// Checks that a key can name a party or an issue ([`is_name_key`]).
    fn name_key(&mut self, key: &Key, path: &str) -> bool {
        let ok = is_name_key(&key.name);
        if !ok {
            self.report(
                &key.origin,
                format!("invalid name {} in {}", quote(&key.name), place(path)),
                format!(
                    "a name of 1 to {MAX_ID_LEN} bytes with no control characters and no space \
                     at either end (quote it when it is not an identifier)"
                ),
                quote(&key.name),
            );
        }
        ok
    }

    /// Checks that a key is a valid identifier.
    fn identifier(&mut self, key: &Key, path: &str) -> bool {
        let ok = is_identifier(&key.name) && key.name.len() <= MAX_ID_LEN;
        if !ok {
            self.report(
                &key.origin,
                format!("invalid identifier `{}` in {}", key.name, place(path)),
                format!("ASCII letters, digits and `_`, starting with a letter, at most {MAX_ID_LEN} bytes"),
                quote(&key.name),
            );
        }
        ok
    }

    // ----- scalars ---------------------------------------------------------------------------

    fn string<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n str> {
        let text = node.as_str();
        if text.is_none() {
            self.wrong_type(node, path, "a string");
        }
        text
    }

    fn required_string(&mut self, table: &Table<'_>, key: &str) -> Option<String> {
        let node = self.required(table, key, "a string")?;
        self.string(node, &join(&table.path, key)).map(str::to_owned)
    }

    fn optional_string(&mut self, table: &Table<'_>, key: &str) -> String {
        match table.get(key) {
            Some(node) => self.string(node, &join(&table.path, key)).unwrap_or_default().to_owned(),
            None => String::new(),
        }
    }

    /// A finite number (an integer or a float).
    fn number(&mut self, node: &Node, path: &str, expected: &str) -> Option<f64> {
        match node.kind {
            Kind::Integer(value) => Some(value as f64),
            Kind::Float(value) if value.is_finite() => Some(value),
            Kind::Float(_) => {
                self.out_of_range(node, path, expected);
                None
            }
            _ => {
                self.wrong_type(node, path, expected);
                None
            }
        }
    }

    /// A finite number for which `ok` holds.
    fn number_where(
        &mut self,
        node: &Node,
        path: &str,
        expected: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        let value = self.number(node, path, expected)?;
        if ok(value) {
            Some(value)
        } else {
            self.out_of_range(node, path, expected);
            None
        }
    }

    fn probability(&mut self, node: &Node, path: &str) -> Option<f64> {
        self.number_where(node, path, "a probability in [0, 1]", |value| {
            (0.0..=1.0).contains(&value)
        })
    }

    fn non_negative(&mut self, node: &Node, path: &str) -> Option<f64> {
        self.number_where(node, path, "a number >= 0", |value| value >= 0.0)
    }

    fn integer(&mut self, node: &Node, path: &str, expected: &str) -> Option<i64> {
        match node.kind {
            Kind::Integer(value) => Some(value),
            _ => {
                self.wrong_type(node, path, expected);
                None
            }
        }
    }

    fn array<'n>(&mut self, node: &'n Node, path: &str, expected: &str) -> Option<&'n [Node]> {
        match &node.kind {
            Kind::Array(items) => Some(items),
            _ => {
                self.wrong_type(node, path, expected);
                None
            }
        }
    }

    /// A party named by a string value.
    fn party_ref(&mut self, node: &Node, path: &str, decls: &Decls) -> Option<usize> {
        let id = self.string(node, path)?;
        let index = decls.party_index(id);
        if index.is_none() && !decls.beyond_limits.contains(id) {
            let hint = suggest(id, decls.parties.iter().map(|party| party.id.as_str()))
                .map(|candidate| format!("; did you mean '{candidate}'?"))
                .unwrap_or_default();
            self.report(
                &node.origin,
                format!("unknown party '{id}' in `{path}`{hint}"),
                format!("one of: {}", decls.party_ids()),
                quote(id),
            );
        }
        index
    }

    /// A key naming a party (`[preferences.<party>]`, `[conflict.costs]`).
    fn party_key(&mut self, key: &Key, path: &str, decls: &Decls) -> Option<usize> {
        let index = decls.party_index(&key.name);
        if index.is_none() && !decls.beyond_limits.contains(&key.name) {
            let hint = suggest(&key.name, decls.parties.iter().map(|party| party.id.as_str()))
                .map(|candidate| format!("; did you mean '{candidate}'?"))
                .unwrap_or_default();
            self.report(
                &key.origin,
                format!("unknown party '{}' in {}{hint}", key.name, place(path)),
                format!("one of: {}", decls.party_ids()),
                format!("`{}`", key.name),
            );
        }
        index
    }

    /// A key naming an issue (weights, value tables, packages).
    fn issue_key(&mut self, key: &Key, path: &str, decls: &Decls) -> Option<usize> {
        let index = decls.issue_index(&key.name);
        if index.is_none() && !decls.beyond_limits.contains(&key.name) {
            let hint = suggest(&key.name, decls.issues.iter().map(|issue| issue.id.as_str()))
                .map(|candidate| format!("; did you mean '{candidate}'?"))
                .unwrap_or_default();
            self.report(
                &key.origin,
                format!(
                    "unknown issue '{}' in {}{hint}; known issues: {}",
                    key.name,
                    place(path),
                    decls.issue_ids()
                ),
                "an issue of the scenario",
                format!("`{}`", key.name),
            );
        }
        index
    }

    /// Compiles the expression in a string value, reporting errors at their place in the file.
    fn expression(&mut self, node: &Node, path: &str, decls: &Decls) -> Option<Expr> {
        let source = self.string(node, path)?;
        match expr::compile(source, decls.scope(), &mut self.budget) {
            Ok(expr) => Some(expr),
            Err(errors) => {
                let offsets = match &node.origin {
                    Origin::File(span) => tree::string_offsets(self.text, span, source),
                    Origin::Set(_) => None,
                };
                for error in errors {
                    match &node.origin {
                        Origin::File(span) => {
                            let offset = offsets
                                .as_ref()
                                .and_then(|offsets| offsets.get(error.offset).copied())
                                .unwrap_or(span.start);
                            let diagnostic = self.lines.diagnostic(
                                self.file,
                                offset,
                                error.message,
                                error.expected,
                                error.found,
                            );
                            self.diagnostics.push(diagnostic);
                        }
                        Origin::Set(_) => {
                            let column = source
                                .get(..error.offset)
                                .map_or(0, |prefix| prefix.chars().count())
                                + 1;
                            let message = format!(
                                "{} (at character {column} of the expression)",
                                error.message
                            );
                            self.report(&node.origin, message, error.expected, error.found);
                        }
                    }
                }
                None
            }
        }
    }

    // ----- the scenario ----------------------------------------------------------------------

    fn scenario(&mut self, root: &Node) -> ScenarioParts {
        let mut parts = ScenarioParts::default();
        let Some(top) = self.table(root, "") else {
            return parts;
        };
        self.keys(&top, ROOT_KEYS);
        if let Some(node) = self.required(&top, "format_version", "the integer 1")
            && let Some(version) = self.integer(node, "format_version", "the integer 1")
            && version != 1
        {
            self.report(
                &node.origin,
                format!(
                    "unsupported format version {version}; this version of impasse reads version 1"
                ),
                "1",
                format!("{version}"),
            );
        }
        if let Some(node) = self.required(&top, "scenario", "a table with the scenario's `name`")
            && let Some(table) = self.table(node, "scenario")
        {
            self.keys(&table, SCENARIO_KEYS);
            parts.name = self.required_string(&table, "name").unwrap_or_default();
            parts.description = self.optional_string(&table, "description");
        }
        let parties = self.parties(&top);
        let (issues, usable) = self.issues(&top);
        let beyond_limits = ["parties", "issues"]
            .iter()
            .filter_map(|key| top.get(key).and_then(Node::entries))
            .zip([MAX_PARTIES, MAX_ISSUES])
            .flat_map(|(entries, max)| entries.iter().skip(max).map(|(key, _)| key.name.clone()))
            .collect();
        let mut decls =
            Decls { parties, beyond_limits, issues, usable, fits: true, labels: Vec::new() };
        self.check_sizes(&top, &mut decls);
        if decls.fits {
            decls.labels = decls
                .issues
                .iter()
                .map(|issue| match &issue.kind {
                    IssueKind::Categorical { values } | IssueKind::Ordinal { values } => values
                        .iter()
                        .enumerate()
                        .map(|(idx, value)| (value.clone(), idx as u32))
                        .collect(),
                    _ => HashMap::new(),
                })
                .collect();
        }
        let (preferences, conflict_reservations) = self.preferences(&top, &decls);
        parts.red_lines = self.red_lines(&top, &decls);
        parts.preconditions = self.preconditions(&top, &decls);
        parts.proposals = self.proposals(&top, &decls);
        parts.conflict = match top.get("conflict") {
            Some(node) => self.conflict(node, &decls),
            None => {
                for origin in &conflict_reservations {
                    self.report(
                        origin,
                        "reservation = \"conflict\" derives the no-deal value from the conflict model, but the scenario has no [conflict] table",
                        "a number, or a [conflict] table",
                        "\"conflict\"",
                    );
                }
                None
            }
        };
        let n_issues = decls.issues.len();
        parts.parties = decls
            .parties
            .into_iter()
            .zip(preferences)
            .map(|(decl, preferences)| {
                let preferences = preferences.unwrap_or_else(|| Preferences {
                    weights: vec![0.0; n_issues],
                    values: vec![Vec::new(); n_issues],
                    terms: Vec::new(),
                    reservation: Reservation::Value(0.0),
                });
                Party {
                    id: decl.id,
                    name: decl.name,
                    description: decl.description,
                    power: decl.power,
                    utility: Utility::new(preferences.weights, preferences.values)
                        .with_terms(preferences.terms),
                    reservation: preferences.reservation,
                    discount: None,
                }
            })
            .collect();
        parts.issues = decls.issues;
        parts
    }

    fn parties(&mut self, top: &Table<'_>) -> Vec<PartyDecl> {
        let Some(node) = self.required(top, "parties", "a table of parties, at least two") else {
            return Vec::new();
        };
        let Some(table) = self.table(node, "parties") else {
            return Vec::new();
        };
        if table.entries.len() < 2 {
            self.report(
                &table.node.origin,
                "a scenario needs at least two parties",
                "at least 2 parties",
                format!("{}", table.entries.len()),
            );
        }
        let count = self.limit(&table, MAX_PARTIES, "parties");
        let mut parties = Vec::new();
        for (key, value) in &table.entries[..count] {
            self.name_key(key, "parties");
            let path = join("parties", &key.name);
            let mut decl = PartyDecl {
                id: key.name.clone(),
                name: key.name.clone(),
                description: String::new(),
                power: 1.0,
            };
            if let Some(party) = self.table(value, &path) {
                self.keys(&party, PARTY_KEYS);
                decl.name = self.required_string(&party, "name").unwrap_or_default();
                decl.description = self.optional_string(&party, "description");
                if let Some(power) = party.get("power") {
                    decl.power = self.non_negative(power, &join(&path, "power")).unwrap_or(1.0);
                }
            }
            parties.push(decl);
        }
        parties
    }

    fn issues(&mut self, top: &Table<'_>) -> (Vec<Issue>, Vec<bool>) {
        let (mut issues, mut usable) = (Vec::new(), Vec::new());
        let Some(node) = self.required(top, "issues", "a table of issues, at least one") else {
            return (issues, usable);
        };
        let Some(table) = self.table(node, "issues") else {
            return (issues, usable);
        };
        if table.entries.is_empty() {
            self.report(
                &table.node.origin,
                "a scenario needs at least one issue",
                "at least 1 issue",
                "0",
            );
        }
        let count = self.limit(&table, MAX_ISSUES, "issues");
        for (key, value) in &table.entries[..count] {
            let mut ok = self.name_key(key, "issues");
            if expr::is_keyword(&key.name) {
                self.report(
                    &key.origin,
                    format!(
                        "`{}` is a keyword of the expression language and cannot name an issue",
                        key.name
                    ),
                    "another identifier",
                    format!("`{}`", key.name),
                );
                ok = false;
            }
            let (issue, valid) = self.issue(&key.name, value);
            issues.push(issue);
            usable.push(ok && valid);
        }
        (issues, usable)
    }

    /// Reads one issue; returns it (a placeholder when broken) and whether it is valid.
    fn issue(&mut self, id: &str, node: &Node) -> (Issue, bool) {
        let path = join("issues", id);
        let placeholder = |name: String| {
            (Issue::new(id, &name, IssueKind::Categorical { values: Vec::new() }), false)
        };
        let Some(table) = self.table(node, &path) else {
            return placeholder(id.to_owned());
        };
        let name = self.required_string(&table, "name");
        let description = self.optional_string(&table, "description");
        let kind_name = self
            .required(&table, "type", "categorical, ordinal, integer or real")
            .and_then(|type_node| {
                let kind_name = self.string(type_node, &join(&path, "type"))?;
                if matches!(kind_name, "categorical" | "ordinal" | "integer" | "real") {
                    Some(kind_name)
                } else {
                    self.report(
                        &type_node.origin,
                        format!("unknown issue type for `{path}`"),
                        "categorical, ordinal, integer or real",
                        quote(kind_name),
                    );
                    None
                }
            });
        let applicable: &[&str] = match kind_name {
            Some("categorical" | "ordinal") => &["name", "description", "type", "values"],
            Some("integer") => &["name", "description", "type", "min", "max"],
            Some(_) => &["name", "description", "type", "min", "max", "steps"],
            None => ISSUE_KEYS,
        };
        for (key, _) in table.entries {
            if applicable.contains(&key.name.as_str()) {
                continue;
            }
            if ISSUE_KEYS.contains(&key.name.as_str()) {
                self.report(
                    &key.origin,
                    format!(
                        "`{}` does not apply to {} issues",
                        key.name,
                        kind_name.unwrap_or("these")
                    ),
                    format!("one of: {}", applicable.join(", ")),
                    format!("`{}`", key.name),
                );
            } else {
                self.unknown_key(key, &path, applicable);
            }
        }
        let kind = match kind_name {
            Some(kind_name @ ("categorical" | "ordinal")) => {
                self.named_values(&table).map(|values| {
                    if kind_name == "ordinal" {
                        IssueKind::Ordinal { values }
                    } else {
                        IssueKind::Categorical { values }
                    }
                })
            }
            Some("integer") => self.integer_range(&table),
            Some(_) => self.real_interval(&table),
            None => None,
        };
        match (name, kind) {
            (Some(name), Some(kind)) => {
                let mut issue = Issue::new(id, &name, kind);
                issue.description = description;
                (issue, true)
            }
            (name, _) => placeholder(name.unwrap_or_else(|| id.to_owned())),
        }
    }

    fn named_values(&mut self, table: &Table<'_>) -> Option<Vec<String>> {
        let node = self.required(table, "values", "an array of value names")?;
        let path = join(&table.path, "values");
        let items = self.array(node, &path, "an array of value names")?;
        if items.is_empty() {
            self.report(&node.origin, format!("`{path}` is empty"), "at least one value", "[]");
            return None;
        }
        if items.len() as u64 > MAX_VALUES {
            self.report(
                &node.origin,
                format!("`{path}` has too many values"),
                format!("at most {MAX_VALUES} values"),
                format!("{}", items.len()),
            );
            return None;
        }
        let mut values: Vec<String> = Vec::with_capacity(items.len());
        let mut seen = BTreeSet::new();
        let mut ok = true;
        for (idx, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{idx}]");
            match self.string(item, &item_path) {
                Some("") => {
                    self.report(
                        &item.origin,
                        format!("`{item_path}` is empty"),
                        "a non-empty value name",
                        "\"\"",
                    );
                    ok = false;
                }
                Some(value) => {
                    if !seen.insert(value) {
                        self.report(
                            &item.origin,
                            format!("duplicate value {} in `{path}`", quote(value)),
                            "each value once",
                            quote(value),
                        );
                        ok = false;
                    }
                    values.push(value.to_owned());
                }
                None => ok = false,
            }
        }
        ok.then_some(values)
    }

    fn integer_range(&mut self, table: &Table<'_>) -> Option<IssueKind> {
        let bound = |checker: &mut Checker<'a>, key: &str| -> Option<(i64, &Node)> {
            let node = checker.required(table, key, "an integer")?;
            let path = join(&table.path, key);
            let value = checker.integer(node, &path, "an integer")?;
            if value.unsigned_abs() > MAX_INTEGER_BOUND.unsigned_abs() {
                checker.out_of_range(node, &path, "an integer between -2^53 and 2^53");
                return None;
            }
            Some((value, node))
        };
        let min = bound(self, "min");
        let max = bound(self, "max");
        let ((min, _), (max, max_node)) = (min?, max?);
        if min > max {
            self.report(
                &max_node.origin,
                format!("`{}.max` is below `min`", table.path),
                format!("an integer >= {min}"),
                format!("{max}"),
            );
            return None;
        }
        let count = (i128::from(max) - i128::from(min) + 1) as u128;
        if count > u128::from(MAX_VALUES) {
            self.report(
                &max_node.origin,
                format!("`{}` has {count} values, above the limit of {MAX_VALUES}", table.path),
                format!("a range of at most {MAX_VALUES} integers"),
                format!("{min} to {max}"),
            );
            return None;
        }
        Some(IssueKind::Integer { min, max })
    }

    fn real_interval(&mut self, table: &Table<'_>) -> Option<IssueKind> {
        let min = self
            .required(table, "min", "a number")
            .and_then(|node| self.number(node, &join(&table.path, "min"), "a number"));
        let max_node = self.required(table, "max", "a number");
        let max =
            max_node.and_then(|node| self.number(node, &join(&table.path, "max"), "a number"));
        let steps = match table.get("steps") {
            None => Some(DEFAULT_STEPS),
            Some(node) => {
                let path = join(&table.path, "steps");
                let expected = format!("an integer from 2 to {MAX_VALUES}");
                self.integer(node, &path, &expected).and_then(|steps| {
                    let ok = (2..=MAX_VALUES as i64).contains(&steps);
                    if !ok {
                        self.out_of_range(node, &path, &expected);
                    }
                    ok.then_some(steps as u32)
                })
            }
        };
        let (min, max) = (min?, max?);
        if min > max {
            if let Some(node) = max_node {
                self.report(
                    &node.origin,
                    format!("`{}.max` is below `min`", table.path),
                    format!("a number >= {}", format_float(min)),
                    node.describe(),
                );
            }
            return None;
        }
        if !(max - min).is_finite() {
            // Grid points and slopes are computed from the width: it must be a number.
            if let Some(node) = max_node {
                self.report(
                    &node.origin,
                    format!(
                        "`{}` spans {} to {}, a width too large for a 64-bit float",
                        table.path,
                        format_float(min),
                        format_float(max)
                    ),
                    "a range whose width `max - min` is at most about 1.8e308; rescale the issue, \
                     e.g. to thousands",
                    node.describe(),
                );
            }
            return None;
        }
        Some(IssueKind::Real { min, max, steps: steps? })
    }

    /// Checks the limits on the total size of the issues.
    fn check_sizes(&mut self, top: &Table<'_>, decls: &mut Decls) {
        let total: u64 = decls
            .issues
            .iter()
            .zip(&decls.usable)
            .filter(|(_, usable)| **usable)
            .map(|(issue, _)| u64::from(issue.cardinality()))
            .sum();
        let origin =
            top.get("issues").map_or_else(|| top.node.origin.clone(), |node| node.origin.clone());
        if total > MAX_TOTAL_VALUES {
            self.report(
                &origin,
                format!(
                    "the issues have {total} values in all, above the limit of {MAX_TOTAL_VALUES}"
                ),
                format!("at most {MAX_TOTAL_VALUES} values over all issues"),
                format!("{total}"),
            );
            decls.fits = false;
        } else if total * decls.parties.len() as u64 > MAX_UTILITY_CELLS {
            self.report(
                &origin,
                format!(
                    "{} parties scoring {total} issue values is {} scores, above the limit of {MAX_UTILITY_CELLS}",
                    decls.parties.len(),
                    total * decls.parties.len() as u64
                ),
                format!("at most {MAX_UTILITY_CELLS} scores"),
                format!("{}", total * decls.parties.len() as u64),
            );
            decls.fits = false;
        }
    }

    // ----- preferences -----------------------------------------------------------------------

    /// Reads `[preferences]`: per party, its preferences if given; and where reservation values
    /// are derived from the conflict.
    fn preferences(
        &mut self,
        top: &Table<'_>,
        decls: &Decls,
    ) -> (Vec<Option<Preferences>>, Vec<Origin>) {
        let mut out: Vec<Option<Preferences>> = decls.parties.iter().map(|_| None).collect();
        let mut conflict_reservations = Vec::new();
        let Some(node) = self.required(top, "preferences", "a table with one entry per party")
        else {
            return (out, conflict_reservations);
        };
        let Some(table) = self.table(node, "preferences") else {
            return (out, conflict_reservations);
        };
        for (key, value) in table.entries {
            let Some(party) = self.party_key(key, "preferences", decls) else {
                continue;
            };
            let path = join("preferences", &key.name);
            out[party] = self.preference(value, &path, decls, &mut conflict_reservations);
        }
        for (party, preferences) in decls.parties.iter().zip(&out) {
            if preferences.is_none() && !table.entries.iter().any(|(key, _)| key.name == party.id) {
                self.report(
                    &table.node.origin,
                    format!("missing preferences for party '{}'", party.id),
                    format!("a [preferences.{}] table", party.id),
                    "nothing",
                );
            }
        }
        (out, conflict_reservations)
    }

    fn preference(
        &mut self,
        node: &Node,
        path: &str,
        decls: &Decls,
        conflict_reservations: &mut Vec<Origin>,
    ) -> Option<Preferences> {
        let table = self.table(node, path)?;
        self.keys(&table, PREFERENCE_KEYS);
        let n_issues = decls.issues.len();
        let reservation =
            self.required(&table, "reservation", "a number, or \"conflict\"").and_then(|node| {
                let reservation_path = join(path, "reservation");
                match &node.kind {
                    Kind::String(text) if text == "conflict" => {
                        conflict_reservations.push(node.origin.clone());
                        Some(Reservation::Conflict)
                    }
                    Kind::String(_) => {
                        self.report(
                            &node.origin,
                            format!("`{reservation_path}` has the wrong value"),
                            "a number, or \"conflict\"",
                            node.describe(),
                        );
                        None
                    }
                    _ => self
                        .number(node, &reservation_path, "a number, or \"conflict\"")
                        .map(Reservation::Value),
                }
            });
        let mut weights = vec![0.0; n_issues];
        if let Some(node) = table.get("weights") {
            let weights_path = join(path, "weights");
            if let Some(weight_table) = self.table(node, &weights_path) {
                for (key, value) in weight_table.entries {
                    if let Some(issue) = self.issue_key(key, &weights_path, decls)
                        && let Some(weight) =
                            self.number(value, &join(&weights_path, &key.name), "a number")
                    {
                        weights[issue] = weight;
                    }
                }
            }
        }
        let mut values: Vec<Vec<f64>> = decls
            .issues
            .iter()
            .map(
                |issue| {
                    if decls.fits { vec![0.0; issue.cardinality() as usize] } else { Vec::new() }
                },
            )
            .collect();
        if let Some(node) = table.get("values") {
            let values_path = join(path, "values");
            if let Some(value_tables) = self.table(node, &values_path) {
                for (key, value) in value_tables.entries {
                    let Some(issue) = self.issue_key(key, &values_path, decls) else {
                        continue;
                    };
                    if decls.usable[issue] && decls.fits {
                        let scores =
                            self.scores(value, &join(&values_path, &key.name), issue, decls);
                        if let Some(scores) = scores {
                            values[issue] = scores;
                        }
                    }
                }
            }
        }
        let terms = match table.get("terms") {
            Some(node) => self.terms(node, &join(path, "terms"), decls),
            None => Vec::new(),
        };
        Some(Preferences { weights, values, terms, reservation: reservation? })
    }

    /// Issue `index`'s value scores: a table of named values, or `points` for numeric issues.
    /// Returns the score of every value of the issue.
    fn scores(&mut self, node: &Node, path: &str, index: usize, decls: &Decls) -> Option<Vec<f64>> {
        let table = self.table(node, path)?;
        let issue = &decls.issues[index];
        let len = issue.cardinality() as usize;
        match &issue.kind {
            IssueKind::Categorical { .. } | IssueKind::Ordinal { .. } => {
                let mut scores = vec![0.0; len];
                for (key, value) in table.entries {
                    let Some(idx) = decls.scope().label_index(index, &key.name) else {
                        self.report(
                            &key.origin,
                            format!(
                                "issue '{}' has no value '{}'; its values are {}",
                                issue.id,
                                key.name,
                                describe_values(issue)
                            ),
                            "a value of the issue",
                            format!("`{}`", key.name),
                        );
                        continue;
                    };
                    if let Some(score) = self.number(value, &join(path, &key.name), "a number")
                        && let Some(slot) = scores.get_mut(idx as usize)
                    {
                        *slot = score;
                    }
                }
                Some(scores)
            }
            IssueKind::Integer { .. } | IssueKind::Real { .. } => {
                for (key, _) in table.entries {
                    if key.name != "points" {
                        self.report(
                            &key.origin,
                            format!(
                                "unknown key `{}` in `{path}`: issue '{}' is numeric and is scored by `points`, a piecewise-linear function",
                                key.name, issue.id
                            ),
                            "`points`",
                            format!("`{}`", key.name),
                        );
                    }
                }
                let node = self.required(&table, "points", "an array of [value, score] pairs")?;
                let points = self.points(node, &join(path, "points"))?;
                Some(
                    (0..len as u32)
                        .map(|idx| piecewise(&points, issue.numeric(idx).unwrap_or(0.0)))
                        .collect(),
                )
            }
        }
    }

    /// Reads `points`: `[value, score]` pairs with strictly increasing values.
    fn points(&mut self, node: &Node, path: &str) -> Option<Vec<(f64, f64)>> {
        const EXPECTED: &str = "an array of [value, score] pairs";
        let items = self.array(node, path, EXPECTED)?;
        if items.is_empty() || items.len() > MAX_ITEMS {
            self.report(
                &node.origin,
                format!("`{path}` has {} points", items.len()),
                format!("from 1 to {MAX_ITEMS} [value, score] pairs"),
                format!("{}", items.len()),
            );
            return None;
        }
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(items.len());
        let mut ok = true;
        for (idx, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{idx}]");
            let pair = match &item.kind {
                Kind::Array(pair) if pair.len() == 2 => {
                    let x = self.number(
                        &pair[0],
                        &format!("{item_path}[0]"),
                        "a number (the issue value)",
                    );
                    let y =
                        self.number(&pair[1], &format!("{item_path}[1]"), "a number (the score)");
                    x.zip(y).map(|point| (point, &pair[0]))
                }
                _ => {
                    self.wrong_type(item, &item_path, "a [value, score] pair");
                    None
                }
            };
            match pair {
                Some(((x, y), x_node)) => {
                    if let Some(&(previous, _)) = points.last()
                        && x <= previous
                    {
                        self.report(
                            &x_node.origin,
                            format!("the values in `{path}` must increase"),
                            format!("a value above {}", format_float(previous)),
                            x_node.describe(),
                        );
                        ok = false;
                    }
                    points.push((x, y));
                }
                None => ok = false,
            }
        }
        ok.then_some(points)
    }

    fn terms(&mut self, node: &Node, path: &str, decls: &Decls) -> Vec<Term> {
        let Some(items) = self.array(node, path, "an array of tables ([[...terms]])") else {
            return Vec::new();
        };
        if items.len() > MAX_ITEMS {
            self.report(
                &node.origin,
                format!("`{path}` has {} terms, above the limit of {MAX_ITEMS}", items.len()),
                format!("at most {MAX_ITEMS} terms"),
                format!("{}", items.len()),
            );
        }
        let mut terms = Vec::new();
        for (idx, item) in items.iter().take(MAX_ITEMS).enumerate() {
            let item_path = format!("{path}[{idx}]");
            let Some(table) = self.table(item, &item_path) else {
                continue;
            };
            self.keys(&table, TERM_KEYS);
            let when = self.required(&table, "when", "a condition (an expression string)");
            let source = when.and_then(Node::as_str).unwrap_or_default().to_owned();
            let condition =
                when.and_then(|when| self.expression(when, &join(&item_path, "when"), decls));
            let value = self
                .required(&table, "value", "a number: a bonus (> 0) or a penalty (< 0)")
                .and_then(|value| self.number(value, &join(&item_path, "value"), "a number"));
            let label = match table.get("label") {
                Some(label) => self.string(label, &join(&item_path, "label")).map(str::to_owned),
                None => None,
            };
            if let (Some(condition), Some(value)) = (condition, value) {
                terms.push(Term { label: label.unwrap_or(source), condition, value });
            }
        }
        terms
    }

    // ----- red lines, preconditions, proposals -----------------------------------------------

    /// The entries of an optional table of named items (`[red_lines.<id>]`, ...), each with a
    /// valid identifier, up to [`MAX_ITEMS`].
    fn named_items<'n>(
        &mut self,
        top: &Table<'n>,
        key: &str,
        what: &str,
    ) -> Vec<(&'n Key, Table<'n>)> {
        let Some(node) = top.get(key) else {
            return Vec::new();
        };
        let Some(table) = self.table(node, key) else {
            return Vec::new();
        };
        let count = self.limit(&table, MAX_ITEMS, what);
        let mut items = Vec::new();
        for (item_key, value) in &table.entries[..count] {
            self.identifier(item_key, key);
            if let Some(item) = self.table(value, &join(key, &item_key.name)) {
                items.push((item_key, item));
            }
        }
        items
    }

    /// The parts red lines and preconditions share: the holding party, a description and the
    /// `requires` condition. Every problem is reported; `None` when the party or the condition is
    /// unusable.
    fn held_condition(
        &mut self,
        table: &Table<'_>,
        decls: &Decls,
        holder: &str,
    ) -> Option<HeldCondition> {
        let party = self
            .required(table, "party", holder)
            .and_then(|node| self.party_ref(node, &join(&table.path, "party"), decls));
        let description = self.optional_string(table, "description");
        let requires_node = self.required(table, "requires", "a condition (an expression string)");
        let requires = requires_node
            .and_then(|node| self.expression(node, &join(&table.path, "requires"), decls));
        let source = requires_node.and_then(Node::as_str).unwrap_or_default().to_owned();
        Some(HeldCondition { party: party?, description, source, requires: requires? })
    }

    fn red_lines(&mut self, top: &Table<'_>, decls: &Decls) -> Vec<RedLine> {
        let mut lines = Vec::new();
        for (key, table) in self.named_items(top, "red_lines", "red lines") {
            self.keys(&table, RED_LINE_KEYS);
            let held = self.held_condition(&table, decls, "the party that holds it");
            let cost = match table.get("cost") {
                None => Some(CrossingCost::Absolute),
                Some(node) => {
                    let path = join(&table.path, "cost");
                    const EXPECTED: &str = "\"absolute\" or a number >= 0";
                    match &node.kind {
                        Kind::String(text) if text == "absolute" => Some(CrossingCost::Absolute),
                        Kind::String(_) => {
                            self.report(
                                &node.origin,
                                format!("`{path}` has the wrong value"),
                                EXPECTED,
                                node.describe(),
                            );
                            None
                        }
                        _ => self
                            .number_where(node, &path, EXPECTED, |value| value >= 0.0)
                            .map(CrossingCost::Penalty),
                    }
                }
            };
            if let (Some(HeldCondition { party, description, source, requires }), Some(cost)) =
                (held, cost)
            {
                lines.push(RedLine {
                    id: key.name.clone(),
                    party,
                    description,
                    source,
                    requires,
                    cost,
                });
            }
        }
        lines
    }

    fn preconditions(&mut self, top: &Table<'_>, decls: &Decls) -> Vec<Precondition> {
        let mut preconditions = Vec::new();
        for (key, table) in self.named_items(top, "preconditions", "preconditions") {
            self.keys(&table, PRECONDITION_KEYS);
            if let Some(HeldCondition { party, description, source, requires }) =
                self.held_condition(&table, decls, "the party that demands it")
            {
                preconditions.push(Precondition {
                    id: key.name.clone(),
                    party,
                    description,
                    source,
                    requires,
                });
            }
        }
        preconditions
    }

    fn proposals(&mut self, top: &Table<'_>, decls: &Decls) -> Vec<Proposal> {
        let mut proposals = Vec::new();
        for (key, table) in self.named_items(top, "proposals", "proposals") {
            self.keys(&table, PROPOSAL_KEYS);
            let name = match table.get("name") {
                Some(node) => {
                    self.string(node, &join(&table.path, "name")).unwrap_or_default().to_owned()
                }
                None => key.name.clone(),
            };
            let by = table
                .get("by")
                .and_then(|node| self.party_ref(node, &join(&table.path, "by"), decls));
            let description = self.optional_string(&table, "description");
            let package = self
                .required(&table, "package", "a table naming a value for some or all issues")
                .map(|node| self.package(node, &join(&table.path, "package"), decls, false));
            proposals.push(Proposal {
                id: key.name.clone(),
                name,
                by,
                description,
                package: package.unwrap_or_default(),
            });
        }
        proposals
    }

    /// Reads a package: a table from issues to values. When `complete`, every issue must be named.
    fn package(
        &mut self,
        node: &Node,
        path: &str,
        decls: &Decls,
        complete: bool,
    ) -> Vec<Option<u32>> {
        let mut package = vec![None; decls.issues.len()];
        let Some(table) = self.table(node, path) else {
            return package;
        };
        if table.entries.is_empty() {
            self.report(
                &node.origin,
                format!("`{path}` is empty"),
                "a value for at least one issue",
                "an empty table",
            );
            return package;
        }
        for (key, value) in table.entries {
            let Some(index) = self.issue_key(key, path, decls) else {
                continue;
            };
            if !decls.usable[index] {
                continue;
            }
            let issue = &decls.issues[index];
            let value_path = join(path, &key.name);
            package[index] = match (&issue.kind, &value.kind) {
                (
                    IssueKind::Categorical { .. } | IssueKind::Ordinal { .. },
                    Kind::String(label),
                ) => {
                    let idx = decls.scope().label_index(index, label);
                    if idx.is_none() {
                        self.report(
                            &value.origin,
                            format!(
                                "issue '{}' has no value '{label}'; its values are {}",
                                issue.id,
                                describe_values(issue)
                            ),
                            "a value of the issue",
                            quote(label),
                        );
                    }
                    idx
                }
                (IssueKind::Categorical { .. } | IssueKind::Ordinal { .. }, _) => {
                    self.wrong_type(value, &value_path, "a value name (a string)");
                    None
                }
                (IssueKind::Integer { .. } | IssueKind::Real { .. }, _) => {
                    let number = self.number(value, &value_path, "a number");
                    let idx = number.and_then(|number| issue.numeric_index(number));
                    if number.is_some() && idx.is_none() {
                        self.report(
                            &value.origin,
                            format!(
                                "issue '{}' has no value {}; its values are {}",
                                issue.id,
                                value.describe(),
                                describe_values(issue)
                            ),
                            "a value of the issue",
                            value.describe(),
                        );
                    }
                    idx
                }
            };
        }
        if complete {
            let missing: Vec<String> = decls
                .issues
                .iter()
                .filter(|issue| table.get(&issue.id).is_none())
                .map(|issue| issue.id.clone())
                .collect();
            if !missing.is_empty() {
                self.report(
                    &node.origin,
                    format!(
                        "`{path}` must name a value for every issue; it leaves out {}",
                        list(missing.iter().cloned())
                    ),
                    "a value for every issue",
                    format!(
                        "values for {} of {} issues",
                        decls.issues.len() - missing.len(),
                        decls.issues.len()
                    ),
                );
            }
        }
        package
    }

    // ----- the conflict model ----------------------------------------------------------------

    fn conflict(&mut self, node: &Node, decls: &Decls) -> Option<ConflictModel> {
        let table = self.table(node, "conflict")?;
        self.keys(&table, CONFLICT_KEYS);
        let description = self.optional_string(&table, "description");
        let mut sides_seen: Vec<usize> = Vec::new();
        let mut side = |checker: &mut Checker<'a>, key: &str| -> Vec<usize> {
            let Some(node) = checker.required(&table, key, "an array of party identifiers") else {
                return Vec::new();
            };
            let path = join("conflict", key);
            let Some(items) = checker.array(node, &path, "an array of party identifiers") else {
                return Vec::new();
            };
            if items.is_empty() {
                checker.report(
                    &node.origin,
                    format!("`{path}` is empty"),
                    "at least one party",
                    "[]",
                );
            }
            let mut parties = Vec::new();
            for (idx, item) in items.iter().enumerate() {
                let Some(party) = checker.party_ref(item, &format!("{path}[{idx}]"), decls) else {
                    continue;
                };
                if sides_seen.contains(&party) {
                    checker.report(
                        &item.origin,
                        format!(
                            "party '{}' is listed twice on the sides of the conflict",
                            decls.parties[party].id
                        ),
                        "each party on at most one side, once",
                        item.describe(),
                    );
                    continue;
                }
                sides_seen.push(party);
                parties.push(party);
            }
            parties
        };
        let side_a = side(self, "side_a");
        let side_b = side(self, "side_b");
        let balance =
            table.get("balance").and_then(|node| self.probability(node, "conflict.balance"));
        let victory = |checker: &mut Checker<'a>, key: &str| -> Vec<u32> {
            match checker.required(&table, key, "a table naming a value for every issue") {
                Some(node) => checker
                    .package(node, &join("conflict", key), decls, true)
                    .into_iter()
                    .map(|idx| idx.unwrap_or(0))
                    .collect(),
                None => vec![0; decls.issues.len()],
            }
        };
        let victory_a = victory(self, "victory_a");
        let victory_b = victory(self, "victory_b");
        let mut trajectory = Vec::new();
        if let Some(node) = table.get("trajectory")
            && let Some(items) =
                self.array(node, "conflict.trajectory", "an array of probabilities")
        {
            if items.len() > MAX_ITEMS {
                self.report(
                    &node.origin,
                    format!(
                        "`conflict.trajectory` has {} entries, above the limit of {MAX_ITEMS}",
                        items.len()
                    ),
                    format!("at most {MAX_ITEMS} entries"),
                    format!("{}", items.len()),
                );
            }
            for (idx, item) in items.iter().take(MAX_ITEMS).enumerate() {
                if let Some(point) = self.probability(item, &format!("conflict.trajectory[{idx}]"))
                {
                    trajectory.push(point);
                }
            }
        }
        let discount = match table.get("discount") {
            Some(node) => self
                .number_where(node, "conflict.discount", "a number in (0, 1)", |value| {
                    value > 0.0 && value < 1.0
                })
                .unwrap_or(DEFAULT_DISCOUNT),
            None => DEFAULT_DISCOUNT,
        };
        let costs = self.party_numbers(&table, "costs", decls, false);
        let mobilisation = self.party_numbers(&table, "mobilisation", decls, true);
        let dynamics = match table.get("dynamics") {
            Some(node) => self.dynamics(node),
            None => DynamicsAssumptions::default(),
        };
        // A what-if mobilisation is measured against today's: the side must state one.
        if let Some(Node { kind: Kind::Table(entries), .. }) = table.get("dynamics") {
            for (key, side, name) in
                [("mobilised_a", &side_a, "side A"), ("mobilised_b", &side_b, "side B")]
            {
                if let Some((_, node)) = entries.iter().find(|(k, _)| k.name == key)
                    && !side
                        .iter()
                        .any(|&party| mobilisation.get(party).is_some_and(Option::is_some))
                {
                    self.report(
                        &node.origin,
                        format!(
                            "`conflict.dynamics.{key}` needs today's mobilisation of a party of {name} in [conflict.mobilisation]"
                        ),
                        format!("a [conflict.mobilisation] entry for a party of {name}"),
                        "none".to_owned(),
                    );
                }
            }
        }
        Some(ConflictModel {
            description,
            side_a,
            side_b,
            balance,
            victory_a,
            victory_b,
            costs,
            mobilisation,
            trajectory,
            discount,
            dynamics,
        })
    }

    /// Reads `[conflict.dynamics]`: the assumptions of the dynamics models.
    fn dynamics(&mut self, node: &Node) -> DynamicsAssumptions {
        const PATH: &str = "conflict.dynamics";
        let Some(table) = self.table(node, PATH) else {
            return DynamicsAssumptions::default();
        };
        self.keys(&table, DYNAMICS_KEYS);
        let path = |key: &str| join(PATH, key);
        let probability = |checker: &mut Checker<'a>, key: &str| {
            table.get(key).and_then(|node| checker.probability(node, &path(key)))
        };
        let cost = |checker: &mut Checker<'a>, key: &str| {
            table.get(key).and_then(|node| checker.non_negative(node, &path(key)))
        };
        let count = |checker: &mut Checker<'a>, key: &str, min: i64, expected: &str| {
            let node = table.get(key)?;
            let value = checker.integer(node, &path(key), expected)?;
            if value < min || value > i64::from(MAX_DYNAMICS_COUNT) {
                checker.out_of_range(node, &path(key), expected);
                return None;
            }
            u32::try_from(value).ok()
        };
        let belief = |checker: &mut Checker<'a>, key: &str| -> Option<(f64, f64)> {
            const EXPECTED: &str = "a Beta prior [alpha, beta] of two positive numbers";
            let node = table.get(key)?;
            let items = checker.array(node, &path(key), EXPECTED)?;
            if items.len() != 2 {
                checker.out_of_range(node, &path(key), EXPECTED);
                return None;
            }
            let alpha = checker.number_where(&items[0], &path(key), EXPECTED, |v| v > 0.0)?;
            let beta = checker.number_where(&items[1], &path(key), EXPECTED, |v| v > 0.0)?;
            Some((alpha, beta))
        };
        let resolved_cost = cost(self, "resolved_cost");
        let irresolute_cost = cost(self, "irresolute_cost");
        if let (Some(r), Some(i)) = (resolved_cost, irresolute_cost)
            && r >= i
            && let Some(node) = table.get("irresolute_cost")
        {
            self.out_of_range(
                node,
                &path("irresolute_cost"),
                "a cost above `resolved_cost` (the irresolute type is the one that hurts more)",
            );
        }
        let front_length = count(self, "front_length", 2, "an integer from 2 to 10000");
        let front_position =
            count(self, "front_position", 1, "an integer strictly between 0 and `front_length`");
        if let (Some(n), Some(k)) = (front_length, front_position)
            && k >= n
            && let Some(node) = table.get("front_position")
        {
            self.out_of_range(
                node,
                &path("front_position"),
                "an integer strictly between 0 and `front_length`",
            );
        }
        DynamicsAssumptions {
            decisive: probability(self, "decisive"),
            resolve_prior: probability(self, "resolve_prior"),
            resolved_cost,
            irresolute_cost,
            front_length,
            front_position,
            advance: probability(self, "advance"),
            belief_a: belief(self, "belief_a"),
            belief_b: belief(self, "belief_b"),
            horizon: count(self, "horizon", 1, "an integer from 1 to 10000"),
            mobilised_a: table.get("mobilised_a").and_then(|node| {
                self.number_where(node, &path("mobilised_a"), "a share in (0, 1]", |v| {
                    v > 0.0 && v <= 1.0
                })
            }),
            mobilised_b: table.get("mobilised_b").and_then(|node| {
                self.number_where(node, &path("mobilised_b"), "a share in (0, 1]", |v| {
                    v > 0.0 && v <= 1.0
                })
            }),
        }
    }

    /// Reads `[conflict.costs]` or `[conflict.mobilisation]`: a number per party (a cost >= 0, or
    /// a share in [0, 1]).
    fn party_numbers(
        &mut self,
        conflict: &Table<'_>,
        key: &str,
        decls: &Decls,
        share: bool,
    ) -> Vec<Option<f64>> {
        let mut out = vec![None; decls.parties.len()];
        let Some(node) = conflict.get(key) else {
            return out;
        };
        let path = join("conflict", key);
        let Some(table) = self.table(node, &path) else {
            return out;
        };
        for (party_key, value) in table.entries {
            let Some(party) = self.party_key(party_key, &path, decls) else {
                continue;
            };
            let value_path = join(&path, &party_key.name);
            out[party] = if share {
                self.probability(value, &value_path)
            } else {
                self.non_negative(value, &value_path)
            };
        }
        out
    }
}

/// A piecewise-linear function through `points` (increasing values), flat beyond both ends.
fn piecewise(points: &[(f64, f64)], x: f64) -> f64 {
    let (Some(&(first_x, first_y)), Some(&(last_x, last_y))) = (points.first(), points.last())
    else {
        return 0.0;
    };
    if x <= first_x {
        return first_y;
    }
    if x >= last_x {
        return last_y;
    }
    let upper = points.partition_point(|&(px, _)| px <= x).min(points.len() - 1).max(1);
    let (x0, y0) = points[upper - 1];
    let (x1, y1) = points[upper];
    if x1 > x0 { y0 + (y1 - y0) * (x - x0) / (x1 - x0) } else { y1 }
}

/// A condition held by a party: what red lines and preconditions have in common.
struct HeldCondition {
    party: usize,
    description: String,
    source: String,
    requires: Expr,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piecewise_is_flat_beyond_the_ends() {
        let points = [(0.0, 0.0), (20.0, 0.8), (50.0, 1.0)];
        assert_eq!(piecewise(&points, -5.0), 0.0);
        assert!((piecewise(&points, 10.0) - 0.4).abs() < 1e-12);
        assert!((piecewise(&points, 35.0) - 0.9).abs() < 1e-12);
        assert_eq!(piecewise(&points, 20.0), 0.8);
        assert_eq!(piecewise(&points, 80.0), 1.0);
        assert_eq!(piecewise(&[(3.0, 0.5)], 0.0), 0.5);
    }

    #[test]
    fn identifiers_and_suggestions() {
        assert!(is_identifier("crimea_2"));
        assert!(
            !is_identifier("2crimea")
                && !is_identifier("_x")
                && !is_identifier("a-b")
                && !is_identifier("")
        );
        assert_eq!(suggest("nmae", ["name", "description", "power"].into_iter()), Some("name"));
        assert_eq!(suggest("zzz", ["name"].into_iter()), None);
    }
}
