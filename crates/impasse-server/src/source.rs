//! Scenario texts: the shipped examples, reading a stored text (native, or a GENIUS or GeniusWeb
//! bundle) into a [`Scenario`] with its problems located at their line in the stored text.
//!
//! A *bundle* is how a GENIUS or GeniusWeb domain (several files) is stored as one editable text:
//! each member file starts with a header line `=== file: NAME ===`; lines before the first header
//! must be blank or comments starting with `#`. Problems in a member are reported at their line
//! in the bundle.

use std::collections::BTreeMap;

use impasse_core::Scenario;
use impasse_format::{Diagnostic, NativeSyntax, Override};

use crate::error::{ApiError, TextError};
use crate::store::Format;

/// The shipped example scenarios: name and TOML text.
pub(crate) const EXAMPLES: &[(&str, &str)] = &[
    ("negotiation-impasse-2023", include_str!("../../../scenarios/negotiation-impasse-2023.toml")),
    ("distributive-price", include_str!("../../../scenarios/distributive-price.toml")),
    ("integrative-logrolling", include_str!("../../../scenarios/integrative-logrolling.toml")),
    ("power-shift-ripeness", include_str!("../../../scenarios/power-shift-ripeness.toml")),
];

/// The text of a new scenario created without one: small, valid, and a starting point.
pub const TEMPLATE: &str = r#"# A new scenario: edit it, press Check, then Save. The format: docs/scenario-format.md
format_version = 1

[scenario]
name = "New scenario"
description = "Two parties and one issue."

[parties.a]
name = "Party A"

[parties.b]
name = "Party B"

[issues.price]
name = "Price"
type = "integer"
min = 0
max = 10

[preferences.a]
reservation = 0.3

[preferences.a.weights]
price = 1.0

[preferences.a.values.price]
points = [[0, 0.0], [10, 1.0]]

[preferences.b]
reservation = 0.3

[preferences.b.weights]
price = 1.0

[preferences.b.values.price]
points = [[0, 1.0], [10, 0.0]]
"#;

/// The text of the example named `name`.
pub(crate) fn example(name: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// Where a scenario comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Origin {
    /// A shipped example (read-only).
    Example,
    /// The user's library.
    User,
}

impl Origin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Origin::Example => "example",
            Origin::User => "user",
        }
    }
}

/// A scenario text, from the library or the examples.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) format: Format,
    pub(crate) origin: Origin,
    /// Milliseconds since the Unix epoch of the last save (user scenarios).
    pub(crate) updated: Option<i64>,
}

impl Source {
    /// Reads the text into a scenario, with overrides (native formats only).
    pub(crate) fn parse(&self, overrides: &[Override]) -> Result<Scenario, ParseError> {
        parse(&self.text, self.format, &self.name, overrides)
    }
}

/// Why a text could not be read.
#[derive(Debug)]
pub(crate) enum ParseError {
    /// Problems in the text, located.
    Text(Vec<TextError>),
    /// Overrides were given for a bundle.
    OverridesOnBundle,
}

impl ParseError {
    /// The error as the application layer's, for a loader handed to an `impasse-app` entry.
    pub(crate) fn into_app(self, name: &str) -> impasse_app::AppError {
        match self {
            ParseError::Text(errors) => impasse_app::AppError::Scenario {
                origin: name.to_owned(),
                diagnostics: impasse_format::Diagnostics(
                    errors
                        .into_iter()
                        .map(|e| impasse_format::Diagnostic {
                            file: e.file,
                            line: e.line,
                            column: e.column,
                            message: e.message,
                            expected: e.expected,
                            found: e.found,
                        })
                        .collect(),
                ),
            },
            other => impasse_app::AppError::Invalid(other.into_api().message),
        }
    }

    pub(crate) fn into_api(self) -> ApiError {
        match self {
            ParseError::Text(errors) => ApiError::invalid_scenario(errors),
            ParseError::OverridesOnBundle => ApiError::bad_request(
                "overrides (set) apply to native scenarios only; GENIUS and GeniusWeb scenarios are \
                 read as they are",
            ),
        }
    }
}

fn text_error(d: Diagnostic, line_offset: u32) -> TextError {
    TextError {
        line: if d.line > 0 { d.line.saturating_add(line_offset) } else { 0 },
        file: d.file,
        column: d.column,
        message: d.message,
        expected: d.expected,
        found: d.found,
    }
}

fn whole(file: &str, message: impl Into<String>) -> TextError {
    TextError {
        file: file.to_owned(),
        line: 0,
        column: 0,
        message: message.into(),
        expected: String::new(),
        found: String::new(),
    }
}

/// Reads `text` written in `format` (the scenario is called `name` in messages).
pub(crate) fn parse(
    text: &str,
    format: Format,
    name: &str,
    overrides: &[Override],
) -> Result<Scenario, ParseError> {
    match format {
        Format::Toml | Format::Json => {
            let (syntax, file) = if format == Format::Toml {
                (NativeSyntax::Toml, format!("{name}.toml"))
            } else {
                (NativeSyntax::Json, format!("{name}.json"))
            };
            impasse_format::parse_native(text, &file, syntax, overrides).map_err(|diags| {
                ParseError::Text(diags.0.into_iter().map(|d| text_error(d, 0)).collect())
            })
        }
        Format::Genius | Format::GeniusWeb => {
            if !overrides.is_empty() {
                return Err(ParseError::OverridesOnBundle);
            }
            parse_bundle(text, format, name).map_err(ParseError::Text)
        }
    }
}

/// The header line that starts a member of a bundle.
fn header(file: &str) -> String {
    format!("=== file: {file} ===")
}

fn header_name(line: &str) -> Option<&str> {
    let line = line.trim_end_matches('\r');
    line.strip_prefix("=== file: ")?.strip_suffix(" ===").map(str::trim)
}

/// A member of a bundle: file name, text, and the line of the bundle its first line is on.
struct Member<'a> {
    file: &'a str,
    text: String,
    first_line: u32,
}

/// Splits a bundle into its members.
fn split_bundle<'a>(text: &'a str, bundle: &str) -> Result<Vec<Member<'a>>, Vec<TextError>> {
    let mut members: Vec<Member<'a>> = Vec::new();
    let mut errors = Vec::new();
    for (idx, line) in text.split('\n').enumerate() {
        let number = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        if let Some(file) = header_name(line) {
            if file.is_empty() {
                errors.push(TextError {
                    file: bundle.to_owned(),
                    line: number,
                    column: 1,
                    message: "a member header needs a file name".to_owned(),
                    expected: "=== file: NAME ===".to_owned(),
                    found: line.to_owned(),
                });
            }
            if members.iter().any(|m| m.file == file) {
                errors.push(TextError {
                    file: bundle.to_owned(),
                    line: number,
                    column: 1,
                    message: format!("the file '{file}' appears twice"),
                    expected: "one section per file".to_owned(),
                    found: line.to_owned(),
                });
            }
            members.push(Member { file, text: String::new(), first_line: number + 1 });
        } else if let Some(member) = members.last_mut() {
            if !member.text.is_empty() || number > member.first_line {
                member.text.push('\n');
            }
            member.text.push_str(line);
        } else if !(line.trim().is_empty() || line.trim_start().starts_with('#')) {
            errors.push(TextError {
                file: bundle.to_owned(),
                line: number,
                column: 1,
                message: "text before the first file header".to_owned(),
                expected: "a line '=== file: NAME ===' (or a comment starting with #)".to_owned(),
                found: line.chars().take(60).collect(),
            });
        }
    }
    if members.is_empty() && errors.is_empty() {
        errors.push(whole(
            bundle,
            "the bundle holds no file: each file starts with a line '=== file: NAME ==='",
        ));
    }
    if errors.is_empty() { Ok(members) } else { Err(errors) }
}

/// Reads a GENIUS or GeniusWeb bundle: its members are classified and read by `impasse-format`
/// (as it reads a folder), and every problem is located in the bundle's own lines.
fn parse_bundle(text: &str, format: Format, name: &str) -> Result<Scenario, Vec<TextError>> {
    let members = split_bundle(text, name)?;
    let files: Vec<(String, String)> =
        members.iter().map(|m| (m.file.to_owned(), m.text.clone())).collect();
    let result = if format == Format::Genius {
        impasse_format::parse_genius_files(name, &files, impasse_format::GeniusSemantics::Genius)
    } else {
        impasse_format::parse_geniusweb_files(name, &files)
    };
    let offsets: BTreeMap<&str, u32> = members.iter().map(|m| (m.file, m.first_line - 1)).collect();
    result.map_err(|diags| {
        diags
            .0
            .into_iter()
            .map(|d| {
                let offset = offsets.get(d.file.as_str()).copied().unwrap_or(0);
                text_error(d, offset)
            })
            .collect()
    })
}

/// Bundles member files (sorted by name) into one text.
pub(crate) fn make_bundle(format: Format, files: &BTreeMap<String, String>) -> String {
    let kind = if format == Format::Genius { "GENIUS" } else { "GeniusWeb" };
    let mut out =
        format!("# A {kind} domain: one section per file, each starting with its header line.\n");
    for (file, text) in files {
        out.push_str(&header(file));
        out.push('\n');
        out.push_str(text.trim_end_matches(['\n', '\r']));
        out.push('\n');
    }
    out
}

/// The member files of a bundle (for export).
pub(crate) fn bundle_files(
    text: &str,
    name: &str,
) -> Result<BTreeMap<String, String>, Vec<TextError>> {
    Ok(split_bundle(text, name)?
        .into_iter()
        .map(|m| (m.file.to_owned(), format!("{}\n", m.text.trim_end_matches(['\n', '\r']))))
        .collect())
}

/// Turns a JSON value into an override's value as the command line would write it: numbers and
/// booleans as they are, strings as quoted TOML strings.
pub(crate) fn override_value(value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::String(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out.push('"');
            Ok(out)
        }
        other => Err(format!("a value must be a number, a boolean or a string, found {other}")),
    }
}

/// The overrides of a `{path: value}` map.
pub(crate) fn overrides_of(
    set: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<Override>, ApiError> {
    if set.len() > 256 {
        return Err(ApiError::bad_request("at most 256 overrides"));
    }
    set.iter()
        .map(|(path, value)| {
            let value = override_value(value)
                .map_err(|e| ApiError::bad_request(format!("set.{path}: {e}")))?;
            if path.trim().is_empty() {
                return Err(ApiError::bad_request("set: an empty path"));
            }
            Ok(Override { path: path.trim().to_owned(), value })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_parse() {
        for (name, text) in EXAMPLES {
            parse(text, Format::Toml, name, &[]).unwrap();
        }
        parse(TEMPLATE, Format::Toml, "template", &[]).unwrap();
    }

    #[test]
    fn bundle_lines_map_back() {
        let mut files = BTreeMap::new();
        files.insert("a.xml".to_owned(), "<negotiation_template>\n<bad".to_owned());
        files.insert("b.xml".to_owned(), "<utility_space/>".to_owned());
        let text = make_bundle(Format::Genius, &files);
        let back = bundle_files(&text, "x").unwrap();
        assert_eq!(back["b.xml"], "<utility_space/>\n");
        let Err(ParseError::Text(errors)) = parse(&text, Format::Genius, "x", &[]) else {
            panic!("expected errors")
        };
        assert!(!errors.is_empty());
    }
}
