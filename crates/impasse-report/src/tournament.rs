//! The report of a tournament (`impasse tournament`, `POST /api/tournaments`,
//! `impasse.tournament`): the standings, and the run's size and speed.

use std::fmt::Write as _;

use impasse_negotiate::tournament::Standing;
use schemars::JsonSchema;
use serde::Serialize;

/// A tournament's result; its rows are in `rows.csv` and `rows.jsonl` (one
/// [`impasse_negotiate::tournament::Row`] per negotiation).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct TournamentReport {
    /// Schema version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// Negotiations in the tournament (all rows, resumed ones included).
    pub negotiations: u64,
    /// Of which ended in agreement.
    pub agreements: u64,
    /// The scenarios, as labelled in the rows.
    pub scenarios: Vec<String>,
    /// Scenarios left out because they could not be loaded or negotiated over, with why.
    pub skipped: Vec<SkippedScenario>,
    /// The standings, best first (by mean utility, then agreement rate, then name).
    pub standings: Vec<Standing>,
    /// This run: negotiations run now (not resumed) and wall-clock seconds.
    pub run: RunReport,
    /// The output folder, when the rows were written to files.
    pub output: Option<String>,
}

/// A scenario a tournament could not use.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct SkippedScenario {
    /// Its label.
    pub scenario: String,
    /// Why.
    pub reason: String,
}

/// What one run of a tournament did.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct RunReport {
    /// Negotiations run (0 when everything was resumed from the output folder).
    pub negotiations: u64,
    /// Rows found already written and kept.
    pub resumed: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The standings as a text table.
pub fn render_standings(standings: &[Standing]) -> String {
    crate::safe::safe_owned(render_standings_unescaped(standings))
}

fn render_standings_unescaped(standings: &[Standing]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>4}  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "rank", "agent", "negs", "utility", "agree", "welfare", "d_pareto", "d_nash"
    );
    for s in standings {
        let _ = writeln!(
            out,
            "{:>4}  {:<20} {:>9} {:>9.4} {:>9.3} {:>9.4} {:>9.4} {:>9}",
            s.rank,
            s.agent,
            s.negotiations,
            s.mean_utility,
            s.agreement_rate,
            s.mean_welfare,
            s.mean_pareto_distance,
            s.mean_nash_distance.map_or("-".into(), |d| format!("{d:.4}")),
        );
    }
    out
}

/// The tournament as text: the totals, the standings and where the rows are.
pub fn render_tournament_text(report: &TournamentReport) -> String {
    crate::safe::safe_owned(render_tournament_text_unescaped(report))
}

fn render_tournament_text_unescaped(report: &TournamentReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} negotiations ({} agreements) over {} scenarios; ran {} in {:.2} s ({:.0}/s)\n",
        report.negotiations,
        report.agreements,
        report.scenarios.len(),
        report.run.negotiations,
        report.run.seconds,
        report.run.negotiations as f64 / report.run.seconds.max(1e-9)
    );
    out.push_str(&render_standings(&report.standings));
    if let Some(folder) = &report.output {
        let _ = writeln!(
            out,
            "\nrows: {folder}/rows.csv and rows.jsonl; summary: {folder}/summary.json"
        );
    }
    out
}
