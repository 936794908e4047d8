//! One negotiation, and optionally many repetitions of it for speed and outcome rates.

use std::sync::Arc;
use std::time::{Duration, Instant};

use impasse_analysis::{AnalysisConfig, Verdict};
use impasse_core::Scenario;
use impasse_negotiate::tournament::Protocol;
use impasse_negotiate::{
    AgentFactory, AgentSpec, Discounting, EndReason, MediatedConfig, Metrics, NegotiationResult,
    Reference, SaoConfig, Setting, run_mediated, run_sao,
};
use impasse_report::negotiation::{
    MAX_FRONTIER_POINTS, ReferenceReport, Throughput, TraceStep, WhyNoAgreement,
};
use impasse_report::{AnalysisReport, NegotiationReport, OrderedMap, ValueReport};
use rayon::prelude::*;

use crate::{AppError, Token};

/// What to negotiate: the agents, the protocol, the deadline, the seed.
#[derive(Clone, Debug)]
pub struct NegotiateRequest {
    /// One agent per party, in party order; empty for the defaults ([`default_agents`]).
    pub agents: Vec<Arc<dyn AgentFactory>>,
    /// The protocol.
    pub protocol: Protocol,
    /// The step deadline (at least 1).
    pub steps: u32,
    /// The seed of the run shown; repetition `k` uses `seed + k`.
    pub seed: u64,
    /// Runs for the throughput figures (1: the run shown only).
    pub repetitions: u32,
    /// A wall-clock limit per run (SAO only).
    pub time_limit: Option<Duration>,
    /// Discounting of utilities over time (SAO only).
    pub discounting: Discounting,
    /// The most packages negotiated over (front ends set their own limits).
    pub max_outcomes: u64,
    /// Whether to explain a failure with the analysis (clashes, ripeness).
    pub why_not: bool,
}

impl Default for NegotiateRequest {
    fn default() -> NegotiateRequest {
        NegotiateRequest {
            agents: Vec::new(),
            protocol: Protocol::Sao,
            steps: 100,
            seed: 0,
            repetitions: 1,
            time_limit: None,
            discounting: Discounting::None,
            max_outcomes: impasse_negotiate::MAX_NEGOTIATION_OUTCOMES,
            why_not: true,
        }
    }
}

/// The agents of a negotiation given none: Boulware against Conceder for two parties, a red-line
/// holder for each party otherwise.
pub fn default_agents(parties: usize) -> Vec<Arc<dyn AgentFactory>> {
    let specs = if parties == 2 {
        vec![AgentSpec::TimeBased(4.0), AgentSpec::TimeBased(0.25)]
    } else {
        vec![AgentSpec::RedLineHolder(1.0); parties]
    };
    specs.into_iter().map(|s| Arc::new(s) as Arc<dyn AgentFactory>).collect()
}

/// Built-in agents by name (`all` alone stands for every built-in agent).
///
/// # Errors
///
/// [`AppError::Invalid`] naming the unknown agent and listing the valid ones.
pub fn agents_by_name(names: &[impl AsRef<str>]) -> Result<Vec<Arc<dyn AgentFactory>>, AppError> {
    if let [one] = names
        && one.as_ref().trim().eq_ignore_ascii_case("all")
    {
        return Ok(impasse_negotiate::BUILT_IN
            .iter()
            .map(|s| Arc::new(*s) as Arc<dyn AgentFactory>)
            .collect());
    }
    names
        .iter()
        .map(|n| {
            n.as_ref()
                .parse::<AgentSpec>()
                .map(|s| Arc::new(s) as Arc<dyn AgentFactory>)
                .map_err(|e| AppError::field("agents", e.to_string()))
        })
        .collect()
}

/// A negotiation's report, with what plots need besides it.
#[derive(Debug)]
pub struct Negotiation {
    /// The report.
    pub report: NegotiationReport,
    /// The prepared scenario.
    pub setting: Arc<Setting>,
    /// The run shown.
    pub result: NegotiationResult,
}

/// Checks a scenario can be negotiated over within `max_outcomes` packages and prepares it.
///
/// # Errors
///
/// [`AppError::Unprocessable`]: `too_large` above the limit, `cannot_negotiate` otherwise.
pub fn prepare(scenario: Arc<Scenario>, max_outcomes: u64) -> Result<Setting, AppError> {
    let size = scenario.space().size_f64();
    if size > max_outcomes as f64 {
        return Err(AppError::unprocessable(
            "too_large",
            format!(
                "the scenario has {size:.3e} packages, above the limit of {max_outcomes} for \
                 negotiation; coarsen its issues"
            ),
        ));
    }
    Setting::from_scenario(scenario)
        .map_err(|e| AppError::unprocessable("cannot_negotiate", format!("cannot negotiate: {e}")))
}

fn check(request: &NegotiateRequest, parties: &[String]) -> Result<(), AppError> {
    if request.steps == 0 {
        return Err(AppError::field("steps", "must be at least 1"));
    }
    if request.repetitions == 0 {
        return Err(AppError::field("repetitions", "must be at least 1"));
    }
    crate::limits::STEPS.check(u64::from(request.steps))?;
    crate::limits::REPETITIONS.check(u64::from(request.repetitions))?;
    crate::limits::STEPS_IN_ALL.check(u64::from(request.steps) * u64::from(request.repetitions))?;
    if let Some(limit) = request.time_limit
        && limit.is_zero()
    {
        return Err(AppError::field("time_limit", "must be a positive number of seconds"));
    }
    if let Discounting::RelativeTime(d) | Discounting::PerStep(d) = request.discounting
        && !(d > 0.0 && d <= 1.0)
    {
        return Err(AppError::field("discount", format!("must be in (0, 1], got {d}")));
    }
    let n = request.agents.len();
    if n != 0 && n != parties.len() {
        return Err(AppError::field(
            "agents",
            format!(
                "{n} agent{} given for {} parties ({}); give one agent per party, in that order",
                if n == 1 { "" } else { "s" },
                parties.len(),
                parties.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The seed of party `me`'s agent in a run seeded `seed`.
pub fn agent_seed(seed: u64, me: usize) -> u64 {
    seed.wrapping_add(me as u64 * 0x9E37_79B9)
}

/// Runs one negotiation on a prepared setting.
pub fn run_once(
    setting: &Setting,
    agents: &[Arc<dyn AgentFactory>],
    request: &NegotiateRequest,
    seed: u64,
    record: bool,
) -> NegotiationResult {
    let mut built: Vec<_> = agents
        .iter()
        .enumerate()
        .map(|(me, factory)| factory.build(setting, me, agent_seed(seed, me)))
        .collect();
    match request.protocol {
        Protocol::Sao => {
            let config = SaoConfig {
                n_steps: Some(request.steps),
                time_limit: request.time_limit,
                discounting: request.discounting,
                record_trace: record,
            };
            run_sao(setting, &mut built, &config)
        }
        Protocol::Mediated => {
            let config = MediatedConfig { n_steps: request.steps, seed, record_trace: record };
            run_mediated(setting, &mut built, &config)
        }
    }
}

/// Negotiates over `scenario`: the run seeded `request.seed` in full (its trace, metrics and,
/// without agreement, why not), and with `repetitions` above 1 the throughput over that many runs.
/// Figures do not depend on the thread count.
///
/// # Errors
///
/// [`AppError::Invalid`] for a bad request, [`AppError::Unprocessable`] for a scenario that
/// cannot be negotiated over, [`AppError::Cancelled`] when `token` stops it.
pub fn negotiate(
    scenario: Arc<Scenario>,
    request: &NegotiateRequest,
    token: &Token,
) -> Result<Negotiation, AppError> {
    let parties: Vec<String> = scenario.parties().iter().map(|p| p.id.clone()).collect();
    check(request, &parties)?;
    let setting = token.run(|| Ok(Arc::new(prepare(scenario.clone(), request.max_outcomes)?)))?;
    negotiate_on(scenario, setting, request, token)
}

/// [`negotiate`] on a setting already prepared from `scenario` (with [`prepare`]), for callers
/// that keep it across negotiations or hand it to their own agents.
///
/// # Errors
///
/// As [`negotiate`].
pub fn negotiate_on(
    scenario: Arc<Scenario>,
    setting: Arc<Setting>,
    request: &NegotiateRequest,
    token: &Token,
) -> Result<Negotiation, AppError> {
    let parties: Vec<String> = scenario.parties().iter().map(|p| p.id.clone()).collect();
    check(request, &parties)?;
    let agents = if request.agents.is_empty() {
        default_agents(parties.len())
    } else {
        request.agents.clone()
    };
    token.run(|| {
        let result = run_once(&setting, &agents, request, request.seed, true);
        let throughput = (request.repetitions > 1)
            .then(|| throughput(&setting, &agents, request, &parties, token));
        let reference = Reference::new(&setting);
        let metrics = Metrics::new(&result, &reference);
        let why = if result.agreement.is_none() && request.why_not {
            Some(why_not(&scenario))
        } else {
            None
        };
        let report = NegotiationReport {
            format_version: impasse_report::FORMAT_VERSION,
            scenario: scenario.name().to_owned(),
            protocol: match request.protocol {
                Protocol::Sao => "sao",
                Protocol::Mediated => "mediated",
            },
            agents: OrderedMap(
                parties.iter().cloned().zip(agents.iter().map(|a| a.name())).collect(),
            ),
            n_steps: request.steps,
            seed: request.seed,
            agreement: result.agreement.map(|o| outcome(&scenario, &setting, o)),
            agreement_index: result.agreement,
            end: result.end.label(),
            ended_by: match result.end {
                EndReason::Ended { party } | EndReason::InvalidOffer { party, .. } => {
                    parties.get(party).cloned()
                }
                _ => None,
            },
            steps: result.steps,
            offers: result.offers,
            vetoes: result.vetoes,
            utilities: per_party(&parties, &result.utilities),
            reservation: per_party(&parties, &setting.reservation()),
            welfare: metrics.welfare,
            pareto_distance: metrics.pareto_distance,
            nash_distance: metrics.nash_distance,
            why_no_agreement: why,
            throughput,
            trace: result
                .trace
                .iter()
                .map(|offer| TraceStep {
                    step: offer.step,
                    time: offer.time,
                    proposer: parties
                        .get(offer.proposer)
                        .cloned()
                        .unwrap_or_else(|| "mediator".to_owned()),
                    outcome: outcome(&scenario, &setting, offer.outcome),
                    outcome_index: offer.outcome,
                    utilities: per_party(&parties, &setting.utilities(offer.outcome)),
                })
                .collect(),
            reference: reference_report(&reference),
        };
        Ok(Negotiation { report, setting, result })
    })
}

fn reference_report(reference: &Reference) -> ReferenceReport {
    let stride = reference.frontier.len().div_ceil(MAX_FRONTIER_POINTS).max(1);
    ReferenceReport {
        frontier: reference.frontier.iter().step_by(stride).cloned().collect(),
        frontier_size: reference.frontier.len(),
        nash: reference.nash.clone(),
    }
}

/// Runs `repetitions` negotiations (seeds `seed`, `seed + 1`, …) in fixed chunks, each summed in
/// order and the chunk sums added in order: the figures do not depend on the thread count, and no
/// per-run result is kept.
fn throughput(
    setting: &Setting,
    agents: &[Arc<dyn AgentFactory>],
    request: &NegotiateRequest,
    parties: &[String],
    token: &Token,
) -> Throughput {
    const CHUNK: u64 = 1024;
    let start = Instant::now();
    let total = u64::from(request.repetitions);
    token.start("repetitions", 0, total);
    let n = parties.len();
    let chunks: Vec<(u64, u64, u64, Vec<f64>)> = (0..total.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| {
            let mut acc = (0u64, 0u64, 0u64, vec![0.0; n]);
            for k in chunk * CHUNK..((chunk + 1) * CHUNK).min(total) {
                token.checkpoint();
                let r = run_once(setting, agents, request, request.seed.wrapping_add(k), false);
                acc.0 += 1;
                acc.1 += u64::from(r.agreement.is_some());
                acc.2 += u64::from(r.steps);
                for (sum, u) in acc.3.iter_mut().zip(&r.utilities) {
                    *sum += u;
                }
            }
            token.advance(acc.0);
            acc
        })
        .collect();
    let (mut runs, mut agreements, mut steps, mut sums) = (0u64, 0u64, 0u64, vec![0.0; n]);
    for (r, a, s, u) in chunks {
        runs += r;
        agreements += a;
        steps += s;
        for (x, y) in sums.iter_mut().zip(&u) {
            *x += y;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    Throughput {
        repetitions: runs,
        seconds,
        negotiations_per_second: runs as f64 / seconds,
        steps_per_second: steps as f64 / seconds,
        mean_steps: steps as f64 / runs as f64,
        agreement_rate: agreements as f64 / runs as f64,
        mean_utilities: per_party(
            parties,
            &sums.iter().map(|s| s / runs as f64).collect::<Vec<_>>(),
        ),
    }
}

/// Why no agreement was reached: the analysis verdict and its minimal clash sets.
pub fn why_not(scenario: &Scenario) -> WhyNoAgreement {
    let config = AnalysisConfig { max_clashes: 8, ..AnalysisConfig::default() };
    let analysis = match impasse_analysis::analyze(scenario, &config) {
        Ok(analysis) => analysis,
        Err(err) => {
            return WhyNoAgreement {
                zone_of_agreement: "unknown",
                zone_size: None,
                explanation: format!("the analysis could not run: {err}"),
                clashes: Vec::new(),
                ripeness: None,
            };
        }
    };
    if analysis.verdict == Verdict::AgreementPossible {
        return WhyNoAgreement {
            zone_of_agreement: "non-empty",
            zone_size: Some(analysis.zone.size.to_string()),
            explanation: "a zone of agreement existed; the agents did not reach it before the \
                          deadline"
                .to_owned(),
            clashes: Vec::new(),
            ripeness: None,
        };
    }
    let report = AnalysisReport::new(scenario, &analysis);
    WhyNoAgreement {
        zone_of_agreement: "empty",
        zone_size: None,
        explanation: "no package satisfies every party: each clash below is a minimal set of \
                      constraints that cannot all hold, and dropping any one of them opens a zone"
            .to_owned(),
        clashes: report.clashes,
        ripeness: report.ripeness,
    }
}

/// Outcome `index` of `setting` as issue name → value.
pub fn outcome(scenario: &Scenario, setting: &Setting, index: u32) -> OrderedMap<ValueReport> {
    OrderedMap(
        scenario
            .describe(&setting.decode(index))
            .into_iter()
            .map(|(issue, value)| (issue, ValueReport::from(value)))
            .collect(),
    )
}

fn per_party(parties: &[String], values: &[f64]) -> OrderedMap<f64> {
    OrderedMap(parties.iter().cloned().zip(values.iter().copied()).collect())
}
