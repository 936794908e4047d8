//! Every call from the Python package into the impasse libraries, in one place.
//!
//! The rest of the crate converts between Python and Rust values; this module loads, analyses and
//! negotiates, and builds the reports. It knows nothing of Python, so when the use-case layer
//! (`impasse-app`) lands, its functions become calls into that layer and nothing else changes:
//! [`load`] → the app's load request, [`analyze`] and [`analysis_report_json`] → its analyze
//! request and `AnalysisReport`, [`negotiate`] → its
//! negotiate request with the cancellation token in place of [`Cancel`], and
//! [`negotiation_report`] → `impasse_report::NegotiationReport`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use impasse_analysis::{Analysis, AnalysisConfig, Verdict};
use impasse_core::{Issue, IssueKind, Party, Reservation, Scenario, ScenarioParts, Utility};
use impasse_format::{Diagnostics, GeniusSemantics, Override};
use impasse_negotiate::{
    Agent, AgentSpec, Discounting, MediatedConfig, Metrics, NegotiationResult, Reference,
    SaoConfig, Setting, run_mediated, run_sao,
};
use impasse_report::{AnalysisReport, ValueReport};
use serde_json::{Map, Value, json};

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

/// Asks whether to stop; called between negotiations of a repeated run.
pub(crate) type Cancel<'a> = &'a dyn Fn() -> bool;

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
    impasse_format::load_path_with(path, &overrides, semantics).map_err(EngineError::Scenario)
}

/// Analyses a scenario (`impasse analyze` without the report).
pub(crate) fn analyze(scenario: &Scenario, max_outcomes: u64) -> Result<Analysis, EngineError> {
    let config = AnalysisConfig { max_outcomes, ..AnalysisConfig::default() };
    impasse_analysis::analyze(scenario, &config)
        .map_err(|err| EngineError::Invalid(format!("cannot analyse: {err}")))
}

/// The report of an analysis serialised exactly as `impasse analyze --format json` prints it
/// (compact rather than pretty, the same values).
pub(crate) fn analysis_report_json(scenario: &Scenario, analysis: &Analysis) -> String {
    let report = AnalysisReport::new(scenario, analysis);
    serde_json::to_string(&report).expect("a report serialises: its maps have string keys")
}

/// Prepares a scenario for negotiation (every party's utility of every outcome, tabulated once).
pub(crate) fn setting(scenario: Arc<Scenario>) -> Result<Arc<Setting>, EngineError> {
    Setting::from_scenario(scenario)
        .map(Arc::new)
        .map_err(|err| EngineError::Invalid(format!("cannot negotiate: {err}")))
}

/// Parses a built-in agent name (`boulware`, `time-based:2`, ...).
pub(crate) fn agent_spec(name: &str) -> Result<AgentSpec, EngineError> {
    name.parse::<AgentSpec>().map_err(|err| EngineError::Invalid(err.to_string()))
}

/// The built-in agents' names, for help and errors.
pub(crate) fn agent_names() -> Vec<String> {
    impasse_negotiate::AGENT_NAMES.iter().map(|s| (*s).to_owned()).collect()
}

/// One seat at the table: a built-in agent or one the caller builds (a Python agent).
pub(crate) enum Seat<'a> {
    /// A built-in agent.
    BuiltIn(AgentSpec),
    /// The caller's agent: its display name and a factory called once per negotiation.
    Custom(String, Box<dyn Fn() -> Box<dyn Agent> + Send + Sync + 'a>),
}

impl Seat<'_> {
    fn label(&self) -> String {
        match self {
            Seat::BuiltIn(spec) => spec.to_string(),
            Seat::Custom(name, _) => name.clone(),
        }
    }
}

/// A negotiation request, with the CLI's defaults in [`NegotiateRequest::new`].
pub(crate) struct NegotiateRequest<'a> {
    /// One seat per party, in party order.
    pub(crate) seats: Vec<Seat<'a>>,
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

impl<'a> NegotiateRequest<'a> {
    /// A request with `impasse negotiate`'s defaults.
    pub(crate) fn new(seats: Vec<Seat<'a>>) -> NegotiateRequest<'a> {
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

/// Runs a negotiation as `impasse negotiate` does and returns its report (`--format json`); with `repetitions > 1` the further runs are
/// summed into the report's `throughput`, checking `cancel` between them.
pub(crate) fn negotiate(
    scenario: &Arc<Scenario>,
    setting: &Arc<Setting>,
    request: &NegotiateRequest<'_>,
    cancel: Cancel<'_>,
) -> Result<Value, EngineError> {
    let parties = setting.parties();
    if request.seats.len() != parties.len() {
        let names: Vec<&str> = parties.iter().map(|p| p.id.as_str()).collect();
        return Err(EngineError::Invalid(format!(
            "{} agent{} given for {} parties ({}); give one agent per party, in that order",
            request.seats.len(),
            if request.seats.len() == 1 { "" } else { "s" },
            parties.len(),
            names.join(", ")
        )));
    }
    if request.steps == 0 || request.repetitions == 0 {
        return Err(EngineError::Invalid("steps and repetitions must be at least 1".into()));
    }
    let time_limit = match request.time_limit {
        Some(secs) if !(secs.is_finite() && secs > 0.0) => {
            return Err(EngineError::Invalid(
                "time_limit must be a positive number of seconds".into(),
            ));
        }
        other => other.map(Duration::from_secs_f64),
    };
    let discounting = match (request.discount, request.discount_mode.as_str()) {
        (None, "genius" | "negmas") => Discounting::None,
        (Some(d), _) if !(d > 0.0 && d <= 1.0) => {
            return Err(EngineError::Invalid("discount must be in (0, 1]".into()));
        }
        (Some(d), "genius") => Discounting::RelativeTime(d),
        (Some(d), "negmas") => Discounting::PerStep(d),
        (_, other) => {
            return Err(EngineError::Invalid(format!(
                "unknown discount mode '{other}'; expected 'genius' or 'negmas'"
            )));
        }
    };
    let mediated = match request.protocol.as_str() {
        "sao" => false,
        "mediated" => true,
        other => {
            return Err(EngineError::Invalid(format!(
                "unknown protocol '{other}'; expected 'sao' or 'mediated'"
            )));
        }
    };
    let one = |seed: u64, record: bool| -> NegotiationResult {
        let mut agents: Vec<Box<dyn Agent + '_>> = request
            .seats
            .iter()
            .enumerate()
            .map(|(me, seat)| match seat {
                Seat::BuiltIn(spec) => {
                    spec.build(setting, me, seed.wrapping_add(me as u64 * 0x9E37_79B9))
                }
                Seat::Custom(_, build) => build(),
            })
            .collect();
        if mediated {
            let config = MediatedConfig { n_steps: request.steps, seed, record_trace: record };
            run_mediated(setting, &mut agents, &config)
        } else {
            let config = SaoConfig {
                n_steps: Some(request.steps),
                time_limit,
                discounting,
                record_trace: record,
            };
            run_sao(setting, &mut agents, &config)
        }
    };
    let result = one(request.seed, true);
    if cancel() {
        return Err(EngineError::Cancelled);
    }
    let throughput = if request.repetitions > 1 {
        let start = Instant::now();
        let (mut runs, mut agreements, mut steps) = (0u64, 0u64, 0u64);
        let mut sums = vec![0.0; parties.len()];
        for k in 0..u64::from(request.repetitions) {
            if cancel() {
                return Err(EngineError::Cancelled);
            }
            let r = one(request.seed.wrapping_add(k), false);
            runs += 1;
            agreements += u64::from(r.agreement.is_some());
            steps += u64::from(r.steps);
            for (sum, u) in sums.iter_mut().zip(&r.utilities) {
                *sum += u;
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        Some(json!({
            "repetitions": runs,
            "seconds": seconds,
            "negotiations_per_second": runs as f64 / seconds,
            "steps_per_second": steps as f64 / seconds,
            "mean_steps": steps as f64 / runs as f64,
            "agreement_rate": agreements as f64 / runs as f64,
            "mean_utilities": sums.iter().map(|s| s / runs as f64).collect::<Vec<_>>(),
        }))
    } else {
        None
    };
    Ok(negotiation_report(scenario, setting, request, &result, throughput))
}

/// The report of a negotiation, field for field what `impasse negotiate --format json` prints.
///
/// This duplicates the CLI's report builder (crates/impasse-cli/src/commands/negotiate.rs) until
/// `impasse_report::NegotiationReport` exists; then it is that type's constructor.
fn negotiation_report(
    scenario: &Scenario,
    setting: &Setting,
    request: &NegotiateRequest<'_>,
    result: &NegotiationResult,
    throughput: Option<Value>,
) -> Value {
    let parties = setting.parties();
    let mediator = parties.len();
    let per_party = |values: &[f64]| -> Value {
        Value::Object(parties.iter().zip(values).map(|(p, &v)| (p.id.clone(), json!(v))).collect())
    };
    let trace: Vec<Value> = result
        .trace
        .iter()
        .map(|offer| {
            let proposer = if offer.proposer == mediator {
                "mediator".to_owned()
            } else {
                parties[offer.proposer].id.clone()
            };
            json!({
                "step": offer.step,
                "time": offer.time,
                "proposer": proposer,
                "outcome": outcome_json(scenario, setting, offer.outcome),
                "outcome_index": offer.outcome,
                "utilities": per_party(&setting.utilities(offer.outcome)),
            })
        })
        .collect();
    let agents: Map<String, Value> =
        parties.iter().zip(&request.seats).map(|(p, s)| (p.id.clone(), json!(s.label()))).collect();
    let ended_by = match result.end {
        impasse_negotiate::EndReason::Ended { party }
        | impasse_negotiate::EndReason::InvalidOffer { party, .. } => {
            Some(parties[party].id.clone())
        }
        _ => None,
    };
    let metrics = Metrics::new(result, &Reference::new(setting));
    let why = result.agreement.is_none().then(|| why_not(scenario));
    json!({
        "scenario": scenario.name(),
        "protocol": request.protocol,
        "agents": agents,
        "n_steps": request.steps,
        "seed": request.seed,
        "agreement": result.agreement.map(|o| outcome_json(scenario, setting, o)),
        "agreement_index": result.agreement,
        "end": result.end.label(),
        "ended_by": ended_by,
        "steps": result.steps,
        "offers": result.offers,
        "vetoes": result.vetoes,
        "utilities": per_party(&result.utilities),
        "reservation": per_party(&setting.reservation()),
        "welfare": metrics.welfare,
        "pareto_distance": metrics.pareto_distance,
        "nash_distance": metrics.nash_distance,
        "why_no_agreement": why,
        "throughput": throughput,
        "trace": trace,
    })
}

/// Why no agreement was possible: the analysis verdict and its minimal clash sets.
fn why_not(scenario: &Scenario) -> Value {
    let config = AnalysisConfig { max_clashes: 8, ..AnalysisConfig::default() };
    let analysis = match impasse_analysis::analyze(scenario, &config) {
        Ok(analysis) => analysis,
        Err(err) => return json!({ "analysis": err.to_string() }),
    };
    if analysis.verdict == Verdict::AgreementPossible {
        return json!({
            "zone_of_agreement": "non-empty",
            "zone_size": analysis.zone.size.to_string(),
            "explanation": "a zone of agreement existed; the agents did not reach it before the deadline",
        });
    }
    let report = AnalysisReport::new(scenario, &analysis);
    json!({
        "zone_of_agreement": "empty",
        "explanation": "no package satisfies every party: each clash below is a minimal set of \
                        constraints that cannot all hold, and dropping any one of them opens a zone",
        "clashes": report.clashes,
        "ripeness": report.ripeness,
    })
}

/// An outcome as `{issue: value}`, the way reports write it.
pub(crate) fn outcome_json(scenario: &Scenario, setting: &Setting, outcome: u32) -> Value {
    let mut map = Map::new();
    for (issue, value) in scenario.describe(&setting.decode(outcome)) {
        map.insert(issue, serde_json::to_value(ValueReport::from(value)).unwrap_or(Value::Null));
    }
    Value::Object(map)
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
