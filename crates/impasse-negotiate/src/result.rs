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
///
/// Both come from [`impasse_analysis::tabulated_frontier`], so they follow the analysis's rules:
/// utilities are compared through their tie keys ([`impasse_core::Ties::key`], at the scale of the
/// setting's utilities and reservation values, [`impasse_core::Ties::for_values`]), outcomes tied for
/// every party count once, and the Nash point breaks ties as the analysis's Nash solution does.
#[derive(Clone, Debug)]
pub struct Reference {
    /// Utility vectors of the Pareto-efficient outcomes, one per tie group (the utilities of the
    /// group's first outcome), by descending utility of party 0, then of the next parties.
    pub frontier: Vec<Vec<f64>>,
    /// The Nash bargaining solution over the outcomes every party can accept (utilities), with the
    /// reservation values as disagreement point; `None` when no outcome is acceptable to all.
    pub nash: Option<Vec<f64>>,
    /// The outcome of the Nash solution.
    pub nash_outcome: Option<u32>,
}

impl Reference {
    /// Computes the frontier and the Nash point of a setting (once per setting; `O(n log n)` in
    /// the number of outcomes for two and three parties).
    pub fn new(setting: &Setting) -> Reference {
        let profiles = setting.profiles();
        let tables: Vec<&[f64]> = profiles.iter().map(|p| p.utilities()).collect();
        let forbidden = |o: usize| profiles.iter().any(|p| p.is_forbidden(o as u32));
        let tabulated =
            impasse_analysis::tabulated_frontier(&tables, &setting.reservation(), &forbidden);
        // Outcomes are `u32` in a setting (at most `MAX_NEGOTIATION_OUTCOMES` of them).
        let outcome = |o: usize| o as u32;
        Reference {
            frontier: tabulated.frontier.iter().map(|&o| setting.utilities(outcome(o))).collect(),
            nash: tabulated.nash.map(|o| setting.utilities(outcome(o))),
            nash_outcome: tabulated.nash.map(outcome),
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
