//! `--set PATH=VALUE` overrides.
//!
//! Overrides are applied to the scenario tree before validation, so an overridden value gets
//! exactly the checks a value written in the file gets; problems with it are reported against
//! `--set PATH` rather than a file position. `VALUE` is read as a TOML value (a number, a boolean,
//! a quoted string, an array or an inline table); anything else that does not start like one of
//! these is taken as a bare string (`--set red_lines.x.cost=absolute`).
//!
//! A path walks tables by key and arrays by index (`preferences.usa.terms.0.value`, or
//! `terms[0]`). A key that is not a TOML bare key is quoted as in TOML:
//! `parties."IntegerDomain-prof1".power`, `preferences.a.weights."Duration (weeks)"`; an `=`
//! inside quotes does not end the path. It may create a missing key, and the tables on the way to it, only where the
//! format allows that key (`conflict.balance`, `conflict.costs.<party>`,
//! `preferences.<party>.weights.<issue>`, `parties.<id>.power`, ...); it never creates parties,
//! issues, red lines, preconditions or proposals. A path that names nothing the format knows is an
//! error listing what exists at that level.

use std::str::FromStr;

use crate::diag::Diagnostic;
use crate::expr::list;
use crate::native::{
    CONFLICT_KEYS, DYNAMICS_KEYS, ISSUE_KEYS, PARTY_KEYS, PRECONDITION_KEYS, PREFERENCE_KEYS,
    PROPOSAL_KEYS, RED_LINE_KEYS, ROOT_KEYS, SCENARIO_KEYS, TERM_KEYS, path_segment,
};
use crate::tree::{Key, Kind, Node, Origin, toml_value};

/// One override of a scenario parameter: a dotted path and a value written as TOML.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Override {
    /// The dotted path, e.g. `conflict.balance`.
    pub path: String,
    /// The value as written, e.g. `0.6`.
    pub value: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(text: &str) -> Result<Override, String> {
        let split = assignment(text).map(|at| (&text[..at], &text[at + 1..]));
        match split {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Override { path: path.trim().to_owned(), value: value.trim().to_owned() })
            }
            _ => Err(format!(
                "expected PATH=VALUE (for example conflict.balance=0.6), found '{text}'"
            )),
        }
    }
}

/// Applies `overrides` to the tree in order; returns a diagnostic for each that cannot be
/// applied. Nodes and keys an override writes get [`Origin::Set`] with its index.
pub(crate) fn apply(root: &mut Node, overrides: &[Override]) -> Vec<Diagnostic> {
    let known = Known::of(root);
    overrides
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| apply_one(root, index, entry, &known).err())
        .collect()
}

fn set_error(
    entry: &Override,
    message: String,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        file: "--set".to_owned(),
        line: 0,
        column: 0,
        message: format!("{}={}: {message}", entry.path, entry.value),
        expected: expected.into(),
        found: found.into(),
    }
}

/// The parties and issues the file declares, which decide the keys of open-ended tables.
struct Known {
    parties: Vec<String>,
    issues: Vec<(String, Shape)>,
}

/// How an issue's values are scored, as far as the tree tells.
#[derive(Clone, PartialEq, Debug)]
enum Shape {
    /// Categorical or ordinal, with these values.
    Named(Vec<String>),
    /// Integer or real: scored by `points`.
    Numeric,
    /// The type is missing or wrong.
    Unknown,
}

impl Known {
    fn of(root: &Node) -> Known {
        let ids = |name: &str| -> Vec<String> {
            root.get(name)
                .and_then(Node::entries)
                .map(|entries| entries.iter().map(|(key, _)| key.name.clone()).collect())
                .unwrap_or_default()
        };
        let issues = root
            .get("issues")
            .and_then(Node::entries)
            .map(|entries| {
                entries
                    .iter()
                    .map(|(key, issue)| {
                        let shape = match issue.get("type").and_then(Node::as_str) {
                            Some("categorical" | "ordinal") => {
                                Shape::Named(match issue.get("values").map(|values| &values.kind) {
                                    Some(Kind::Array(items)) => items
                                        .iter()
                                        .filter_map(Node::as_str)
                                        .map(str::to_owned)
                                        .collect(),
                                    _ => Vec::new(),
                                })
                            }
                            Some("integer" | "real") => Shape::Numeric,
                            _ => Shape::Unknown,
                        };
                        (key.name.clone(), shape)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Known { parties: ids("parties"), issues }
    }

    fn is_party(&self, name: &str) -> bool {
        self.parties.iter().any(|party| party == name)
    }

    fn issue(&self, name: &str) -> Option<&Shape> {
        self.issues.iter().find(|(id, _)| id == name).map(|(_, shape)| shape)
    }
}

/// Where in the format a table or value sits.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Ctx<'k> {
    Root,
    Fixed(&'static [&'static str], Option<Nested>),
    /// `parties`, `issues`, `red_lines`, ... : existing entries only.
    Entries(&'static [&'static str], Option<Nested>),
    Preferences,
    Weights,
    Values,
    ValueTable(&'k Shape),
    Terms,
    /// A package: keys are issues.
    Package,
    /// `conflict.costs`, `conflict.mobilisation`: keys are parties.
    PartyMap,
    /// A scalar or an array of scalars; anything below is not part of the format.
    Leaf,
}

/// Tables nested in a fixed table.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Nested {
    Preference,
    Proposal,
    Conflict,
}

impl<'k> Ctx<'k> {
    /// The context of key `key` here, and whether an override may create it.
    fn child(self, key: &str, known: &'k Known) -> Option<(Ctx<'k>, bool)> {
        let fixed =
            |keys: &'static [&'static str]| (keys.contains(&key)).then_some((Ctx::Leaf, true));
        match self {
            Ctx::Root => match key {
                "scenario" => Some((Ctx::Fixed(SCENARIO_KEYS, None), true)),
                "parties" => Some((Ctx::Entries(PARTY_KEYS, None), false)),
                "issues" => Some((Ctx::Entries(ISSUE_KEYS, None), false)),
                "preferences" => Some((Ctx::Preferences, false)),
                "red_lines" => Some((Ctx::Entries(RED_LINE_KEYS, None), false)),
                "preconditions" => Some((Ctx::Entries(PRECONDITION_KEYS, None), false)),
                "proposals" => Some((Ctx::Entries(PROPOSAL_KEYS, Some(Nested::Proposal)), false)),
                "conflict" => Some((Ctx::Fixed(CONFLICT_KEYS, Some(Nested::Conflict)), true)),
                _ => fixed(ROOT_KEYS),
            },
            Ctx::Entries(keys, nested) => Some((Ctx::Fixed(keys, nested), false)),
            Ctx::Preferences => known
                .is_party(key)
                .then_some((Ctx::Fixed(PREFERENCE_KEYS, Some(Nested::Preference)), true)),
            Ctx::Fixed(keys, nested) => match (nested, key) {
                (Some(Nested::Preference), "weights") => Some((Ctx::Weights, true)),
                (Some(Nested::Preference), "values") => Some((Ctx::Values, true)),
                (Some(Nested::Preference), "terms") => Some((Ctx::Terms, false)),
                (Some(Nested::Proposal), "package") => Some((Ctx::Package, true)),
                (Some(Nested::Conflict), "victory_a" | "victory_b") => Some((Ctx::Package, true)),
                (Some(Nested::Conflict), "costs" | "mobilisation") => Some((Ctx::PartyMap, true)),
                (Some(Nested::Conflict), "dynamics") => {
                    Some((Ctx::Fixed(DYNAMICS_KEYS, None), true))
                }
                _ => fixed(keys),
            },
            Ctx::Weights | Ctx::Package => known.issue(key).map(|_| (Ctx::Leaf, true)),
            Ctx::Values => known.issue(key).map(|shape| (Ctx::ValueTable(shape), true)),
            Ctx::ValueTable(shape) => match shape {
                Shape::Named(values) => {
                    values.iter().any(|value| value == key).then_some((Ctx::Leaf, true))
                }
                Shape::Numeric => (key == "points").then_some((Ctx::Leaf, true)),
                Shape::Unknown => None,
            },
            Ctx::PartyMap => known.is_party(key).then_some((Ctx::Leaf, true)),
            Ctx::Terms | Ctx::Leaf => None,
        }
    }

    /// The keys the format allows here, for messages (open-ended tables list what they may name).
    fn allowed(self, known: &Known) -> Vec<String> {
        let owned = |keys: &[&str]| keys.iter().map(|key| (*key).to_owned()).collect();
        match self {
            Ctx::Root => owned(ROOT_KEYS),
            Ctx::Fixed(keys, _) => owned(keys),
            Ctx::Preferences | Ctx::PartyMap => known.parties.clone(),
            Ctx::Weights | Ctx::Values | Ctx::Package => {
                known.issues.iter().map(|(id, _)| id.clone()).collect()
            }
            Ctx::ValueTable(Shape::Named(values)) => values.clone(),
            Ctx::ValueTable(Shape::Numeric) => vec!["points".to_owned()],
            Ctx::ValueTable(Shape::Unknown) | Ctx::Entries(..) | Ctx::Terms | Ctx::Leaf => {
                Vec::new()
            }
        }
    }

    fn is_table(self) -> bool {
        !matches!(self, Ctx::Leaf | Ctx::Terms)
    }
}

/// Splits a path into keys; `a.b[0].c` is read as `a.b.0.c`. A key may be quoted as in TOML:
/// `"…"` with `\` escaping the next character, or `'…'` taken literally
/// (`parties."IntegerDomain-prof1".power`). `None` when a key is empty or a quote is not closed.
fn split_path(path: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    let mut chars = path.chars().peekable();
    loop {
        while chars.next_if(|ch| ch.is_whitespace()).is_some() {}
        let segment = match chars.peek() {
            Some(&quote) if quote == '"' || quote == '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next()? {
                        ch if ch == quote => break,
                        '\\' if quote == '"' => text.push(chars.next()?),
                        ch => text.push(ch),
                    }
                }
                text
            }
            _ => {
                let mut text = String::new();
                while let Some(ch) = chars.next_if(|ch| !matches!(ch, '.' | '[' | ']')) {
                    text.push(ch);
                }
                let text = text.trim().to_owned();
                if text.is_empty() {
                    return None;
                }
                text
            }
        };
        segments.push(segment);
        while chars.next_if(|ch| ch.is_whitespace() || *ch == ']').is_some() {}
        match chars.next() {
            None => return Some(segments),
            Some('.' | '[') => {}
            Some(_) => return None,
        }
    }
}

/// The byte offset of the first `=` outside quotes in `text` (quotes as in [`split_path`]).
fn assignment(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (at, ch) in text.char_indices() {
        match quote {
            Some('"') if escaped => escaped = false,
            Some('"') if ch == '\\' => escaped = true,
            Some(open) if ch == open => quote = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == '=' => return Some(at),
            None => {}
        }
    }
    None
}

/// Reads `VALUE`: a TOML value, or else a bare string.
fn parse_value(entry: &Override, origin: &Origin) -> Result<Node, Diagnostic> {
    let text = entry.value.trim();
    if let Some(node) = toml_value(text, origin) {
        return Ok(node);
    }
    if text.starts_with(['"', '\'', '[', '{']) {
        return Err(set_error(
            entry,
            "VALUE is not a valid TOML value".to_owned(),
            "a number, true/false, a quoted string, an array or an inline table",
            crate::tree::quote(text),
        ));
    }
    Ok(Node::new(origin.clone(), Kind::String(text.to_owned())))
}

fn apply_one(
    root: &mut Node,
    index: usize,
    entry: &Override,
    known: &Known,
) -> Result<(), Diagnostic> {
    let Some(segments) = split_path(&entry.path) else {
        return Err(set_error(
            entry,
            "the path has an empty or badly quoted key".to_owned(),
            "keys separated by dots, quoted when they are not bare keys, e.g. conflict.balance \
             or parties.\"B side\".power",
            crate::tree::quote(&entry.path),
        ));
    };
    let origin = Origin::Set(index);
    let value = parse_value(entry, &origin)?;
    let mut node = root;
    let mut ctx = Ctx::Root;
    for (depth, segment) in segments.iter().enumerate() {
        let last = depth + 1 == segments.len();
        let here = if depth == 0 {
            "the top level".to_owned()
        } else {
            let shown: Vec<String> =
                segments[..depth].iter().map(|key| path_segment(key)).collect();
            format!("`{}`", shown.join("."))
        };
        let description = node.describe();
        let next = match &mut node.kind {
            Kind::Table(entries) => {
                let child = ctx.child(segment, known);
                match entries.iter().position(|(key, _)| key.name == *segment) {
                    Some(position) => {
                        let target = &mut entries[position].1;
                        if last {
                            return replace(entry, target, value);
                        }
                        ctx = child.map_or(Ctx::Leaf, |(child, _)| child);
                        target
                    }
                    None => match child {
                        Some((child, true)) if last || child.is_table() => {
                            if last {
                                if child.is_table() {
                                    return Err(names_table(entry));
                                }
                                entries.push((
                                    Key { name: segment.clone(), origin: origin.clone() },
                                    value,
                                ));
                                return Ok(());
                            }
                            entries.push((
                                Key { name: segment.clone(), origin: origin.clone() },
                                Node::new(origin.clone(), Kind::Table(Vec::new())),
                            ));
                            ctx = child;
                            let created = entries.len() - 1;
                            &mut entries[created].1
                        }
                        _ => {
                            let mut keys: Vec<String> =
                                entries.iter().map(|(key, _)| key.name.clone()).collect();
                            for key in ctx.allowed(known) {
                                if !keys.contains(&key) {
                                    keys.push(key);
                                }
                            }
                            let expected = if keys.is_empty() {
                                format!("nothing below {here}")
                            } else {
                                format!("a key of {here}: {}", list(keys.into_iter()))
                            };
                            return Err(set_error(
                                entry,
                                format!(
                                    "unknown path: {here} has no key `{segment}` that can be set"
                                ),
                                expected,
                                format!("`{segment}`"),
                            ));
                        }
                    },
                }
            }
            Kind::Array(items) => {
                let count = items.len();
                let Some(position) =
                    segment.parse::<usize>().ok().filter(|&position| position < count)
                else {
                    return Err(set_error(
                        entry,
                        format!("unknown path: {here} is an array of {count} items"),
                        if count == 0 {
                            "nothing (the array is empty)".to_owned()
                        } else {
                            format!("an index from 0 to {}", count - 1)
                        },
                        format!("`{segment}`"),
                    ));
                };
                ctx = if ctx == Ctx::Terms { Ctx::Fixed(TERM_KEYS, None) } else { Ctx::Leaf };
                let target = &mut items[position];
                if last {
                    return replace(entry, target, value);
                }
                target
            }
            _ => {
                return Err(set_error(
                    entry,
                    format!("unknown path: {here} is {description}, which has no keys"),
                    "a path to a value",
                    format!("`{segment}`"),
                ));
            }
        };
        node = next;
    }
    Ok(())
}

fn names_table(entry: &Override) -> Diagnostic {
    set_error(
        entry,
        "the path names a table; set its values one at a time".to_owned(),
        "a path to a single value",
        "a table",
    )
}

fn replace(entry: &Override, target: &mut Node, value: Node) -> Result<(), Diagnostic> {
    if matches!(target.kind, Kind::Table(_)) {
        return Err(names_table(entry));
    }
    *target = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_at_dots_and_brackets_outside_quotes() {
        let split = |path: &str| split_path(path);
        let owned = |keys: &[&str]| Some(keys.iter().map(|key| (*key).to_owned()).collect());
        assert_eq!(split("conflict.balance"), owned(&["conflict", "balance"]));
        assert_eq!(
            split("preferences.a.terms[0].value"),
            owned(&["preferences", "a", "terms", "0", "value"])
        );
        assert_eq!(
            split(r#"parties."IntegerDomain-prof1".power"#),
            owned(&["parties", "IntegerDomain-prof1", "power"])
        );
        assert_eq!(
            split(r#"a.'x.y [z]'."q\"uote\\d".w["0.5"]"#),
            owned(&["a", "x.y [z]", "q\"uote\\d", "w", "0.5"])
        );
        assert_eq!(split(r#" a . "b c" "#), owned(&["a", "b c"]));
        assert_eq!(split("a..b"), None);
        assert_eq!(split(r#"a."b"#), None);
        assert_eq!(split(r#"a."b"c"#), None);
        assert_eq!(assignment(r#"parties."a=b".power=1"#), Some(19));
        assert_eq!(assignment(r#"a."\"=".b=2"#), Some(9));
        assert_eq!(assignment(r#"a."b=1"#), None);
    }
}
