//! What a negotiation produced: agreement, trace and metrics.

use serde::{Deserialize, Serialize};

use crate::sao::SaoConfig;
use crate::setting::Setting;

/// Why a negotiation ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EndReason {
    /// Every party accepted the standing offer.
    Agreement,
    /// The deadline passed without agreement.
    Deadline,
    /// A party walked away or had nothing to propose.
    Ended {
        /// The party.
        party: usize,
    },
    /// A party proposed an outcome outside the space (a bug in a user-written agent).
    InvalidOffer {
        /// The party.
        party: usize,
        /// What it proposed.
        offer: u32,
    },
    /// Under the single-text protocol: the final text was not ratified by every party.
    NotRatified,
}

impl EndReason {
    /// A short label: `agreement`, `deadline`, `ended`, `invalid-offer` or `not-ratified`.
    pub fn label(&self) -> &'static str {
        match self {
            EndReason::Agreement => "agreement",
            EndReason::Deadline => "deadline",
            EndReason::Ended { .. } => "ended",
            EndReason::InvalidOffer { .. } => "invalid-offer",
            EndReason::NotRatified => "not-ratified",
        }
    }
}

/// One offer of a trace.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
pub struct Offer {
    /// The step it was made in.
    pub step: u32,
    /// The relative time it was made at.
    pub time: f64,
    /// Who made it.
    pub proposer: usize,
    /// The outcome offered.
    pub outcome: u32,
}

/// The result of one negotiation.
#[derive(Clone, PartialEq, Debug)]
pub struct NegotiationResult {
    /// The agreed outcome, if any.
    pub agreement: Option<u32>,
    /// Why it ended.
    pub end: EndReason,
    /// Steps taken, counted as NegMAS counts `state.step`: the step of the agreement (or break)
    /// plus one, or the step deadline on timeout.
    pub steps: u32,
    /// Relative time at the end.
    pub time: f64,
    /// Offers made.
    pub offers: u32,
    /// Acceptances turned into rejections because they crossed the accepting party's absolute red
    /// lines or preconditions.
    pub vetoes: u32,
    /// Per party, the utility obtained: of the agreement, or the reservation value without one,
    /// discounted as configured.
    pub utilities: Vec<f64>,
    /// Every offer, when recorded.
    pub trace: Vec<Offer>,
}

impl NegotiationResult {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        setting: &Setting,
        agreement: Option<u32>,
        end: EndReason,
        steps: u32,
        time: f64,
        offers: u32,
        vetoes: u32,
        trace: Vec<Offer>,
        config: &SaoConfig,
    ) -> NegotiationResult {
        let factor = config.discounting.factor(steps.saturating_sub(1), time);
        let utilities = setting
            .profiles()
            .iter()
            .map(|p| factor * agreement.map_or(p.reserved(), |o| p.utility(o)))
            .collect();
        NegotiationResult { agreement, end, steps, time, offers, vetoes, utilities, trace }
    }

    /// The sum of the parties' utilities.
    pub fn welfare(&self) -> f64 {
        self.utilities.iter().sum()
    }
}

/// Reference points of a setting for the metrics: the Pareto frontier and the Nash point.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Utility vectors of the Pareto-efficient outcomes (distinct vectors only).
    pub frontier: Vec<Vec<f64>>,
    /// The Nash bargaining solution over the outcomes every party can accept (utilities), with the
    /// reservation values as disagreement point; `None` when no outcome is acceptable to all.
    pub nash: Option<Vec<f64>>,
    /// The outcome of the Nash solution.
    pub nash_outcome: Option<u32>,
}

impl Reference {
    /// Computes the frontier and the Nash point of a setting (once per setting; linear in the
    /// number of outcomes for two parties).
    pub fn new(setting: &Setting) -> Reference {
        let profiles = setting.profiles();
        let n = setting.n_outcomes();
        let utilities = |o: u32| -> Vec<f64> { profiles.iter().map(|p| p.utility(o)).collect() };
        // Outcomes by descending utility of party 0, then of the others.
        let mut order: Vec<u32> = (0..n).collect();
        order.sort_by(|&a, &b| {
            for p in profiles {
                let c = p.utility(b).total_cmp(&p.utility(a));
                if c.is_ne() {
                    return c;
                }
            }
            a.cmp(&b)
        });
        let mut frontier: Vec<Vec<f64>> = Vec::new();
        for &o in &order {
            let u = utilities(o);
            let dominated = if u.len() == 2 {
                // Sorted by u0 descending: only a higher u1 than every earlier point is efficient
                // (the last point has the highest u1 so far).
                frontier.last().is_some_and(|f: &Vec<f64>| f[1] >= u[1] && *f != u)
            } else {
                frontier.iter().any(|f: &Vec<f64>| {
                    f.iter().zip(&u).all(|(a, b)| a >= b) && f.iter().zip(&u).any(|(a, b)| a > b)
                })
            };
            let duplicate = frontier.last().is_some_and(|f| *f == u);
            if !dominated && !duplicate {
                frontier.push(u);
            }
        }
        let mut nash: Option<(f64, u32)> = None;
        for o in 0..n {
            if !profiles.iter().all(|p| p.is_acceptable(o)) {
                continue;
            }
            let product: f64 = profiles.iter().map(|p| p.utility(o) - p.reserved()).product();
            if nash.is_none_or(|(best, _)| product > best) {
                nash = Some((product, o));
            }
        }
        Reference {
            frontier,
            nash: nash.map(|(_, o)| utilities(o)),
            nash_outcome: nash.map(|(_, o)| o),
        }
    }

    /// Euclidean distance from a utility vector to the nearest frontier point.
    pub fn distance_to_pareto(&self, utilities: &[f64]) -> f64 {
        self.frontier.iter().map(|f| distance(f, utilities)).fold(f64::INFINITY, f64::min)
    }

    /// Euclidean distance from a utility vector to the Nash point (`None` without one).
    pub fn distance_to_nash(&self, utilities: &[f64]) -> Option<f64> {
        self.nash.as_ref().map(|nash| distance(nash, utilities))
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
}

/// A negotiation's metrics relative to its setting's reference points.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Metrics {
    /// Sum of utilities.
    pub welfare: f64,
    /// Distance from the result's utilities to the Pareto frontier.
    pub pareto_distance: f64,
    /// Distance to the Nash point, if there is one.
    pub nash_distance: Option<f64>,
}

impl Metrics {
    /// The metrics of a result.
    pub fn new(result: &NegotiationResult, reference: &Reference) -> Metrics {
        Metrics {
            welfare: result.welfare(),
            pareto_distance: reference.distance_to_pareto(&result.utilities),
            nash_distance: reference.distance_to_nash(&result.utilities),
        }
    }
}
