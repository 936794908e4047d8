//! NegMAS's `NaiveTitForTatNegotiator`, reproduced step for step.

use crate::agent::{Agent, Response, State};
use crate::setting::Profile;

/// NegMAS's concession floor added at steps 1–2 (`min_concession_eps`).
const MIN_CONCESSION_EPS: f64 = 1e-12;
/// The step from which the partner's concession is mirrored (`kindness_start_step`).
const KINDNESS_START_STEP: u32 = 3;

/// Naive tit-for-tat (NegMAS 0.16 `NaiveTitForTatNegotiator` with its defaults).
///
/// It models the partner as zero-sum (the partner's normalised utility is one minus its own) and
/// mirrors the partner's concession: the partner conceded `c = û(o)` when it offered `o`, where `û`
/// is the agent's own utility normalised above its reservation value. At step 0 it concedes
/// nothing; at steps 1 and 2 it concedes the gap between successive outcomes of its sorted list
/// (NegMAS walks down the list once per call, so the gaps come from ever lower outcomes); from step
/// 3 on it concedes `c`. It offers the outcome with the lowest utility whose normalised utility is
/// at least `1 − c`, and accepts an offer whose normalised utility is at least `1 − c`.
#[derive(Clone, Debug)]
pub struct NaiveTitForTat<'a> {
    profile: &'a Profile,
    /// The last offer received (NegMAS's `TFTOfferingPolicy._partner_offer`).
    partner_offer: Option<u32>,
    /// NegMAS's `_last_returned_from_next` of the ufun's inverter (`-1` before the first call).
    cursor: isize,
}

impl<'a> NaiveTitForTat<'a> {
    /// A tit-for-tat agent for a party.
    pub fn new(profile: &'a Profile) -> NaiveTitForTat<'a> {
        NaiveTitForTat { profile, partner_offer: None, cursor: -1 }
    }

    /// NegMAS's `PresortingInverseUtilityFunction.next_worse` over every outcome; `None` maps to
    /// the reservation value (NegMAS evaluates `ufun(None)`).
    fn next_worse_utility(&mut self) -> f64 {
        let sorted = self.profile.sorted_all();
        let last = sorted.n_rational() as isize - 1;
        if self.cursor < 0 {
            self.cursor = last;
            return sorted.utils()[last as usize];
        }
        if self.cursor > 0 {
            self.cursor -= 1;
            return sorted.utils()[self.cursor as usize];
        }
        self.profile.reserved()
    }

    /// NegMAS's `KindConcessionRecommender` (kindness 0, no punishment, must concede).
    fn concession(&mut self, partner_concession: f64, step: u32) -> f64 {
        let concession = if partner_concession < 0.0 { 0.0 } else { partner_concession };
        if step == 0 {
            return 0.0;
        }
        if step >= KINDNESS_START_STEP {
            return concession + 0.0;
        }
        let best = self.next_worse_utility();
        let next = self.next_worse_utility();
        let sorted = self.profile.sorted_all();
        let d = sorted.utils()[sorted.n_rational() - 1] - sorted.utils()[0];
        (best - next + MIN_CONCESSION_EPS) / d
    }

    fn checked(concession: f64) -> f64 {
        if !concession.is_finite() || !(-1e-6..=1.0000001).contains(&concession) {
            0.0
        } else {
            concession
        }
    }

    /// The partner's concession when it offered `offer` (NegMAS's `ZeroSumModel`).
    fn partner_concession(&self, offer: Option<u32>) -> f64 {
        let partner_u = match offer {
            Some(o) => -self.profile.normalized_above_reserve(o) + 1.0,
            None => 1.0,
        };
        1.0 - partner_u
    }
}

impl Agent for NaiveTitForTat<'_> {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        self.partner_offer = Some(offer);
        let pc = self.partner_concession(Some(offer));
        let mine = Self::checked(self.concession(pc, state.step));
        let u = 1.0 - mine;
        if self.profile.normalized_above_reserve(offer) >= u && !self.profile.is_forbidden(offer) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        let pc = self.partner_concession(self.partner_offer);
        let mine = Self::checked(self.concession(pc, state.step));
        let target = 1.0 - mine;
        // worst_in((target, 1), normalized=True) on the inverter of every outcome.
        let sorted = self.profile.sorted_all();
        let (min, max) = (self.profile.min(), self.profile.max());
        let d = max - min;
        let (lo, hi) = if d < 1e-6 { (0.0, 0.0) } else { (target * d + min, 1.0 * d + min) };
        let (lo, hi) = if lo > hi { (hi, lo) } else { (lo, hi) };
        let outcome = sorted.worst_in(lo, hi)?;
        if self.profile.is_forbidden(outcome) {
            // Never offer across one's own red lines: the least demanding acceptable outcome that
            // is at least as good instead.
            return self.profile.sorted_acceptable().worst_in(self.profile.utility(outcome), hi);
        }
        Some(outcome)
    }

    fn vote(&mut self, _state: &State, current: u32, proposal: u32) -> bool {
        !self.profile.is_forbidden(proposal)
            && self.profile.utility(proposal) >= self.profile.utility(current)
    }
}
