//! The report of a robustness analysis (`impasse robustness`): how sure the analysis's answer is
//! when the numbers the analyst guessed vary over their ranges. Every figure is simulated (Monte
//! Carlo over the inputs' distributions) unless it says otherwise.

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

/// A probability estimated by sampling, with its Monte Carlo standard error.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, JsonSchema)]
pub struct Estimate {
    /// The estimate, a probability in [0, 1].
    pub probability: f64,
    /// Its standard error, `sqrt(p(1 − p)/draws)`.
    pub standard_error: f64,
}

/// One uncertain input.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct InputReport {
    /// The `--set` path of the number (e.g. `conflict.balance`).
    pub path: String,
    /// `uniform` or `triangular`.
    pub distribution: &'static str,
    /// The lower end of its range.
    pub low: f64,
    /// The most likely value (triangular only).
    pub mode: Option<f64>,
    /// The upper end of its range.
    pub high: f64,
}

/// The probability of each verdict.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, JsonSchema)]
pub struct VerdictProbability {
    /// No package acceptable to every party.
    pub impasse: Estimate,
    /// At least one package acceptable to every party.
    pub agreement_possible: Estimate,
}

/// How often one set of constraints is among the minimal clashing sets.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ClashProbability {
    /// The constraints of the set, as the text report names them ("russia's red line
    /// 'hold_new_territories'").
    pub set: Vec<String>,
    /// The probability that this set is among the minimal clashing sets.
    pub probability: Estimate,
}

/// The analysis with one input at one end of its range and the others at their medians.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct SwingEnd {
    /// The input's value.
    pub value: f64,
    /// The verdict there (exact: one analysis).
    pub verdict: &'static str,
    /// The zone's size there, in packages.
    pub zone_size: u128,
}

/// One input's influence on the verdict.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct Driver {
    /// The input's path.
    pub path: String,
    /// First-order variance-based index of the impasse indicator (Saltelli 2010): the share of
    /// its variance due to this input alone; `null` when the verdict never varied.
    pub first_order: Option<f64>,
    /// Total index (Jansen 1999): the share including interactions; `null` as above.
    pub total: Option<f64>,
    /// One at a time (the tornado): the input at the low end of its range.
    pub low: SwingEnd,
    /// The input at the high end.
    pub high: SwingEnd,
}

/// The robustness report (schema version [`crate::FORMAT_VERSION`]).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct RobustnessReport {
    /// The report format's version.
    pub format_version: u32,
    /// The scenario's name.
    pub scenario: String,
    /// The sample size N of the design: 2N independent draws estimate the probabilities, and
    /// N·(k + 2) analyses (k inputs) the sensitivity indices.
    pub samples: u64,
    /// The seed.
    pub seed: u64,
    /// Analyses run in all (design and swings).
    pub analyses: u64,
    /// How the figures were obtained.
    pub method: String,
    /// The uncertain inputs (every other number as in the scenario).
    pub inputs: Vec<InputReport>,
    /// The verdict with every input at its median (exact: one analysis).
    pub verdict_at_medians: &'static str,
    /// The probability of each verdict over the inputs' distributions (simulated).
    pub verdict_probability: VerdictProbability,
    /// Every clashing set seen, most frequent first (simulated).
    pub clash_probability: Vec<ClashProbability>,
    /// The inputs, ranked by total index (then by how much the swings move the zone).
    pub drivers: Vec<Driver>,
    /// Remarks on reading the figures.
    pub notes: Vec<String>,
}

/// The report as text.
pub fn render_robustness_text(report: &RobustnessReport) -> String {
    crate::safe::safe_owned(render_robustness_text_unescaped(report))
}

fn render_robustness_text_unescaped(report: &RobustnessReport) -> String {
    let mut out = String::new();
    let pct =
        |e: &Estimate| format!("{:.1}% ± {:.1}", 100.0 * e.probability, 100.0 * e.standard_error);
    let _ = writeln!(
        out,
        "{}: robustness over {} uncertain input(s)",
        report.scenario,
        report.inputs.len()
    );
    let _ = writeln!(
        out,
        "{} draws, {} analyses in all, seed {} (simulated; ± one standard error, in percentage points)\n",
        2 * report.samples,
        report.analyses,
        report.seed
    );
    let _ = writeln!(out, "Inputs");
    for input in &report.inputs {
        let shape = match input.mode {
            Some(mode) => format!("triangular on [{}, {}], mode {mode}", input.low, input.high),
            None => format!("uniform on [{}, {}]", input.low, input.high),
        };
        let _ = writeln!(out, "  {:<32} {shape}", input.path);
    }
    let v = &report.verdict_probability;
    let _ = writeln!(out, "\nVerdict");
    let _ = writeln!(
        out,
        "  with every input at its median: {}",
        report.verdict_at_medians.replace('_', " ")
    );
    let _ = writeln!(out, "  P(impasse)            {}", pct(&v.impasse));
    let _ = writeln!(out, "  P(agreement possible) {}", pct(&v.agreement_possible));
    if !report.clash_probability.is_empty() {
        let _ = writeln!(out, "\nClashing sets (probability of being among the minimal sets)");
        for clash in report.clash_probability.iter().take(10) {
            let _ = writeln!(out, "  {:>14}  {}", pct(&clash.probability), clash.set.join(" + "));
        }
        if report.clash_probability.len() > 10 {
            let _ =
                writeln!(out, "  ... {} more (--format json)", report.clash_probability.len() - 10);
        }
    }
    let _ = writeln!(
        out,
        "\nWhat drives the verdict (variance shares of the impasse indicator; swings with the others at their medians)"
    );
    for d in &report.drivers {
        let index = match (d.first_order, d.total) {
            (Some(first), Some(total)) => format!("first {first:.2}, total {total:.2}"),
            _ => "no variance".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {:<32} {index}; at {}: {} (zone {}), at {}: {} (zone {})",
            d.path,
            d.low.value,
            d.low.verdict.replace('_', " "),
            d.low.zone_size,
            d.high.value,
            d.high.verdict.replace('_', " "),
            d.high.zone_size
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "\nNote: {note}");
    }
    out
}
