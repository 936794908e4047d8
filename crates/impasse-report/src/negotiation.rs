//! The report of one negotiation (`impasse negotiate`, `POST /api/scenarios/{name}/negotiate`,
//! `impasse.negotiate`), and its text and CSV renderings.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

use crate::{ConstraintReport, OrderedMap, RipenessReport, ValueReport};

/// One negotiation: who played, how it ended, what each party got, how far from the frontier and
/// the Nash point, the offers in order and, when no agreement was reached, why.
///
/// Utilities are each party's own utility scale (0 to 1 for GENIUS domains), after red-line
/// penalties; the figures are exact for the run shown (a run is deterministic given its seed).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct NegotiationReport {
    /// Schema version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// The scenario's name.
    pub scenario: String,
    /// `sao` (stacked alternating offers) or `mediated` (single text).
    pub protocol: &'static str,
    /// Party name → the agent that played it, in party order.
    pub agents: OrderedMap<String>,
    /// The step deadline.
    pub n_steps: u32,
    /// The seed of the run shown.
    pub seed: u64,
    /// The agreed package (issue name → value), or null.
    pub agreement: Option<OrderedMap<ValueReport>>,
    /// The agreed package's index in the outcome space (issues in order, last fastest), or null.
    pub agreement_index: Option<u32>,
    /// How it ended: `agreement`, `deadline`, `ended`, `not-ratified`, `invalid-offer`, `timeout`.
    pub end: &'static str,
    /// The party that walked away or made an invalid offer, if any.
    pub ended_by: Option<String>,
    /// Steps taken (NegMAS's `state.step` at the end).
    pub steps: u32,
    /// Offers made.
    pub offers: u32,
    /// Acceptances vetoed (a package crossing an absolute red line of the accepting party).
    pub vetoes: u32,
    /// Party name → utility obtained (the reservation value without agreement).
    pub utilities: OrderedMap<f64>,
    /// Party name → reservation value.
    pub reservation: OrderedMap<f64>,
    /// Sum of the utilities obtained.
    pub welfare: f64,
    /// Euclidean distance, in utility units, from the utilities obtained to the nearest point of
    /// the Pareto frontier.
    pub pareto_distance: f64,
    /// Euclidean distance to the Nash point (null when no package beats every reservation value).
    pub nash_distance: Option<f64>,
    /// Why no agreement was reached (null after an agreement).
    pub why_no_agreement: Option<WhyNoAgreement>,
    /// Speed and outcome rates over repeated runs (null without `repetitions` above 1).
    pub throughput: Option<Throughput>,
    /// Every offer, in order.
    pub trace: Vec<TraceStep>,
    /// The Pareto frontier and Nash point the distances are measured to.
    pub reference: ReferenceReport,
}

/// One offer of a negotiation.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct TraceStep {
    /// The step it was made at.
    pub step: u32,
    /// Relative time in [0, 1] (NegMAS's `relative_time`).
    pub time: f64,
    /// The party that made it (`mediator` under the mediated protocol).
    pub proposer: String,
    /// The package offered (issue name → value).
    pub outcome: OrderedMap<ValueReport>,
    /// Its index in the outcome space.
    pub outcome_index: u32,
    /// Party name → utility of the package.
    pub utilities: OrderedMap<f64>,
}

/// Why no agreement was reached: the analysis verdict and its minimal clash sets.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct WhyNoAgreement {
    /// `empty`, `non-empty`, or `unknown` when the analysis could not run.
    pub zone_of_agreement: &'static str,
    /// Packages in the zone of agreement (a decimal string: it can exceed 2^64), when non-empty.
    pub zone_size: Option<String>,
    /// One sentence.
    pub explanation: String,
    /// Minimal sets of clashing constraints (each clashes; dropping any member opens a zone).
    pub clashes: Vec<Vec<ConstraintReport>>,
    /// Ripeness, when the scenario has a conflict model.
    pub ripeness: Option<RipenessReport>,
}

/// Repeated runs: speed (wall-clock, this machine) and outcome rates (simulated over the runs).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct Throughput {
    /// Runs made (seeds `seed`, `seed + 1`, …).
    pub repetitions: u64,
    /// Wall-clock seconds for all of them.
    pub seconds: f64,
    /// Runs per second.
    pub negotiations_per_second: f64,
    /// Protocol steps per second.
    pub steps_per_second: f64,
    /// Mean steps per run.
    pub mean_steps: f64,
    /// Share of runs ending in agreement.
    pub agreement_rate: f64,
    /// Party name → mean utility obtained.
    pub mean_utilities: OrderedMap<f64>,
}

/// The reference points of the negotiation metrics: the Pareto frontier (utilities before
/// red-line penalties are not used: these are the agents' utilities) and the Nash point.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ReferenceReport {
    /// Frontier points as utility vectors in party order, at most [`MAX_FRONTIER_POINTS`] of
    /// them, evenly sampled when the frontier is larger.
    pub frontier: Vec<Vec<f64>>,
    /// The number of points on the whole frontier.
    pub frontier_size: usize,
    /// The Nash point's utilities in party order, or null.
    pub nash: Option<Vec<f64>>,
}

/// The most frontier points a [`ReferenceReport`] carries.
pub const MAX_FRONTIER_POINTS: usize = 2000;

fn display(value: &ValueReport) -> String {
    match value {
        ValueReport::Label(label) => label.clone(),
        ValueReport::Int(v) => v.to_string(),
        ValueReport::Real(v) => v.to_string(),
    }
}

/// The negotiation as text, for a terminal.
pub fn render_negotiation_text(report: &NegotiationReport) -> String {
    crate::safe::safe_owned(render_negotiation_text_unescaped(report))
}

fn render_negotiation_text_unescaped(report: &NegotiationReport) -> String {
    let mut out = String::new();
    let agents: Vec<String> = report.agents.0.iter().map(|(p, a)| format!("{p}={a}")).collect();
    let _ = writeln!(out, "Negotiation on {} ({})", report.scenario, report.protocol);
    let _ = writeln!(out, "  agents: {}", agents.join(", "));
    let steps = report.steps;
    match (report.end, &report.agreement) {
        ("agreement", Some(agreement)) => {
            let _ = writeln!(
                out,
                "\nAgreement after {steps} of {} steps ({} offers):",
                report.n_steps, report.offers
            );
            for (issue, value) in &agreement.0 {
                let _ = writeln!(out, "  {issue} = {}", display(value));
            }
        }
        (end, _) => {
            let how = match end {
                "deadline" => format!("the deadline passed after {steps} steps"),
                "ended" => format!(
                    "{} walked away at step {steps}",
                    report.ended_by.as_deref().unwrap_or("a party")
                ),
                "not-ratified" => "the final text was not ratified by every party".to_owned(),
                other => other.to_owned(),
            };
            let _ = writeln!(
                out,
                "\nNo agreement: {how} ({} offers, {} vetoed acceptances).",
                report.offers, report.vetoes
            );
        }
    }
    let _ = writeln!(out, "\nUtilities (reservation value):");
    for (party, value) in &report.utilities.0 {
        let reservation = report.reservation.get(party).copied().unwrap_or(f64::NAN);
        let _ = writeln!(out, "  {party:<24} {value:>9.4}  ({reservation:.4})");
    }
    let _ = writeln!(
        out,
        "  welfare {:.4}, distance to Pareto frontier {:.4}, to Nash point {}",
        report.welfare,
        report.pareto_distance,
        report.nash_distance.map_or("- (no zone)".to_owned(), |d| format!("{d:.4}"))
    );
    if let Some(why) = &report.why_no_agreement {
        let _ = writeln!(out, "\nWhy no agreement:");
        let _ = writeln!(out, "  {}", why.explanation);
        for (k, clash) in why.clashes.iter().enumerate() {
            let _ = writeln!(out, "  clash {}:", k + 1);
            for c in clash {
                let _ = writeln!(
                    out,
                    "    - {} ({}, {}): {}",
                    c.constraint, c.party, c.kind, c.description
                );
            }
        }
    }
    if let Some(t) = &report.throughput {
        let _ = writeln!(
            out,
            "\n{} repetitions in {:.3} s: {:.0} negotiations per second, agreement rate {:.3}",
            t.repetitions, t.seconds, t.negotiations_per_second, t.agreement_rate
        );
    }
    out
}

/// The trace as CSV: `step,time,proposer,outcome_index`, one column per issue (its name), then
/// `u_PARTY` per party.
pub fn render_trace_csv(report: &NegotiationReport) -> String {
    let mut out = String::new();
    let issues: Vec<&String> = report
        .trace
        .first()
        .map(|t| t.outcome.0.iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    let mut header: Vec<String> =
        ["step", "time", "proposer", "outcome_index"].map(str::to_owned).to_vec();
    header.extend(issues.iter().map(|i| (*i).clone()));
    header.extend(report.utilities.0.iter().map(|(p, _)| format!("u_{p}")));
    let _ = writeln!(out, "{}", header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","));
    for t in &report.trace {
        let mut row = vec![
            t.step.to_string(),
            json_number(t.time),
            csv_field(&t.proposer),
            t.outcome_index.to_string(),
        ];
        row.extend(t.outcome.0.iter().map(|(_, v)| csv_field(&display(v))));
        row.extend(t.utilities.0.iter().map(|(_, u)| json_number(*u)));
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

/// A number as JSON writes it (so the CSV and the JSON trace agree digit for digit).
fn json_number(v: f64) -> String {
    serde_json::to_string(&v).unwrap_or_else(|_| v.to_string())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
