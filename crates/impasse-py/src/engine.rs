//! Every call from the Python package into impasse, in one place: the `impasse-app` use cases.
//!
//! The rest of the crate converts between Python and Rust values; this module decodes the Python
//! side's arguments into `impasse-app` requests, calls the use case and hands back its report. It
//! knows nothing of Python: cancellation (Ctrl-C, an error in a Python agent) comes in as an
//! [`impasse_app::Token`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use impasse_analysis::Analysis;
use impasse_app::negotiate::{NegotiateRequest as AppRequest, negotiate_on, prepare};
use impasse_app::{AnalyzeRequest, AppError, Token};
use impasse_core::{Issue, IssueKind, Party, Reservation, Scenario, ScenarioParts, Utility};
use impasse_format::{Diagnostics, GeniusSemantics, Override};
use impasse_negotiate::tournament::Protocol;
use impasse_negotiate::{Agent, AgentFactory, AgentSpec, Discounting, Setting};
use impasse_report::{AnalysisReport, NegotiationReport};

/// Why a call failed, sorted by the Python exception it becomes.
#[derive(Debug)]
pub(crate) enum EngineError {
    /// The scenario has problems: every diagnostic (`impasse.ScenarioError`).
    Scenario(Diagnostics),
    /// A bad argument or a scenario the call cannot handle (`ValueError`).
    Invalid(String),
    /// Cancelled, by Ctrl-C (`KeyboardInterrupt`) or by an error raised in a Python agent.
    Cancelled,
}

impl From<AppError> for EngineError {
    fn from(err: AppError) -> EngineError {
        match err {
            AppError::Scenario { diagnostics, .. } => EngineError::Scenario(diagnostics),
            AppError::Cancelled | AppError::TimedOut => EngineError::Cancelled,
            AppError::Field { field, message } => {
                EngineError::Invalid(format!("{field}: {message}"))
            }
            other => EngineError::Invalid(other.to_string()),
        }
    }
}

/// Loads a scenario (native file, GENIUS or GeniusWeb folder) as the CLI does, with `--set`
/// overrides.
pub(crate) fn load(
    path: &Path,
    overrides: &[(String, String)],
    semantics: &str,
) -> Result<Scenario, EngineError> {
    let semantics = match semantics {
        "genius" => GeniusSemantics::Genius,
        "negmas" => GeniusSemantics::Negmas,
        other => {
            return Err(EngineError::Invalid(format!(
                "unknown GENIUS semantics '{other}'; expected 'genius' or 'negmas'"
            )));
        }
    };
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|(path, value)| Override { path: path.clone(), value: value.clone() })
        .collect();
    Ok(impasse_app::load(path, &overrides, semantics)?)
}

/// Analyses a scenario (`impasse analyze` without the report, which is built when asked for).
pub(crate) fn analyze(scenario: &Scenario, max_outcomes: u64) -> Result<Analysis, EngineError> {
    Ok(impasse_app::analysis(scenario, &AnalyzeRequest { max_outcomes })?)
}

/// The report of an analysis serialised exactly as `impasse analyze --format json` prints it
/// (compact rather than pretty, the same values).
pub(crate) fn analysis_report_json(scenario: &Scenario, analysis: &Analysis) -> String {
    let report = AnalysisReport::new(scenario, analysis);
    serde_json::to_string(&report).expect("a report serialises: its maps have string keys")
}

/// Prepares a scenario for negotiation (every party's utility of every outcome, tabulated once).
pub(crate) fn setting(scenario: Arc<Scenario>) -> Result<Arc<Setting>, EngineError> {
    Ok(Arc::new(prepare(scenario, impasse_negotiate::MAX_NEGOTIATION_OUTCOMES)?))
}

/// Parses a built-in agent name (`boulware`, `time-based:2`, ...).
pub(crate) fn agent_spec(name: &str) -> Result<AgentSpec, EngineError> {
    name.parse::<AgentSpec>().map_err(|err| EngineError::Invalid(err.to_string()))
}

/// The built-in agents' names, for help and errors.
pub(crate) fn agent_names() -> Vec<String> {
    impasse_negotiate::AGENT_NAMES.iter().map(|s| (*s).to_owned()).collect()
}

/// A negotiation request, with the CLI's defaults in [`NegotiateRequest::new`].
pub(crate) struct NegotiateRequest {
    /// One seat per party, in party order.
    pub(crate) seats: Vec<Seat>,
    /// The step deadline.
    pub(crate) steps: u32,
    /// The seed of the first negotiation (repetition `k` uses `seed + k`).
    pub(crate) seed: u64,
    /// `"sao"` or `"mediated"`.
    pub(crate) protocol: String,
    /// A wall-clock limit in seconds.
    pub(crate) time_limit: Option<f64>,
    /// A discount factor in `(0, 1]`.
    pub(crate) discount: Option<f64>,
    /// `"genius"` (per unit of relative time) or `"negmas"` (per step).
    pub(crate) discount_mode: String,
    /// How many negotiations to run; the first is reported, all are summed as throughput.
    pub(crate) repetitions: u32,
}

impl NegotiateRequest {
    /// A request with `impasse negotiate`'s defaults.
    pub(crate) fn new(seats: Vec<Seat>) -> NegotiateRequest {
        NegotiateRequest {
            seats,
            steps: 100,
            seed: 0,
            protocol: "sao".to_owned(),
            time_limit: None,
            discount: None,
            discount_mode: "genius".to_owned(),
            repetitions: 1,
        }
    }
}

/// Runs a negotiation through `impasse_app::negotiate` and returns its report, the one
/// `impasse negotiate --format json` prints; `token` stops it (checked between negotiations of a
/// repeated run and inside Python agents).
pub(crate) fn negotiate(
    scenario: &Arc<Scenario>,
    setting: &Arc<Setting>,
    request: NegotiateRequest,
    token: &Token,
) -> Result<NegotiationReport, EngineError> {
    let protocol = match request.protocol.as_str() {
        "sao" => Protocol::Sao,
        "mediated" => Protocol::Mediated,
        other => {
            return Err(EngineError::Invalid(format!(
                "unknown protocol '{other}'; expected 'sao' or 'mediated'"
            )));
        }
    };
    let time_limit = match request.time_limit {
        Some(secs) if !(secs.is_finite() && secs > 0.0) => {
            return Err(EngineError::Invalid(
                "time_limit: must be a positive number of seconds".into(),
            ));
        }
        other => other.map(Duration::from_secs_f64),
    };
    let discounting = match (request.discount, request.discount_mode.as_str()) {
        (None, "genius" | "negmas") => Discounting::None,
        (Some(d), "genius") => Discounting::RelativeTime(d),
        (Some(d), "negmas") => Discounting::PerStep(d),
        (_, other) => {
            return Err(EngineError::Invalid(format!(
                "unknown discount mode '{other}'; expected 'genius' or 'negmas'"
            )));
        }
    };
    let agents = factories(request.seats, &[(scenario.clone(), setting.clone())]);
    let app = AppRequest {
        agents,
        protocol,
        steps: request.steps,
        seed: request.seed,
        repetitions: request.repetitions,
        time_limit,
        discounting,
        ..AppRequest::default()
    };
    Ok(negotiate_on(scenario.clone(), setting.clone(), &app, token)?.report)
}

/// One party of a linear-additive scenario built from tables (NegMAS interop).
pub(crate) struct TableParty {
    /// Identifier and name.
    pub(crate) id: String,
    /// One weight per issue.
    pub(crate) weights: Vec<f64>,
    /// Per issue, the value of each of its values.
    pub(crate) values: Vec<Vec<f64>>,
    /// A constant added to every utility.
    pub(crate) offset: f64,
    /// The reservation value.
    pub(crate) reservation: f64,
}

/// The values of an issue built from tables.
pub(crate) enum TableIssue {
    /// Named values.
    Labels(Vec<String>),
    /// The integers `min..=max`.
    Integers(i64, i64),
}

/// A linear-additive scenario from its parts: issues (name, values) and parties.
pub(crate) fn scenario_from_tables(
    name: &str,
    issues: Vec<(String, TableIssue)>,
    parties: Vec<TableParty>,
) -> Result<Scenario, EngineError> {
    let issues = issues
        .into_iter()
        .map(|(name, values)| {
            let kind = match values {
                TableIssue::Labels(values) => IssueKind::Categorical { values },
                TableIssue::Integers(min, max) => IssueKind::Integer { min, max },
            };
            Issue::new(&name, &name, kind)
        })
        .collect();
    let parties = parties
        .into_iter()
        .map(|party| Party {
            name: party.id.clone(),
            id: party.id,
            description: String::new(),
            power: 1.0,
            utility: Utility::new(party.weights, party.values).with_offset(party.offset),
            reservation: Reservation::Value(party.reservation),
            discount: None,
        })
        .collect();
    let parts =
        ScenarioParts { name: name.to_owned(), issues, parties, ..ScenarioParts::default() };
    Scenario::new(parts).map_err(|errors| {
        let messages: Vec<String> = errors.into_iter().map(|e| e.0).collect();
        EngineError::Invalid(format!("not a valid scenario: {}", messages.join("; ")))
    })
}

/// Runs the dynamics models (`impasse dynamics`) on the scenario at `path` (reloaded at every
/// sweep point with the overrides), or on `scenario` itself when there is no path, no override
/// and no sweep; returns the report.
#[allow(clippy::too_many_arguments)]
pub(crate) fn dynamics(
    scenario: &Arc<Scenario>,
    path: Option<&Path>,
    overrides: &[(String, String)],
    runs: u64,
    seed: u64,
    horizon: Option<u32>,
    stalemate: f64,
    models: &[String],
    sweeps: &[String],
    token: &Token,
) -> Result<impasse_report::DynamicsReport, EngineError> {
    let request = impasse_app::dynamics::DynamicsRequest {
        runs,
        seed,
        horizon,
        stalemate,
        models: impasse_app::dynamics::models_by_name(models)?,
        sweeps: sweeps.iter().map(|s| s.parse()).collect::<Result<Vec<_>, AppError>>()?,
        overrides: overrides
            .iter()
            .map(|(path, value)| Override { path: path.clone(), value: value.clone() })
            .collect(),
    };
    let source = path.map_or_else(|| scenario.name().to_owned(), |p| p.display().to_string());
    let load = |overrides: &[Override]| -> Result<Scenario, AppError> {
        match path {
            Some(path) => impasse_app::load(path, overrides, GeniusSemantics::Genius),
            None if overrides.is_empty() => Ok((**scenario).clone()),
            None => Err(AppError::invalid(
                "overrides and sweeps reload the scenario from its file; load it from a path",
            )),
        }
    };
    Ok(impasse_app::dynamics::dynamics(&load, &source, &request, token)?.report)
}

/// The GENIUS export of a scenario (files in memory, what could not be expressed).
pub(crate) fn export(scenario: &Scenario) -> Result<impasse_report::ExportReport, EngineError> {
    Ok(impasse_app::export::export(scenario)?)
}

/// The caller's agent factory (a Python agent): given the scenario and setting of the
/// negotiation and the party it plays, it builds the agent; called once per negotiation.
pub(crate) type BuildFn =
    Box<dyn Fn(Arc<Scenario>, Arc<Setting>, usize) -> Box<dyn Agent> + Send + Sync>;

/// One seat at the table (a negotiation's party, or a tournament's agent): a built-in agent or
/// the caller's.
pub(crate) enum Seat {
    /// A built-in agent.
    BuiltIn(AgentSpec),
    /// The caller's agent: its display name and its factory.
    Custom(String, BuildFn),
}

/// The caller's agent as the application layer's agent factory: handed a setting, it finds that
/// setting's shared scenario and setting among `entries` to build the agent on.
struct Custom {
    name: String,
    entries: Vec<(Arc<Scenario>, Arc<Setting>)>,
    build: BuildFn,
}

impl std::fmt::Debug for Custom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Custom").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The seats as agent factories, the caller's built on `entries`.
fn factories(
    seats: Vec<Seat>,
    entries: &[(Arc<Scenario>, Arc<Setting>)],
) -> Vec<Arc<dyn AgentFactory>> {
    seats
        .into_iter()
        .map(|seat| match seat {
            Seat::BuiltIn(spec) => Arc::new(spec) as Arc<dyn AgentFactory>,
            Seat::Custom(name, build) => {
                Arc::new(Custom { name, entries: entries.to_vec(), build }) as Arc<dyn AgentFactory>
            }
        })
        .collect()
}

impl AgentFactory for Custom {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn build<'a>(&self, setting: &'a Setting, me: usize, _seed: u64) -> Box<dyn Agent + 'a> {
        let (scenario, shared) = self
            .entries
            .iter()
            .find(|(_, s)| std::ptr::eq(Arc::as_ptr(s), setting))
            .expect("a tournament builds agents only on its own entries");
        (self.build)(scenario.clone(), shared.clone(), me)
    }
}

/// Runs a tournament (`impasse tournament`): in memory, or into `output` (rows, manifest,
/// `summary.json`, resumable). Returns the report and, in memory, the rows.
#[allow(clippy::too_many_arguments)]
pub(crate) fn tournament(
    entries: Vec<(String, Arc<Scenario>, Arc<Setting>)>,
    agents: Vec<Seat>,
    repetitions: u32,
    steps: u32,
    seed: u64,
    protocol: &str,
    output: Option<&Path>,
    fresh: bool,
    token: &Token,
) -> Result<(impasse_report::TournamentReport, Vec<impasse_negotiate::tournament::Row>), EngineError>
{
    let protocol = match protocol {
        "sao" => Protocol::Sao,
        "mediated" => Protocol::Mediated,
        other => {
            return Err(EngineError::Invalid(format!(
                "unknown protocol '{other}'; expected 'sao' or 'mediated'"
            )));
        }
    };
    let shared: Vec<(Arc<Scenario>, Arc<Setting>)> =
        entries.iter().map(|(_, scenario, setting)| (scenario.clone(), setting.clone())).collect();
    let agents = factories(agents, &shared);
    let request = impasse_app::tournament::TournamentRequest {
        scenarios: entries.into_iter().map(|(name, _, setting)| (name, setting)).collect(),
        agents,
        repetitions,
        steps,
        seed,
        protocol,
        max_negotiations: u64::MAX,
    };
    let tournament = request.prepare()?;
    match output {
        Some(folder) => {
            let report =
                impasse_app::tournament::run(&tournament, folder, fresh, Vec::new(), token)?;
            Ok((report, Vec::new()))
        }
        None => {
            let mut rows = Vec::new();
            let report = impasse_app::tournament::run_in_memory(&tournament, token, |batch| {
                rows.extend_from_slice(batch);
            })?;
            Ok((report, rows))
        }
    }
}
