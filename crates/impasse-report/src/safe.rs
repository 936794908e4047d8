//! Text that is safe to print: names from a user's files may hold control characters (a NUL, an
//! escape sequence that clears or retitles a terminal, a carriage return that overprints a line).
//! Text reports and terminal messages show them escaped, as `\u{1b}`; JSON reports keep every
//! name exactly as written.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw: a control character (C0, DEL, C1) other than a line
/// break or a tab, or a bidirectional override or isolate (which reorders what follows it).
fn unsafe_char(c: char, keep_lines: bool) -> bool {
    (c.is_control() && !(keep_lines && (c == '\n' || c == '\t')))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| unsafe_char(c, keep_lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c, keep_lines) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A whole text report or message, its line breaks and tabs kept, every other control character
/// escaped.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// A name shown on one line: every control character escaped, line breaks and tabs too.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`terminal_safe`] for an owned report.
pub(crate) fn safe_owned(text: String) -> String {
    match terminal_safe(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(escaped) => escaped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_nothing_else_changes() {
        assert!(matches!(terminal_safe("Russia — Россия\n\tok"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("a\u{1b}[2Jb\rc\u{0}d\u{7f}\u{9b}"),
            "a\\u{1b}[2Jb\\u{d}c\\u{0}d\\u{7f}\\u{9b}"
        );
        assert_eq!(terminal_safe("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(one_line("two\nlines\t"), "two\\u{a}lines\\u{9}");
    }
}
