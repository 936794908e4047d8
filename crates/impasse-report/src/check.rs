//! The report of a check (`POST /api/check`, `impasse.load`): whether a scenario reads, every
//! located problem, and what the scenario holds.

use schemars::JsonSchema;
use serde::Serialize;

/// A located problem in an input file.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct DiagnosticReport {
    /// The file (as the user named it).
    pub file: String,
    /// 1-based line (0 when the problem concerns the whole file).
    pub line: u32,
    /// 1-based column, in characters (0 when the problem concerns the whole file).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// What was expected there (may be empty).
    pub expected: String,
    /// What was found there (may be empty).
    pub found: String,
}

/// A party, as the scenario names it.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct NamedReport {
    /// The identifier (the key in the scenario file; for GENIUS the name as written).
    pub id: String,
    /// The display name.
    pub name: String,
}

/// An issue and its number of values.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct IssueInfo {
    /// The identifier.
    pub id: String,
    /// The display name.
    pub name: String,
    /// Its number of values (grid points for a real interval).
    pub values: u32,
}

/// A party's stated cost of conflict.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct CostInfo {
    /// The party's identifier.
    pub party: String,
    /// Its display name.
    pub name: String,
    /// The cost per round (0 when not stated).
    pub cost: f64,
    /// Whether the scenario states it.
    pub stated: bool,
}

/// Mean mobilisation of each side (null when no party of the side states one).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct MobilisationInfo {
    /// Side A's mean.
    pub side_a: Option<f64>,
    /// Side B's mean.
    pub side_b: Option<f64>,
}

/// The conflict model's levers.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ConflictInfo {
    /// Side A's probability of prevailing.
    pub balance: Option<f64>,
    /// Side A's party identifiers.
    pub side_a: Vec<String>,
    /// Side B's party identifiers.
    pub side_b: Vec<String>,
    /// Every side party's cost.
    pub costs: Vec<CostInfo>,
    /// Mean mobilisation per side.
    pub mobilisation: MobilisationInfo,
    /// Side A's mobilised share, when stated.
    pub mobilised_a: Option<f64>,
    /// Side B's mobilised share, when stated.
    pub mobilised_b: Option<f64>,
    /// The dynamics horizon in rounds, when stated.
    pub horizon: Option<u32>,
}

/// What a scenario holds.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ScenarioInfo {
    /// Its name.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Parties, in order.
    pub parties: Vec<NamedReport>,
    /// Issues, in order.
    pub issues: Vec<IssueInfo>,
    /// Packages in the outcome space (a float: it can exceed 2^64).
    pub outcomes: f64,
    /// Number of proposals.
    pub proposals: usize,
    /// The conflict model, if any.
    pub conflict: Option<ConflictInfo>,
}

/// Whether a scenario reads.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct CheckReport {
    /// Schema version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// Whether it reads without error.
    pub valid: bool,
    /// Every error, located.
    pub errors: Vec<DiagnosticReport>,
    /// What was assumed while reading (quirks of the source tolerated as GENIUS tolerates them).
    pub warnings: Vec<String>,
    /// What it holds (null when it does not read).
    pub info: Option<ScenarioInfo>,
}

impl ScenarioInfo {
    /// The summary of `s`.
    pub fn new(s: &impasse_core::Scenario) -> ScenarioInfo {
        let parties = s
            .parties()
            .iter()
            .map(|p| NamedReport { id: p.id.clone(), name: p.name.clone() })
            .collect();
        let issues = s
            .issues()
            .iter()
            .map(|i| IssueInfo { id: i.id.clone(), name: i.name.clone(), values: i.cardinality() })
            .collect();
        let conflict = s.conflict().map(|c| {
            let ids = |side: &[usize]| -> Vec<String> {
                side.iter().filter_map(|&p| s.parties().get(p)).map(|p| p.id.clone()).collect()
            };
            let mean = |side: &[usize]| -> Option<f64> {
                let v: Vec<f64> =
                    side.iter().filter_map(|&p| c.mobilisation.get(p).copied().flatten()).collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            let costs = c
                .side_a
                .iter()
                .chain(&c.side_b)
                .filter_map(|&p| {
                    let party = s.parties().get(p)?;
                    let stated = c.costs.get(p).copied().flatten();
                    Some(CostInfo {
                        party: party.id.clone(),
                        name: party.name.clone(),
                        cost: stated.unwrap_or(0.0),
                        stated: stated.is_some(),
                    })
                })
                .collect();
            ConflictInfo {
                balance: s.balance(),
                side_a: ids(&c.side_a),
                side_b: ids(&c.side_b),
                costs,
                mobilisation: MobilisationInfo { side_a: mean(&c.side_a), side_b: mean(&c.side_b) },
                mobilised_a: c.dynamics.mobilised_a,
                mobilised_b: c.dynamics.mobilised_b,
                horizon: c.dynamics.horizon,
            }
        });
        ScenarioInfo {
            title: s.name().to_owned(),
            description: s.description().to_owned(),
            parties,
            issues,
            outcomes: s.space().size_f64(),
            proposals: s.proposals().len(),
            conflict,
        }
    }
}

/// The check as text: the verdict, every problem located, what was assumed, what it holds.
pub fn render_check_text(report: &CheckReport) -> String {
    crate::safe::safe_owned(render_check_text_unescaped(report))
}

fn render_check_text_unescaped(report: &CheckReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in &report.errors {
        let at =
            if e.line > 0 { format!("{}:{}:{}", e.file, e.line, e.column) } else { e.file.clone() };
        let _ = write!(out, "{at}: {}", e.message);
        if !e.expected.is_empty() || !e.found.is_empty() {
            let _ = write!(out, " (expected {}, found {})", e.expected, e.found);
        }
        out.push('\n');
    }
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    match &report.info {
        Some(info) => {
            let names =
                |v: &[NamedReport]| v.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ");
            let _ = writeln!(out, "{}: reads without error", info.title);
            let _ = writeln!(out, "  parties ({}): {}", info.parties.len(), names(&info.parties));
            let issues: Vec<String> =
                info.issues.iter().map(|i| format!("{} ({} values)", i.id, i.values)).collect();
            let _ = writeln!(out, "  issues ({}): {}", info.issues.len(), issues.join(", "));
            let _ = writeln!(out, "  packages: {}", info.outcomes);
            let _ = writeln!(out, "  proposals: {}", info.proposals);
            let _ = writeln!(
                out,
                "  conflict model: {}",
                if info.conflict.is_some() { "yes" } else { "no" }
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} problem{}",
                report.errors.len(),
                if report.errors.len() == 1 { "" } else { "s" }
            );
        }
    }
    out
}
