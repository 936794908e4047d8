//! impasse's use cases: validated requests in, typed reports out.
//!
//! This is the layer under every front end (the CLI, the web server, the Python package), in the
//! spirit of rust-analyzer's `ide` crate: each entry takes a loaded scenario (or a path) and a
//! typed request, checks the request, runs the pure crates (`impasse-analysis`,
//! `impasse-negotiate`, `impasse-dynamics`, `impasse-format`) and returns a typed, versioned
//! report from `impasse-report`. Front ends only decode their input into a request, call one
//! entry and encode the report (JSON, text, CSV, a Python object); they hold no orchestration.
//!
//! | use case   | entry                       | report                                   |
//! |------------|-----------------------------|------------------------------------------|
//! | check      | [`check`]                   | [`impasse_report::CheckReport`]          |
//! | analyze    | [`analyze()`]               | [`impasse_report::AnalysisReport`]       |
//! | negotiate  | [`negotiate::negotiate`]    | [`impasse_report::NegotiationReport`]    |
//! | tournament | [`tournament::run`]         | [`impasse_report::TournamentReport`]     |
//! | dynamics   | [`dynamics::dynamics`]      | [`impasse_report::DynamicsReport`]       |
//! | export     | [`export::export`]          | [`impasse_report::ExportReport`]         |
//! | robustness | [`robustness::robustness`]  | [`impasse_report::RobustnessReport`]     |
//! | web view   | [`analysis_view`]           | [`impasse_report::view::AnalysisView`]   |
//!
//! Every long job takes a [`Token`]: cancellation, a deadline and progress, one mechanism for
//! the CLI's progress bars, the server's jobs and Python's Ctrl-C. Errors are [`AppError`]s that
//! speak of the model; front ends add their own flag names.
//!
//! Every count a request gives (runs, steps, repetitions, threads, …) is checked against one
//! policy, [`limits`], the same for every front end.
//!
//! A new model is one pure crate, one entry here and one report type in `impasse-report`.

pub mod dynamics;
mod error;
pub mod export;
pub mod limits;
pub mod negotiate;
pub mod robustness;
mod token;
pub mod tournament;
mod view;

use std::path::Path;

use impasse_analysis::{Analysis, AnalysisConfig};
use impasse_core::Scenario;
use impasse_format::{Diagnostics, GeniusSemantics, Override};
use impasse_report::check::{DiagnosticReport, ScenarioInfo};
use impasse_report::{AnalysisReport, CheckReport};

pub use error::AppError;
pub use token::{Cancelled, Progress, Token};
pub use view::analysis_view;

/// Loads the scenario at `path` (a native file, a GENIUS folder or a GeniusWeb folder), with
/// `overrides` applied to native files.
///
/// # Errors
///
/// [`AppError::Scenario`] with every located problem.
pub fn load(
    path: &Path,
    overrides: &[Override],
    semantics: GeniusSemantics,
) -> Result<Scenario, AppError> {
    impasse_format::load_path_with(path, overrides, semantics).map_err(|diagnostics| {
        AppError::Scenario { origin: path.display().to_string(), diagnostics }
    })
}

/// The report of reading a scenario: valid or not, every located problem, what it holds.
pub fn check(loaded: Result<&Scenario, Vec<DiagnosticReport>>) -> CheckReport {
    match loaded {
        Ok(scenario) => CheckReport {
            format_version: impasse_report::FORMAT_VERSION,
            valid: true,
            errors: Vec::new(),
            warnings: scenario.warnings().to_vec(),
            info: Some(ScenarioInfo::new(scenario)),
        },
        Err(errors) => CheckReport {
            format_version: impasse_report::FORMAT_VERSION,
            valid: false,
            errors,
            warnings: Vec::new(),
            info: None,
        },
    }
}

/// Every diagnostic as a report.
pub fn diagnostic_reports(diagnostics: &Diagnostics) -> Vec<DiagnosticReport> {
    diagnostics.0.iter().map(diagnostic_report).collect()
}

/// One diagnostic as a report.
pub fn diagnostic_report(d: &impasse_format::Diagnostic) -> DiagnosticReport {
    DiagnosticReport {
        file: d.file.clone(),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
        expected: d.expected.clone(),
        found: d.found.clone(),
    }
}

/// What to analyse, beyond the scenario.
#[derive(Clone, PartialEq, Debug)]
pub struct AnalyzeRequest {
    /// The most packages enumerated exactly (the analysis refuses larger spaces).
    pub max_outcomes: u64,
}

impl Default for AnalyzeRequest {
    fn default() -> AnalyzeRequest {
        AnalyzeRequest { max_outcomes: AnalysisConfig::default().max_outcomes }
    }
}

/// An analysis and its report (the analysis itself is kept for plots).
#[derive(Debug)]
pub struct Analyzed {
    /// The report.
    pub report: AnalysisReport,
    /// The analysis it was made from.
    pub analysis: Analysis,
}

/// The analysis alone, without its report (for callers that build the report only when asked,
/// as the Python package does).
///
/// # Errors
///
/// As [`analyze()`].
pub fn analysis(scenario: &Scenario, request: &AnalyzeRequest) -> Result<Analysis, AppError> {
    limits::OUTCOMES.check(request.max_outcomes)?;
    let config = AnalysisConfig { max_outcomes: request.max_outcomes, ..AnalysisConfig::default() };
    impasse_analysis::analyze(scenario, &config).map_err(|err| {
        let code = match err {
            impasse_analysis::AnalysisError::TooLarge { .. } => "too_large",
            _ => "cannot_analyse",
        };
        AppError::unprocessable(code, format!("cannot analyse: {err}"))
    })
}

/// Analyses `scenario`: the zone of agreement, the frontier, the solutions, the proposals, the
/// clashes, ripeness.
///
/// # Errors
///
/// [`AppError::Unprocessable`] (`too_large`, `cannot_analyse`) when the analysis cannot run.
pub fn analyze(scenario: &Scenario, request: &AnalyzeRequest) -> Result<Analyzed, AppError> {
    let analysis = analysis(scenario, request)?;
    Ok(Analyzed { report: AnalysisReport::new(scenario, &analysis), analysis })
}
