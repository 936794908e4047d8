//! GENIUS XML export of a scenario.
//!
//! GENIUS reads a profile as `U = min(1, Σ_i W_i·e_i(x_i)/max_v e_i(v))`: per-issue evaluations
//! divided by the issue's largest, non-negative weights, a clamp at 1. A native utility
//! `u = offset + Σ_i t_i(x_i)` (with `t_i = w_i·v_i`, the weighted per-value contributions) is
//! written so that GENIUS's utility is a positive affine image of it:
//!
//! - per issue, the contributions are shifted so that none is negative (`d_i = min(0, min t_i)`,
//!   `s_i = t_i − d_i`), and written as evaluations `e_i = s_i/max s_i` (largest exactly 1) with
//!   weight `W_i = a·max s_i`; when the weight and the scores are already non-negative, the scores
//!   themselves are divided by their maximum (`e_i = v_i/max v_i`, `W_i = a·w_i·max v_i`), so that
//!   a utility already in GENIUS's form is written with its own numbers;
//! - `a = 1/S` with `S = Σ_i max s_i` when `S > 1` (GENIUS's weights then sum to 1 and nothing is
//!   clamped), else `a = 1`;
//! - hence `U_GENIUS = a·(u − c)` on every package, with `c = offset + Σ_i d_i`: the same order of
//!   packages, the same ties, the same ratios of utility differences, and exactly the same
//!   numbers when the utility is already in GENIUS form (no offset, non-negative weights and
//!   scores, every issue's best score 1, weights summing to at most 1 or a cap at 1);
//! - the reservation value is written as `a·(r − c)`; a reservation derived from the conflict
//!   model is evaluated at today's balance of power first.
//!
//! A cap at 1 is kept when the utility has no offset and no negative contribution (GENIUS's
//! clamp is then the same clamp, and `a = 1`); a cap that no package reaches is ignored. Anything
//! else GENIUS cannot express is refused ([`ExportError::Unsupported`]): non-additive terms, caps
//! that bind at another level or together with an offset or negative contributions. Red lines,
//! preconditions, proposals, the conflict model, capabilities, the order of ordinal values and
//! the continuity of real intervals are not expressible either; they are listed in
//! [`GeniusExport::dropped`] so that callers can warn.
//!
//! Issues: categorical and ordinal issues become discrete issues; integer issues become GENIUS
//! integer issues with a linear evaluator when every party's evaluations are linear in the value
//! (within 1e-12), otherwise discrete issues whose values are the integers; real intervals become
//! discrete issues whose values are their grid points. Every issue is written under its key
//! ([`impasse_core::Issue::id`]) and every profile file is named after its party's key, so that
//! reading the folder back gives the same keys; names as written in a GENIUS or GeniusWeb import
//! (spaces, punctuation) therefore survive a round trip. A party key that cannot be a file name
//! is written under a sanitised file name, with a note.

use std::fmt;
use std::fmt::Write as _;
use std::path::Path;

use impasse_core::{IssueKind, Reservation, Scenario};

use crate::genius::identifier;

/// One file of a GENIUS folder.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GeniusFile {
    /// The file name (no folder).
    pub name: String,
    /// The XML text.
    pub text: String,
}

/// The positive affine map from a party's utilities to the utilities GENIUS reads from its
/// exported profile: `u_genius = scale·(u − shift)`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct AffineMap {
    /// The factor, above 0.
    pub scale: f64,
    /// The utility that maps to 0.
    pub shift: f64,
}

impl AffineMap {
    /// The image of utility `utility`.
    pub fn apply(&self, utility: f64) -> f64 {
        self.scale * (utility - self.shift)
    }

    /// Whether the map is the identity.
    pub fn is_identity(&self) -> bool {
        self.scale == 1.0 && self.shift == 0.0
    }
}

/// A scenario written as a GENIUS folder.
#[derive(Clone, PartialEq, Debug)]
pub struct GeniusExport {
    /// The domain file (`<scenario>-domain.xml`).
    pub domain: GeniusFile,
    /// One profile per party, in the scenario's order, named `<party name>.xml` when the name is
    /// a safe file name that reads back as the party's identifier, else `<party id>.xml`.
    pub profiles: Vec<GeniusFile>,
    /// Per party (in the scenario's order), how its utilities were mapped.
    pub maps: Vec<AffineMap>,
    /// What the scenario holds that GENIUS XML cannot express and the export leaves out, one line
    /// each (red lines, preconditions, proposals, the conflict model, …).
    pub dropped: Vec<String>,
    /// Remarks on how things were written (affine maps that are not the identity, reservation
    /// values taken from the conflict model, names), one line each.
    pub notes: Vec<String>,
}

impl GeniusExport {
    /// Every file: the domain, then the profiles.
    pub fn files(&self) -> impl Iterator<Item = &GeniusFile> {
        std::iter::once(&self.domain).chain(&self.profiles)
    }
}

/// Why a scenario could not be exported.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ExportError {
    /// The scenario uses what GENIUS XML cannot express; one message per problem, naming the party
    /// and the construct.
    Unsupported(Vec<String>),
    /// Writing the folder failed.
    Io {
        /// The file or folder.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Unsupported(problems) => {
                write!(f, "the scenario cannot be written as GENIUS XML:")?;
                for problem in problems {
                    write!(f, "\n- {problem}")?;
                }
                Ok(())
            }
            ExportError::Io { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for ExportError {}

/// How one issue is written.
enum IssueForm {
    /// A discrete issue with these item labels.
    Discrete(Vec<String>),
    /// An integer issue `min..=max`; each party's evaluator is `(slope, offset)`.
    Integer { min: i64, max: i64, evaluators: Vec<(f64, f64)> },
}

/// One party's exported numbers: per issue its weight and evaluations.
struct PartyNumbers {
    weights: Vec<f64>,
    evaluations: Vec<Vec<f64>>,
    map: AffineMap,
    reservation: f64,
}

/// Writes `scenario` as a GENIUS domain and one profile per party.
///
/// See the module documentation (and `docs/scenario-format.md`, "GENIUS export") for what is kept
/// exactly, what is kept up to a positive affine map, and what is refused or dropped.
pub fn to_genius(scenario: &Scenario) -> Result<GeniusExport, ExportError> {
    let mut problems = unwritable_names(scenario);
    let mut notes = Vec::new();
    let reservations = scenario.reservation_values();
    let mut numbers: Vec<PartyNumbers> = Vec::new();
    for (party_idx, party) in scenario.parties().iter().enumerate() {
        let reservation = reservations.get(party_idx).copied().unwrap_or(f64::NAN);
        match party_numbers(scenario, party_idx, reservation) {
            Ok(party_numbers) => {
                let map = party_numbers.map;
                if !map.is_identity() {
                    notes.push(format!(
                        "party '{}': utilities written as {}·(u − {}) (the same order; GENIUS \
                         needs non-negative evaluations and clamps at 1)",
                        party.id, map.scale, map.shift
                    ));
                }
                if party.reservation == Reservation::Conflict {
                    notes.push(format!(
                        "party '{}': reservation derived from the conflict model, written as its \
                         value at today's balance of power ({reservation})",
                        party.id
                    ));
                }
                numbers.push(party_numbers);
            }
            Err(mut more) => problems.append(&mut more),
        }
    }
    if !problems.is_empty() {
        return Err(ExportError::Unsupported(problems));
    }

    // Issue forms (the domain is shared, so an integer issue is written as one only when every
    // party's evaluations are linear in it).
    let mut forms = Vec::new();
    let mut dropped = Vec::new();
    for (issue_idx, issue) in scenario.issues().iter().enumerate() {
        let labels = || unique_labels((0..issue.cardinality()).map(|v| issue.value(v).to_string()));
        let form = match &issue.kind {
            IssueKind::Categorical { .. } => IssueForm::Discrete(labels()),
            IssueKind::Ordinal { .. } => {
                dropped.push(format!(
                    "issue '{}': the order of its values (GENIUS discrete issues are unordered)",
                    issue.id
                ));
                IssueForm::Discrete(labels())
            }
            IssueKind::Real { min, max, steps } => {
                dropped.push(format!(
                    "issue '{}': the real interval [{min}, {max}] is written as its {steps} grid \
                     points (discrete values)",
                    issue.id
                ));
                IssueForm::Discrete(labels())
            }
            IssueKind::Integer { min, max } => {
                let evaluators: Option<Vec<(f64, f64)>> = numbers
                    .iter()
                    .map(|party| party.evaluations.get(issue_idx).and_then(|e| linear(e)))
                    .collect();
                match evaluators {
                    Some(evaluators) => IssueForm::Integer { min: *min, max: *max, evaluators },
                    None => {
                        notes.push(format!(
                            "issue '{}': written as a discrete issue with the values {min}..{max} \
                             (a party's scores are not linear in the value, which GENIUS integer \
                             issues require)",
                            issue.id
                        ));
                        IssueForm::Discrete(labels())
                    }
                }
            }
        };
        forms.push(form);
    }

    // Names: every issue under its key, every profile file named after its party's key, so that
    // reading the folder back gives the same keys (the import keys issues by their names as
    // written and parties by their profiles' file stems).
    let issue_names: Vec<String> = scenario
        .issues()
        .iter()
        .map(|issue| {
            if !issue.name.is_empty() && issue.name != issue.id {
                notes.push(format!(
                    "issue '{}': written under its key; its display name {:?} is not kept",
                    issue.id, issue.name
                ));
            }
            issue.id.clone()
        })
        .collect();
    let stem = identifier(scenario.name(), "s_");
    let domain_name = format!("{stem}-domain.xml");
    let mut profile_names: Vec<String> = Vec::new();
    for party in scenario.parties() {
        let file = format!("{}.xml", party.id);
        let taken = |file: &str| {
            file.eq_ignore_ascii_case(&domain_name)
                || profile_names.iter().any(|name| name.eq_ignore_ascii_case(file))
        };
        if safe_file_stem(&party.id) && !taken(&file) {
            profile_names.push(file);
        } else {
            let base = identifier(&party.id, "p_");
            let mut candidate = format!("{base}.xml");
            let mut suffix = 2u32;
            while taken(&candidate) || !safe_file_stem(&candidate[..candidate.len() - 4]) {
                candidate = format!("{base}_{suffix}.xml");
                suffix = suffix.saturating_add(1);
            }
            notes.push(format!(
                "party '{}': written as {candidate}, since its key cannot be a file name there; \
                 reading the folder back names the party after the file",
                party.id
            ));
            profile_names.push(candidate);
        }
        if party.name != party.id {
            notes.push(format!(
                "party '{}': its display name {:?} is not kept (GENIUS names a party after its \
                 profile file)",
                party.id, party.name
            ));
        }
        if party.power != 1.0 {
            dropped.push(format!("party '{}': its capability (power {})", party.id, party.power));
        }
    }
    for line in scenario.red_lines() {
        let holder = scenario.parties().get(line.party).map_or("?", |party| party.id.as_str());
        dropped.push(format!("red line '{}' of party '{holder}': {}", line.id, line.source));
    }
    for pre in scenario.preconditions() {
        let holder = scenario.parties().get(pre.party).map_or("?", |party| party.id.as_str());
        dropped.push(format!("precondition '{}' of party '{holder}': {}", pre.id, pre.source));
    }
    for proposal in scenario.proposals() {
        dropped.push(format!("proposal '{}'", proposal.id));
    }
    if scenario.conflict().is_some() {
        dropped.push(
            "the conflict model (sides, balance of power, victory packages, costs, trajectory)"
                .to_owned(),
        );
    }

    let domain =
        GeniusFile { name: domain_name, text: domain_xml(scenario.name(), &issue_names, &forms) };
    let profiles = scenario
        .parties()
        .iter()
        .zip(&numbers)
        .zip(profile_names)
        .enumerate()
        .map(|(party_idx, ((party, numbers), name))| GeniusFile {
            name,
            text: profile_xml(
                scenario.name(),
                &issue_names,
                &forms,
                party_idx,
                numbers,
                party.discount,
            ),
        })
        .collect();
    Ok(GeniusExport {
        domain,
        profiles,
        maps: numbers.iter().map(|numbers| numbers.map).collect(),
        dropped,
        notes,
    })
}

/// Writes `scenario` as a GENIUS folder `dir` (created if needed): the files of [`to_genius`].
///
/// Refuses a folder that already holds `.xml` files other than the ones written (the result would
/// not load as one GENIUS domain). Returns the export, whose `dropped` list says what was left out.
pub fn write_genius_folder(scenario: &Scenario, dir: &Path) -> Result<GeniusExport, ExportError> {
    let export = to_genius(scenario)?;
    let io = |path: &Path, err: std::io::Error| ExportError::Io {
        path: path.display().to_string(),
        message: err.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|err| io(dir, err))?;
    let names: Vec<&str> = export.files().map(|file| file.name.as_str()).collect();
    let mut strangers = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|err| io(dir, err))? {
        let entry = entry.map_err(|err| io(dir, err))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.to_ascii_lowercase().ends_with(".xml") && !names.contains(&name.as_str()) {
            strangers.push(name);
        }
    }
    if !strangers.is_empty() {
        strangers.sort();
        return Err(ExportError::Io {
            path: dir.display().to_string(),
            message: format!(
                "the folder already holds other XML files ({}); write to an empty folder",
                strangers.join(", ")
            ),
        });
    }
    for file in export.files() {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.text).map_err(|err| io(&path, err))?;
    }
    Ok(export)
}

/// A party's weights, evaluations, affine map and mapped reservation value, or the reasons it
/// cannot be written.
fn party_numbers(
    scenario: &Scenario,
    party_idx: usize,
    reservation: f64,
) -> Result<PartyNumbers, Vec<String>> {
    let party = &scenario.parties()[party_idx];
    let utility = &party.utility;
    let mut problems = Vec::new();
    if !utility.terms().is_empty() {
        let labels: Vec<&str> =
            utility.terms().iter().take(3).map(|term| term.label.as_str()).collect();
        problems.push(format!(
            "party '{}': its utility has {} non-additive term(s) ({}{}), which GENIUS additive \
             profiles cannot express",
            party.id,
            utility.terms().len(),
            labels.join("; "),
            if utility.terms().len() > 3 { "; …" } else { "" }
        ));
        return Err(problems);
    }
    // Per issue: the evaluations (largest 1, or all 0), the weight before scaling, the largest
    // contribution and the shift.
    let mut evaluations = Vec::new();
    let mut raw_weights = Vec::new();
    let mut shift = utility.offset();
    let mut span = 0.0;
    for ((&weight, scores), contributions) in
        utility.weights().iter().zip(utility.values()).zip(utility.tables())
    {
        if weight >= 0.0 && scores.iter().all(|&score| score >= 0.0) {
            let best = scores.iter().copied().fold(0.0, f64::max);
            if best > 0.0 {
                evaluations.push(scores.iter().map(|score| score / best).collect::<Vec<_>>());
                raw_weights.push(weight * best);
                span += weight * best;
            } else {
                evaluations.push(vec![0.0; scores.len()]);
                raw_weights.push(weight);
            }
        } else {
            let low = contributions.iter().copied().fold(0.0, f64::min);
            let shifted: Vec<f64> = contributions.iter().map(|t| t - low).collect();
            let best = shifted.iter().copied().fold(0.0, f64::max);
            shift += low;
            if best > 0.0 {
                evaluations.push(shifted.iter().map(|s| s / best).collect());
                raw_weights.push(best);
                span += best;
            } else {
                evaluations.push(vec![0.0; shifted.len()]);
                raw_weights.push(0.0);
            }
        }
    }
    let highest = shift + span;
    let capped = match utility.cap() {
        None => false,
        Some(cap) if highest <= cap => false,
        Some(cap) if cap == 1.0 && shift == 0.0 => true,
        Some(cap) => {
            problems.push(format!(
                "party '{}': its utility is capped at {cap} and the cap binds (up to {highest} \
                 uncapped); GENIUS clamps only at 1, and only utilities without an offset or \
                 negative contributions can keep that clamp",
                party.id
            ));
            return Err(problems);
        }
    };
    let scale = if !capped && span > 1.0 { 1.0 / span } else { 1.0 };
    let map = AffineMap { scale, shift };
    let weights: Vec<f64> = raw_weights.iter().map(|weight| scale * weight).collect();
    let reservation = map.apply(reservation);
    let finite = weights.iter().all(|w| w.is_finite())
        && evaluations.iter().flatten().all(|e| e.is_finite())
        && reservation.is_finite()
        && scale.is_finite()
        && shift.is_finite();
    if !finite {
        problems.push(format!(
            "party '{}': its utilities are too large to write as GENIUS numbers",
            party.id
        ));
        return Err(problems);
    }
    Ok(PartyNumbers { weights, evaluations, map, reservation })
}

/// `(slope, offset)` with `offset + slope·k` within 1e-12 of `evaluations[k]` for every `k`.
fn linear(evaluations: &[f64]) -> Option<(f64, f64)> {
    let (&first, &last) = (evaluations.first()?, evaluations.last()?);
    let steps = evaluations.len().saturating_sub(1);
    let slope = if steps == 0 { 0.0 } else { (last - first) / steps as f64 };
    evaluations
        .iter()
        .enumerate()
        .all(|(k, &e)| (first + slope * k as f64 - e).abs() <= 1e-12)
        .then_some((slope, first))
}

/// Whether `stem` can name a profile file on every common file system and reads back as itself:
/// not empty, at most 200 bytes, no path separators, control characters or characters Windows
/// forbids, no leading `.` or trailing space or `.`, and not ending in `pareto` (the GENIUS reader
/// skips `*pareto.xml`).
fn safe_file_stem(stem: &str) -> bool {
    !stem.is_empty()
        && stem.len() <= 200
        && !stem.starts_with('.')
        && !stem.ends_with(['.', ' '])
        && !stem.to_ascii_lowercase().ends_with("pareto")
        && !stem.chars().any(|ch| ch.is_control() || "/\\:*?\"<>|".contains(ch))
}

/// Makes repeated labels distinct (a real interval of zero width has equal grid values).
fn unique_labels(labels: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for label in labels {
        let mut candidate = label.clone();
        let mut suffix = 2;
        while seen.contains(&candidate) {
            candidate = format!("{label} ({suffix})");
            suffix += 1;
        }
        seen.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

/// `text` escaped for a double-quoted XML attribute.
/// Whether XML 1.0 can hold `ch` at all (escaped or not): not the control characters but tab,
/// line feed and carriage return, nor U+FFFE and U+FFFF.
fn xml_char(ch: char) -> bool {
    !(ch < ' ' && !matches!(ch, '\t' | '\n' | '\r') || matches!(ch, '\u{FFFE}' | '\u{FFFF}'))
}

/// The names the export would write that XML cannot hold, one problem each, the character shown
/// escaped (a raw control character would corrupt the file, or the terminal showing the message).
fn unwritable_names(scenario: &Scenario) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |what: String, text: &str| {
        if let Some(ch) = text.chars().find(|&c| !xml_char(c)) {
            problems.push(format!(
                "{what} holds U+{:04X}, which XML cannot hold (not even escaped); rename it to \
                 export",
                u32::from(ch)
            ));
        }
    };
    check(format!("the scenario name {:?}", scenario.name()), scenario.name());
    for party in scenario.parties() {
        check(format!("party {:?}", party.id), &party.id);
    }
    for issue in scenario.issues() {
        check(format!("issue {:?}", issue.id), &issue.id);
        if let IssueKind::Categorical { values } | IssueKind::Ordinal { values } = &issue.kind {
            for value in values {
                check(format!("value {value:?} of issue {:?}", issue.id), value);
            }
        }
    }
    problems
}

fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            _ => out.push(ch),
        }
    }
    out
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n";

fn issue_open(out: &mut String, idx: usize, name: &str, form: &IssueForm, indent: &str) {
    match form {
        IssueForm::Discrete(_) => {
            let _ = writeln!(
                out,
                "{indent}<issue index=\"{}\" etype=\"discrete\" type=\"discrete\" \
                 vtype=\"discrete\" name=\"{}\">",
                idx + 1,
                attr(name)
            );
        }
        IssueForm::Integer { min, max, .. } => {
            let _ = writeln!(
                out,
                "{indent}<issue index=\"{}\" etype=\"integer\" type=\"integer\" vtype=\"integer\" \
                 name=\"{}\" lowerbound=\"{min}\" upperbound=\"{max}\">",
                idx + 1,
                attr(name)
            );
        }
    }
}

fn domain_xml(scenario_name: &str, names: &[String], forms: &[IssueForm]) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str("<negotiation_template>\n");
    let _ = writeln!(out, "  <utility_space number_of_issues=\"{}\">", forms.len());
    let _ = writeln!(
        out,
        "    <objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" \
         name=\"{}\">",
        attr(scenario_name)
    );
    for (idx, (name, form)) in names.iter().zip(forms).enumerate() {
        issue_open(&mut out, idx, name, form, "      ");
        if let IssueForm::Discrete(labels) = form {
            for (item, label) in labels.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "        <item index=\"{}\" value=\"{}\"/>",
                    item + 1,
                    attr(label)
                );
            }
        }
        out.push_str("      </issue>\n");
    }
    out.push_str("    </objective>\n  </utility_space>\n</negotiation_template>\n");
    out
}

fn profile_xml(
    scenario_name: &str,
    names: &[String],
    forms: &[IssueForm],
    party_idx: usize,
    numbers: &PartyNumbers,
    discount: Option<f64>,
) -> String {
    let mut out = String::from(XML_DECLARATION);
    let _ = writeln!(out, "<utility_space number_of_issues=\"{}\">", forms.len());
    let _ = writeln!(
        out,
        "  <objective index=\"0\" etype=\"objective\" type=\"objective\" description=\"\" \
         name=\"{}\">",
        attr(scenario_name)
    );
    for (idx, (name, form)) in names.iter().zip(forms).enumerate() {
        issue_open(&mut out, idx, name, form, "    ");
        match form {
            IssueForm::Discrete(labels) => {
                let evaluations = numbers.evaluations.get(idx).map_or(&[][..], Vec::as_slice);
                for (item, (label, eval)) in labels.iter().zip(evaluations).enumerate() {
                    let _ = writeln!(
                        out,
                        "      <item index=\"{}\" value=\"{}\" evaluation=\"{eval}\"/>",
                        item + 1,
                        attr(label)
                    );
                }
            }
            IssueForm::Integer { evaluators, .. } => {
                let (slope, offset) = evaluators.get(party_idx).copied().unwrap_or((0.0, 0.0));
                let _ = writeln!(
                    out,
                    "      <evaluator ftype=\"linear\" slope=\"{slope}\" offset=\"{offset}\"/>"
                );
            }
        }
        out.push_str("    </issue>\n");
    }
    for (idx, weight) in numbers.weights.iter().enumerate() {
        let _ = writeln!(out, "    <weight index=\"{}\" value=\"{weight}\"/>", idx + 1);
    }
    out.push_str("  </objective>\n");
    let _ = writeln!(out, "  <reservation value=\"{}\"/>", numbers.reservation);
    if let Some(discount) = discount {
        let _ = writeln!(out, "  <discount_factor value=\"{discount}\"/>");
    }
    out.push_str("</utility_space>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_evaluations_are_recognised() {
        assert_eq!(linear(&[0.0, 0.5, 1.0]), Some((0.5, 0.0)));
        assert_eq!(linear(&[1.0]), Some((0.0, 1.0)));
        assert_eq!(linear(&[0.0, 0.9, 1.0]), None);
        assert_eq!(linear(&[]), None);
    }

    #[test]
    fn characters_xml_cannot_hold_are_named() {
        assert!(xml_char('a') && xml_char('\t') && xml_char('é') && xml_char('\u{10FFFF}'));
        assert!(
            !xml_char('\0') && !xml_char('\u{1}') && !xml_char('\u{1B}') && !xml_char('\u{FFFF}')
        );
    }

    #[test]
    fn attributes_are_escaped() {
        assert_eq!(attr(r#"a&b<"c">'"#), "a&amp;b&lt;&quot;c&quot;&gt;&apos;");
        assert_eq!(unique_labels(["x".to_owned(), "x".to_owned()].into_iter()), ["x", "x (2)"]);
    }
}
