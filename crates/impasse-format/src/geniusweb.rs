//! GeniusWeb domain import (JSON).
//!
//! A GeniusWeb scenario is a folder with one domain file (a JSON object with `name` and
//! `issuesValues`) and one profile per party (a JSON object whose single key names the profile
//! class). Only `LinearAdditiveUtilitySpace` profiles are read:
//!
//! - `U(ω) = Σ_i w_i·v_i(ω_i)` with the `issueWeights` as given (no cap; refused only when their sum
//!   overflows to infinity);
//! - `discreteutils.valueUtilities`: one utility in `[0, 1]` per value; values left out score 0, as
//!   in GeniusWeb;
//! - `numberutils`: `lowUtility + (highUtility − lowUtility)·(x − lowValue)/(highValue − lowValue)`
//!   for `lowValue ≤ x ≤ highValue` (0 outside), rounded to 8 decimals as GeniusWeb does;
//! - a `reservationBid` becomes the reservation value `u(bid)` (issues the bid leaves out count 0,
//!   as in GeniusWeb); otherwise a `reservation` or `reserved_value` number (NegMAS's extension),
//!   else 0;
//! - a `discount_factor` in (0, 1) is kept on the party and noted, as for GENIUS.
//!
//! Domain issues with `values` become categorical issues. A `range` (`low`, `high`, `step`) is read
//! with exact decimal arithmetic: with integer bounds and step 1 it becomes an integer issue;
//! otherwise an ordinal issue whose values are the numbers `low, low + step, …` (up to `high`),
//! written as decimals. Every problem is reported with the file, line and column of the JSON
//! value at fault.

use std::path::{Path, PathBuf};

use impasse_core::{Issue, IssueKind, Scenario, ScenarioParts, Utility};

use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::genius::{
    FolderFormat, check_roles, file_name_of, folder_name, imported_party, read_text, stem_of,
    unique, whole_file,
};
use crate::json::parse_json;
use crate::load::MAX_FILE_BYTES;
use crate::native::syntax_diagnostic;
use crate::tree::{Key, Kind, Node, Origin, format_float, quote};

/// The most values an issue may have (each value gets a score per party).
const MAX_VALUES: i128 = 1_000_000;
/// The most significant digits read in a number of a `range`.
const MAX_DIGITS: usize = 30;
/// The profile class impasse reads.
const SUPPORTED_CLASS: &str = "LinearAdditiveUtilitySpace";
/// The keys of a `LinearAdditiveUtilitySpace` object.
const PROFILE_KEYS: &[&str] = &[
    "name",
    "issueUtilities",
    "issueWeights",
    "domain",
    "reservationBid",
    "reservation",
    "reserved_value",
    "discount_factor",
];

// ---------------------------------------------------------------------------------------------
// Entry points

/// Loads a GeniusWeb domain folder: one domain JSON and one profile JSON per party.
///
/// The folder's `*.json` files (except `*specials.json`, as NegMAS skips them) are read in sorted
/// file-name order and classified: an object with an `issuesValues` key is the domain; an object
/// whose single key names a profile class (`LinearAdditiveUtilitySpace`,
/// `SumOfGroupsUtilitySpace`, `DefaultPartialOrdering`, or any `…UtilitySpace`/`…Ordering`) is a
/// profile; other JSON files are ignored. The scenario is named after the folder, the parties
/// after their profile files' stems and the issues after their names, exactly as written. Files above
/// 16 MiB, unreadable files, files that are not UTF-8 and `.json` files that are not JSON are
/// reported, with line and column for syntax errors.
pub fn load_geniusweb_folder(path: &Path) -> Result<Scenario, Diagnostics> {
    let folder = path.display().to_string();
    let files = match json_files(path) {
        Ok(files) => files,
        Err(err) => {
            return Err(Diagnostics(vec![whole_file(
                &folder,
                format!("cannot read the folder: {err}"),
            )]));
        }
    };
    let mut diags = Vec::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    for (_, file_path) in &files {
        let file = file_path.display().to_string();
        match read_text(file_path, &file) {
            Ok(text) => texts.push((file, text)),
            Err(diag) => diags.push(diag),
        }
    }
    from_texts(&folder, folder_name(path), &texts, &files, diags)
}

/// Classifies GeniusWeb files (`(file, text)`) as domain or profile by their JSON and builds the
/// scenario named `name`, adding to the problems already found in `diags`.
fn from_texts(
    folder: &str,
    name: String,
    texts: &[(String, String)],
    files: &[(String, PathBuf)],
    mut diags: Vec<Diagnostic>,
) -> Result<Scenario, Diagnostics> {
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    let mut parsed: Vec<Option<Node>> = Vec::new();
    for (idx, (file, text)) in texts.iter().enumerate() {
        match parse_json(text) {
            Ok(root) => {
                match role(&root) {
                    Role::Domain => domains.push(idx),
                    Role::Profile => profiles.push(idx),
                    Role::Other => {}
                }
                parsed.push(Some(root));
            }
            Err(error) => {
                diags.push(syntax_diagnostic(text, file, &LineIndex::new(text), "JSON", &error));
                parsed.push(None);
            }
        }
    }
    diags.extend(check_roles(
        folder,
        texts,
        files,
        &domains,
        &profiles,
        &FolderFormat {
            name: "GeniusWeb",
            extension: "json",
            domain: "one .json file holding an object with an `issuesValues` key",
            domains: "exactly one .json file with an `issuesValues` key",
            profiles: "at least two .json files whose single key is a profile class such as \
                       `LinearAdditiveUtilitySpace`",
        },
    ));
    if let ([domain], true) = (domains.as_slice(), profiles.len() >= 2) {
        let file_of = |idx: usize| {
            let (file, text) = texts.get(idx)?;
            let root = parsed.get(idx)?.as_ref()?;
            Some(Parsed { src: Src::new(file, text), root: root.clone() })
        };
        if let Some(domain) = file_of(*domain) {
            let profiles: Vec<Parsed> = profiles.iter().filter_map(|&idx| file_of(idx)).collect();
            return build(name, domain, profiles, diags);
        }
    }
    let mut diags = Diagnostics(diags);
    diags.sort();
    Err(diags)
}

/// Builds a scenario named `name` from the files of a GeniusWeb domain given in memory
/// (`(file name, text)`, as an upload gives them), classified as [`load_geniusweb_folder`]
/// classifies a folder's files (`specials.json` left out).
///
/// # Errors
///
/// Every problem: no or several domain files, fewer than two profiles, and every problem in any
/// file, located in that file.
pub fn parse_geniusweb_files(
    name: &str,
    files: &[(String, String)],
) -> Result<Scenario, Diagnostics> {
    let texts: Vec<(String, String)> = files
        .iter()
        .filter(|(file, _)| !file.to_ascii_lowercase().ends_with("specials.json"))
        .cloned()
        .collect();
    let listing: Vec<(String, PathBuf)> =
        files.iter().map(|(file, _)| (file.clone(), PathBuf::from(file))).collect();
    from_texts(name, name.to_owned(), &texts, &listing, Vec::new())
}

/// Builds a scenario from a GeniusWeb domain and its profiles, each given as `(file name, text)`.
///
/// Parties are keyed and named by the profiles' file stems exactly as written, in the order given,
/// and issues by their names exactly as written; the scenario is named after the domain file's
/// stem. Every problem in any of the files is reported.
pub fn parse_geniusweb(
    domain: (&str, &str),
    profiles: &[(&str, &str)],
) -> Result<Scenario, Diagnostics> {
    let mut diags = Vec::new();
    let mut parse = |(file, text): (&'_ str, &'_ str)| -> Option<Node> {
        match parse_json(text) {
            Ok(root) => Some(root),
            Err(error) => {
                diags.push(syntax_diagnostic(text, file, &LineIndex::new(text), "JSON", &error));
                None
            }
        }
    };
    let domain_root = parse(domain);
    let profile_roots: Vec<Option<Node>> = profiles.iter().map(|&profile| parse(profile)).collect();
    if profiles.len() < 2 {
        diags.push(Diagnostic {
            file: domain.0.to_owned(),
            line: 0,
            column: 0,
            message: format!(
                "a GeniusWeb scenario needs at least two profiles, found {}",
                profiles.len()
            ),
            expected: "at least two profiles".to_owned(),
            found: profiles
                .iter()
                .map(|(file, _)| file_name_of(file))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let domain_parsed = domain_root.map(|root| Parsed { src: Src::new(domain.0, domain.1), root });
    let profiles_parsed: Vec<Parsed> = profiles
        .iter()
        .zip(profile_roots)
        .filter_map(|(&(file, text), root)| Some(Parsed { src: Src::new(file, text), root: root? }))
        .collect();
    if let Some(domain_parsed) = domain_parsed {
        return build(stem_of(domain.0), domain_parsed, profiles_parsed, diags);
    } else {
        // The domain is unreadable: still report what is wrong with the profiles on their own.
        for profile in &profiles_parsed {
            profile_class(&profile.src, &profile.root, &mut diags);
        }
    }
    let mut diags = Diagnostics(diags);
    diags.sort();
    Err(diags)
}

/// Whether the folder at `path` holds a GeniusWeb scenario rather than a GENIUS one: it holds
/// `.json` files and either no `.xml` file at all, or a `.json` file (of at most 16 MiB) holding an
/// object with an `issuesValues` key.
pub(crate) fn is_geniusweb_folder(path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else { return false };
    let mut has_xml = false;
    let mut jsons = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".xml") {
            has_xml = true;
        } else if name.ends_with(".json") && !name.ends_with("specials.json") {
            jsons.push(entry.path());
        }
    }
    if jsons.is_empty() {
        return false;
    }
    if !has_xml {
        return true;
    }
    jsons.iter().any(|file| {
        std::fs::metadata(file).is_ok_and(|meta| meta.is_file() && meta.len() <= MAX_FILE_BYTES)
            && std::fs::read_to_string(file)
                .ok()
                .and_then(|text| parse_json(&text).ok())
                .is_some_and(|root| root.get("issuesValues").is_some())
    })
}

/// The folder's `*.json` files (not `*specials.json`), sorted by name.
fn json_files(path: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let file_path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") && !lower.ends_with("specials.json") && file_path.is_file() {
            files.push((name, file_path));
        }
    }
    files.sort();
    Ok(files)
}

enum Role {
    Domain,
    Profile,
    Other,
}

fn role(root: &Node) -> Role {
    let Some(entries) = root.entries() else { return Role::Other };
    if root.get("issuesValues").is_some() {
        Role::Domain
    } else if let [(key, _)] = entries
        && is_profile_class(&key.name)
    {
        Role::Profile
    } else {
        Role::Other
    }
}

fn is_profile_class(name: &str) -> bool {
    name.ends_with("UtilitySpace") || name.ends_with("Ordering") || name.ends_with("Profile")
}

// ---------------------------------------------------------------------------------------------
// Positions and descriptions

/// A file being read: its name, its text and where its lines start.
struct Src<'a> {
    file: &'a str,
    text: &'a str,
    index: LineIndex<'a>,
}

impl<'a> Src<'a> {
    fn new(file: &'a str, text: &'a str) -> Src<'a> {
        Src { file, text, index: LineIndex::new(text) }
    }

    /// The source text of a value.
    fn text(&self, node: &Node) -> Option<&'a str> {
        match &node.origin {
            Origin::File(span) => self.text.get(span.clone()),
            Origin::Set(_) => None,
        }
    }

    fn diag(
        &self,
        origin: &Origin,
        message: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Diagnostic {
        let at = match origin {
            Origin::File(span) => span.start,
            Origin::Set(_) => 0,
        };
        self.index.diagnostic(self.file, at, message, expected, found)
    }
}

/// A JSON file read into a tree.
struct Parsed<'a> {
    src: Src<'a>,
    root: Node,
}

/// What a JSON value is, for messages (JSON says "object" where the tree says "table").
fn describe(node: &Node) -> String {
    match &node.kind {
        Kind::Table(_) => "an object".to_owned(),
        Kind::Float(value) => format_float(*value),
        _ => node.describe(),
    }
}

fn as_number(node: &Node) -> Option<f64> {
    match node.kind {
        Kind::Integer(value) => Some(value as f64),
        Kind::Float(value) => Some(value),
        _ => None,
    }
}

fn is_null(node: &Node) -> bool {
    node.kind == Kind::Other("null")
}

/// The entries of an object, or a diagnostic.
fn object<'n>(
    src: &Src,
    node: &'n Node,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'n [(Key, Node)]> {
    let entries = node.entries();
    if entries.is_none() {
        diags.push(src.diag(
            &node.origin,
            format!("{what} is not an object"),
            format!("an object ({what})"),
            describe(node),
        ));
    }
    entries
}

/// Reports the keys of `entries` that are not in `allowed`.
fn check_keys(
    src: &Src,
    entries: &[(Key, Node)],
    allowed: &[&str],
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, _) in entries {
        if !allowed.contains(&key.name.as_str()) {
            diags.push(src.diag(
                &key.origin,
                format!("unknown key {} in {what}", quote(&key.name)),
                format!(
                    "one of {}",
                    allowed.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ")
                ),
                quote(&key.name),
            ));
        }
    }
}

fn list_names<'n>(names: impl Iterator<Item = &'n str>) -> String {
    let mut out = String::new();
    for (idx, name) in names.enumerate() {
        if idx == 8 {
            out.push_str(", …");
            break;
        }
        if idx > 0 {
            out.push_str(", ");
        }
        out.push_str(&quote(name));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Domains

/// An issue of a GeniusWeb domain.
#[derive(Clone, PartialEq, Debug)]
struct WebIssue {
    name: String,
    kind: WebKind,
}

#[derive(Clone, PartialEq, Debug)]
enum WebKind {
    /// A `DiscreteValueSet`: string values.
    Discrete(Vec<String>),
    /// A `NumberValueSet`: the numbers of the range, in increasing order, as exact decimal text
    /// and as floats; `integer` holds `(min, max)` when they are the integers `min..=max`.
    Numbers { labels: Vec<String>, values: Vec<f64>, integer: Option<(i64, i64)> },
}

impl WebIssue {
    fn len(&self) -> usize {
        match &self.kind {
            WebKind::Discrete(values) => values.len(),
            WebKind::Numbers { values, .. } => values.len(),
        }
    }
}

fn parse_domain(src: &Src, root: &Node, diags: &mut Vec<Diagnostic>) -> Option<Vec<WebIssue>> {
    let before = diags.len();
    let Some(entries) = root.entries() else {
        diags.push(src.diag(
            &root.origin,
            "not a GeniusWeb domain",
            "an object with `name` and `issuesValues`",
            describe(root),
        ));
        return None;
    };
    check_keys(src, entries, &["name", "issuesValues"], "a GeniusWeb domain", diags);
    if let Some(name) = root.get("name")
        && name.as_str().is_none()
    {
        diags.push(src.diag(
            &name.origin,
            "the domain's `name` is not a string",
            "a string",
            describe(name),
        ));
    }
    let Some(values) = root.get("issuesValues") else {
        diags.push(src.diag(
            &root.origin,
            "the domain has no `issuesValues`",
            "`\"issuesValues\": {\"<issue>\": {\"values\": [...]}, ...}`",
            "no such key",
        ));
        return None;
    };
    let issues_entries = object(src, values, "`issuesValues`", diags)?;
    if issues_entries.is_empty() {
        diags.push(src.diag(
            &values.origin,
            "the domain has no issues",
            "at least one issue in `issuesValues`",
            "an empty object",
        ));
    }
    let mut issues = Vec::new();
    for (key, node) in issues_entries {
        if let Some(kind) = value_set(src, key, node, diags) {
            issues.push(WebIssue { name: key.name.clone(), kind });
        }
    }
    (diags.len() == before).then_some(issues)
}

fn value_set(src: &Src, key: &Key, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<WebKind> {
    let what = format!("the values of issue {}", quote(&key.name));
    let entries = object(src, node, &what, diags)?;
    let expected =
        "`{\"values\": [\"…\", …]}` or `{\"range\": {\"low\": …, \"high\": …, \"step\": …}}`";
    match entries {
        [(inner, values)] if inner.name == "values" => discrete_values(src, key, values, diags),
        [(inner, range)] if inner.name == "range" => number_range(src, key, range, diags),
        _ => {
            diags.push(src.diag(
                &node.origin,
                format!("issue {} has no `values` or `range`", quote(&key.name)),
                expected,
                format!("keys {}", list_names(entries.iter().map(|(key, _)| key.name.as_str()))),
            ));
            None
        }
    }
}

fn discrete_values(
    src: &Src,
    key: &Key,
    node: &Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<WebKind> {
    let before = diags.len();
    let Kind::Array(items) = &node.kind else {
        diags.push(src.diag(
            &node.origin,
            format!("the values of issue {} are not an array", quote(&key.name)),
            "an array of strings",
            describe(node),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(src.diag(
            &node.origin,
            format!("issue {} has no values", quote(&key.name)),
            "at least one value",
            "an empty array",
        ));
    }
    if items.len() as i128 > MAX_VALUES {
        diags.push(src.diag(
            &node.origin,
            format!("issue {} has too many values", quote(&key.name)),
            format!("at most {MAX_VALUES} values"),
            format!("{} values", items.len()),
        ));
        return None;
    }
    let mut values: Vec<String> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let Some(value) = item.as_str() else {
            diags.push(src.diag(
                &item.origin,
                format!("a value of issue {} is not a string", quote(&key.name)),
                "a string (GeniusWeb discrete values are strings)",
                describe(item),
            ));
            continue;
        };
        if !seen.insert(value.to_owned()) {
            diags.push(src.diag(
                &item.origin,
                format!("duplicate value {} in issue {}", quote(value), quote(&key.name)),
                "distinct values within an issue",
                format!("{} listed twice", quote(value)),
            ));
            continue;
        }
        values.push(value.to_owned());
    }
    (diags.len() == before).then_some(WebKind::Discrete(values))
}

/// A decimal number `mantissa·10^exponent`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Decimal {
    mantissa: i128,
    exponent: i32,
}

/// Reads the text of a JSON number exactly; `None` when it has more than [`MAX_DIGITS`]
/// significant digits or an exponent beyond ±400.
fn decimal(text: &str) -> Option<Decimal> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest.get(at + 1..)?.parse::<i32>().ok()?),
        None => (rest, 0),
    };
    if !(-400..=400).contains(&exponent) {
        return None;
    }
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_DIGITS {
        return None;
    }
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let exponent = exponent - i32::try_from(frac_part.len()).ok()?;
    Some(Decimal { mantissa: if negative { -mantissa } else { mantissa }, exponent })
}

/// `value` scaled to exponent `exponent` (at most `value.exponent`): its mantissa there.
fn rescale(value: Decimal, exponent: i32) -> Option<i128> {
    let shift = u32::try_from(value.exponent - exponent).ok()?;
    value.mantissa.checked_mul(10i128.checked_pow(shift)?)
}

/// `mantissa·10^exponent` as decimal text, without trailing zeros after the point.
fn decimal_text(mantissa: i128, exponent: i32) -> String {
    let sign = if mantissa < 0 { "-" } else { "" };
    let digits = mantissa.unsigned_abs().to_string();
    if exponent >= 0 {
        if mantissa == 0 {
            return "0".to_owned();
        }
        return format!("{sign}{digits}{}", "0".repeat(exponent as usize));
    }
    let places = exponent.unsigned_abs() as usize;
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int_part, frac_part) = padded.split_at(padded.len() - places);
    let frac_part = frac_part.trim_end_matches('0');
    if mantissa == 0 {
        "0".to_owned()
    } else if frac_part.is_empty() {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    }
}

fn number_range(src: &Src, key: &Key, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<WebKind> {
    let before = diags.len();
    let what = format!("the range of issue {}", quote(&key.name));
    let entries = object(src, node, &what, diags)?;
    check_keys(src, entries, &["low", "high", "step"], &what, diags);
    let mut bound = |name: &str| -> Option<Decimal> {
        let Some(value) = node.get(name) else {
            diags.push(src.diag(
                &node.origin,
                format!("{what} has no `{name}`"),
                format!("`\"{name}\": <number>`"),
                "no such key",
            ));
            return None;
        };
        let parsed = as_number(value).and_then(|_| src.text(value)).and_then(decimal);
        if parsed.is_none() {
            diags.push(src.diag(
                &value.origin,
                format!("`{name}` of {what} is not a usable number"),
                format!("a number with at most {MAX_DIGITS} digits"),
                describe(value),
            ));
        }
        parsed
    };
    let (low, high, step) = (bound("low"), bound("high"), bound("step"));
    let (low, high, step) = (low?, high?, step?);
    let exponent = low.exponent.min(high.exponent).min(step.exponent);
    let scaled = (rescale(low, exponent), rescale(high, exponent), rescale(step, exponent));
    let (Some(low_m), Some(high_m), Some(step_m)) = scaled else {
        diags.push(src.diag(
            &node.origin,
            format!("{what} mixes numbers of too different magnitudes"),
            "numbers that can be compared exactly",
            format!(
                "low {}, high {}, step {}",
                decimal_text(low.mantissa, low.exponent),
                decimal_text(high.mantissa, high.exponent),
                decimal_text(step.mantissa, step.exponent)
            ),
        ));
        return None;
    };
    if step_m <= 0 {
        diags.push(src.diag(
            node.get("step").map_or(&node.origin, |step| &step.origin),
            format!("the step of {what} is not positive"),
            "a step above 0",
            decimal_text(step.mantissa, step.exponent),
        ));
        return None;
    }
    if high_m < low_m {
        diags.push(src.diag(
            &node.origin,
            format!("{what} ends below its start"),
            "low <= high",
            format!(
                "low {}, high {}",
                decimal_text(low.mantissa, low.exponent),
                decimal_text(high.mantissa, high.exponent)
            ),
        ));
        return None;
    }
    let count = high_m
        .checked_sub(low_m)
        .map(|span| span / step_m)
        .and_then(|steps| steps.checked_add(1))
        .unwrap_or(i128::MAX);
    if count > MAX_VALUES {
        diags.push(src.diag(
            &node.origin,
            format!("{what} has too many values to tabulate"),
            format!("at most {MAX_VALUES} values"),
            format!("{count} values"),
        ));
        return None;
    }
    if diags.len() > before {
        return None;
    }
    let mut labels = Vec::new();
    let mut values = Vec::new();
    for k in 0..count {
        let label = decimal_text(low_m + k * step_m, exponent);
        values.push(label.parse::<f64>().unwrap_or(f64::NAN));
        labels.push(label);
    }
    let unit = if exponent < 0 { 10i128.checked_pow(exponent.unsigned_abs()) } else { Some(1) };
    let integer = unit.and_then(|unit| {
        let integral = exponent >= 0 || (low_m % unit == 0 && step_m % unit == 0);
        let step_is_one = if exponent >= 0 { step_m == 1 && exponent == 0 } else { step_m == unit };
        if !(integral && step_is_one) {
            return None;
        }
        let min = i64::try_from(if exponent >= 0 { low_m } else { low_m / unit }).ok()?;
        let max = i64::try_from(if exponent >= 0 {
            low_m + (count - 1) * step_m
        } else {
            (low_m + (count - 1) * step_m) / unit
        })
        .ok()?;
        Some((min, max))
    });
    Some(WebKind::Numbers { labels, values, integer })
}

// ---------------------------------------------------------------------------------------------
// Profiles

/// What a profile contributes to its party.
struct WebProfile {
    weights: Vec<f64>,
    tables: Vec<Vec<f64>>,
    reservation: f64,
    discount: Option<f64>,
    notes: Vec<String>,
}

/// The profile class object of a profile file, or a diagnostic.
fn profile_class<'n>(src: &Src, root: &'n Node, diags: &mut Vec<Diagnostic>) -> Option<&'n Node> {
    let expected = "an object with a single key naming the profile class, \
                    `{\"LinearAdditiveUtilitySpace\": {…}}`";
    let Some(entries) = root.entries() else {
        diags.push(src.diag(&root.origin, "not a GeniusWeb profile", expected, describe(root)));
        return None;
    };
    let [(class, body)] = entries else {
        let found = if root.get("issuesValues").is_some() {
            "a GeniusWeb domain (an object with `issuesValues`)".to_owned()
        } else if entries.is_empty() {
            "an empty object".to_owned()
        } else {
            format!("keys {}", list_names(entries.iter().map(|(key, _)| key.name.as_str())))
        };
        diags.push(src.diag(&root.origin, "not a GeniusWeb profile", expected, found));
        return None;
    };
    if class.name != SUPPORTED_CLASS {
        diags.push(src.diag(
            &class.origin,
            format!("unsupported GeniusWeb profile class `{}`", class.name),
            "`LinearAdditiveUtilitySpace` (the only class impasse reads; `SumOfGroupsUtilitySpace` \
             and `DefaultPartialOrdering` are not supported)",
            format!("`{}`", class.name),
        ));
        return None;
    }
    Some(body)
}

fn parse_profile(
    src: &Src,
    root: &Node,
    issues: &[WebIssue],
    domain_file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<WebProfile> {
    let before = diags.len();
    let body = profile_class(src, root, diags)?;
    let entries = object(src, body, "the `LinearAdditiveUtilitySpace`", diags)?;
    check_keys(src, entries, PROFILE_KEYS, "a `LinearAdditiveUtilitySpace`", diags);
    let mut notes = Vec::new();
    if let Some(name) = body.get("name")
        && name.as_str().is_none()
        && !is_null(name)
    {
        diags.push(src.diag(
            &name.origin,
            "the profile's `name` is not a string",
            "a string",
            describe(name),
        ));
    }
    if let Some(inline) = body.get("domain").filter(|node| !is_null(node)) {
        inline_domain(src, inline, issues, domain_file, diags);
    }

    let issue_of = |key: &Key, what: &str, diags: &mut Vec<Diagnostic>| {
        issue_named(src, issues, key, what, diags)
    };

    // Utilities.
    let mut tables: Vec<Option<Vec<f64>>> = vec![None; issues.len()];
    match body.get("issueUtilities") {
        None => diags.push(src.diag(
            &body.origin,
            "the profile has no `issueUtilities`",
            "`\"issueUtilities\": {\"<issue>\": {\"discreteutils\": …}, …}`",
            "no such key",
        )),
        Some(node) => {
            if let Some(entries) = object(src, node, "`issueUtilities`", diags) {
                for (key, utilities) in entries {
                    let Some(pos) = issue_of(key, "`issueUtilities`", diags) else { continue };
                    let (Some(issue), Some(slot)) = (issues.get(pos), tables.get_mut(pos)) else {
                        continue;
                    };
                    *slot = issue_utilities(src, issue, utilities, &mut notes, diags);
                }
                for (issue, table) in issues.iter().zip(&tables) {
                    if table.is_none() && !entries.iter().any(|(key, _)| key.name == issue.name) {
                        diags.push(src.diag(
                            &node.origin,
                            format!(
                                "the profile gives no utilities for issue {}",
                                quote(&issue.name)
                            ),
                            format!("a {} entry in `issueUtilities`", quote(&issue.name)),
                            "no such entry",
                        ));
                    }
                }
            }
        }
    }

    // Weights.
    let mut weights: Vec<Option<f64>> = vec![None; issues.len()];
    match body.get("issueWeights") {
        None => diags.push(src.diag(
            &body.origin,
            "the profile has no `issueWeights`",
            "`\"issueWeights\": {\"<issue>\": <weight>, …}`",
            "no such key",
        )),
        Some(node) => {
            if let Some(entries) = object(src, node, "`issueWeights`", diags) {
                for (key, value) in entries {
                    let Some(pos) = issue_of(key, "`issueWeights`", diags) else { continue };
                    match as_number(value) {
                        Some(weight) if weight >= 0.0 => {
                            if let Some(slot) = weights.get_mut(pos) {
                                *slot = Some(weight);
                            }
                        }
                        _ => diags.push(src.diag(
                            &value.origin,
                            format!(
                                "the weight of issue {} is not a non-negative number",
                                quote(&key.name)
                            ),
                            "a number >= 0",
                            describe(value),
                        )),
                    }
                }
                for (issue, weight) in issues.iter().zip(&weights) {
                    if weight.is_none() && !entries.iter().any(|(key, _)| key.name == issue.name) {
                        diags.push(src.diag(
                            &node.origin,
                            format!("no weight for issue {}", quote(&issue.name)),
                            format!("a {} entry in `issueWeights`", quote(&issue.name)),
                            "no such entry",
                        ));
                    }
                }
                // Utilities are in [0, 1], so a finite sum of the weights (added in issue order,
                // as `Utility::eval` adds the weighted utilities) keeps every utility finite.
                if weights.iter().flatten().sum::<f64>().is_infinite() {
                    diags.push(src.diag(
                        &node.origin,
                        "the issue weights add up to more than the largest number",
                        "weights with a finite sum (GeniusWeb weights sum to 1)",
                        "weights whose sum overflows to infinity",
                    ));
                }
            }
        }
    }

    // Reservation and discount.
    let mut reservation_number: Option<(f64, &str)> = None;
    for name in ["reservation", "reserved_value"] {
        let Some(node) = body.get(name).filter(|node| !is_null(node)) else { continue };
        match as_number(node) {
            Some(value) => {
                if let Some((_, first)) = reservation_number {
                    diags.push(src.diag(
                        &node.origin,
                        format!("both `{first}` and `{name}` are given"),
                        "one reservation value",
                        format!("`{first}` and `{name}`"),
                    ));
                }
                reservation_number = Some((value, name));
            }
            None => diags.push(src.diag(
                &node.origin,
                format!("`{name}` is not a number"),
                "a number (the reservation value)",
                describe(node),
            )),
        }
    }
    let discount = match body.get("discount_factor").filter(|node| !is_null(node)) {
        None => None,
        Some(node) => match as_number(node) {
            Some(d) if d > 0.0 && d < 1.0 => Some(d),
            Some(d) if !(0.0..=1.0).contains(&d) => {
                notes.push(format!("discount factor {d} is outside [0, 1] and discarded"));
                None
            }
            Some(_) => None,
            None => {
                diags.push(src.diag(
                    &node.origin,
                    "`discount_factor` is not a number",
                    "a number in (0, 1]",
                    describe(node),
                ));
                None
            }
        },
    };
    let bid = match body.get("reservationBid").filter(|node| !is_null(node)) {
        None => None,
        Some(node) => reservation_bid(src, node, issues, diags),
    };
    if diags.len() > before {
        return None;
    }
    let weights: Vec<f64> = weights.into_iter().map(|weight| weight.unwrap_or(0.0)).collect();
    let tables: Vec<Vec<f64>> = tables.into_iter().map(Option::unwrap_or_default).collect();
    let sum: f64 = weights.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        notes.push(format!(
            "the issue weights sum to {}, not 1 as GeniusWeb requires; used as given",
            format_float(sum)
        ));
    }
    let reservation = match (bid, reservation_number) {
        (Some(bid), number) => {
            // The same sum, in the same order, as `Utility::eval` of the bid.
            let mut total = 0.0;
            for ((weight, table), value) in weights.iter().zip(&tables).zip(&bid) {
                if let Some(score) = value.and_then(|value| table.get(value)) {
                    total += weight * score;
                }
            }
            if let Some((value, name)) = number {
                notes.push(format!(
                    "the reservation bid (utility {}) is used, not `{name}` = {}",
                    format_float(total),
                    format_float(value)
                ));
            }
            total
        }
        (None, Some((value, _))) => value,
        (None, None) => 0.0,
    };
    Some(WebProfile { weights, tables, reservation, discount, notes })
}

/// The position of the issue named by `key`, or a diagnostic naming `what` mentions it.
fn issue_named(
    src: &Src,
    issues: &[WebIssue],
    key: &Key,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let pos = issues.iter().position(|issue| issue.name == key.name);
    if pos.is_none() {
        diags.push(src.diag(
            &key.origin,
            format!("{what} names issue {}, which is not in the domain", quote(&key.name)),
            format!(
                "one of the domain's issues ({})",
                list_names(issues.iter().map(|issue| issue.name.as_str()))
            ),
            quote(&key.name),
        ));
    }
    pos
}

/// Checks a profile's inline `domain` against the domain file.
fn inline_domain(
    src: &Src,
    inline: &Node,
    issues: &[WebIssue],
    domain_file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(inline_issues) = parse_domain(src, inline, diags) else { return };
    let mut differences = Vec::new();
    for issue in issues {
        match inline_issues.iter().find(|other| other.name == issue.name) {
            None => differences.push(format!("no issue {}", quote(&issue.name))),
            Some(other) if other.kind != issue.kind => {
                differences.push(format!("other values for issue {}", quote(&issue.name)));
            }
            Some(_) => {}
        }
    }
    for other in &inline_issues {
        if !issues.iter().any(|issue| issue.name == other.name) {
            differences.push(format!("an extra issue {}", quote(&other.name)));
        }
    }
    if !differences.is_empty() {
        diags.push(src.diag(
            &inline.origin,
            format!(
                "the profile's domain differs from the domain file {}",
                file_name_of(domain_file)
            ),
            format!("the issues and values of {}", file_name_of(domain_file)),
            differences.join("; "),
        ));
    }
}

fn issue_utilities(
    src: &Src,
    issue: &WebIssue,
    node: &Node,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let what = format!("the utilities of issue {}", quote(&issue.name));
    let entries = object(src, node, &what, diags)?;
    match (entries, &issue.kind) {
        ([(key, utilities)], WebKind::Discrete(values)) if key.name == "discreteutils" => {
            discrete_utilities(src, issue, values, utilities, notes, diags)
        }
        ([(key, utilities)], WebKind::Numbers { values, .. }) if key.name == "numberutils" => {
            number_utilities(src, issue, values, utilities, diags)
        }
        ([(key, _)], kind) if key.name == "discreteutils" || key.name == "numberutils" => {
            let (expected, domain_kind) = match kind {
                WebKind::Discrete(_) => ("`discreteutils`", "a list of values"),
                WebKind::Numbers { .. } => ("`numberutils`", "a number range"),
            };
            diags.push(src.diag(
                &key.origin,
                format!("issue {} is {domain_kind} in the domain", quote(&issue.name)),
                expected,
                format!("`{}`", key.name),
            ));
            None
        }
        _ => {
            diags.push(src.diag(
                &node.origin,
                format!("{what} are neither `discreteutils` nor `numberutils`"),
                "`{\"discreteutils\": {\"valueUtilities\": {…}}}` or `{\"numberutils\": {…}}`",
                format!("keys {}", list_names(entries.iter().map(|(key, _)| key.name.as_str()))),
            ));
            None
        }
    }
}

/// A utility in `[0, 1]`, or a diagnostic.
fn unit_utility(src: &Src, node: &Node, what: &str, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    match as_number(node) {
        Some(value) if (0.0..=1.0).contains(&value) => Some(value),
        _ => {
            diags.push(src.diag(
                &node.origin,
                format!("{what} is not a number in [0, 1]"),
                "a number in [0, 1] (GeniusWeb utilities)",
                describe(node),
            ));
            None
        }
    }
}

fn discrete_utilities(
    src: &Src,
    issue: &WebIssue,
    values: &[String],
    node: &Node,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let before = diags.len();
    let entries = object(src, node, "`discreteutils`", diags)?;
    check_keys(src, entries, &["valueUtilities"], "`discreteutils`", diags);
    let Some(utilities) = node.get("valueUtilities") else {
        diags.push(src.diag(
            &node.origin,
            format!("the `discreteutils` of issue {} have no `valueUtilities`", quote(&issue.name)),
            "`\"valueUtilities\": {\"<value>\": <utility>, …}`",
            "no such key",
        ));
        return None;
    };
    let entries = object(src, utilities, "`valueUtilities`", diags)?;
    let mut table: Vec<Option<f64>> = vec![None; values.len()];
    let positions = crate::genius::positions_of(values);
    for (key, value) in entries {
        let Some(&pos) = positions.get(key.name.as_str()) else {
            diags.push(src.diag(
                &key.origin,
                format!(
                    "{} is not a value of issue {} in the domain",
                    quote(&key.name),
                    quote(&issue.name)
                ),
                format!("one of {}", list_names(values.iter().map(String::as_str))),
                quote(&key.name),
            ));
            continue;
        };
        let what = format!("the utility of value {}", quote(&key.name));
        if let (Some(utility), Some(slot)) =
            (unit_utility(src, value, &what, diags), table.get_mut(pos))
        {
            *slot = Some(utility);
        }
    }
    if diags.len() > before {
        return None;
    }
    let missing: Vec<&str> = values
        .iter()
        .zip(&table)
        .filter(|(_, utility)| utility.is_none())
        .map(|(value, _)| value.as_str())
        .collect();
    if !missing.is_empty() {
        notes.push(format!(
            "issue {}: no utility for {}, scored 0 as GeniusWeb does",
            quote(&issue.name),
            list_names(missing.into_iter())
        ));
    }
    Some(table.into_iter().map(|utility| utility.unwrap_or(0.0)).collect())
}

fn number_utilities(
    src: &Src,
    issue: &WebIssue,
    values: &[f64],
    node: &Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let before = diags.len();
    let entries = object(src, node, "`numberutils`", diags)?;
    let keys = ["lowValue", "lowUtility", "highValue", "highUtility"];
    check_keys(src, entries, &keys, "`numberutils`", diags);
    let mut get = |name: &str| -> Option<(f64, &Node)> {
        let Some(value) = node.get(name) else {
            diags.push(src.diag(
                &node.origin,
                format!("the `numberutils` of issue {} have no `{name}`", quote(&issue.name)),
                format!("`\"{name}\": <number>`"),
                "no such key",
            ));
            return None;
        };
        if name.ends_with("Utility") {
            return unit_utility(src, value, &format!("`{name}`"), diags).map(|v| (v, value));
        }
        match as_number(value) {
            Some(number) => Some((number, value)),
            None => {
                diags.push(src.diag(
                    &value.origin,
                    format!("`{name}` is not a number"),
                    "a number",
                    describe(value),
                ));
                None
            }
        }
    };
    let (low_value, low_utility, high_value, high_utility) =
        (get("lowValue"), get("lowUtility"), get("highValue"), get("highUtility"));
    let (Some(low_value), Some((low_utility, _)), Some(high_value), Some((high_utility, _))) =
        (low_value, low_utility, high_value, high_utility)
    else {
        return None;
    };
    let (first, last) = (values.first().copied(), values.last().copied());
    if high_value.0 <= low_value.0 {
        diags.push(src.diag(
            &high_value.1.origin,
            "`highValue` is not above `lowValue`",
            format!("a number above {}", format_float(low_value.0)),
            describe(high_value.1),
        ));
    } else {
        // GeniusWeb's `isFitting`: the utilities must span the issue's range exactly.
        if first != Some(low_value.0) {
            diags.push(src.diag(
                &low_value.1.origin,
                format!("`lowValue` is not the start of issue {}'s range", quote(&issue.name)),
                first.map_or_else(String::new, format_float),
                describe(low_value.1),
            ));
        }
        if last.is_some_and(|last| high_value.0 < last) || high_value.0 < low_value.0 {
            diags.push(src.diag(
                &high_value.1.origin,
                format!("`highValue` is below the end of issue {}'s range", quote(&issue.name)),
                last.map_or_else(String::new, |last| format!("a number >= {}", format_float(last))),
                describe(high_value.1),
            ));
        }
    }
    if diags.len() > before {
        return None;
    }
    let (low, high) = (low_value.0, high_value.0);
    Some(
        values
            .iter()
            .map(|&x| {
                if x < low || x > high {
                    return 0.0;
                }
                let utility = low_utility + (high_utility - low_utility) * (x - low) / (high - low);
                (utility * 1e8).round() / 1e8
            })
            .collect(),
    )
}

/// The value index of each issue in a `reservationBid` (`None` for issues it leaves out).
fn reservation_bid(
    src: &Src,
    node: &Node,
    issues: &[WebIssue],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Option<usize>>> {
    let before = diags.len();
    let entries = object(src, node, "`reservationBid`", diags)?;
    check_keys(src, entries, &["issuevalues"], "`reservationBid`", diags);
    let Some(values) = node.get("issuevalues") else {
        diags.push(src.diag(
            &node.origin,
            "the `reservationBid` has no `issuevalues`",
            "`\"issuevalues\": {\"<issue>\": <value>, …}`",
            "no such key",
        ));
        return None;
    };
    let entries = object(src, values, "`issuevalues`", diags)?;
    let mut bid = vec![None; issues.len()];
    for (key, value) in entries {
        let Some(pos) = issue_named(src, issues, key, "the reservation bid", diags) else {
            continue;
        };
        let Some(issue) = issues.get(pos) else { continue };
        let index = match &issue.kind {
            WebKind::Discrete(known) => {
                value.as_str().and_then(|text| known.iter().position(|known| known == text))
            }
            WebKind::Numbers { values: known, .. } => {
                as_number(value).and_then(|number| known.iter().position(|known| *known == number))
            }
        };
        match index {
            Some(index) => {
                if let Some(slot) = bid.get_mut(pos) {
                    *slot = Some(index);
                }
            }
            None => {
                let known = match &issue.kind {
                    WebKind::Discrete(known) => list_names(known.iter().map(String::as_str)),
                    WebKind::Numbers { labels, .. } => {
                        labels.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
                    }
                };
                diags.push(src.diag(
                    &value.origin,
                    format!(
                        "the reservation bid's value for issue {} is not in the domain",
                        quote(&issue.name)
                    ),
                    format!("one of {known}"),
                    describe(value),
                ));
            }
        }
    }
    (diags.len() == before).then_some(bid)
}

// ---------------------------------------------------------------------------------------------
// Assembly

/// Builds the scenario; `diags` holds the problems already found in the files (any of them makes
/// the result an error).
fn build(
    name: String,
    domain: Parsed,
    profiles: Vec<Parsed>,
    mut diags: Vec<Diagnostic>,
) -> Result<Scenario, Diagnostics> {
    let issues = parse_domain(&domain.src, &domain.root, &mut diags);
    let mut parsed: Vec<(&str, WebProfile)> = Vec::new();
    for profile in &profiles {
        match &issues {
            Some(issues) => {
                if let Some(web) =
                    parse_profile(&profile.src, &profile.root, issues, domain.src.file, &mut diags)
                {
                    parsed.push((profile.src.file, web));
                }
            }
            None => {
                profile_class(&profile.src, &profile.root, &mut diags);
            }
        }
    }
    let Some(issues) = issues.filter(|_| diags.is_empty()) else {
        let mut diags = Diagnostics(diags);
        diags.sort();
        return Err(diags);
    };
    let mut issue_ids = Vec::new();
    let model_issues: Vec<Issue> = issues
        .iter()
        .map(|issue| {
            let id = unique(issue.name.clone(), &mut issue_ids);
            let kind = match &issue.kind {
                WebKind::Discrete(values) => IssueKind::Categorical { values: values.clone() },
                WebKind::Numbers { integer: Some((min, max)), .. } => {
                    IssueKind::Integer { min: *min, max: *max }
                }
                WebKind::Numbers { labels, .. } => IssueKind::Ordinal { values: labels.clone() },
            };
            Issue::new(&id, &issue.name, kind)
        })
        .collect();
    debug_assert!(
        issues.iter().zip(&model_issues).all(|(a, b)| a.len() == b.cardinality() as usize)
    );
    let mut party_ids = Vec::new();
    let mut notes = Vec::new();
    let mut parties = Vec::new();
    for (file, profile) in parsed {
        let party = imported_party(
            file,
            "discount factor",
            Utility::new(profile.weights, profile.tables),
            profile.reservation,
            profile.discount,
            &profile.notes,
            &mut party_ids,
            &mut notes,
        );
        parties.push(party);
    }
    let description = format!(
        "GeniusWeb domain {} with profiles {}",
        file_name_of(domain.src.file),
        profiles.iter().map(|p| file_name_of(p.src.file)).collect::<Vec<_>>().join(", ")
    );
    let parts = ScenarioParts {
        name,
        description,
        issues: model_issues,
        parties,
        notes,
        ..ScenarioParts::default()
    };
    Scenario::new(parts).map_err(|errors| {
        Diagnostics(errors.into_iter().map(|error| whole_file(domain.src.file, error.0)).collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal("0.25"), Some(Decimal { mantissa: 25, exponent: -2 }));
        assert_eq!(decimal("-1.5e2"), Some(Decimal { mantissa: -15, exponent: 1 }));
        assert_eq!(decimal("10"), Some(Decimal { mantissa: 10, exponent: 0 }));
        assert_eq!(decimal("1e999"), None);
        assert_eq!(decimal_text(30, -2), "0.3");
        assert_eq!(decimal_text(-105, -1), "-10.5");
        assert_eq!(decimal_text(15, 1), "150");
        assert_eq!(decimal_text(0, -3), "0");
        assert_eq!(decimal_text(100, -2), "1");
        assert_eq!(decimal_text(5, -3), "0.005");
    }
}
