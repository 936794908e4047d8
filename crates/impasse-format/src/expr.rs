//! The expression language of red lines, preconditions and terms.
//!
//! ```text
//! expr       := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | primary
//! primary    := "(" expr ")" | "true" | "false" | comparison
//! comparison := issue ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
//!             | issue "in" "[" literal ("," literal)* [","] "]"
//! issue      := IDENTIFIER | STRING      (a quoted issue key: "work from home")
//! literal    := STRING | NUMBER          (strings in double or single quotes)
//! ```
//!
//! An issue is written bare when its key is an identifier (`crimea`), and quoted as a string when
//! it is not (`"work from home" == "yes"`, `'Duration (weeks)' in ["06-09"]`); a quoted key may be
//! used for any issue. A string is an issue when it starts a comparison and a value after the
//! operator, so `"a" == "b"` compares issue `a` with value `b`. Inside quotes `\` escapes the next
//! character.
//!
//! Every comparison is compiled to an [`Expr::Atom`]: the set of value indices of the issue for
//! which it holds. Categorical and ordinal issues take string literals, integer and real issues
//! numbers; `<`, `<=`, `>`, `>=` compare positions on ordinal issues and numeric values on integer
//! and real issues, and are refused on categorical issues. `==` on a real issue snaps the literal
//! to the nearest grid point ([`Issue::numeric_index`]); integer issues compare exactly.
//!
//! Errors carry the byte offset inside the expression text, which the caller maps back to the
//! file. Syntax errors stop the parse; unknown issues and values are all reported.

use std::collections::HashMap;

use impasse_core::{Expr, Issue, IssueKind, ValueSet};

/// The longest expression accepted, in bytes.
pub(crate) const MAX_EXPR_LEN: usize = 16 * 1024;
/// The deepest nesting of parentheses and `not` accepted.
pub(crate) const MAX_EXPR_DEPTH: usize = 64;
/// The total number of value bits all the atoms of a scenario may hold (32 MiB of bit sets).
pub(crate) const ATOM_BUDGET_BITS: u64 = 1 << 28;

/// A problem in an expression.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct ExprError {
    /// Byte offset inside the expression text.
    pub(crate) offset: usize,
    /// What is wrong.
    pub(crate) message: String,
    /// What was expected there.
    pub(crate) expected: String,
    /// What was found there.
    pub(crate) found: String,
}

/// The issues an expression may mention. `usable[i]` is false for an issue whose definition is
/// itself broken: comparisons on it are accepted without checks (its errors are reported
/// elsewhere) and compile to `true`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IssueScope<'a> {
    /// The issues, in scenario order.
    pub(crate) issues: &'a [Issue],
    /// Whether each issue's definition is valid.
    pub(crate) usable: &'a [bool],
    /// Per issue, its value labels' indices; issues without an entry (or with an empty map) are
    /// searched linearly.
    pub(crate) labels: &'a [HashMap<String, u32>],
}

impl IssueScope<'_> {
    /// The index of value `label` of issue `index`.
    pub(crate) fn label_index(&self, index: usize, label: &str) -> Option<u32> {
        match self.labels.get(index) {
            Some(labels) if !labels.is_empty() => labels.get(label).copied(),
            _ => self.issues.get(index)?.label_index(label),
        }
    }
}

/// Compiles `source` against `scope`. `budget` is the number of atom value bits still allowed
/// (see [`ATOM_BUDGET_BITS`]); it is decreased by the size of every atom built.
pub(crate) fn compile(
    source: &str,
    scope: IssueScope<'_>,
    budget: &mut u64,
) -> Result<Expr, Vec<ExprError>> {
    if source.len() > MAX_EXPR_LEN {
        return Err(vec![ExprError {
            offset: 0,
            message: format!(
                "expression is {} bytes long, above the limit of {MAX_EXPR_LEN}",
                source.len()
            ),
            expected: format!("at most {MAX_EXPR_LEN} bytes"),
            found: format!("{} bytes", source.len()),
        }]);
    }
    let tokens = tokenize(source).map_err(|error| vec![error])?;
    let mut parser = Parser { source, tokens, pos: 0, scope, budget, errors: Vec::new() };
    let result = parser.or(0).and_then(|expr| {
        let token = parser.peek().clone();
        if token.tok == Tok::End {
            Ok(expr)
        } else {
            let message = match &token.tok {
                Tok::RParen => "unmatched ')'".to_owned(),
                _ => "unexpected text after a complete expression".to_owned(),
            };
            parser.fail(&token, &message, "'and', 'or' or the end of the expression")
        }
    });
    match result {
        Ok(expr) if parser.errors.is_empty() => Ok(expr),
        _ => Err(parser.errors),
    }
}

/// The values of an issue, for messages: the labels, or the numeric range.
pub(crate) fn describe_values(issue: &Issue) -> String {
    match &issue.kind {
        IssueKind::Categorical { values } | IssueKind::Ordinal { values } => {
            list(values.iter().map(|value| format!("'{value}'")))
        }
        IssueKind::Integer { min, max } => format!("the integers {min} to {max}"),
        IssueKind::Real { min, max, steps } => {
            format!("numbers from {min} to {max} (analysed on {steps} evenly spaced points)")
        }
    }
}

/// How an expression names issue `id`: bare when it is an identifier that is not a keyword, else
/// as a double-quoted string (`crimea`, `"work from home"`).
pub(crate) fn issue_ref(id: &str) -> String {
    let mut chars = id.chars();
    let identifier = chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if identifier && !is_keyword(id) {
        return id.to_owned();
    }
    let mut out = String::from("\"");
    for ch in id.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// Joins items with commas, shortened when there are many.
pub(crate) fn list(items: impl Iterator<Item = String>) -> String {
    const MAX_ITEMS: usize = 24;
    let items: Vec<String> = items.collect();
    if items.len() > MAX_ITEMS {
        format!("{}, … ({} in all)", items[..MAX_ITEMS].join(", "), items.len())
    } else {
        items.join(", ")
    }
}

#[derive(Clone, PartialEq, Debug)]
enum Tok {
    Ident,
    Str(String),
    Num(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Cmp(Cmp),
    End,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

/// Whether `word` is a keyword of the expression language (and so cannot name an issue).
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

fn error(
    offset: usize,
    message: impl Into<String>,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> ExprError {
    ExprError { offset, message: message.into(), expected: expected.into(), found: found.into() }
}

fn tokenize(source: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let ch = source[pos..].chars().next().unwrap_or(' ');
        if ch.is_whitespace() {
            pos += ch.len_utf8();
            continue;
        }
        let start = pos;
        let two = bytes.get(pos..pos + 2).unwrap_or(&[]);
        let tok = match ch {
            'a'..='z' | 'A'..='Z' | '_' => {
                while bytes
                    .get(pos)
                    .is_some_and(|&byte| byte.is_ascii_alphanumeric() || byte == b'_')
                {
                    pos += 1;
                }
                tokens.push(Token { tok: Tok::Ident, start, end: pos });
                continue;
            }
            '0'..='9' | '.' | '-' | '+' => {
                pos = number_end(bytes, pos);
                let text = &source[start..pos];
                let is_word_char =
                    |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'_' || *byte == b'.';
                match text.parse::<f64>() {
                    Ok(value) if value.is_finite() && !bytes.get(pos).is_some_and(is_word_char) => {
                        tokens.push(Token { tok: Tok::Num(value), start, end: pos });
                        continue;
                    }
                    _ => {
                        let mut end = pos;
                        while bytes.get(end).is_some_and(is_word_char) {
                            end += 1;
                        }
                        return Err(error(
                            start,
                            "invalid number",
                            "a number such as 20, -1.5 or 2e3",
                            format!("'{}'", &source[start..end.max(start + 1)]),
                        ));
                    }
                }
            }
            '"' | '\'' => {
                let (text, end) = string_literal(source, pos, ch)?;
                pos = end;
                tokens.push(Token { tok: Tok::Str(text), start, end });
                continue;
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            _ if two == b"==" => Tok::Cmp(Cmp::Eq),
            _ if two == b"!=" => Tok::Cmp(Cmp::Ne),
            _ if two == b"<=" => Tok::Cmp(Cmp::Le),
            _ if two == b">=" => Tok::Cmp(Cmp::Ge),
            '<' => Tok::Cmp(Cmp::Lt),
            '>' => Tok::Cmp(Cmp::Gt),
            '=' => {
                return Err(error(
                    start,
                    "'=' is not an operator; compare with '=='",
                    "a comparison operator",
                    "'='",
                ));
            }
            '!' => {
                return Err(error(
                    start,
                    "'!' is not an operator; negate with 'not' or compare with '!='",
                    "'not' or '!='",
                    "'!'",
                ));
            }
            '&' => {
                return Err(error(
                    start,
                    "'&' is not an operator; combine with 'and'",
                    "'and'",
                    format!("'{}'", &source[start..start + 1]),
                ));
            }
            '|' => {
                return Err(error(
                    start,
                    "'|' is not an operator; combine with 'or'",
                    "'or'",
                    format!("'{}'", &source[start..start + 1]),
                ));
            }
            other => {
                return Err(error(
                    start,
                    format!("unexpected character '{}'", other.escape_debug()),
                    "an issue, a literal, an operator or a parenthesis",
                    format!("'{}'", other.escape_debug()),
                ));
            }
        };
        pos += match tok {
            Tok::Cmp(Cmp::Eq | Cmp::Ne | Cmp::Le | Cmp::Ge) => 2,
            _ => 1,
        };
        tokens.push(Token { tok, start, end: pos });
    }
    tokens.push(Token { tok: Tok::End, start: source.len(), end: source.len() });
    Ok(tokens)
}

/// The end of a number starting at `pos`: sign, digits, fraction, exponent.
fn number_end(bytes: &[u8], mut pos: usize) -> usize {
    let digits = |pos: &mut usize| {
        while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
            *pos += 1;
        }
    };
    if let Some(b'-' | b'+') = bytes.get(pos) {
        pos += 1;
    }
    digits(&mut pos);
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        digits(&mut pos);
    }
    if let Some(b'e' | b'E') = bytes.get(pos) {
        let mut exp = pos + 1;
        if let Some(b'-' | b'+') = bytes.get(exp) {
            exp += 1;
        }
        if bytes.get(exp).is_some_and(u8::is_ascii_digit) {
            pos = exp;
            digits(&mut pos);
        }
    }
    pos
}

/// Reads a quoted string starting at `start`; `\` escapes the next character.
fn string_literal(source: &str, start: usize, quote: char) -> Result<(String, usize), ExprError> {
    let mut out = String::new();
    let mut chars = source[start + 1..].char_indices();
    while let Some((at, ch)) = chars.next() {
        if ch == quote {
            return Ok((out, start + 1 + at + 1));
        }
        if ch == '\\' {
            match chars.next() {
                Some((_, escaped)) => out.push(escaped),
                None => break,
            }
        } else {
            out.push(ch);
        }
    }
    Err(error(
        start,
        "unterminated string",
        format!("a closing {quote}"),
        "the end of the expression",
    ))
}

struct Parser<'s, 'b> {
    source: &'s str,
    tokens: Vec<Token>,
    pos: usize,
    scope: IssueScope<'s>,
    budget: &'b mut u64,
    errors: Vec<ExprError>,
}

/// A syntax error has been recorded; parsing stops.
struct Stop;

impl Parser<'_, '_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn text(&self, token: &Token) -> &str {
        &self.source[token.start..token.end]
    }

    fn is_keyword(&self, word: &str) -> bool {
        let token = self.peek();
        token.tok == Tok::Ident && self.text(token) == word
    }

    fn describe(&self, token: &Token) -> String {
        match &token.tok {
            Tok::End => "the end of the expression".to_owned(),
            Tok::Str(_) => format!("the string {}", self.text(token)),
            Tok::Num(_) => format!("the number {}", self.text(token)),
            _ => format!("'{}'", self.text(token)),
        }
    }

    fn fail<T>(&mut self, token: &Token, message: &str, expected: &str) -> Result<T, Stop> {
        let found = self.describe(token);
        self.errors.push(error(token.start, message, expected, found));
        Err(Stop)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, Stop> {
        let mut parts = vec![self.and(depth)?];
        while self.is_keyword("or") {
            self.advance();
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or(parts) })
    }

    fn and(&mut self, depth: usize) -> Result<Expr, Stop> {
        let mut parts = vec![self.unary(depth)?];
        while self.is_keyword("and") {
            self.advance();
            parts.push(self.unary(depth)?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And(parts) })
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, Stop> {
        if depth >= MAX_EXPR_DEPTH {
            let token = self.peek().clone();
            return self.fail(
                &token,
                &format!("expression nested too deeply (more than {MAX_EXPR_DEPTH} levels of 'not' and parentheses)"),
                "a flatter expression",
            );
        }
        if self.is_keyword("not") {
            self.advance();
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, Stop> {
        const START: &str = "a comparison, 'not', 'true', 'false' or '('";
        let token = self.peek().clone();
        match &token.tok {
            Tok::LParen => {
                self.advance();
                let inner = self.or(depth + 1)?;
                let close = self.peek().clone();
                if close.tok != Tok::RParen {
                    return self.fail(&close, "missing ')'", "')', 'and' or 'or'");
                }
                self.advance();
                Ok(inner)
            }
            Tok::Ident => match self.text(&token) {
                "true" => {
                    self.advance();
                    Ok(Expr::True)
                }
                "false" => {
                    self.advance();
                    Ok(Expr::False)
                }
                word if is_keyword(word) => {
                    let message = format!("'{word}' cannot start a condition");
                    self.fail(&token, &message, START)
                }
                _ => self.comparison(),
            },
            Tok::End => self.fail(&token, "the expression ends too early", START),
            Tok::Str(_) if self.starts_comparison() => self.comparison(),
            Tok::Str(_) | Tok::Num(_) => self.fail(
                &token,
                "a comparison puts the issue on the left and the literal on the right",
                START,
            ),
            _ => self.fail(&token, "unexpected token", START),
        }
    }

    /// Whether the token after the current one is a comparison operator or `in` (so that a quoted
    /// string here names an issue).
    fn starts_comparison(&self) -> bool {
        self.tokens.get(self.pos + 1).is_some_and(|next| match next.tok {
            Tok::Cmp(_) => true,
            Tok::Ident => self.text(next) == "in",
            _ => false,
        })
    }

    fn comparison(&mut self) -> Result<Expr, Stop> {
        let issue_token = self.advance();
        let name = match &issue_token.tok {
            Tok::Str(name) => name.clone(),
            _ => self.text(&issue_token).to_owned(),
        };
        let op_token = self.peek().clone();
        let op = match &op_token.tok {
            Tok::Cmp(cmp) => Some(*cmp),
            Tok::Ident if self.text(&op_token) == "in" => None,
            _ => {
                let message = format!("expected a comparison after '{name}'");
                return self.fail(&op_token, &message, "==, !=, <, <=, >, >= or in");
            }
        };
        self.advance();
        let literals = match op {
            Some(_) => vec![self.literal()?],
            None => {
                let open = self.peek().clone();
                if open.tok != Tok::LBracket {
                    return self.fail(&open, "'in' takes a list of values in brackets", "'['");
                }
                self.advance();
                let mut literals = Vec::new();
                loop {
                    if self.peek().tok == Tok::RBracket {
                        self.advance();
                        break;
                    }
                    literals.push(self.literal()?);
                    let next = self.peek().clone();
                    match next.tok {
                        Tok::Comma => {
                            self.advance();
                        }
                        Tok::RBracket => {
                            self.advance();
                            break;
                        }
                        _ => {
                            return self.fail(
                                &next,
                                "missing ',' or ']' in the list of values",
                                "',' or ']'",
                            );
                        }
                    }
                }
                literals
            }
        };
        let Some(index) = self.scope.issues.iter().position(|issue| issue.id == name) else {
            let known = list(self.scope.issues.iter().map(|issue| issue_ref(&issue.id)));
            self.errors.push(error(
                issue_token.start,
                format!("unknown issue '{name}'; known issues: {known}"),
                "an issue of the scenario",
                format!("'{name}'"),
            ));
            return Ok(Expr::True);
        };
        if !self.scope.usable.get(index).copied().unwrap_or(false) {
            return Ok(Expr::True);
        }
        let issue = &self.scope.issues[index];
        let len = issue.cardinality();
        if *self.budget < u64::from(len) {
            let message = "the scenario's expressions are too large for the sizes of its issues (too many comparisons on issues with many values)";
            return self.fail(&issue_token, message, "fewer comparisons or coarser issues");
        }
        *self.budget -= u64::from(len);
        let allowed = match op {
            None | Some(Cmp::Eq) | Some(Cmp::Ne) => {
                let mut indices = Vec::new();
                for literal in &literals {
                    if let Some(idx) = self.resolve(index, literal) {
                        indices.push(idx);
                    }
                }
                let set = ValueSet::from_indices(len, indices);
                if op == Some(Cmp::Ne) { set.complement() } else { set }
            }
            Some(cmp) => self.ordering(index, cmp, &op_token, &literals[0]),
        };
        Ok(Expr::Atom { issue: index, allowed })
    }

    fn literal(&mut self) -> Result<Token, Stop> {
        let token = self.peek().clone();
        match token.tok {
            Tok::Str(_) | Tok::Num(_) => {
                self.advance();
                Ok(token)
            }
            Tok::Ident if !is_keyword(self.text(&token)) => {
                let message =
                    format!("values are written as literals; quote '{}'", self.text(&token));
                self.fail(&token, &message, "a quoted string or a number")
            }
            _ => self.fail(&token, "missing value", "a quoted string or a number"),
        }
    }

    /// The index of the value a literal names, or `None` after recording why there is none.
    fn resolve(&mut self, index: usize, literal: &Token) -> Option<u32> {
        let issue = &self.scope.issues[index];
        let found = self.describe(literal);
        match (&issue.kind, &literal.tok) {
            (IssueKind::Categorical { .. } | IssueKind::Ordinal { .. }, Tok::Str(label)) => {
                let idx = self.scope.label_index(index, label);
                if idx.is_none() {
                    self.errors.push(error(
                        literal.start,
                        format!(
                            "issue '{}' has no value '{label}'; its values are {}",
                            issue.id,
                            describe_values(issue)
                        ),
                        "a value of the issue",
                        found,
                    ));
                }
                idx
            }
            (IssueKind::Integer { .. } | IssueKind::Real { .. }, Tok::Num(value)) => {
                let idx = issue.numeric_index(*value);
                if idx.is_none() {
                    let text = self.text(literal).to_owned();
                    self.errors.push(error(
                        literal.start,
                        format!(
                            "issue '{}' has no value {text}; its values are {}",
                            issue.id,
                            describe_values(issue)
                        ),
                        "a value of the issue",
                        found,
                    ));
                }
                idx
            }
            (IssueKind::Categorical { .. } | IssueKind::Ordinal { .. }, _) => {
                self.errors.push(error(
                    literal.start,
                    format!(
                        "issue '{}' takes named values, written in quotes; its values are {}",
                        issue.id,
                        describe_values(issue)
                    ),
                    "a quoted string",
                    found,
                ));
                None
            }
            _ => {
                self.errors.push(error(
                    literal.start,
                    format!(
                        "issue '{}' takes numbers; its values are {}",
                        issue.id,
                        describe_values(issue)
                    ),
                    "a number",
                    found,
                ));
                None
            }
        }
    }

    fn ordering(&mut self, index: usize, cmp: Cmp, op_token: &Token, literal: &Token) -> ValueSet {
        let issue = &self.scope.issues[index];
        let len = issue.cardinality();
        let holds = |lhs: f64, rhs: f64, tolerance: f64| match cmp {
            Cmp::Lt => lhs < rhs - tolerance,
            Cmp::Le => lhs <= rhs + tolerance,
            Cmp::Gt => lhs > rhs + tolerance,
            Cmp::Ge => lhs >= rhs - tolerance,
            Cmp::Eq | Cmp::Ne => false,
        };
        match &issue.kind {
            IssueKind::Categorical { .. } => {
                self.errors.push(error(
                    op_token.start,
                    format!("issue '{}' is categorical, so its values have no order and '{}' does not apply", issue.id, cmp.symbol()),
                    "==, != or in",
                    format!("'{}'", cmp.symbol()),
                ));
                ValueSet::empty(len)
            }
            IssueKind::Ordinal { .. } => match self.resolve(index, literal) {
                Some(position) => ValueSet::from_predicate(len, |idx| {
                    holds(f64::from(idx), f64::from(position), 0.0)
                }),
                None => ValueSet::empty(len),
            },
            IssueKind::Integer { .. } | IssueKind::Real { .. } => {
                let Tok::Num(value) = literal.tok else {
                    self.resolve(index, literal);
                    return ValueSet::empty(len);
                };
                // Grid points of a real interval are computed, not written: allow a sliver of a
                // step so that `share <= 0.3` holds at the grid point shown as 0.3.
                let tolerance = match issue.kind {
                    IssueKind::Real { min, max, steps } => {
                        (max - min).abs() / f64::from(steps.max(2) - 1) * 1e-9
                    }
                    _ => 0.0,
                };
                ValueSet::from_predicate(len, |idx| {
                    issue.numeric(idx).is_some_and(|numeric| holds(numeric, value, tolerance))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues() -> Vec<Issue> {
        vec![
            Issue::new(
                "crimea",
                "Crimea",
                IssueKind::Categorical {
                    values: vec!["russia".into(), "ukraine".into(), "deferred".into()],
                },
            ),
            Issue::new(
                "sanctions",
                "Sanctions",
                IssueKind::Ordinal {
                    values: vec![
                        "lifted".into(),
                        "eased".into(),
                        "maintained".into(),
                        "expanded".into(),
                    ],
                },
            ),
            Issue::new("troops", "Troops", IssueKind::Integer { min: 0, max: 50 }),
            Issue::new("share", "Share", IssueKind::Real { min: 0.0, max: 1.0, steps: 11 }),
        ]
    }

    fn run(source: &str) -> Result<Expr, Vec<ExprError>> {
        let issues = issues();
        let usable = vec![true; issues.len()];
        let mut budget = ATOM_BUDGET_BITS;
        compile(source, IssueScope { issues: &issues, usable: &usable, labels: &[] }, &mut budget)
    }

    fn atom(issue: usize, len: u32, values: &[u32]) -> Expr {
        Expr::Atom { issue, allowed: ValueSet::from_indices(len, values.iter().copied()) }
    }

    #[test]
    fn comparisons_compile_to_value_sets() {
        assert_eq!(run("crimea == 'ukraine'").unwrap(), atom(0, 3, &[1]));
        assert_eq!(run("crimea != \"ukraine\"").unwrap(), atom(0, 3, &[0, 2]));
        assert_eq!(run("sanctions <= 'eased'").unwrap(), atom(1, 4, &[0, 1]));
        assert_eq!(run("sanctions > 'eased'").unwrap(), atom(1, 4, &[2, 3]));
        assert_eq!(run("troops < 2").unwrap(), atom(2, 51, &[0, 1]));
        assert_eq!(run("share >= 0.8").unwrap(), atom(3, 11, &[8, 9, 10]));
        assert_eq!(run("share <= 0.3").unwrap(), atom(3, 11, &[0, 1, 2, 3]));
        assert_eq!(run("share == 0.31").unwrap(), atom(3, 11, &[3]));
        assert_eq!(run("crimea in ['russia', 'deferred',]").unwrap(), atom(0, 3, &[0, 2]));
        assert_eq!(run("true").unwrap(), Expr::True);
    }

    #[test]
    fn quoted_issue_keys() {
        let mut issues = issues();
        issues.push(Issue::new(
            "work from home",
            "work from home",
            IssueKind::Categorical { values: vec!["yes".into(), "06-09".into()] },
        ));
        let usable = vec![true; issues.len()];
        let mut budget = ATOM_BUDGET_BITS;
        let scope = IssueScope { issues: &issues, usable: &usable, labels: &[] };
        let mut run = |source: &str| compile(source, scope, &mut budget);
        assert_eq!(run("\"work from home\" == \"06-09\"").unwrap(), atom(4, 2, &[1]));
        assert_eq!(run("'work from home' in ['yes']").unwrap(), atom(4, 2, &[0]));
        assert_eq!(run("\"crimea\" != 'russia'").unwrap(), atom(0, 3, &[1, 2]), "any key quoted");
        let errors = run("\"work  from home\" == 'yes'").unwrap_err();
        assert_eq!(errors[0].offset, 0);
        assert_eq!(
            errors[0].message,
            "unknown issue 'work  from home'; known issues: crimea, sanctions, troops, share, \
             \"work from home\""
        );
        let errors = run("'yes' and crimea == 'russia'").unwrap_err();
        assert_eq!(
            errors[0].message,
            "a comparison puts the issue on the left and the literal on the right"
        );
    }

    #[test]
    fn precedence_not_and_or() {
        let expr = run("not crimea == 'russia' and troops < 1 or share == 0").unwrap();
        assert_eq!(
            expr,
            Expr::Or(vec![
                Expr::And(vec![Expr::Not(Box::new(atom(0, 3, &[0]))), atom(2, 51, &[0])]),
                atom(3, 11, &[0]),
            ])
        );
        let grouped = run("not (crimea == 'russia' or false)").unwrap();
        assert_eq!(grouped, Expr::Not(Box::new(Expr::Or(vec![atom(0, 3, &[0]), Expr::False]))));
    }

    #[test]
    fn errors_point_into_the_expression() {
        let errors = run("crimea == 'x' and nato == 'member' or troops == 70").unwrap_err();
        let offsets: Vec<usize> = errors.iter().map(|error| error.offset).collect();
        assert_eq!(offsets, vec![10, 18, 48]);
        assert_eq!(
            errors[0].message,
            "issue 'crimea' has no value 'x'; its values are 'russia', 'ukraine', 'deferred'"
        );
        assert_eq!(
            errors[1].message,
            "unknown issue 'nato'; known issues: crimea, sanctions, troops, share"
        );
        let errors = run("crimea < 'russia'").unwrap_err();
        assert_eq!((errors[0].offset, errors[0].expected.as_str()), (7, "==, != or in"));
        let errors = run("(crimea == 'russia'").unwrap_err();
        assert_eq!((errors[0].offset, errors[0].found.as_str()), (19, "the end of the expression"));
        assert_eq!(run("troops = 3").unwrap_err()[0].offset, 7);
        assert_eq!(run("troops == 'x'").unwrap_err()[0].expected, "a number");
        assert_eq!(run("crimea == russia").unwrap_err()[0].offset, 10);
        assert_eq!(run("crimea == 'russia").unwrap_err()[0].offset, 10);
        assert!(run(&"not ".repeat(100)).unwrap_err()[0].message.contains("nested too deeply"));
        assert!(run(&format!("{}true{}", "(".repeat(100), ")".repeat(100))).is_err());
        assert!(run(&"x".repeat(MAX_EXPR_LEN + 1)).is_err());
        assert!(run("troops < 1e999").is_err());
    }
}
