//! The generic spanned tree that both native syntaxes (TOML and JSON) are read into.
//!
//! Every node and key remembers where it came from: a byte range of the file, or the `--set`
//! override that put it there. Validation works on this tree only, so TOML and JSON files get the
//! same checks and the same messages.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Deepest nesting of tables and arrays kept; anything deeper becomes [`Kind::Other`].
pub(crate) const MAX_DEPTH: usize = 128;

/// Where a node or key came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Origin {
    /// A byte range of the file.
    File(Range<usize>),
    /// The override with this index in the list given to the parser.
    Set(usize),
}

/// A key of a table.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Key {
    /// The key as decoded.
    pub(crate) name: String,
    /// Where it was written.
    pub(crate) origin: Origin,
}

/// A value of the tree.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Node {
    /// Where it was written.
    pub(crate) origin: Origin,
    /// What it is.
    pub(crate) kind: Kind,
}

/// The kinds of values.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Kind {
    /// A table (TOML table, JSON object), in source order.
    Table(Vec<(Key, Node)>),
    /// An array.
    Array(Vec<Node>),
    /// A string, decoded.
    String(String),
    /// An integer.
    Integer(i64),
    /// A floating-point number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Anything the format never uses (a TOML date-time, a JSON `null`, an oversized integer),
    /// described for messages.
    Other(&'static str),
}

impl Node {
    /// A node of kind `kind` from `origin`.
    pub(crate) fn new(origin: Origin, kind: Kind) -> Node {
        Node { origin, kind }
    }

    /// The entries, if this is a table.
    pub(crate) fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Table(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of key `name`, if this is a table holding it.
    pub(crate) fn get(&self, name: &str) -> Option<&Node> {
        self.entries()?.iter().find(|(key, _)| key.name == name).map(|(_, node)| node)
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(text) => Some(text),
            _ => None,
        }
    }

    /// What this value is, for the `found` part of a diagnostic.
    pub(crate) fn describe(&self) -> String {
        match &self.kind {
            Kind::Table(_) => "a table".to_owned(),
            Kind::Array(_) => "an array".to_owned(),
            Kind::String(text) => quote(text),
            Kind::Integer(value) => format!("{value}"),
            Kind::Float(value) => format_float(*value),
            Kind::Bool(value) => format!("{value}"),
            Kind::Other(what) => (*what).to_owned(),
        }
    }
}

/// `text` in double quotes, escaped and shortened for messages.
pub(crate) fn quote(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut out = String::from("\"");
    for (idx, ch) in text.chars().enumerate() {
        if idx == MAX_CHARS {
            out.push('…');
            break;
        }
        out.extend(ch.escape_debug());
    }
    out.push('"');
    out
}

/// A float as written in messages: always with a decimal point or exponent.
pub(crate) fn format_float(value: f64) -> String {
    // Huge and tiny numbers in scientific notation (`1e308`, not 309 digits).
    if value.is_finite() && value != 0.0 && !(1e-6..1e16).contains(&value.abs()) {
        return format!("{value:e}");
    }
    let text = format!("{value}");
    if value.is_finite() && !text.contains(['.', 'e', 'E']) { format!("{text}.0") } else { text }
}

/// A syntax error: where, what, and what was expected.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct SyntaxError {
    /// The byte range of the offending text; `None` when the parser gives no position.
    pub(crate) span: Option<Range<usize>>,
    /// What is wrong.
    pub(crate) message: String,
    /// What was expected there (may be empty).
    pub(crate) expected: String,
}

/// Reads a TOML document into the tree, or returns every syntax error.
pub(crate) fn from_toml(text: &str) -> Result<Node, Vec<SyntaxError>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|error| {
                let (message, expected) = match error.message().split_once(", expected ") {
                    Some((message, expected)) => (message.to_owned(), expected.to_owned()),
                    None => (error.message().to_owned(), String::new()),
                };
                SyntaxError { span: error.span(), message, expected }
            })
            .collect());
    }
    let span = table.span();
    Ok(Node::new(Origin::File(span), convert_table(table.into_inner(), 0)))
}

/// Reads a single TOML value (the `VALUE` of `--set PATH=VALUE`), giving every node `origin`.
pub(crate) fn toml_value(text: &str, origin: &Origin) -> Option<Node> {
    let value = DeValue::parse(text).ok()?;
    let mut node = convert(value, 0);
    set_origin(&mut node, origin);
    Some(node)
}

fn set_origin(node: &mut Node, origin: &Origin) {
    node.origin = origin.clone();
    match &mut node.kind {
        Kind::Table(entries) => {
            for (key, value) in entries {
                key.origin = origin.clone();
                set_origin(value, origin);
            }
        }
        Kind::Array(items) => items.iter_mut().for_each(|item| set_origin(item, origin)),
        _ => {}
    }
}

fn convert_table(table: DeTable<'_>, depth: usize) -> Kind {
    if depth >= MAX_DEPTH {
        return Kind::Other("a value nested too deeply");
    }
    Kind::Table(
        table
            .into_iter()
            .map(|(key, value)| {
                let span = key.span();
                let key = Key { name: key.into_inner().into_owned(), origin: Origin::File(span) };
                (key, convert(value, depth + 1))
            })
            .collect(),
    )
}

fn convert(value: Spanned<DeValue<'_>>, depth: usize) -> Node {
    let origin = Origin::File(value.span());
    let kind = match value.into_inner() {
        DeValue::String(text) => Kind::String(text.into_owned()),
        DeValue::Integer(int) => match i64::from_str_radix(int.as_str(), int.radix()) {
            Ok(value) => Kind::Integer(value),
            Err(_) => Kind::Other("an integer too large for 64 bits"),
        },
        DeValue::Float(float) => match float.as_str().parse::<f64>() {
            Ok(value) => Kind::Float(value),
            Err(_) => Kind::Other("a malformed float"),
        },
        DeValue::Boolean(value) => Kind::Bool(value),
        DeValue::Datetime(_) => Kind::Other("a date-time"),
        DeValue::Array(items) => {
            if depth >= MAX_DEPTH {
                Kind::Other("a value nested too deeply")
            } else {
                Kind::Array(items.into_iter().map(|item| convert(item, depth + 1)).collect())
            }
        }
        DeValue::Table(table) => convert_table(table, depth),
    };
    Node::new(origin, kind)
}

/// Maps each byte offset of the decoded string written at `span` of `text` (and the offset one
/// past its end) to the byte offset in `text` where it was written.
///
/// Understands TOML basic, literal and multi-line strings and JSON strings. Returns `None` when
/// the text at `span` does not decode to `decoded` (so callers can fall back to the string's
/// start rather than point somewhere wrong).
pub(crate) fn string_offsets(text: &str, span: &Range<usize>, decoded: &str) -> Option<Vec<usize>> {
    let raw = text.get(span.clone())?;
    let base = span.start;
    let (body_start, body_end, escapes) = if raw.starts_with("\"\"\"") {
        (3, raw.len().checked_sub(3)?, true)
    } else if raw.starts_with("'''") {
        (3, raw.len().checked_sub(3)?, false)
    } else if raw.starts_with('"') {
        (1, raw.len().checked_sub(1)?, true)
    } else if raw.starts_with('\'') {
        (1, raw.len().checked_sub(1)?, false)
    } else {
        return None;
    };
    let multiline = body_start == 3;
    let body = raw.get(body_start..body_end.max(body_start))?;
    let mut out_text = String::with_capacity(decoded.len());
    let mut map = Vec::with_capacity(decoded.len() + 1);
    let mut chars = body.char_indices().peekable();
    if multiline {
        if body.starts_with("\r\n") {
            chars.next();
            chars.next();
        } else if body.starts_with('\n') {
            chars.next();
        }
    }
    let push = |ch: char, at: usize, out_text: &mut String, map: &mut Vec<usize>| {
        out_text.push(ch);
        for _ in 0..ch.len_utf8() {
            map.push(base + body_start + at);
        }
    };
    while let Some((at, ch)) = chars.next() {
        if !(escapes && ch == '\\') {
            push(ch, at, &mut out_text, &mut map);
            continue;
        }
        let (_, next) = chars.next()?;
        let simple = match next {
            'b' => Some('\u{8}'),
            't' => Some('\t'),
            'n' => Some('\n'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '/' => Some('/'),
            _ => None,
        };
        if let Some(decoded_char) = simple {
            push(decoded_char, at, &mut out_text, &mut map);
            continue;
        }
        let digits = match next {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            ' ' | '\t' | '\r' | '\n' if multiline => {
                // A line-ending backslash: skip whitespace and newlines up to the next text.
                while chars.peek().is_some_and(|(_, ch)| ch.is_whitespace()) {
                    chars.next();
                }
                continue;
            }
            _ => return None,
        };
        let mut code = 0u32;
        for _ in 0..digits {
            let (_, digit) = chars.next()?;
            code = code * 16 + digit.to_digit(16)?;
        }
        let mut decoded_char = char::from_u32(code);
        if decoded_char.is_none() && (0xD800..0xDC00).contains(&code) {
            // A JSON surrogate pair: `\uD83D\uDE00`.
            let mut rest = chars.clone();
            let (_, backslash) = rest.next()?;
            let (_, letter) = rest.next()?;
            if backslash == '\\' && letter == 'u' {
                let mut low = 0u32;
                for _ in 0..4 {
                    let (_, digit) = rest.next()?;
                    low = low * 16 + digit.to_digit(16)?;
                }
                if (0xDC00..0xE000).contains(&low) {
                    decoded_char =
                        char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
                    chars = rest;
                }
            }
        }
        push(decoded_char?, at, &mut out_text, &mut map);
    }
    map.push(base + body_end.max(body_start));
    (out_text == decoded).then_some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets_of(text: &str) -> Vec<usize> {
        let root = from_toml(text).expect("valid TOML");
        let node = root.get("s").expect("key s");
        let Origin::File(span) = &node.origin else { panic!("file origin") };
        string_offsets(text, span, node.as_str().expect("a string")).expect("offsets")
    }

    #[test]
    fn offsets_follow_escapes_and_multiline_strings() {
        let text = "s = \"a\\tb\"";
        assert_eq!(offsets_of(text), vec![5, 6, 8, 9]);
        let text = "s = \"\"\"\nab \\\n   cd\"\"\"";
        // decoded: "ab cd"
        let map = offsets_of(text);
        assert_eq!(map.len(), 6);
        assert_eq!(&text[map[3]..map[3] + 1], "c");
        let text = "s = '''\nx\\y'''";
        let map = offsets_of(text);
        assert_eq!(&text[map[1]..map[1] + 1], "\\");
    }

    #[test]
    fn toml_spans_and_kinds() {
        let root = from_toml("a = 1\nb = [1.5, 'x', true]\n[t]\nc = 0x10").expect("valid");
        assert_eq!(root.get("a").map(|node| &node.kind), Some(&Kind::Integer(1)));
        let t = root.get("t").expect("t");
        assert_eq!(t.get("c").map(|node| &node.kind), Some(&Kind::Integer(16)));
        let Kind::Array(items) = &root.get("b").expect("b").kind else { panic!("array") };
        assert_eq!(items[1].origin, Origin::File(16..19));
    }
}
