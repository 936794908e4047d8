//! GENIUS domain import (XML).
//!
//! A GENIUS scenario is a folder with one domain file (root element `negotiation_template`) and one
//! profile per party (root element `utility_space`). Profiles are read with GENIUS's own semantics:
//!
//! - discrete issues: each value's `evaluation` divided by the issue's largest evaluation (0 when
//!   that maximum is below 1e-5);
//! - integer issues with a linear `<evaluator>`: `clamp(slope·(v − lowerbound) + offset, 0, 1)`, where
//!   `slope`/`offset` may also be given as `utilityLowestValue`/`utilityHighestValue`;
//! - the additive utility `Σ w_i·eval_i`, clamped to at most 1, with the `<weight>`s as given;
//! - hyper-rectangle (non-linear) profiles: the sum of `utility × weight` of the rectangles that
//!   hold, times the ufun weight, divided by `maxutility`, clamped to at most 1 — each rectangle
//!   becomes a [`Term`] of the party's [`Utility`];
//! - the reservation value as given (default 0); a discount factor in (0, 1) is kept on the party
//!   and noted, but not applied (GENIUS discards factors outside (0, 1], as does this importer).
//!
//! Real-valued issues, evaluator types other than linear, aggregations other than `sum`, nested
//! objectives and nested ufuns are refused with the file, line and column of the construct.
//!
//! Quirks that GENIUS itself reads are read the way GENIUS reads them, each with a warning
//! ([`Scenario::warnings`]) that says what was assumed:
//! - a domain or profile whose `<issue>`s (and `<weight>`s) sit directly inside `<utility_space>`,
//!   without an `<objective>`, is read as if they were wrapped in one;
//! - a value listed twice in a domain issue is one value, at its first position (GENIUS would list
//!   the same value twice, which changes no utility);
//! - a value listed twice in a profile issue takes the evaluation of the last `<item>` that has
//!   one, as GENIUS's and NegMAS's maps from values to evaluations keep it;
//! - two domain issues with the same name keep it as their name; the later is keyed `name (2)`.
//!
//! [`GeniusSemantics::Negmas`] reads the same files the way NegMAS 0.16 does after
//! `normalize(common_range=False)` (raw evaluations, then a per-issue rescaling to `[0, 1]`); see
//! `negmas.rs` for the arithmetic, replicated operation for operation.
//! `<agent>` placeholders, `similarity_function`/`criteria_function` blocks, `cost` and
//! `description` attributes and `number_of_issues` are ignored.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use impasse_core::{
    Expr, Issue, IssueKind, Party, Reservation, Scenario, ScenarioParts, Term, Utility, ValueSet,
};
use quick_xml::XmlVersion;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::diag::{Diagnostic, Diagnostics, LineIndex};
use crate::load::MAX_FILE_BYTES;
use crate::negmas;

/// The deepest element nesting accepted (GENIUS files nest about 8 deep).
const MAX_DEPTH: usize = 64;
/// The most elements accepted in one file.
const MAX_ELEMENTS: usize = 1_000_000;
/// The most values an integer issue may have (each value gets a score per party).
const MAX_INTEGER_VALUES: i128 = 1_000_000;
/// The most 64-bit words all hyper-rectangle value sets of one profile may take (32 MiB).
const MAX_RECTANGLE_WORDS: usize = 1 << 22;
/// GENIUS's threshold below which a discrete issue's largest evaluation counts as zero.
const GENIUS_EVAL_EPSILON: f64 = 0.00001;

/// How the numbers of a GENIUS profile become utilities.
///
/// The two readings agree on the order of outcomes for one party only when every issue's largest
/// evaluation is the same; in general they are different utility functions. See
/// `docs/scenario-format.md` ("GENIUS semantics and NegMAS semantics").
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum GeniusSemantics {
    /// GENIUS's own reading: each discrete evaluation divided by its issue's largest evaluation,
    /// integer evaluators clamped to `[0, 1]`, `Σ w_i·eval_i` clamped to at most 1, the reservation
    /// value as given. The default, and what [`load_genius_folder`] uses.
    #[default]
    Genius,
    /// NegMAS 0.16's reading, `Scenario.from_genius_folder(path, ignore_discount=True)` followed by
    /// `.normalize(common_range=False)`: raw evaluations (integer evaluators as
    /// `slope·x + offset` on the raw value, unclamped), the values of `<weight>`s that match no issue
    /// added as a constant, then each issue's value table rescaled to `[0, 1]`, the weights
    /// re-weighted to sum to 1 and the reservation value mapped through the same affine map, with
    /// NegMAS's floating-point operations in NegMAS's order. No cap. Linear-additive (discrete and
    /// integer) profiles only; hyper-rectangle profiles are refused.
    Negmas,
}

/// Loads a GENIUS domain folder: one domain XML and one profile XML per party.
///
/// The folder's `*.xml` files are read in sorted file-name order and classified by their root
/// element: `negotiation_template` is the domain, `utility_space` a profile; files with another root
/// element are ignored, as are files named `*pareto.xml` (GENIUS's precomputed Pareto frontiers,
/// which need not be XML at all). The scenario is named after the folder, the parties after their
/// profile files' stems. Files above 16 MiB, unreadable files, files that are not UTF-8 and `.xml`
/// files that are not XML are reported.
///
/// Utilities follow GENIUS's semantics ([`GeniusSemantics::Genius`]); see
/// [`load_genius_folder_with`] for NegMAS's.
pub fn load_genius_folder(path: &Path) -> Result<Scenario, Diagnostics> {
    load_genius_folder_with(path, GeniusSemantics::Genius)
}

/// Loads a GENIUS domain folder as [`load_genius_folder`] does, reading the profiles' numbers with
/// `semantics`.
pub fn load_genius_folder_with(
    path: &Path,
    semantics: GeniusSemantics,
) -> Result<Scenario, Diagnostics> {
    let folder = path.display().to_string();
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(err) => {
            return Err(Diagnostics(vec![whole_file(
                &folder,
                format!("cannot read the folder: {err}"),
            )]));
        }
    };
    let mut diags = Vec::new();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                diags.push(whole_file(&folder, format!("cannot list the folder: {err}")));
                continue;
            }
        };
        let file_path = entry.path();
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            if file_name.to_string_lossy().to_ascii_lowercase().ends_with(".xml") {
                diags.push(whole_file(
                    &file_path.display().to_string(),
                    "the file name is not valid UTF-8".to_owned(),
                ));
            }
            continue;
        };
        if name.to_ascii_lowercase().ends_with(".xml") && file_path.is_file() {
            files.push((name.to_owned(), file_path));
        }
    }
    files.sort();

    let mut texts: Vec<(String, String)> = Vec::new();
    for (name, file_path) in &files {
        if name.to_ascii_lowercase().ends_with("pareto.xml") {
            continue;
        }
        let file = file_path.display().to_string();
        match read_text(file_path, &file) {
            Ok(text) => texts.push((file, text)),
            Err(diag) => diags.push(diag),
        }
    }

    let name = folder_name(path);
    if let Some(scenario) = classify_and_build(&folder, name, &texts, &files, semantics, &mut diags)
        && diags.is_empty()
    {
        return Ok(scenario);
    }
    let mut diags = Diagnostics(diags);
    diags.sort();
    Err(diags)
}

/// Classifies GENIUS files (`(file, text)`, `*pareto.xml` already left out) by their root element
/// and builds the scenario named `name`; problems go to `diags`.
fn classify_and_build(
    folder: &str,
    name: String,
    texts: &[(String, String)],
    files: &[(String, PathBuf)],
    semantics: GeniusSemantics,
    diags: &mut Vec<Diagnostic>,
) -> Option<Scenario> {
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    for (idx, (file, text)) in texts.iter().enumerate() {
        match root_element(file, text) {
            Ok(root) if root == "negotiation_template" => domains.push(idx),
            Ok(root) if root == "utility_space" => profiles.push(idx),
            Ok(_) => {}
            Err(diag) => diags.push(diag),
        }
    }
    diags.extend(check_roles(
        folder,
        texts,
        files,
        &domains,
        &profiles,
        &FolderFormat {
            name: "GENIUS",
            extension: "xml",
            domain: "one .xml file whose root element is <negotiation_template>",
            domains: "exactly one .xml file whose root element is <negotiation_template>",
            profiles: "at least two .xml files whose root element is <utility_space>",
        },
    ));

    if let ([domain], true) = (domains.as_slice(), profiles.len() >= 2) {
        let domain = texts.get(*domain).map(|(file, text)| (file.as_str(), text.as_str()));
        let profile_refs: Vec<(&str, &str)> = profiles
            .iter()
            .filter_map(|&idx| texts.get(idx))
            .map(|(file, text)| (file.as_str(), text.as_str()))
            .collect();
        if let Some(domain) = domain {
            match build(name, domain, &profile_refs, semantics) {
                Ok(scenario) if diags.is_empty() => return Some(scenario),
                Ok(_) => {}
                Err(Diagnostics(more)) => diags.extend(more),
            }
        }
    }
    None
}

/// Builds a scenario named `name` from the files of a GENIUS domain given in memory
/// (`(file name, text)`, as an upload gives them): classified as [`load_genius_folder`] classifies
/// a folder's files (the root element; `*pareto.xml` files left out), then read with `semantics`.
///
/// # Errors
///
/// Every problem: no or several domain files, fewer than two profiles, and every problem in any
/// file, located in that file.
pub fn parse_genius_files(
    name: &str,
    files: &[(String, String)],
    semantics: GeniusSemantics,
) -> Result<Scenario, Diagnostics> {
    let texts: Vec<(String, String)> = files
        .iter()
        .filter(|(file, _)| !file.to_ascii_lowercase().ends_with("pareto.xml"))
        .cloned()
        .collect();
    let listing: Vec<(String, PathBuf)> =
        files.iter().map(|(file, _)| (file.clone(), PathBuf::from(file))).collect();
    let mut diags = Vec::new();
    let scenario =
        classify_and_build(name, name.to_owned(), &texts, &listing, semantics, &mut diags);
    match scenario {
        Some(scenario) if diags.is_empty() => Ok(scenario),
        _ => {
            let mut diags = Diagnostics(diags);
            diags.sort();
            Err(diags)
        }
    }
}

/// A party read from a profile file (GENIUS or GeniusWeb): keyed and named by the file's stem
/// exactly as written (a suffix ` (2)`, ... only when two files have the same stem), its notes and
/// discount factor added to the scenario's notes under its key.
#[allow(clippy::too_many_arguments)]
pub(crate) fn imported_party(
    file: &str,
    discount_label: &str,
    utility: Utility,
    reservation: f64,
    discount: Option<f64>,
    profile_notes: &[String],
    party_ids: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Party {
    let stem = stem_of(file);
    let id = unique(stem.clone(), party_ids);
    for note in profile_notes {
        notes.push(format!("party '{id}': {note}"));
    }
    if let Some(discount) = discount {
        notes.push(format!(
            "party '{id}': {discount_label} {discount} noted, not applied by the static analyses"
        ));
    }
    Party {
        id,
        name: stem,
        description: String::new(),
        power: 1.0,
        utility,
        reservation: Reservation::Value(reservation),
        discount,
    }
}

/// How a folder format names its files, for [`check_roles`].
pub(crate) struct FolderFormat {
    /// The format's name (`GENIUS`, `GeniusWeb`).
    pub(crate) name: &'static str,
    /// The extension of its files (`xml`, `json`).
    pub(crate) extension: &'static str,
    /// What a domain file looks like.
    pub(crate) domain: &'static str,
    /// The same, for "exactly one".
    pub(crate) domains: &'static str,
    /// What the profiles look like.
    pub(crate) profiles: &'static str,
}

/// The diagnostics of a folder whose files (`files`, as listed) were read into `texts` and
/// classified into `domains` and `profiles` (indices into `texts`): no domain, several domains,
/// fewer than two profiles.
pub(crate) fn check_roles(
    folder: &str,
    texts: &[(String, String)],
    files: &[(String, PathBuf)],
    domains: &[usize],
    profiles: &[usize],
    format: &FolderFormat,
) -> Vec<Diagnostic> {
    let list = |indices: &[usize]| -> String {
        if indices.is_empty() {
            return "none".to_owned();
        }
        indices
            .iter()
            .filter_map(|&idx| texts.get(idx))
            .map(|(file, _)| file_name_of(file))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let at_folder = |message: String, expected: &str, found: String| Diagnostic {
        file: folder.to_owned(),
        line: 0,
        column: 0,
        message,
        expected: expected.to_owned(),
        found,
    };
    let found = if files.is_empty() {
        format!("no .{} files", format.extension)
    } else {
        files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ")
    };
    let mut diags = Vec::new();
    if domains.is_empty() {
        diags.push(at_folder(
            format!("the folder holds no {} domain file", format.name),
            format.domain,
            found,
        ));
    } else if domains.len() > 1 {
        diags.push(at_folder(
            format!("the folder holds more than one {} domain file", format.name),
            format.domains,
            list(domains),
        ));
    }
    if profiles.len() < 2 {
        diags.push(at_folder(
            format!(
                "the folder holds {} {} profile(s), a scenario needs at least two",
                profiles.len(),
                format.name
            ),
            format.profiles,
            list(profiles),
        ));
    }
    diags
}

/// Builds a scenario from a GENIUS domain and its profiles, each given as `(file name, text)`.
///
/// Parties are keyed and named by the profiles' file stems exactly as written, in the order given,
/// and issues by their names exactly as written; the scenario is named after the domain file's
/// stem. Every problem
/// in any of the files is reported.
pub fn parse_genius(
    domain: (&str, &str),
    profiles: &[(&str, &str)],
) -> Result<Scenario, Diagnostics> {
    build(stem_of(domain.0), domain, profiles, GeniusSemantics::Genius)
}

/// Builds a scenario from a GENIUS domain and its profiles as [`parse_genius`] does, reading the
/// profiles' numbers with `semantics`.
pub fn parse_genius_with(
    domain: (&str, &str),
    profiles: &[(&str, &str)],
    semantics: GeniusSemantics,
) -> Result<Scenario, Diagnostics> {
    build(stem_of(domain.0), domain, profiles, semantics)
}

// ---------------------------------------------------------------------------------------------
// Reading files

pub(crate) fn whole_file(file: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_owned(),
        line: 0,
        column: 0,
        message,
        expected: String::new(),
        found: String::new(),
    }
}

pub(crate) fn read_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    let meta =
        std::fs::metadata(path).map_err(|err| whole_file(file, format!("cannot read: {err}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: "the file is too large".to_owned(),
            expected: format!("at most {MAX_FILE_BYTES} bytes"),
            found: format!("{} bytes", meta.len()),
        });
    }
    let bytes = crate::load::read_bounded(path)
        .map_err(|err| whole_file(file, format!("cannot read: {err}")))?
        .ok_or_else(|| Diagnostic {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: "the file is too large".to_owned(),
            expected: format!("at most {MAX_FILE_BYTES} bytes"),
            found: "more (read up to the limit)".to_owned(),
        })?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let prefix =
            bytes.get(..valid).and_then(|prefix| std::str::from_utf8(prefix).ok()).unwrap_or("");
        let (line, column) = LineIndex::new(prefix).position(valid);
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            message: "the file is not valid UTF-8".to_owned(),
            expected: "UTF-8 text".to_owned(),
            found: bytes
                .get(valid)
                .map_or_else(|| "a truncated character".to_owned(), |b| format!("byte 0x{b:02x}")),
        }
    })
}

pub(crate) fn file_name_of(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_owned(), |name| name.to_string_lossy().into_owned())
}

pub(crate) fn stem_of(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_owned(), |stem| stem.to_string_lossy().into_owned())
}

pub(crate) fn folder_name(path: &Path) -> String {
    if let Some(name) = path.file_name() {
        return name.to_string_lossy().into_owned();
    }
    std::fs::canonicalize(path)
        .ok()
        .and_then(|full| full.file_name().map(|name| name.to_string_lossy().into_owned()))
        .unwrap_or_else(|| path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// A small XML tree with source positions

/// One attribute, with the byte offsets of its name and of its value.
#[derive(Debug)]
struct Attr {
    name: String,
    value: String,
    value_at: usize,
}

/// One element: its name, the byte offset of its `<`, its attributes and its child elements (text
/// is dropped: GENIUS keeps everything in attributes).
#[derive(Debug)]
struct Element {
    name: String,
    at: usize,
    attrs: Vec<Attr>,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|attr| attr.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }
}

/// A file being read: its name, its text, where its lines start, and the warnings about it (what
/// was assumed to read a quirk GENIUS accepts).
struct Src<'a> {
    file: &'a str,
    index: LineIndex<'a>,
    warnings: RefCell<Vec<Diagnostic>>,
}

impl<'a> Src<'a> {
    fn new(file: &'a str, text: &'a str) -> Src<'a> {
        Src { file, index: LineIndex::new(text), warnings: RefCell::new(Vec::new()) }
    }

    /// Records a warning at byte offset `at`: `message` says what was found and what was assumed.
    fn warn(&self, at: usize, message: impl Into<String>) {
        let diag = self.index.diagnostic(self.file, at, message, "", "");
        self.warnings.borrow_mut().push(diag);
    }

    /// The warnings recorded so far, in the order they were found.
    fn take_warnings(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }

    fn diag(
        &self,
        at: usize,
        message: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Diagnostic {
        self.index.diagnostic(self.file, at, message, expected, found)
    }
}

/// The byte offsets (relative to the tag's content, after `<`) of each attribute's value, in order.
fn attribute_value_offsets(raw: &str) -> Vec<usize> {
    let bytes = raw.as_bytes();
    let len = bytes.len();
    let mut offsets = Vec::new();
    let mut pos = 0;
    while pos < len && !bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace() || *b == b'/') {
        pos += 1;
    }
    loop {
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        if pos >= len || bytes.get(pos) == Some(&b'/') {
            break;
        }
        let key_start = pos;
        while bytes.get(pos).is_some_and(|b| !b.is_ascii_whitespace() && *b != b'=') {
            pos += 1;
        }
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        if bytes.get(pos) != Some(&b'=') {
            offsets.push(key_start);
            continue;
        }
        pos += 1;
        while bytes.get(pos).is_some_and(u8::is_ascii_whitespace) {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(&quote) if quote == b'"' || quote == b'\'' => {
                let value_start = pos + 1;
                let end = bytes
                    .get(value_start..)
                    .and_then(|rest| rest.iter().position(|&b| b == quote))
                    .map_or(len, |rel| value_start + rel);
                offsets.push(value_start);
                pos = end + 1;
            }
            _ => {
                offsets.push(pos);
                while bytes.get(pos).is_some_and(|b| !b.is_ascii_whitespace()) {
                    pos += 1;
                }
            }
        }
        if pos <= key_start {
            pos = key_start + 1;
        }
    }
    offsets
}

fn element_from(src: &Src, tag: &BytesStart, at: usize) -> Result<Element, Diagnostic> {
    let name = tag.name().as_ref().to_owned();
    let raw: &str = tag;
    let offsets = attribute_value_offsets(raw);
    let content_at = at + 1;
    let mut attrs = Vec::new();
    for (idx, attr) in tag.attributes().enumerate() {
        let attr = attr.map_err(|err| {
            let pos = match &err {
                AttrError::ExpectedEq(pos)
                | AttrError::ExpectedValue(pos)
                | AttrError::UnquotedValue(pos)
                | AttrError::ExpectedQuote(pos, _)
                | AttrError::Duplicated(pos, _) => *pos,
            };
            // quick-xml's message starts with its own offset ("position 27: …"): the diagnostic
            // has the line and column already.
            let text = err.to_string();
            let reason = text.split_once(": ").map_or(text.as_str(), |(_, reason)| reason);
            // A name with no `=` after it: point at the name (quick-xml points past it).
            let (rel, found) = match (&err, raw.get(..pos)) {
                (AttrError::ExpectedEq(_), Some(before)) if !before.trim_end().is_empty() => {
                    let before = before.trim_end();
                    let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                    (start, format!("`{}`, not followed by `=` ({reason})", &before[start..]))
                }
                _ => (pos, reason.to_owned()),
            };
            src.diag(
                content_at + rel,
                "malformed attribute",
                "name=\"value\" attributes, each name once",
                found,
            )
        })?;
        let value_at = content_at + offsets.get(idx).copied().unwrap_or(0);
        let key = attr.key.as_ref().to_owned();
        let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|err| {
            src.diag(
                value_at,
                format!("malformed value of attribute `{key}`"),
                "text with valid XML escapes",
                err.to_string(),
            )
        })?;
        attrs.push(Attr { name: key, value: value.into_owned(), value_at });
    }
    Ok(Element { name, at, attrs, children: Vec::new() })
}

fn snippet(text: &str) -> String {
    let trimmed = text.trim();
    let mut out: String = trimmed.chars().take(40).collect();
    if trimmed.chars().count() > 40 {
        out.push('…');
    }
    format!("{out:?}")
}

/// Parses `text` into an element tree. Stops at the first syntax error.
fn parse_xml(src: &Src, text: &str) -> Result<Element, Diagnostic> {
    let (base, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ('\u{feff}'.len_utf8(), rest),
        None => (0, text),
    };
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    let position = |pos: u64| base.saturating_add(usize::try_from(pos).unwrap_or(usize::MAX));
    loop {
        let at = position(reader.buffer_position());
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(err) => {
                return Err(src.diag(
                    position(reader.error_position()),
                    "malformed XML",
                    "well-formed XML",
                    err.to_string(),
                ));
            }
        };
        let (tag, empty) = match event {
            Event::Start(tag) => (tag, false),
            Event::Empty(tag) => (tag, true),
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(src.diag(
                        at,
                        "malformed XML",
                        "well-formed XML",
                        "a closing tag without an opening tag",
                    ));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
                continue;
            }
            Event::Text(content) if stack.is_empty() => {
                let content: &str = &content;
                if content.trim().is_empty() {
                    continue;
                }
                let expected = if root.is_some() {
                    "nothing after the root element"
                } else {
                    "an XML root element"
                };
                return Err(src.diag(
                    at,
                    "not a GENIUS XML file: text outside the root element",
                    expected,
                    snippet(content),
                ));
            }
            Event::CData(_) | Event::GeneralRef(_) if stack.is_empty() => {
                return Err(src.diag(
                    at,
                    "not a GENIUS XML file: text outside the root element",
                    "an XML root element",
                    "character data",
                ));
            }
            Event::Eof => break,
            _ => continue,
        };
        if stack.is_empty() && root.is_some() {
            return Err(src.diag(
                at,
                "a second root element",
                "a single root element",
                format!("<{}>", tag.name().as_ref()),
            ));
        }
        if stack.len() >= MAX_DEPTH {
            return Err(src.diag(
                at,
                "elements are nested too deeply",
                format!("at most {MAX_DEPTH} levels"),
                "deeper nesting",
            ));
        }
        count += 1;
        if count > MAX_ELEMENTS {
            return Err(src.diag(
                at,
                "the file has too many elements",
                format!("at most {MAX_ELEMENTS} elements"),
                "more",
            ));
        }
        let element = element_from(src, &tag, at)?;
        if empty {
            match stack.last_mut() {
                Some(parent) => parent.children.push(element),
                None => root = Some(element),
            }
        } else {
            stack.push(element);
        }
    }
    if let Some(open) = stack.first() {
        let innermost = stack.last().unwrap_or(open);
        return Err(src.diag(
            innermost.at,
            format!("element <{}> is never closed", innermost.name),
            format!("</{}>", innermost.name),
            "the end of the file",
        ));
    }
    root.ok_or_else(|| {
        src.diag(
            text.len(),
            "not a GENIUS XML file: no root element",
            "an XML root element",
            "an empty document",
        )
    })
}

/// The name of the root element of `text`, reading no further than its start tag.
fn root_element(file: &str, text: &str) -> Result<String, Diagnostic> {
    let src = Src::new(file, text);
    let (base, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ('\u{feff}'.len_utf8(), rest),
        None => (0, text),
    };
    let mut reader = Reader::from_str(body);
    let position = |pos: u64| base.saturating_add(usize::try_from(pos).unwrap_or(usize::MAX));
    loop {
        let at = position(reader.buffer_position());
        match reader.read_event() {
            Ok(Event::Start(tag) | Event::Empty(tag)) => return Ok(tag.name().as_ref().to_owned()),
            Ok(Event::Text(content)) => {
                let content: &str = &content;
                if !content.trim().is_empty() {
                    return Err(src.diag(
                        at,
                        "not a GENIUS XML file: text outside the root element",
                        "an XML root element",
                        snippet(content),
                    ));
                }
            }
            Ok(Event::CData(_) | Event::GeneralRef(_)) => {
                return Err(src.diag(
                    at,
                    "not a GENIUS XML file: text outside the root element",
                    "an XML root element",
                    "character data",
                ));
            }
            Ok(Event::Eof) => {
                return Err(src.diag(
                    text.len(),
                    "not a GENIUS XML file: no root element",
                    "an XML root element",
                    "an empty document",
                ));
            }
            Ok(_) => {}
            Err(err) => {
                return Err(src.diag(
                    position(reader.error_position()),
                    "malformed XML",
                    "well-formed XML",
                    err.to_string(),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute helpers

fn required<'e>(
    src: &Src,
    el: &'e Element,
    name: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'e Attr> {
    let attr = el.attr(name);
    if attr.is_none() {
        diags.push(src.diag(
            el.at,
            format!("<{}> has no `{name}` attribute", el.name),
            format!("`{name}=\"…\"` ({what})"),
            "no such attribute",
        ));
    }
    attr
}

fn number(src: &Src, attr: &Attr, what: &str, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    match attr.value.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Some(value),
        _ => {
            diags.push(src.diag(
                attr.value_at,
                format!("`{}` is not a finite number", attr.name),
                format!("a number ({what})"),
                format!("{:?}", attr.value),
            ));
            None
        }
    }
}

fn integer(src: &Src, attr: &Attr, what: &str, diags: &mut Vec<Diagnostic>) -> Option<i64> {
    match attr.value.trim().parse::<i64>() {
        Ok(value) => Some(value),
        Err(_) => {
            diags.push(src.diag(
                attr.value_at,
                format!("`{}` is not an integer", attr.name),
                format!("an integer ({what})"),
                format!("{:?}", attr.value),
            ));
            None
        }
    }
}

fn required_number(
    src: &Src,
    el: &Element,
    name: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    required(src, el, name, what, diags).and_then(|attr| number(src, attr, what, diags))
}

fn required_integer(
    src: &Src,
    el: &Element,
    name: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<i64> {
    required(src, el, name, what, diags).and_then(|attr| integer(src, attr, what, diags))
}

fn optional_number(
    src: &Src,
    el: &Element,
    name: &str,
    what: &str,
    default: f64,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    match el.attr(name) {
        Some(attr) => number(src, attr, what, diags),
        None => Some(default),
    }
}

// ---------------------------------------------------------------------------------------------
// Issues

/// How an issue's values are given.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IssueType {
    Discrete,
    Integer,
}

/// The type an `<issue>` declares: `type`, else `vtype`, else `etype`, else discrete (GENIUS reads
/// `type` first and defaults to discrete). Real and unknown types are refused.
fn issue_type(src: &Src, el: &Element, diags: &mut Vec<Diagnostic>) -> Option<IssueType> {
    let Some(attr) = ["type", "vtype", "etype"].iter().find_map(|name| el.attr(name)) else {
        return Some(IssueType::Discrete);
    };
    match attr.value.trim().to_ascii_lowercase().as_str() {
        "discrete" => Some(IssueType::Discrete),
        "integer" => Some(IssueType::Integer),
        "real" => {
            diags.push(src.diag(
                attr.value_at,
                "real-valued GENIUS issues are not supported",
                "a discrete or integer issue",
                format!("{}=\"{}\"", attr.name, attr.value),
            ));
            None
        }
        _ => {
            diags.push(src.diag(
                attr.value_at,
                format!("unknown issue type in `{}`", attr.name),
                "\"discrete\" or \"integer\"",
                format!("{:?}", attr.value),
            ));
            None
        }
    }
}

/// An issue as the domain file declares it.
#[derive(Debug)]
struct DomainIssue {
    index: i64,
    name: String,
    kind: DomainKind,
    /// The byte offset of its `<issue>` in the domain file.
    at: usize,
}

#[derive(Debug)]
enum DomainKind {
    Discrete(Vec<String>),
    Integer { min: i64, max: i64 },
}

impl DomainIssue {
    fn cardinality(&self) -> u32 {
        match &self.kind {
            DomainKind::Discrete(values) => u32::try_from(values.len()).unwrap_or(u32::MAX),
            DomainKind::Integer { min, max } => {
                u32::try_from((i128::from(*max) - i128::from(*min) + 1).max(0)).unwrap_or(u32::MAX)
            }
        }
    }

    fn describe(&self) -> String {
        format!("'{}' (index {})", self.name, self.index)
    }
}

/// The integer bounds of an `<issue>`: `lowerbound`/`upperbound` attributes, or a `<range>` child.
fn integer_bounds(src: &Src, el: &Element, diags: &mut Vec<Diagnostic>) -> Option<(i64, i64)> {
    let holder = if el.attr("lowerbound").is_some() || el.attr("upperbound").is_some() {
        el
    } else {
        el.child("range").unwrap_or(el)
    };
    let min = required_integer(
        src,
        holder,
        "lowerbound",
        "the smallest value of the integer issue",
        diags,
    );
    let max = required_integer(
        src,
        holder,
        "upperbound",
        "the largest value of the integer issue",
        diags,
    );
    let (min, max) = (min?, max?);
    if min > max {
        diags.push(src.diag(
            holder.at,
            "the integer issue's lower bound is above its upper bound",
            "lowerbound <= upperbound",
            format!("lowerbound={min}, upperbound={max}"),
        ));
        return None;
    }
    let count = i128::from(max) - i128::from(min) + 1;
    if count > MAX_INTEGER_VALUES {
        diags.push(src.diag(
            holder.at,
            "the integer issue has too many values to tabulate",
            format!("at most {MAX_INTEGER_VALUES} values"),
            format!("{count} values ({min}..={max})"),
        ));
        return None;
    }
    Some((min, max))
}

fn parse_domain(
    src: &Src,
    root: &Element,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<DomainIssue>> {
    if root.name != "negotiation_template" {
        diags.push(src.diag(
            root.at,
            "not a GENIUS domain file",
            "root element <negotiation_template>",
            format!("<{}>", root.name),
        ));
        return None;
    }
    let Some(space) = root.child("utility_space") else {
        diags.push(src.diag(
            root.at,
            "the domain has no <utility_space>",
            "<utility_space> inside <negotiation_template>",
            "none",
        ));
        return None;
    };
    let objective = match space.child("objective") {
        Some(objective) => objective,
        None if space.child("issue").is_some() => {
            src.warn(
                space.at,
                "the domain has no <objective>: the <issue> elements directly inside \
                 <utility_space> are read as its issues, as GENIUS and NegMAS read them",
            );
            space
        }
        None => {
            diags.push(src.diag(
                space.at,
                "the domain has no <objective>",
                "<objective> inside <utility_space>",
                "none",
            ));
            return None;
        }
    };
    let before = diags.len();
    for nested in objective.children("objective") {
        diags.push(src.diag(
            nested.at,
            "nested GENIUS objectives are not supported",
            "<issue> elements directly inside the root <objective>",
            "a nested <objective>",
        ));
    }
    let mut issues: Vec<DomainIssue> = Vec::new();
    for el in objective.children("issue") {
        let index = required_integer(src, el, "index", "the issue's number", diags);
        let name =
            required(src, el, "name", "the issue's name", diags).map(|attr| attr.value.clone());
        let kind = issue_type(src, el, diags).and_then(|kind| match kind {
            IssueType::Discrete => discrete_values(src, el, diags).map(DomainKind::Discrete),
            IssueType::Integer => {
                integer_bounds(src, el, diags).map(|(min, max)| DomainKind::Integer { min, max })
            }
        });
        if let Some(index) = index
            && let Some(first) = issues.iter().find(|issue| issue.index == index)
        {
            diags.push(src.diag(
                el.at,
                format!("duplicate issue index {index}"),
                "a distinct index per issue",
                format!("index {index}, already used by issue '{}'", first.name),
            ));
            continue;
        }
        if let (Some(index), Some(name), Some(kind)) = (index, name, kind) {
            issues.push(DomainIssue { index, name, kind, at: el.at });
        }
    }
    if issues.is_empty() && diags.len() == before {
        diags.push(src.diag(
            objective.at,
            "the domain has no issues",
            "at least one <issue> inside <objective>",
            "none",
        ));
    }
    (diags.len() == before).then_some(issues)
}

fn discrete_values(src: &Src, el: &Element, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let before = diags.len();
    let mut values: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for item in el.children("item") {
        let Some(value) = required(src, item, "value", "the value's label", diags) else {
            continue;
        };
        if !seen.insert(&value.value) {
            let issue =
                el.attr("name").map_or_else(String::new, |name| format!(" {:?}", name.value));
            src.warn(
                item.at,
                format!(
                    "value {:?} of issue{issue} is listed twice: read as one value, at its first \
                     position (GENIUS lists the same value twice, which changes no utility)",
                    value.value
                ),
            );
            continue;
        }
        values.push(value.value.clone());
    }
    if values.is_empty() && diags.len() == before {
        diags.push(src.diag(
            el.at,
            "the discrete issue has no values",
            "<item value=\"…\"/> elements",
            "none",
        ));
    }
    (diags.len() == before).then_some(values)
}

// ---------------------------------------------------------------------------------------------
// Profiles

/// What a profile contributes to its party.
struct Profile {
    utility: Utility,
    reservation: f64,
    /// The discount factor as GENIUS keeps it: `Some(d)` for `0 < d < 1`.
    discount: Option<f64>,
    /// Remarks about the profile, completed with the party's id by the caller.
    notes: Vec<String>,
}

fn parse_profile(
    src: &Src,
    root: &Element,
    issues: &[DomainIssue],
    semantics: GeniusSemantics,
    diags: &mut Vec<Diagnostic>,
) -> Option<Profile> {
    if root.name != "utility_space" {
        diags.push(src.diag(
            root.at,
            "not a GENIUS profile",
            "root element <utility_space>",
            format!("<{}>", root.name),
        ));
        return None;
    }
    let before = diags.len();
    let mut notes = Vec::new();
    let reservation =
        single_value(src, root, "reservation", "the reservation value", diags).unwrap_or(0.0);
    let discount = match single_value(src, root, "discount_factor", "the discount factor", diags) {
        Some(d) if d > 0.0 && d < 1.0 => Some(d),
        Some(d) if !(0.0..=1.0).contains(&d) => {
            notes.push(format!(
                "GENIUS discount factor {d} is outside [0, 1] and discarded, as GENIUS does"
            ));
            None
        }
        _ => None,
    };
    let objective = match root.child("objective") {
        Some(objective) => objective,
        None if ["issue", "weight", "utility", "utility_function"]
            .iter()
            .any(|name| root.child(name).is_some()) =>
        {
            src.warn(
                root.at,
                "the profile has no <objective>: the <issue> and <weight> elements directly \
                 inside <utility_space> are read as its objective's, as GENIUS and NegMAS read \
                 them",
            );
            root
        }
        None => {
            diags.push(src.diag(
                root.at,
                "the profile has no <objective>",
                "<objective> inside <utility_space>",
                "none",
            ));
            return None;
        }
    };
    for nested in objective.children("objective") {
        diags.push(src.diag(
            nested.at,
            "nested GENIUS objectives are not supported",
            "<issue> and <weight> elements directly inside the root <objective>",
            "a nested <objective>",
        ));
    }
    let nonlinear_element =
        objective.child("utility").or_else(|| objective.child("utility_function"));
    let utility = match nonlinear_element {
        Some(el) if semantics == GeniusSemantics::Negmas => {
            diags.push(src.diag(
                el.at,
                "hyper-rectangle (non-linear) profiles are not supported with NegMAS semantics",
                "a linear-additive profile (<issue> evaluations and <weight>s), or GENIUS semantics",
                format!("<{}>", el.name),
            ));
            None
        }
        Some(el) => hyper_rectangles(src, el, issues, diags).map(|utility| (utility, reservation)),
        None if root
            .attr("type")
            .is_some_and(|attr| attr.value.trim().eq_ignore_ascii_case("nonlinear")) =>
        {
            diags.push(src.diag(
                objective.at,
                "the non-linear profile has no utility function",
                "<utility maxutility=\"…\"> inside <objective>",
                "none",
            ));
            None
        }
        None => match semantics {
            GeniusSemantics::Genius => additive(src, objective, issues, &mut notes, diags)
                .map(|utility| (utility, reservation)),
            GeniusSemantics::Negmas => negmas_additive(src, objective, issues, reservation, diags),
        },
    };
    let (utility, reservation) = utility?;
    (diags.len() == before).then_some(Profile { utility, reservation, discount, notes })
}

/// The `value` of the single `<name value=…/>` child of `root`, if present.
fn single_value(
    src: &Src,
    root: &Element,
    name: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let mut found = root.children(name);
    let first = found.next()?;
    for extra in found {
        diags.push(src.diag(
            extra.at,
            format!("more than one <{name}>"),
            format!("at most one <{name}>"),
            format!("another <{name}>"),
        ));
    }
    required_number(src, first, "value", what, diags)
}

/// GENIUS's `AdditiveUtilitySpace`: `Σ w_i·eval_i`, clamped to at most 1.
fn additive(
    src: &Src,
    objective: &Element,
    issues: &[DomainIssue],
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Utility> {
    let (weights, tables) =
        additive_parts(src, objective, issues, diags, |issue, el, diags| match &issue.kind {
            DomainKind::Discrete(values) => discrete_evaluations(src, el, issue, values, diags)
                .map(|evals| genius_table(&evals)),
            DomainKind::Integer { min, max } => {
                integer_table(src, el, issue, *min, *max, notes, diags)
            }
        })?;
    Some(Utility::new(weights, tables).with_cap(Some(1.0)))
}

/// NegMAS's reading of an additive profile, normalised as `normalize(common_range=False)` does;
/// returns the utility and the reservation value mapped through the same affine map.
fn negmas_additive(
    src: &Src,
    objective: &Element,
    issues: &[DomainIssue],
    reservation: f64,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Utility, f64)> {
    let (weights, funs) =
        additive_parts(src, objective, issues, diags, |issue, el, diags| match &issue.kind {
            DomainKind::Discrete(values) => {
                discrete_evaluations(src, el, issue, values, diags).map(negmas::ValueFun::Table)
            }
            DomainKind::Integer { min, max } => {
                negmas_integer_fun(src, el, issue, *min, *max, diags)
            }
        })?;
    // NegMAS adds the value of every `<weight>` whose index is not an issue's as a constant, in
    // document order, starting from 0.
    let mut bias = 0.0;
    for el in objective.children("weight") {
        let index = el.attr("index").and_then(|attr| attr.value.trim().parse::<i64>().ok());
        let value = el.attr("value").and_then(|attr| attr.value.trim().parse::<f64>().ok());
        if let (Some(index), Some(value)) = (index, value)
            && !issues.iter().any(|issue| issue.index == index)
        {
            bias += value;
        }
    }
    let normalised = negmas::normalize(weights, funs, bias, reservation);
    let utility = Utility::new(normalised.weights, normalised.tables).with_offset(normalised.bias);
    Some((utility, normalised.reserved))
}

/// The checks common to both readings of an additive profile: one weight and one `<issue>` per
/// domain issue, matching the domain's names and types. `per_issue` reads an issue's evaluations
/// (it is called only when the profile declares the domain's type). Returns the weights and what
/// `per_issue` made of each issue, in domain order, when nothing is wrong.
fn additive_parts<T>(
    src: &Src,
    objective: &Element,
    issues: &[DomainIssue],
    diags: &mut Vec<Diagnostic>,
    mut per_issue: impl FnMut(&DomainIssue, &Element, &mut Vec<Diagnostic>) -> Option<T>,
) -> Option<(Vec<f64>, Vec<T>)> {
    let before = diags.len();
    // Per issue index, its weight (`None` when the `<weight>` is there but its value is not).
    let mut weights: BTreeMap<i64, Option<f64>> = BTreeMap::new();
    for el in objective.children("weight") {
        let index = required_integer(src, el, "index", "the number of the weighted issue", diags);
        let value = required_number(src, el, "value", "the issue weight", diags);
        if let Some(index) = index
            && weights.insert(index, value).is_some()
        {
            diags.push(src.diag(
                el.at,
                format!("duplicate weight for index {index}"),
                "one <weight> per issue",
                format!("a second <weight index=\"{index}\">"),
            ));
        }
    }
    let mut entries: Vec<Option<&Element>> = vec![None; issues.len()];
    for el in objective.children("issue") {
        let Some(index) =
            required_integer(src, el, "index", "the issue's number in the domain", diags)
        else {
            continue;
        };
        let Some(pos) = issues.iter().position(|issue| issue.index == index) else {
            diags.push(src.diag(
                el.at,
                format!("issue index {index} is not in the domain"),
                format!("one of the domain's issue indices ({})", index_list(issues)),
                format!("index {index}"),
            ));
            continue;
        };
        let (Some(slot), Some(issue)) = (entries.get_mut(pos), issues.get(pos)) else { continue };
        if slot.is_some() {
            diags.push(src.diag(
                el.at,
                format!("issue {} is listed twice", issue.describe()),
                "one <issue> per domain issue",
                "a second entry",
            ));
            continue;
        }
        *slot = Some(el);
        if let Some(name) = el.attr("name")
            && name.value != issue.name
        {
            diags.push(src.diag(
                name.value_at,
                format!("issue index {index} has another name in the domain"),
                format!("{:?}", issue.name),
                format!("{:?}", name.value),
            ));
        }
    }
    let mut weight_list = Vec::with_capacity(issues.len());
    let mut tables = Vec::with_capacity(issues.len());
    for (issue, entry) in issues.iter().zip(&entries) {
        let weight = weights.get(&issue.index).copied();
        if weight.is_none() {
            diags.push(src.diag(
                entry.map_or(objective.at, |el| el.at),
                format!("no weight for issue {}", issue.describe()),
                format!("<weight index=\"{}\" value=\"…\"/> inside <objective>", issue.index),
                "no such weight",
            ));
        }
        let Some(el) = entry else {
            diags.push(src.diag(
                objective.at,
                format!("the profile does not evaluate issue {}", issue.describe()),
                format!(
                    "<issue index=\"{}\"> with its evaluations inside <objective>",
                    issue.index
                ),
                "no such issue",
            ));
            continue;
        };
        let declared = issue_type(src, el, diags);
        let table = match (&issue.kind, declared) {
            (DomainKind::Discrete(_), Some(IssueType::Discrete))
            | (DomainKind::Integer { .. }, Some(IssueType::Integer)) => per_issue(issue, el, diags),
            (_, None) => None,
            (kind, Some(declared)) => {
                let domain_type = match kind {
                    DomainKind::Discrete(_) => "discrete",
                    DomainKind::Integer { .. } => "integer",
                };
                let profile_type = match declared {
                    IssueType::Discrete => "discrete",
                    IssueType::Integer => "integer",
                };
                diags.push(src.diag(
                    el.at,
                    format!("issue {} has another type in the domain", issue.describe()),
                    format!("a {domain_type} issue, as in the domain"),
                    format!("a {profile_type} issue"),
                ));
                None
            }
        };
        if let (Some(Some(weight)), Some(table)) = (weight, table) {
            weight_list.push(weight);
            tables.push(table);
        }
    }
    (diags.len() == before && tables.len() == issues.len()).then_some((weight_list, tables))
}

fn index_list(issues: &[DomainIssue]) -> String {
    let mut out = String::new();
    for (idx, issue) in issues.iter().enumerate() {
        if idx == 8 {
            out.push_str(", …");
            break;
        }
        if idx > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}", issue.index);
    }
    out
}

fn value_list(values: &[String]) -> String {
    let mut out = String::new();
    for (idx, value) in values.iter().enumerate() {
        if idx == 8 {
            out.push_str(", …");
            break;
        }
        if idx > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{value:?}");
    }
    out
}

/// GENIUS's `EvaluatorDiscrete`: each evaluation divided by the issue's largest evaluation (all 0
/// when that is below 1e-5).
fn genius_table(evals: &[f64]) -> Vec<f64> {
    let max = evals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max < GENIUS_EVAL_EPSILON {
        vec![0.0; evals.len()]
    } else {
        evals.iter().map(|eval| eval / max).collect()
    }
}

/// The raw `evaluation`s of a discrete issue's values, in the domain's order.
fn discrete_evaluations(
    src: &Src,
    el: &Element,
    issue: &DomainIssue,
    values: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let before = diags.len();
    let mut evals: Vec<Option<f64>> = vec![None; values.len()];
    // Per value: where its `<item>` is, and whether that item carries an evaluation (even a bad one).
    let mut items: Vec<Option<(usize, bool)>> = vec![None; values.len()];
    // One lookup per item, not a scan of the values: linear in the issue's size.
    let positions = positions_of(values);
    for item in el.children("item") {
        let Some(value) =
            required(src, item, "value", "the value's label, as in the domain", diags)
        else {
            continue;
        };
        let Some(&pos) = positions.get(value.value.as_str()) else {
            diags.push(src.diag(
                value.value_at,
                format!(
                    "{:?} is not a value of issue {} in the domain",
                    value.value,
                    issue.describe()
                ),
                format!("one of {}", value_list(values)),
                format!("{:?}", value.value),
            ));
            continue;
        };
        let (Some(slot), Some(seen)) = (evals.get_mut(pos), items.get_mut(pos)) else { continue };
        if seen.is_some() {
            src.warn(
                item.at,
                format!(
                    "value {:?} of issue {} is listed twice: the evaluation of the last <item> \
                     that has one is used, as GENIUS and NegMAS use it (each keeps one evaluation \
                     per value, the last read)",
                    value.value,
                    issue.describe()
                ),
            );
        }
        // GENIUS skips a missing evaluation (or the text "null"), and fails when the value is used.
        let evaluation = item.attr("evaluation").filter(|attr| attr.value.trim() != "null");
        if evaluation.is_none() && seen.is_some_and(|(_, evaluated)| evaluated) {
            // A later item without an evaluation leaves the earlier evaluation in place in GENIUS.
            continue;
        }
        *seen = Some((item.at, evaluation.is_some()));
        *slot = evaluation.and_then(|attr| number(src, attr, "the value's evaluation", diags));
    }
    for (value, item) in values.iter().zip(&items) {
        if item.is_some_and(|(_, evaluated)| evaluated) {
            continue;
        }
        diags.push(src.diag(
            item.map_or(el.at, |(at, _)| at),
            format!("value {value:?} of issue {} has no evaluation", issue.describe()),
            format!("<item value={value:?} evaluation=\"…\"/>"),
            if item.is_some() { "an <item> without `evaluation`" } else { "no <item> for it" },
        ));
    }
    if diags.len() > before {
        return None;
    }
    Some(evals.iter().map(|eval| eval.unwrap_or(0.0)).collect())
}

/// Reports an integer `<issue>` of a profile whose bounds, if given, differ from the domain's.
fn check_profile_bounds(
    src: &Src,
    el: &Element,
    issue: &DomainIssue,
    min: i64,
    max: i64,
    diags: &mut Vec<Diagnostic>,
) {
    let has_bounds = el.attr("lowerbound").is_some()
        || el.attr("upperbound").is_some()
        || el.child("range").is_some();
    if has_bounds
        && let Some((low, high)) = integer_bounds(src, el, diags)
        && (low, high) != (min, max)
    {
        diags.push(src.diag(
            el.at,
            format!("issue {} has other bounds in the domain", issue.describe()),
            format!("lowerbound={min}, upperbound={max}, as in the domain"),
            format!("lowerbound={low}, upperbound={high}"),
        ));
    }
}

/// NegMAS's `make_fun_from_xml` for a linear `<evaluator>`: `x·slope + offset` on the raw value
/// `x`, unclamped, with `offset` read from `offset` or `parameter0` (default 0) and `slope` from
/// `slope` or `parameter1` (default 1); a zero offset makes a `LinearFun`, any other an `AffineFun`.
fn negmas_integer_fun(
    src: &Src,
    el: &Element,
    issue: &DomainIssue,
    min: i64,
    max: i64,
    diags: &mut Vec<Diagnostic>,
) -> Option<negmas::ValueFun> {
    let before = diags.len();
    check_profile_bounds(src, el, issue, min, max, diags);
    let Some(evaluator) = el.child("evaluator") else {
        diags.push(src.diag(
            el.at,
            format!(
                "integer issue {} has no evaluator, which NegMAS semantics do not support",
                issue.describe()
            ),
            "<evaluator ftype=\"linear\" slope=\"…\" offset=\"…\"/>",
            "no <evaluator>",
        ));
        return None;
    };
    match evaluator.attr("ftype") {
        Some(ftype) if ftype.value == "linear" => {}
        Some(ftype) => diags.push(src.diag(
            ftype.value_at,
            "unsupported evaluator type for an integer issue with NegMAS semantics",
            "ftype=\"linear\"",
            format!("ftype={:?}", ftype.value),
        )),
        None => diags.push(src.diag(
            evaluator.at,
            "<evaluator> has no `ftype` attribute (NegMAS requires one)",
            "ftype=\"linear\"",
            "no such attribute",
        )),
    }
    let read = |names: [&str; 2], default: f64, what: &str, diags: &mut Vec<Diagnostic>| match names
        .iter()
        .find_map(|name| evaluator.attr(name))
    {
        Some(attr) => number(src, attr, what, diags),
        None => Some(default),
    };
    let offset = read(["offset", "parameter0"], 0.0, "the evaluator's offset", diags);
    let slope = read(["slope", "parameter1"], 1.0, "the evaluator's slope", diags);
    if diags.len() > before {
        return None;
    }
    let (offset, slope) = (offset?, slope?);
    Some(negmas::ValueFun::Line { slope, bias: (offset != 0.0).then_some(offset), min, max })
}

/// GENIUS's `EvaluatorInteger`: `clamp(slope·(v − lowerbound) + offset, 0, 1)`.
fn integer_table(
    src: &Src,
    el: &Element,
    issue: &DomainIssue,
    min: i64,
    max: i64,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<f64>> {
    let before = diags.len();
    check_profile_bounds(src, el, issue, min, max, diags);
    let count = usize::try_from(issue.cardinality()).unwrap_or(0);
    let Some(evaluator) = el.child("evaluator") else {
        notes.push(format!(
            "integer issue '{}' has no evaluator, so GENIUS scores all its values 0",
            issue.name
        ));
        return (diags.len() == before).then(|| vec![0.0; count]);
    };
    if let Some(ftype) = evaluator.attr("ftype")
        && !ftype.value.trim().eq_ignore_ascii_case("linear")
    {
        diags.push(src.diag(
            ftype.value_at,
            "unknown GENIUS evaluator type for an integer issue",
            "ftype=\"linear\"",
            format!("ftype={:?}", ftype.value),
        ));
        return None;
    }
    let lookup = |name: &str| evaluator.attr(name).or_else(|| el.attr(name));
    let (slope, offset) = if evaluator.attr("slope").is_some() || evaluator.attr("offset").is_some()
    {
        let slope = required_number(
            src,
            evaluator,
            "slope",
            "the utility gained per unit above lowerbound",
            diags,
        );
        let offset = required_number(src, evaluator, "offset", "the utility at lowerbound", diags);
        (slope?, offset?)
    } else if let (Some(low), Some(high)) =
        (lookup("utilityLowestValue"), lookup("utilityHighestValue"))
    {
        let low = number(src, low, "the utility at lowerbound", diags);
        let high = number(src, high, "the utility at upperbound", diags);
        let (low, high) = (low?, high?);
        let span = (i128::from(max) - i128::from(min)) as f64;
        (if span > 0.0 { (high - low) / span } else { 0.0 }, low)
    } else if evaluator.attr("parameter0").is_some() || evaluator.attr("parameter1").is_some() {
        diags.push(src.diag(
            evaluator.at,
            "legacy parameter0/parameter1 GENIUS evaluators are not supported",
            "a linear evaluator with `slope` and `offset`",
            "parameter0/parameter1",
        ));
        return None;
    } else {
        diags.push(src.diag(
            evaluator.at,
            "the linear evaluator gives no slope and offset",
            "`slope` and `offset` (or `utilityLowestValue` and `utilityHighestValue`)",
            "neither",
        ));
        return None;
    };
    let table: Vec<f64> =
        (0..count).map(|step| (slope * step as f64 + offset).clamp(0.0, 1.0)).collect();
    if table.iter().any(|score| !score.is_finite()) {
        diags.push(src.diag(
            evaluator.at,
            "the linear evaluator gives non-finite utilities",
            "finite slope and offset",
            format!("slope={slope}, offset={offset}"),
        ));
        return None;
    }
    (diags.len() == before).then_some(table)
}

/// GENIUS's `NonlinearUtilitySpace`: one `<ufun aggregation="sum">` of hyper-rectangles.
fn hyper_rectangles(
    src: &Src,
    utility: &Element,
    issues: &[DomainIssue],
    diags: &mut Vec<Diagnostic>,
) -> Option<Utility> {
    let before = diags.len();
    let max_utility =
        required_number(src, utility, "maxutility", "the utility that maps to 1", diags);
    if let (Some(max_utility), Some(attr)) = (max_utility, utility.attr("maxutility"))
        && max_utility <= 0.0
    {
        diags.push(src.diag(
            attr.value_at,
            "`maxutility` must be positive",
            "a number above 0",
            format!("{:?}", attr.value),
        ));
    }
    let ufuns: Vec<&Element> = utility.children("ufun").collect();
    let ufun = match ufuns.as_slice() {
        [ufun] => Some(*ufun),
        [] => {
            diags.push(src.diag(
                utility.at,
                format!("<{}> has no <ufun>", utility.name),
                "one <ufun aggregation=\"sum\">",
                "none",
            ));
            None
        }
        [_, extra, ..] => {
            diags.push(src.diag(
                extra.at,
                "more than one <ufun> is not supported",
                "one <ufun aggregation=\"sum\">",
                format!("{} <ufun> elements", ufuns.len()),
            ));
            None
        }
    };
    let ufun = ufun?;
    match ufun.attr("aggregation") {
        Some(attr) if attr.value.trim().eq_ignore_ascii_case("sum") => {}
        Some(attr) => diags.push(src.diag(
            attr.value_at,
            "unsupported GENIUS ufun aggregation",
            "aggregation=\"sum\"",
            format!("aggregation={:?}", attr.value),
        )),
        None => diags.push(src.diag(
            ufun.at,
            "<ufun> has no `aggregation` attribute",
            "aggregation=\"sum\"",
            "no such attribute",
        )),
    }
    if let Some(nested) = ufun.child("ufun") {
        diags.push(src.diag(
            nested.at,
            "nested <ufun> elements are not supported",
            "hyper-rectangles directly inside <ufun>",
            "a nested <ufun>",
        ));
    }
    let ufun_weight = optional_number(src, ufun, "weight", "the ufun's weight", 1.0, diags);
    let (Some(max_utility), Some(ufun_weight)) = (max_utility, ufun_weight) else { return None };
    if diags.len() > before {
        return None;
    }
    let mut words = 0usize;
    let mut terms = Vec::new();
    for (number_of, rect) in ufun.children("hyperRectangle").enumerate() {
        let value_attr = rect.attr("utility").or_else(|| rect.attr("utility_value"));
        let value = match value_attr {
            Some(attr) => number(src, attr, "the rectangle's utility", diags),
            None => {
                diags.push(src.diag(
                    rect.at,
                    "<hyperRectangle> has no `utility` attribute",
                    "`utility=\"…\"` (or `utility_value`)",
                    "no such attribute",
                ));
                None
            }
        };
        let weight = optional_number(src, rect, "weight", "the rectangle's weight", 1.0, diags);
        let includes: Vec<&Element> = rect.children("INCLUDES").collect();
        let excludes: Vec<&Element> = rect.children("EXCLUDES").collect();
        if !includes.is_empty() && !excludes.is_empty() {
            diags.push(src.diag(
                rect.at,
                "a hyper-rectangle mixing INCLUDES and EXCLUDES bounds is not supported",
                "only <INCLUDES> or only <EXCLUDES> bounds",
                "both",
            ));
            continue;
        }
        let exclusive = !excludes.is_empty();
        let bounds = if exclusive { excludes } else { includes };
        let mut atoms = Vec::with_capacity(bounds.len());
        for bound in bounds {
            if let Some(atom) = bound_atom(src, bound, issues, &mut words, diags) {
                atoms.push(atom);
            }
        }
        let (Some(value), Some(weight)) = (value, weight) else { continue };
        let condition = if atoms.is_empty() {
            Expr::True
        } else if exclusive {
            Expr::Not(Box::new(Expr::And(atoms)))
        } else {
            Expr::And(atoms)
        };
        let amount = value * weight * ufun_weight / max_utility;
        if !amount.is_finite() {
            diags.push(src.diag(
                rect.at,
                "the rectangle's utility is not finite",
                "finite utility, weight and maxutility",
                format!("{value} × {weight} × {ufun_weight} / {max_utility}"),
            ));
            continue;
        }
        let (line, _) = src.index.position(rect.at);
        terms.push(Term {
            label: format!(
                "GENIUS hyper-rectangle {} ({}:{line})",
                number_of + 1,
                file_name_of(src.file)
            ),
            condition,
            value: amount,
        });
    }
    if diags.len() > before {
        return None;
    }
    let weights = vec![0.0; issues.len()];
    let tables = issues
        .iter()
        .map(|issue| vec![0.0; usize::try_from(issue.cardinality()).unwrap_or(0)])
        .collect();
    Some(Utility::new(weights, tables).with_terms(terms).with_cap(Some(1.0)))
}

/// One `<INCLUDES index min max>` / `<EXCLUDES …>` bound: the issue's values within `[min, max]`.
fn bound_atom(
    src: &Src,
    bound: &Element,
    issues: &[DomainIssue],
    words: &mut usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expr> {
    let index = required_integer(src, bound, "index", "the bounded issue's number", diags);
    let low = required_number(src, bound, "min", "the bound's smallest value", diags);
    let high = required_number(src, bound, "max", "the bound's largest value", diags);
    let index = index?;
    let Some(pos) = issues.iter().position(|issue| issue.index == index) else {
        diags.push(src.diag(
            bound.at,
            format!("bound on issue index {index}, which is not in the domain"),
            format!("one of the domain's issue indices ({})", index_list(issues)),
            format!("index {index}"),
        ));
        return None;
    };
    let issue = issues.get(pos)?;
    let DomainKind::Integer { min, .. } = issue.kind else {
        diags.push(src.diag(
            bound.at,
            format!("hyper-rectangle bound on discrete issue {}", issue.describe()),
            "bounds on integer issues only (as GENIUS requires)",
            "a discrete issue",
        ));
        return None;
    };
    let (low, high) = (low?, high?);
    let cardinality = issue.cardinality();
    let earlier = *words;
    *words = words.saturating_add(usize::try_from(cardinality).unwrap_or(usize::MAX).div_ceil(64));
    if *words > MAX_RECTANGLE_WORDS {
        if earlier > MAX_RECTANGLE_WORDS {
            return None; // reported at the bound that crossed the limit
        }
        diags.push(src.diag(
            bound.at,
            "the hyper-rectangles are too large to tabulate",
            format!("at most {} value-set bits in all", MAX_RECTANGLE_WORDS * 64),
            "more",
        ));
        return None;
    }
    let allowed = ValueSet::from_predicate(cardinality, |step| {
        let value = (i128::from(min) + i128::from(step)) as f64;
        low <= value && value <= high
    });
    Some(Expr::Atom { issue: pos, allowed })
}

// ---------------------------------------------------------------------------------------------
// Assembly

/// Makes `raw` into an identifier: ASCII letters, digits and `_`, starting with a letter.
pub(crate) fn identifier(raw: &str, prefix: &str) -> String {
    let mut out = String::new();
    for ch in raw.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        out.insert_str(0, prefix);
    }
    out
}

/// Each value's position in `values` (the first, if a value repeats), for lookups in constant
/// time: parsing stays linear in the number of values.
pub(crate) fn positions_of(values: &[String]) -> HashMap<&str, usize> {
    let mut positions = HashMap::with_capacity(values.len());
    for (pos, value) in values.iter().enumerate() {
        positions.entry(value.as_str()).or_insert(pos);
    }
    positions
}

/// `id`, or `id (2)`, `id (3)`, ... when `id` is already in `taken`; the result is added to `taken`.
pub(crate) fn unique(id: String, taken: &mut Vec<String>) -> String {
    let mut candidate = id.clone();
    let mut suffix = 2u32;
    while taken.contains(&candidate) {
        candidate = format!("{id} ({suffix})");
        suffix = suffix.saturating_add(1);
    }
    taken.push(candidate.clone());
    candidate
}

fn build(
    name: String,
    domain: (&str, &str),
    profiles: &[(&str, &str)],
    semantics: GeniusSemantics,
) -> Result<Scenario, Diagnostics> {
    let mut diags = Vec::new();
    let domain_src = Src::new(domain.0, domain.1);
    let issues = match parse_xml(&domain_src, domain.1) {
        Ok(root) => parse_domain(&domain_src, &root, &mut diags),
        Err(diag) => {
            diags.push(diag);
            None
        }
    };
    let mut warnings = domain_src.take_warnings();
    if profiles.len() < 2 {
        diags.push(Diagnostic {
            file: domain.0.to_owned(),
            line: 0,
            column: 0,
            message: format!(
                "a GENIUS scenario needs at least two profiles, found {}",
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
    let mut parsed: Vec<(&str, Profile)> = Vec::new();
    for &(file, text) in profiles {
        let src = Src::new(file, text);
        let root = match parse_xml(&src, text) {
            Ok(root) => root,
            Err(diag) => {
                diags.push(diag);
                continue;
            }
        };
        match &issues {
            Some(issues) => {
                if let Some(profile) = parse_profile(&src, &root, issues, semantics, &mut diags) {
                    parsed.push((file, profile));
                }
                warnings.extend(src.take_warnings());
            }
            None if root.name != "utility_space" => {
                diags.push(src.diag(
                    root.at,
                    "not a GENIUS profile",
                    "root element <utility_space>",
                    format!("<{}>", root.name),
                ));
            }
            None => {}
        }
    }
    let Some(issues) = issues.filter(|_| diags.is_empty()) else {
        let mut diags = Diagnostics(diags);
        diags.sort();
        return Err(diags);
    };

    let mut issue_ids = Vec::new();
    let mut model_issues: Vec<Issue> = Vec::with_capacity(issues.len());
    for issue in &issues {
        let id = unique(issue.name.clone(), &mut issue_ids);
        if id != issue.name {
            warnings.push(domain_src.index.diagnostic(
                domain.0,
                issue.at,
                format!(
                    "issue name {:?} is used by an earlier issue too: this one is keyed {id:?}",
                    issue.name
                ),
                "",
                "",
            ));
        }
        let kind = match &issue.kind {
            DomainKind::Discrete(values) => IssueKind::Categorical { values: values.clone() },
            DomainKind::Integer { min, max } => IssueKind::Integer { min: *min, max: *max },
        };
        model_issues.push(Issue::new(&id, &issue.name, kind));
    }
    let mut party_ids = Vec::new();
    let mut notes = Vec::new();
    let mut parties = Vec::new();
    for (file, profile) in parsed {
        let party = imported_party(
            file,
            "GENIUS discount factor",
            profile.utility,
            profile.reservation,
            profile.discount,
            &profile.notes,
            &mut party_ids,
            &mut notes,
        );
        parties.push(party);
    }
    let description = format!(
        "GENIUS domain {} with profiles {}",
        file_name_of(domain.0),
        profiles.iter().map(|(file, _)| file_name_of(file)).collect::<Vec<_>>().join(", ")
    );
    let parts = ScenarioParts {
        name,
        description,
        issues: model_issues,
        parties,
        notes,
        warnings: warnings.iter().map(Diagnostic::to_string).collect(),
        ..ScenarioParts::default()
    };
    Scenario::new(parts).map_err(|errors| {
        Diagnostics(
            errors
                .into_iter()
                .map(|error| Diagnostic {
                    file: domain.0.to_owned(),
                    line: 0,
                    column: 0,
                    message: error.0,
                    expected: String::new(),
                    found: String::new(),
                })
                .collect(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_sanitised() {
        assert_eq!(identifier("CD player", "i_"), "CD_player");
        assert_eq!(identifier("Price($)", "i_"), "Price");
        assert_eq!(identifier("c1-i10", "i_"), "c1_i10");
        assert_eq!(identifier("10issues", "p_"), "p_10issues");
        assert_eq!(identifier("---", "p_"), "p_");
        let mut taken = Vec::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a (2)");
    }

    #[test]
    fn attribute_offsets_follow_quotes() {
        let raw = r#"item index="1" value='a b' evaluation = "3""#;
        let offsets = attribute_value_offsets(raw);
        assert_eq!(offsets.len(), 3);
        assert_eq!(&raw[offsets[0]..offsets[0] + 1], "1");
        assert_eq!(&raw[offsets[1]..offsets[1] + 3], "a b");
        assert_eq!(&raw[offsets[2]..offsets[2] + 1], "3");
    }

    #[test]
    fn tree_positions() {
        let text = "<a>\n  <b x=\"1\"/>\n</a>";
        let src = Src::new("t.xml", text);
        let root = parse_xml(&src, text).expect("parses");
        let b = root.child("b").expect("child");
        assert_eq!(src.index.position(b.at), (2, 3));
        assert_eq!(src.index.position(b.attrs[0].value_at), (2, 9));
    }
}
