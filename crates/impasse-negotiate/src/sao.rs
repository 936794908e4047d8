//! The stacked alternating offers protocol (SAOP), bilateral and multilateral, with NegMAS's
//! timing and acceptance semantics.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::agent::{Agent, Response, State};
use crate::result::{EndReason, NegotiationResult, Offer};
use crate::setting::Setting;

/// How utilities are discounted over time.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "factor")]
pub enum Discounting {
    /// No discounting (the default, as NegMAS with `ignore_discount=True`).
    #[default]
    None,
    /// GENIUS: `u·d^t` with `t` the relative time in `[0, 1]`; the reservation value is
    /// discounted too.
    RelativeTime(f64),
    /// NegMAS: `u·d^step`, per step.
    PerStep(f64),
}

impl Discounting {
    /// The discount multiplier at a step and relative time.
    pub fn factor(self, step: u32, time: f64) -> f64 {
        match self {
            Discounting::None => 1.0,
            Discounting::RelativeTime(d) => d.powf(time),
            Discounting::PerStep(d) => d.powi(step as i32),
        }
    }
}

/// The settings of one alternating-offers negotiation.
#[derive(Clone, Debug)]
pub struct SaoConfig {
    /// Step deadline: the negotiation times out after this many steps (one step is one turn of
    /// every party). At least one of `n_steps` and `time_limit` must be set.
    pub n_steps: Option<u32>,
    /// Wall-clock deadline. Results under a time limit depend on the machine's speed.
    pub time_limit: Option<Duration>,
    /// How reported utilities are discounted.
    pub discounting: Discounting,
    /// Whether to record every offer in the result.
    pub record_trace: bool,
}

impl Default for SaoConfig {
    fn default() -> SaoConfig {
        SaoConfig {
            n_steps: Some(100),
            time_limit: None,
            discounting: Discounting::None,
            record_trace: true,
        }
    }
}

/// The most steps a negotiation with only a time limit may take.
const MAX_UNBOUNDED_STEPS: u32 = 100_000_000;

/// Runs one negotiation under the stacked alternating offers protocol.
///
/// Semantics follow NegMAS 0.16's `SAOMechanism` defaults: parties act in a fixed order each step
/// (party 0 first); each answers the standing offer (if any) and, unless it accepts, proposes; a
/// proposal counts as its proposer's acceptance; the standing offer becomes the agreement when
/// every party has accepted it; a party that proposes nothing or ends the negotiation breaks it; no
/// agreement after `n_steps` steps is a timeout. The reported step count is NegMAS's `state.step`
/// (the step of the agreement plus one, or `n_steps` on timeout).
///
/// Red lines are enforced by the protocol: a party's acceptance of an outcome that crosses one of
/// its absolute red lines or fails one of its preconditions is turned into a rejection (a *veto*,
/// counted in the result), and such a proposal does not count as its proposer's acceptance.
///
/// # Panics
///
/// When `agents.len()` differs from the number of parties or neither deadline is set.
pub fn run_sao(
    setting: &Setting,
    agents: &mut [Box<dyn Agent + '_>],
    config: &SaoConfig,
) -> NegotiationResult {
    let n = agents.len();
    assert_eq!(n, setting.parties().len(), "one agent per party");
    assert!(config.n_steps.is_some() || config.time_limit.is_some(), "a deadline is needed");
    let start = config.time_limit.map(|_| Instant::now());
    let profiles = setting.profiles();
    let n_steps = config.n_steps.unwrap_or(MAX_UNBOUNDED_STEPS);
    let mut trace = Vec::new();
    let mut offers = 0u32;
    let mut vetoes = 0u32;
    let mut current: Option<u32> = None;
    let mut proposer: Option<usize> = None;
    let mut acceptances = 0usize;
    let mut step = 0u32;
    let mut time = 0.0;
    let end = 'outer: loop {
        if step >= n_steps {
            break EndReason::Deadline;
        }
        time = relative_time(step, config.n_steps, config.time_limit, start);
        if config.n_steps.is_none() && time >= 1.0 {
            break EndReason::Deadline;
        }
        for me in 0..n {
            let state = State { step, time, n_steps: config.n_steps, offer: current, proposer, me };
            if proposer == Some(me) {
                acceptances = 0;
            }
            let response = match current {
                None => Response::Reject,
                Some(offer) => match agents[me].respond(&state, offer) {
                    Response::Accept if profiles[me].is_forbidden(offer) => {
                        vetoes += 1;
                        Response::Reject
                    }
                    other => other,
                },
            };
            match response {
                Response::End => {
                    step += 1;
                    break 'outer EndReason::Ended { party: me };
                }
                Response::Accept => {
                    acceptances += 1;
                    if acceptances == n {
                        step += 1;
                        break 'outer EndReason::Agreement;
                    }
                }
                Response::Reject => {
                    let Some(offer) = agents[me].propose(&state) else {
                        step += 1;
                        break 'outer EndReason::Ended { party: me };
                    };
                    if offer >= setting.n_outcomes() {
                        step += 1;
                        break 'outer EndReason::InvalidOffer { party: me, offer };
                    }
                    offers += 1;
                    acceptances = usize::from(!profiles[me].is_forbidden(offer));
                    current = Some(offer);
                    proposer = Some(me);
                    if config.record_trace {
                        trace.push(Offer { step, time, proposer: me, outcome: offer });
                    }
                    for (other, agent) in agents.iter_mut().enumerate() {
                        if other != me {
                            let seen = State { me: other, offer: current, proposer, ..state };
                            agent.observe(&seen, me, offer);
                        }
                    }
                }
            }
        }
        step += 1;
    };
    let agreement = if end == EndReason::Agreement { current } else { None };
    NegotiationResult::new(setting, agreement, end, step, time, offers, vetoes, trace, config)
}

/// NegMAS's relative time: `min(1, max((step + 1)/(n_steps + 1), elapsed/time_limit))`.
pub fn relative_time(
    step: u32,
    n_steps: Option<u32>,
    time_limit: Option<Duration>,
    start: Option<Instant>,
) -> f64 {
    // In f64: `n + 1` in u32 would wrap to 0 at `u32::MAX` steps and put step 0 at time 1.
    let by_step = n_steps.map_or(-1.0, |n| (f64::from(step) + 1.0) / (f64::from(n) + 1.0));
    let by_time = match (time_limit, start) {
        (Some(limit), Some(start)) => start.elapsed().as_secs_f64() / limit.as_secs_f64(),
        _ => -1.0,
    };
    1.0f64.min(by_step.max(by_time))
}
