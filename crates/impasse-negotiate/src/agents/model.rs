//! Agents that model their opponents: HardHeaded-style, opponent-modelling (estimated Nash), the
//! analysis-backed Nash agent and the red-line holder; and the frequency model they share.

use impasse_core::OutcomeSpace;

use crate::agent::{Agent, Response, State};
use crate::agents::timebased::TimeBased;
use crate::setting::{Profile, Setting};

/// How much an issue's weight grows when the opponent keeps its value between offers (the
/// HardHeaded learning coefficient).
const LEARNING_COEF: f64 = 0.2;
/// Candidates examined above the aspiration level when choosing among near-equal offers.
const CANDIDATES: usize = 256;

/// A frequency model of one opponent's preferences (HardHeaded's): a value it offers often is
/// worth more to it; an issue whose value it keeps from one offer to the next weighs more.
#[derive(Clone, Debug)]
pub struct FrequencyModel {
    counts: Vec<Vec<u32>>,
    weights: Vec<f64>,
    last: Option<Vec<u32>>,
    observed: u32,
    /// Per issue and value, the estimated weighted contribution (rebuilt after each update).
    tables: Vec<Vec<f64>>,
}

impl FrequencyModel {
    /// An uninformed model over a space (uniform weights, all values alike).
    pub fn new(space: &OutcomeSpace) -> FrequencyModel {
        let k = space.n_issues().max(1);
        let counts: Vec<Vec<u32>> = space.radices().iter().map(|&r| vec![0; r as usize]).collect();
        let mut model = FrequencyModel {
            tables: counts.iter().map(|c| vec![0.0; c.len()]).collect(),
            counts,
            weights: vec![1.0 / k as f64; space.n_issues()],
            last: None,
            observed: 0,
        };
        model.rebuild();
        model
    }

    /// How many offers were observed.
    pub fn observed(&self) -> u32 {
        self.observed
    }

    /// The estimated issue weights (summing to 1).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Learns from an offer (its value indices).
    pub fn update(&mut self, values: &[u32]) {
        if let Some(last) = &self.last {
            for (issue, (&a, &b)) in last.iter().zip(values).enumerate() {
                if a == b {
                    self.weights[issue] += LEARNING_COEF / values.len() as f64;
                }
            }
            let sum: f64 = self.weights.iter().sum();
            for w in &mut self.weights {
                *w /= sum;
            }
        }
        for (issue, &value) in values.iter().enumerate() {
            self.counts[issue][value as usize] += 1;
        }
        self.last = Some(values.to_vec());
        self.observed += 1;
        self.rebuild();
    }

    fn rebuild(&mut self) {
        for ((table, counts), &w) in self.tables.iter_mut().zip(&self.counts).zip(&self.weights) {
            let max = counts.iter().copied().max().unwrap_or(0);
            for (slot, &c) in table.iter_mut().zip(counts) {
                *slot = w * (f64::from(c) + 1.0) / (f64::from(max) + 1.0);
            }
        }
    }

    /// The estimated utility (in `[0, 1]`) of an outcome's values.
    #[inline]
    pub fn eval(&self, values: &[u32]) -> f64 {
        self.tables.iter().zip(values).map(|(t, &v)| t[v as usize]).sum()
    }
}

/// The estimated utilities of the other parties: a frequency model per opponent, blended with
/// the zero-sum prior (one minus the agent's own normalised utility) while few offers were seen.
#[derive(Clone, Debug)]
struct Opponents {
    me: usize,
    space: OutcomeSpace,
    models: Vec<FrequencyModel>,
    buffer: Vec<u32>,
}

impl Opponents {
    fn new(setting: &Setting, me: usize) -> Opponents {
        let space = setting.space().clone();
        let models = (0..setting.parties().len()).map(|_| FrequencyModel::new(&space)).collect();
        Opponents { me, buffer: vec![0; space.n_issues()], space, models }
    }

    fn observe(&mut self, proposer: usize, offer: u32) {
        if proposer != self.me {
            self.space.decode(u64::from(offer), &mut self.buffer);
            self.models[proposer].update(&self.buffer);
        }
    }

    /// Per opponent, the estimated utility of `offer` (in `[0, 1]`), combined by `combine`.
    fn estimate(&mut self, offer: u32, own_normalised: f64, combine: fn(f64, f64) -> f64) -> f64 {
        let mut values = std::mem::take(&mut self.buffer);
        self.space.decode(u64::from(offer), &mut values);
        let estimate = self.estimate_values(&values, own_normalised, combine);
        self.buffer = values;
        estimate
    }

    /// As [`Opponents::estimate`], for an outcome given by its value indices.
    fn estimate_values(
        &self,
        values: &[u32],
        own_normalised: f64,
        combine: fn(f64, f64) -> f64,
    ) -> f64 {
        let mut acc: Option<f64> = None;
        for (party, model) in self.models.iter().enumerate() {
            if party == self.me {
                continue;
            }
            let alpha = f64::from(model.observed()) / (f64::from(model.observed()) + 3.0);
            let estimate = alpha * model.eval(values) + (1.0 - alpha) * (1.0 - own_normalised);
            acc = Some(acc.map_or(estimate, |a| combine(a, estimate)));
        }
        acc.unwrap_or(1.0)
    }

    /// Offers observed so far, from all opponents.
    fn observed(&self) -> u32 {
        self.models.iter().map(FrequencyModel::observed).sum()
    }
}

fn normalised(profile: &Profile, outcome: u32) -> f64 {
    let d = profile.max() - profile.min();
    if d > 0.0 { (profile.utility(outcome) - profile.min()) / d } else { 1.0 }
}

/// The first sorted acceptable position at or above utility `lo`.
fn first_at_least(profile: &Profile, lo: f64) -> usize {
    let sorted = profile.sorted_acceptable();
    sorted.utils()[..sorted.n_rational()].partition_point(|&u| u < lo)
}

/// Among the acceptable outcomes with utility at least `lo` (the `CANDIDATES` lowest), the one
/// maximising `score`; `None` when none reaches `lo`.
fn best_above(profile: &Profile, lo: f64, mut score: impl FnMut(u32) -> f64) -> Option<u32> {
    let sorted = profile.sorted_acceptable();
    let start = first_at_least(profile, lo);
    let end = sorted.n_rational().min(start + CANDIDATES);
    let mut best: Option<(f64, u32)> = None;
    for &o in &sorted.outcomes()[start..end] {
        let s = score(o);
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, o));
        }
    }
    best.map(|(_, o)| o)
}

/// A HardHeaded-style agent (after Krimpen, Hindriks and Jonker's ANAC 2011 winner): it concedes
/// very late (aspiration `1 − t^20`) down to a floor of 58.5 % of its range above its reservation
/// value, offers among the outcomes just above its aspiration the one its frequency model says is
/// best for the opponents, offers back the opponents' best offer once that reaches its
/// aspiration, and accepts an offer at least as good as its aspiration or as its next offer.
#[derive(Clone, Debug)]
pub struct HardHeaded<'a> {
    profile: &'a Profile,
    curve: TimeBased<'a>,
    opponents: Opponents,
    floor: f64,
    best_received: Option<u32>,
    /// The next offer computed at (step, offers observed), reused within a step.
    memo: Option<(u32, u32, u32)>,
}

impl<'a> HardHeaded<'a> {
    /// A HardHeaded-style agent for party `me`.
    pub fn new(setting: &'a Setting, me: usize) -> HardHeaded<'a> {
        let profile: &'a Profile = &setting.profiles()[me];
        let lo = profile.min().max(profile.reserved());
        let floor = lo + 0.585 * (profile.max() - lo);
        HardHeaded {
            curve: TimeBased::new(profile, 20.0),
            opponents: Opponents::new(setting, me),
            profile,
            floor,
            best_received: None,
            memo: None,
        }
    }

    fn target(&self, t: f64) -> f64 {
        self.curve.band(t).0.max(self.floor)
    }

    fn next_offer(&mut self, state: &State) -> u32 {
        let observed = self.opponents.observed();
        if let Some((step, seen, offer)) = self.memo
            && step == state.step
            && seen == observed
        {
            return offer;
        }
        let offer = self.compute_next_offer(state.time);
        self.memo = Some((state.step, observed, offer));
        offer
    }

    fn compute_next_offer(&mut self, t: f64) -> u32 {
        let target = self.target(t);
        if let Some(best) = self.best_received
            && self.profile.utility(best) >= target
            && !self.profile.is_forbidden(best)
        {
            return best;
        }
        let window = target + 0.02 * (self.profile.max() - self.profile.min());
        let profile = self.profile;
        let sorted = profile.sorted_acceptable();
        let start = first_at_least(profile, target);
        let end = sorted.n_rational().min(start + CANDIDATES);
        // Sorted by ascending utility: the outcomes within the window come first. Among them the
        // one the model rates best for the opponents; without any, the lowest above the target.
        let mut best: Option<(f64, u32)> = None;
        for &o in &sorted.outcomes()[start..end] {
            if profile.utility(o) > window {
                break;
            }
            let estimate = self.opponents.estimate(o, normalised(profile, o), f64::min);
            if best.is_none_or(|(b, _)| estimate > b) {
                best = Some((estimate, o));
            }
        }
        best.map(|(_, o)| o)
            .or_else(|| sorted.outcomes()[start..end].first().copied())
            .unwrap_or_else(|| self.profile.best())
    }
}

impl Agent for HardHeaded<'_> {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        if self.profile.is_forbidden(offer) || self.profile.utility(offer) < self.profile.reserved()
        {
            return Response::Reject;
        }
        let u = self.profile.utility(offer);
        let next = self.next_offer(state);
        if u >= self.target(state.time) || u >= self.profile.utility(next) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        Some(self.next_offer(state))
    }

    fn observe(&mut self, _state: &State, proposer: usize, offer: u32) {
        self.opponents.observe(proposer, offer);
        if self.best_received.is_none_or(|b| self.profile.utility(offer) > self.profile.utility(b))
        {
            self.best_received = Some(offer);
        }
    }

    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool {
        !self.profile.is_forbidden(proposal)
            && (self.profile.utility(proposal) >= self.profile.utility(current)
                || self.profile.utility(proposal) >= self.target(state.time))
    }
}

/// How an agent that estimates the game picks its offers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Aim {
    /// Concede over time toward the estimated Nash point, offering the candidate with the best
    /// estimated Nash product.
    TowardNash,
    /// Offer the estimated Nash solution itself.
    Nash,
}

/// An agent that estimates the other parties' utilities with frequency models and bargains over
/// the estimated game.
#[derive(Clone, Debug)]
pub struct Estimating<'a> {
    profile: &'a Profile,
    opponents: Opponents,
    aim: Aim,
    exponent: f64,
    nash: Option<u32>,
    /// The step of the last estimate and the offers observed then.
    refreshed_at: Option<(u32, u32)>,
}

impl<'a> Estimating<'a> {
    /// The opponent-modelling agent: it concedes (aspiration exponent `exponent`) from its best
    /// outcome toward its utility at the estimated Nash point, and offers, among the outcomes just
    /// above its aspiration, the one with the largest estimated Nash product.
    pub fn opponent_model(setting: &'a Setting, me: usize, exponent: f64) -> Estimating<'a> {
        Estimating::new(setting, me, Aim::TowardNash, exponent)
    }

    /// The analysis-backed agent: it offers the Nash solution of the estimated game (its own
    /// utilities and the estimated others', reservation values as disagreement point), recomputed
    /// as it learns, and accepts what gives it at least its utility there, less a margin that
    /// grows toward the deadline (`t^exponent` of its gain over its reservation value).
    pub fn nash(setting: &'a Setting, me: usize, exponent: f64) -> Estimating<'a> {
        Estimating::new(setting, me, Aim::Nash, exponent)
    }

    fn new(setting: &'a Setting, me: usize, aim: Aim, exponent: f64) -> Estimating<'a> {
        Estimating {
            profile: &setting.profiles()[me],
            opponents: Opponents::new(setting, me),
            aim,
            exponent,
            nash: None,
            refreshed_at: None,
        }
    }

    /// The Nash solution of the estimated game over the agent's acceptable outcomes, recomputed
    /// at most every 5 steps and only when new offers were observed.
    fn estimated_nash(&mut self, step: u32) -> u32 {
        let observed = self.opponents.observed();
        let fresh = self
            .refreshed_at
            .is_some_and(|(at, seen)| (step >= at && step < at + 5) || seen == observed);
        if let (Some(nash), true) = (self.nash, fresh) {
            return nash;
        }
        let profile = self.profile;
        let mut best: Option<(f64, u32)> = None;
        let n = u64::from(profile.utilities().len() as u32);
        let mut outcomes = self.opponents.space.range(0, n);
        while let Some((index, values)) = outcomes.next_outcome() {
            let o = index as u32;
            if !profile.is_acceptable(o) {
                continue;
            }
            let gain = profile.utility(o) - profile.reserved();
            let product =
                gain * self.opponents.estimate_values(values, normalised(profile, o), |a, b| a * b);
            if best.is_none_or(|(b, _)| product > b) {
                best = Some((product, o));
            }
        }
        let nash = best.map_or(profile.best(), |(_, o)| o);
        self.nash = Some(nash);
        self.refreshed_at = Some((step, observed));
        nash
    }

    fn threshold(&mut self, state: &State) -> f64 {
        let nash = self.estimated_nash(state.step);
        let at_nash = self.profile.utility(nash);
        let lo = self.profile.reserved().max(self.profile.min());
        match self.aim {
            Aim::TowardNash => {
                at_nash + (self.profile.max() - at_nash) * (1.0 - state.time.powf(self.exponent))
            }
            Aim::Nash => at_nash - (at_nash - lo).max(0.0) * state.time.powf(self.exponent),
        }
    }
}

impl Agent for Estimating<'_> {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        if !self.profile.is_acceptable(offer) {
            return Response::Reject;
        }
        if self.profile.utility(offer) >= self.threshold(state) {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        let nash = self.estimated_nash(state.step);
        if self.aim == Aim::Nash {
            return Some(nash);
        }
        let target = self.threshold(state);
        let profile = self.profile;
        let opponents = &mut self.opponents;
        let offer = best_above(profile, target, |o| {
            let gain = profile.utility(o) - profile.reserved();
            gain * opponents.estimate(o, normalised(profile, o), |a, b| a * b)
        });
        Some(offer.unwrap_or(nash))
    }

    fn observe(&mut self, _state: &State, proposer: usize, offer: u32) {
        self.opponents.observe(proposer, offer);
    }

    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool {
        self.profile.is_acceptable(proposal)
            && (self.profile.utility(proposal) >= self.profile.utility(current)
                || self.profile.utility(proposal) >= self.threshold(state))
    }
}

/// A red-line holder: it concedes over time (aspiration `1 − t^e`) down to its reservation value
/// and no further, and never offers or accepts a package that crosses one of its absolute red lines
/// or fails one of its preconditions. It bargains under the scenario's model as common knowledge —
/// the parties' declared red lines, preconditions and utilities are public, their reservation
/// values private: it offers only packages that cross no party's absolute red line or
/// precondition, and among those above its aspiration it offers the one whose worst-off other
/// party does best (largest smallest normalised utility), so that as it concedes its offers move
/// toward packages everyone can accept.
#[derive(Clone, Debug)]
pub struct RedLineHolder<'a> {
    profile: &'a Profile,
    curve: TimeBased<'a>,
    others: Vec<&'a Profile>,
}

/// Outcomes a red-line holder examines above its aspiration.
const RED_LINE_CANDIDATES: usize = 4096;

impl<'a> RedLineHolder<'a> {
    /// A red-line holder for party `me` with aspiration exponent `exponent`.
    pub fn new(setting: &'a Setting, me: usize, exponent: f64) -> RedLineHolder<'a> {
        let profile: &'a Profile = &setting.profiles()[me];
        RedLineHolder {
            curve: TimeBased::new(profile, exponent),
            others: setting
                .profiles()
                .iter()
                .enumerate()
                .filter(|&(p, _)| p != me)
                .map(|(_, prof)| &**prof)
                .collect(),
            profile,
        }
    }

    /// The smallest normalised utility of the other parties, or `None` when the outcome crosses
    /// one of their absolute red lines or preconditions.
    fn worst_off(&self, outcome: u32) -> Option<f64> {
        let mut worst = f64::INFINITY;
        for other in &self.others {
            if other.is_forbidden(outcome) {
                return None;
            }
            worst = worst.min(normalised(other, outcome));
        }
        Some(worst)
    }
}

impl Agent for RedLineHolder<'_> {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        let (lo, _) = self.curve.band(state.time);
        if self.profile.is_acceptable(offer) && self.profile.utility(offer) >= lo {
            Response::Accept
        } else {
            Response::Reject
        }
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        let (lo, _) = self.curve.band(state.time);
        let profile = self.profile;
        let sorted = profile.sorted_acceptable();
        let start = first_at_least(profile, lo);
        let end = sorted.n_rational().min(start + RED_LINE_CANDIDATES);
        let mut best: Option<(f64, u32)> = None;
        for &o in &sorted.outcomes()[start..end] {
            if let Some(score) = self.worst_off(o)
                && best.is_none_or(|(b, _)| score > b)
            {
                best = Some((score, o));
            }
        }
        // Nothing publicly possible above the aspiration: hold the best acceptable package.
        Some(best.map(|(_, o)| o).or_else(|| sorted.best()).unwrap_or_else(|| profile.best()))
    }

    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool {
        let (lo, _) = self.curve.band(state.time);
        self.profile.is_acceptable(proposal)
            && (self.profile.utility(proposal) >= self.profile.utility(current)
                || self.profile.utility(proposal) >= lo)
    }
}
