//! A strict JSON reader that keeps the position of every key and value.
//!
//! `serde_json` keeps no positions, and the native format reports every problem at its line and
//! column, so JSON scenario files are read here by a small recursive-descent parser into the same
//! tree as TOML files. It accepts exactly RFC 8259 JSON (an optional leading byte-order mark
//! aside), rejects duplicate keys, and stops at the first syntax error. Nesting is limited to
//! [`MAX_DEPTH`] levels so that hostile input cannot overflow the stack.

use std::collections::HashSet;

use crate::tree::{Key, Kind, MAX_DEPTH, Node, Origin, SyntaxError};

/// Reads a JSON document into the tree.
pub(crate) fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut parser = Parser { text, bytes: text.as_bytes(), pos: start };
    parser.skip_ws();
    let node = parser.value(0)?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("unexpected text after the JSON value", "end of file"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str, expected: &str) -> SyntaxError {
        self.error_at(self.pos, message, expected)
    }

    fn error_at(&self, pos: usize, message: &str, expected: &str) -> SyntaxError {
        let end = self.text[pos..].chars().next().map_or(pos, |ch| pos + ch.len_utf8());
        SyntaxError {
            span: Some(pos..end),
            message: message.to_owned(),
            expected: expected.to_owned(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self
                .error(&format!("JSON nested deeper than {MAX_DEPTH} levels"), "a flatter value"));
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            None => Err(self.error("unexpected end of file", "a value")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let text = self.string()?;
                Ok(Node::new(Origin::File(start..self.pos), Kind::String(text)))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Kind::Bool(true)),
            Some(b'f') => self.literal("false", Kind::Bool(false)),
            Some(b'n') => self.literal("null", Kind::Other("null")),
            Some(_) => Err(self.error("unexpected character", "a value")),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Node, SyntaxError> {
        let start = self.pos;
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(Origin::File(start..self.pos), kind))
        } else {
            Err(self.error("unexpected character", "a value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node::new(Origin::File(start..self.pos), Kind::Table(entries)));
        }
        loop {
            self.skip_ws();
            let key_start = self.pos;
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a key", "a string in double quotes"));
            }
            let name = self.string()?;
            let key = Key { name, origin: Origin::File(key_start..self.pos) };
            if !seen.insert(key.name.clone()) {
                return Err(self.error_at(
                    key_start,
                    &format!("duplicate key {}", crate::tree::quote(&key.name)),
                    "each key once per object",
                ));
            }
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error("missing `:` after the key", "`:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::new(Origin::File(start..self.pos), Kind::Table(entries)));
                }
                None => return Err(self.error_at(start, "unclosed object", "`}`")),
                Some(_) => return Err(self.error("missing `,` or `}` in object", "`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node::new(Origin::File(start..self.pos), Kind::Array(items)));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::new(Origin::File(start..self.pos), Kind::Array(items)));
                }
                None => return Err(self.error_at(start, "unclosed array", "`]`")),
                Some(_) => return Err(self.error("missing `,` or `]` in array", "`,` or `]`")),
            }
        }
    }

    /// Reads a string starting at the opening quote; leaves `pos` after the closing quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&byte) = self.bytes.get(self.pos) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.error_at(start, "unterminated string", "a closing `\"`")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let escape_start = self.pos;
                    self.pos += 1;
                    let decoded = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            self.unicode_escape(escape_start)?
                        }
                        _ => {
                            return Err(self.error_at(
                                escape_start,
                                "invalid escape in string",
                                "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                            ));
                        }
                    };
                    if !matches!(self.bytes.get(escape_start + 1), Some(b'u')) {
                        self.pos += 1;
                    }
                    out.push(decoded);
                }
                Some(_) => {
                    return Err(self.error("control character in string", "an escape such as \\n"));
                }
            }
        }
    }

    /// Reads the four hex digits after `\u` (and a low surrogate after a high one).
    fn unicode_escape(&mut self, escape_start: usize) -> Result<char, SyntaxError> {
        let high = self.hex4(escape_start)?;
        if !(0xD800..0xE000).contains(&high) {
            return char::from_u32(high).ok_or_else(|| {
                self.error_at(escape_start, "invalid \\u escape", "a Unicode scalar value")
            });
        }
        if high >= 0xDC00 || !self.bytes[self.pos..].starts_with(b"\\u") {
            return Err(self.error_at(
                escape_start,
                "unpaired surrogate in \\u escape",
                "a surrogate pair",
            ));
        }
        self.pos += 2;
        let low = self.hex4(escape_start)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(self.error_at(
                escape_start,
                "unpaired surrogate in \\u escape",
                "a surrogate pair",
            ));
        }
        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).ok_or_else(|| {
            self.error_at(escape_start, "invalid \\u escape", "a Unicode scalar value")
        })
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .bytes
                .get(self.pos)
                .and_then(|&byte| char::from(byte).to_digit(16))
                .ok_or_else(|| {
                    self.error_at(escape_start, "invalid \\u escape", "four hex digits")
                })?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let digits = |parser: &mut Parser<'_>| {
            let from = parser.pos;
            while parser.bytes.get(parser.pos).is_some_and(u8::is_ascii_digit) {
                parser.pos += 1;
            }
            parser.pos - from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = digits(self);
        if int_digits == 0 {
            return Err(self.error("invalid number", "a digit"));
        }
        if int_digits > 1 && self.bytes[int_start] == b'0' {
            return Err(self.error_at(
                int_start,
                "invalid number: leading zero",
                "a number without leading zeros",
            ));
        }
        let mut integral = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            integral = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(
                    self.error("invalid number: no digits after the decimal point", "a digit")
                );
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number: no digits in the exponent", "a digit"));
            }
        }
        let text = &self.text[start..self.pos];
        let origin = Origin::File(start..self.pos);
        if integral && let Ok(value) = text.parse::<i64>() {
            return Ok(Node::new(origin, Kind::Integer(value)));
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Node::new(origin, Kind::Float(value))),
            _ => Err(self.error_at(start, "number out of range", "a finite number")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_with_spans() {
        let node = parse_json(r#"{"a": [1, -2.5e1, "x\u00e9\n"], "b": {"c": true, "d": null}}"#)
            .expect("valid JSON");
        let Kind::Array(items) = &node.get("a").expect("a").kind else { panic!("array") };
        assert_eq!(items[0].kind, Kind::Integer(1));
        assert_eq!(items[1].kind, Kind::Float(-25.0));
        assert_eq!(items[2].kind, Kind::String("xé\n".into()));
        assert_eq!(items[2].origin, Origin::File(18..29));
        assert_eq!(
            node.get("b").and_then(|b| b.get("c")).map(|c| &c.kind),
            Some(&Kind::Bool(true))
        );
    }

    #[test]
    fn rejects_what_json_rejects() {
        for bad in [
            "{\"a\": 1,}",
            "[1 2]",
            "01",
            "1.",
            "\"a\u{1}\"",
            "{\"a\": 1, \"a\": 2}",
            "{'a': 1}",
            "[1] x",
            "\"\\ud800\"",
            "",
            "1e999",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?} should be refused");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        let error = parse_json(&deep).unwrap_err();
        assert!(error.message.contains("nested"), "{error:?}");
        assert_eq!(
            parse_json("\u{feff} {\"\\ud83d\\ude00\": 1}").expect("ok").get("😀").map(|n| &n.kind),
            Some(&Kind::Integer(1))
        );
    }
}
