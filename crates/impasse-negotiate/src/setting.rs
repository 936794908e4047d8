//! What the agents negotiate over: the outcome space and each party's precomputed profile.
//!
//! A [`Setting`] is built once per scenario and shared (through [`Arc`]s) by every negotiation run
//! on it, so the per-negotiation cost is only the negotiation itself: utilities of every outcome
//! are tabulated and sorted once, which is what NegMAS pays at the start of every negotiation.

use std::sync::Arc;

use impasse_core::{CrossingCost, OutcomeSpace, Scenario};

use crate::NegotiateError;

/// The largest outcome space negotiated over: every party's utility of every outcome is tabulated.
pub const MAX_NEGOTIATION_OUTCOMES: u64 = 1 << 24;

/// Outcomes sorted by ascending utility, as NegMAS's presorting inverter holds them: the sorted
/// rational outcomes first (`..=last_rational`), then the irrational ones in enumeration order.
#[derive(Clone, Debug)]
pub struct Sorted {
    outcomes: Vec<u32>,
    utils: Vec<f64>,
    /// Number of sorted (rational) outcomes.
    rational: usize,
}

/// The tolerance NegMAS's `worst_in` uses around the range (`negmas.preferences.inv_ufun` `EPS`).
const INVERTER_EPS: f64 = 1e-6;

impl Sorted {
    fn new(utils: &[f64], order: Vec<u32>, tail: Vec<u32>) -> Sorted {
        let rational = order.len();
        let outcomes: Vec<u32> = order.into_iter().chain(tail).collect();
        let utils = outcomes.iter().map(|&o| utils[o as usize]).collect();
        Sorted { outcomes, utils, rational }
    }

    /// The outcomes, rational ones sorted by ascending utility first.
    pub fn outcomes(&self) -> &[u32] {
        &self.outcomes
    }

    /// Their utilities, in the same order.
    pub fn utils(&self) -> &[f64] {
        &self.utils
    }

    /// How many outcomes are rational (sorted at the front).
    pub fn n_rational(&self) -> usize {
        self.rational
    }

    /// The rational outcome with the highest utility (the last sorted one).
    pub fn best(&self) -> Option<u32> {
        self.rational.checked_sub(1).map(|last| self.outcomes[last])
    }

    /// NegMAS's `worst_in((lo, hi))`: the rational outcome with the lowest utility at least `lo`,
    /// or, when an outcome is strictly closer to `lo` within `[lo − 1e-6, hi + 2e-6]`, that one;
    /// when nothing reaches `lo` the best rational outcome. `None` without rational outcomes.
    ///
    /// This reproduces `PresortingInverseUtilityFunction.worst_in` and `_nearest_around` of NegMAS
    /// 0.16 exactly, including which of several tied outcomes is returned (the first in sorted
    /// order), in O(log n) instead of NegMAS's O(n) scan.
    pub fn worst_in(&self, lo: f64, hi: f64) -> Option<u32> {
        if self.rational == 0 {
            return None;
        }
        let last = self.rational - 1;
        let a = &self.utils;
        // index_above_or_equal: searchsorted(side=left) over the rational part, clamped.
        let i = a[..self.rational].partition_point(|&u| u < lo).min(last);
        let (range_lo, range_hi) = (lo - INVERTER_EPS, hi + 2.0 * INVERTER_EPS);
        let in_range = |u: f64| u >= range_lo && u <= range_hi;
        // argmin of |a - lo| over in-range entries, first index on ties.
        let mut best: Option<(f64, usize)> = None;
        let mut consider = |k: usize| {
            let u = a[k];
            if in_range(u) {
                let d = (u - lo).abs();
                match best {
                    Some((bd, bk)) if d > bd || (d == bd && k > bk) => {}
                    _ => best = Some((d, k)),
                }
            }
        };
        // In the sorted part the closest entries are the last below `lo` and the first at or
        // above it; among equal values the first index counts.
        if a[i] >= lo {
            consider(i);
            if i > 0 {
                let below = a[..i].partition_point(|&u| u < a[i - 1]);
                consider(below);
            }
        } else {
            let below = a[..=i].partition_point(|&u| u < a[i]);
            consider(below);
        }
        for k in self.rational..a.len() {
            consider(k);
        }
        let best_diff = (a[i] - lo).abs();
        let chosen = match best {
            Some((d, k)) if d < best_diff => k,
            _ => i,
        };
        if chosen != i && (a[chosen] - lo).abs() > 2.0 * INVERTER_EPS {
            return None;
        }
        Some(self.outcomes[chosen])
    }
}

/// One party's view of the outcome space: the utility of every outcome (after the penalties of its
/// finite red lines), its reservation value and the outcomes it can never accept (those crossing
/// its absolute red lines or failing its preconditions).
#[derive(Clone, Debug)]
pub struct Profile {
    utils: Vec<f64>,
    reserved: f64,
    forbidden: Vec<bool>,
    n_forbidden: usize,
    min: f64,
    max: f64,
    best: u32,
    /// Every outcome sorted (NegMAS `ufun.invert()`, `rational_only=False`).
    all: Arc<Sorted>,
    /// Acceptable outcomes sorted, then the rest (NegMAS's negotiators' inverter, `rational_only`).
    rational: Arc<Sorted>,
}

impl Profile {
    /// A profile from the utility of every outcome, a reservation value and the outcomes the party
    /// can never accept (`forbidden`, empty for none). Outcomes are sorted by utility with ties in
    /// enumeration order.
    ///
    /// # Errors
    ///
    /// When `utils` is empty or holds a non-finite value, or `forbidden` has the wrong length.
    pub fn new(utils: Vec<f64>, reserved: f64, forbidden: Vec<bool>) -> Result<Profile, String> {
        let order_all = stable_order(&utils);
        // The acceptable outcomes in the same (stable) order.
        Profile::with_orders(utils, reserved, forbidden, order_all, None)
    }

    /// A profile whose outcomes are sorted in the given orders rather than with ties in
    /// enumeration order: `order_all` lists every outcome by ascending utility; `order_rational`
    /// the acceptable ones (utility at least the reservation value and not forbidden), by ascending
    /// utility — `None` derives it from `order_all`. This reproduces a peer's tie order (NegMAS
    /// sorts with numpy's unstable `argsort`, so its order among exactly tied outcomes is
    /// platform-dependent).
    ///
    /// # Errors
    ///
    /// When an order is not a permutation of the right outcomes or not sorted by utility.
    pub fn with_orders(
        utils: Vec<f64>,
        reserved: f64,
        forbidden: Vec<bool>,
        order_all: Vec<u32>,
        order_rational: Option<Vec<u32>>,
    ) -> Result<Profile, String> {
        let n = utils.len();
        if n == 0 {
            return Err("the outcome space is empty".into());
        }
        if let Some(bad) = utils.iter().position(|u| !u.is_finite()) {
            return Err(format!("outcome {bad} has a non-finite utility {}", utils[bad]));
        }
        if !reserved.is_finite() && reserved != f64::NEG_INFINITY {
            return Err(format!("the reservation value {reserved} is not a number"));
        }
        let forbidden = if forbidden.is_empty() { vec![false; n] } else { forbidden };
        if forbidden.len() != n {
            return Err(format!("{} forbidden flags for {n} outcomes", forbidden.len()));
        }
        let acceptable = |o: u32| utils[o as usize] >= reserved && !forbidden[o as usize];
        let order_rational = order_rational
            .unwrap_or_else(|| order_all.iter().copied().filter(|&o| acceptable(o)).collect());
        check_order(&utils, &order_all, |_| true, "every outcome")?;
        check_order(&utils, &order_rational, acceptable, "the acceptable outcomes")?;
        let tail: Vec<u32> = (0..n as u32).filter(|&o| !acceptable(o)).collect();
        let all = Arc::new(Sorted::new(&utils, order_all, Vec::new()));
        let rational = Arc::new(Sorted::new(&utils, order_rational, tail));
        let min = all.utils[0];
        let max = all.utils[n - 1];
        let best = utils.iter().position(|&u| u == max).unwrap_or(0) as u32;
        let n_forbidden = forbidden.iter().filter(|&&f| f).count();
        Ok(Profile { utils, reserved, forbidden, n_forbidden, min, max, best, all, rational })
    }

    /// The utility of an outcome.
    #[inline]
    pub fn utility(&self, outcome: u32) -> f64 {
        self.utils[outcome as usize]
    }

    /// The utility of every outcome.
    pub fn utilities(&self) -> &[f64] {
        &self.utils
    }

    /// The reservation value: the utility of no agreement.
    pub fn reserved(&self) -> f64 {
        self.reserved
    }

    /// Whether the party can never accept the outcome (it crosses one of the party's absolute red
    /// lines or fails one of its preconditions).
    #[inline]
    pub fn is_forbidden(&self, outcome: u32) -> bool {
        self.forbidden[outcome as usize]
    }

    /// Whether any outcome is forbidden to the party.
    pub fn has_forbidden(&self) -> bool {
        self.n_forbidden > 0
    }

    /// Whether the outcome is acceptable: not forbidden and at least the reservation value.
    #[inline]
    pub fn is_acceptable(&self, outcome: u32) -> bool {
        !self.is_forbidden(outcome) && self.utility(outcome) >= self.reserved
    }

    /// The lowest utility of any outcome.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The highest utility of any outcome.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// The first outcome (in enumeration order) with the highest utility.
    pub fn best(&self) -> u32 {
        self.best
    }

    /// Every outcome sorted by ascending utility.
    pub fn sorted_all(&self) -> &Sorted {
        &self.all
    }

    /// The acceptable outcomes sorted by ascending utility, then the others.
    pub fn sorted_acceptable(&self) -> &Sorted {
        &self.rational
    }

    /// NegMAS's `eval_normalized(outcome, above_reserve=True)`: `(u − lo)/(max − lo)` with
    /// `lo = max(min, reserved)`; 1 when the range is below 1e-5.
    pub fn normalized_above_reserve(&self, outcome: u32) -> f64 {
        let r = self.reserved;
        let (mut mn, mut mx) = (self.min, self.max);
        if mx < r {
            mx = f64::NEG_INFINITY;
            mn = f64::NEG_INFINITY;
        } else if mn < r {
            mn = r;
        }
        let d = mx - mn;
        if d.is_nan() || d < 1e-5 {
            return if mx.is_finite() { 1.0 } else { 0.0 };
        }
        let d = 1.0 / d;
        (self.utility(outcome) - mn) * d
    }
}

fn stable_order(utils: &[f64]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..utils.len() as u32).collect();
    order.sort_by(|&a, &b| utils[a as usize].total_cmp(&utils[b as usize]));
    order
}

fn check_order(
    utils: &[f64],
    order: &[u32],
    belongs: impl Fn(u32) -> bool,
    what: &str,
) -> Result<(), String> {
    let mut seen = vec![false; utils.len()];
    for &o in order {
        let slot = seen.get_mut(o as usize).ok_or_else(|| format!("outcome {o} out of range"))?;
        if *slot || !belongs(o) {
            return Err(format!("the order of {what} lists outcome {o} wrongly or twice"));
        }
        *slot = true;
    }
    let expected = (0..utils.len() as u32).filter(|&o| belongs(o)).count();
    if expected != order.len() {
        return Err(format!("the order of {what} has {} outcomes, not {expected}", order.len()));
    }
    if order.windows(2).any(|w| utils[w[0] as usize] > utils[w[1] as usize]) {
        return Err(format!("the order of {what} is not by ascending utility"));
    }
    Ok(())
}

/// A party as the negotiation sees it.
#[derive(Clone, Debug)]
pub struct PartyInfo {
    /// Identifier (from the scenario).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A scenario prepared for negotiation: its space, parties and profiles.
#[derive(Clone, Debug)]
pub struct Setting {
    name: String,
    space: OutcomeSpace,
    parties: Vec<PartyInfo>,
    profiles: Vec<Arc<Profile>>,
    scenario: Option<Arc<Scenario>>,
}

impl Setting {
    /// Prepares a scenario: tabulates every party's utility of every outcome (after the penalties
    /// of its finite red lines), its reservation value today, and the outcomes crossing its
    /// absolute red lines or failing its preconditions.
    ///
    /// # Errors
    ///
    /// When the space has more than [`MAX_NEGOTIATION_OUTCOMES`] outcomes, fewer than two parties,
    /// or a party's utilities are not finite.
    pub fn from_scenario(scenario: Arc<Scenario>) -> Result<Setting, NegotiateError> {
        let n = checked_size(&scenario)?;
        let parties = scenario.parties().len();
        if parties < 2 {
            return Err(NegotiateError::Setting(format!(
                "scenario '{}' has {parties} part{}; a negotiation needs at least two",
                scenario.name(),
                if parties == 1 { "y" } else { "ies" }
            )));
        }
        let reservation = scenario.reservation_values();
        let mut utils = vec![Vec::with_capacity(n); parties];
        let mut forbidden = vec![Vec::with_capacity(n); parties];
        let hard: Vec<Vec<&impasse_core::Expr>> = (0..parties)
            .map(|party| {
                let lines = scenario
                    .red_lines()
                    .iter()
                    .filter(|line| line.party == party && line.cost == CrossingCost::Absolute)
                    .map(|line| &line.requires);
                let pre = scenario
                    .preconditions()
                    .iter()
                    .filter(|pre| pre.party == party)
                    .map(|pre| &pre.requires);
                lines.chain(pre).collect()
            })
            .collect();
        let penalised: Vec<bool> = (0..parties)
            .map(|party| {
                scenario.red_lines().iter().any(|line| {
                    line.party == party && matches!(line.cost, CrossingCost::Penalty(_))
                })
            })
            .collect();
        let mut outcomes = scenario.space().range(0, n as u64);
        while let Some((_, outcome)) = outcomes.next_outcome() {
            for party in 0..parties {
                let mut u = scenario.parties()[party].utility.eval(outcome);
                if penalised[party] {
                    u -= scenario.penalty(party, outcome);
                }
                utils[party].push(u);
                forbidden[party].push(!hard[party].iter().all(|expr| expr.eval(outcome)));
            }
        }
        let mut profiles = Vec::with_capacity(parties);
        for (party, (u, f)) in utils.into_iter().zip(forbidden).enumerate() {
            let profile = Profile::new(u, reservation[party], f).map_err(|err| {
                NegotiateError::Setting(format!("party '{}': {err}", scenario.parties()[party].id))
            })?;
            profiles.push(Arc::new(profile));
        }
        Ok(Setting::from_profiles_of(scenario, profiles))
    }

    /// A setting with the given profiles for a scenario's space and parties (for instance profiles
    /// with a peer's tie order, see [`Profile::with_orders`]).
    ///
    /// # Errors
    ///
    /// When the number of profiles or of their outcomes does not match the scenario.
    pub fn with_profiles(
        scenario: Arc<Scenario>,
        profiles: Vec<Profile>,
    ) -> Result<Setting, NegotiateError> {
        let n = checked_size(&scenario)?;
        if profiles.len() != scenario.parties().len() {
            return Err(NegotiateError::Setting(format!(
                "{} profiles for {} parties",
                profiles.len(),
                scenario.parties().len()
            )));
        }
        if let Some(bad) = profiles.iter().position(|p| p.utils.len() != n) {
            return Err(NegotiateError::Setting(format!(
                "profile {bad} has {} outcomes, the space {n}",
                profiles[bad].utils.len()
            )));
        }
        Ok(Setting::from_profiles_of(scenario, profiles.into_iter().map(Arc::new).collect()))
    }

    fn from_profiles_of(scenario: Arc<Scenario>, profiles: Vec<Arc<Profile>>) -> Setting {
        Setting {
            name: scenario.name().to_owned(),
            space: scenario.space().clone(),
            parties: scenario
                .parties()
                .iter()
                .map(|p| PartyInfo { id: p.id.clone(), name: p.name.clone() })
                .collect(),
            profiles,
            scenario: Some(scenario),
        }
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The outcome space.
    pub fn space(&self) -> &OutcomeSpace {
        &self.space
    }

    /// The number of outcomes.
    pub fn n_outcomes(&self) -> u32 {
        self.profiles[0].utils.len() as u32
    }

    /// The parties.
    pub fn parties(&self) -> &[PartyInfo] {
        &self.parties
    }

    /// Every party's profile, in scenario order.
    pub fn profiles(&self) -> &[Arc<Profile>] {
        &self.profiles
    }

    /// The scenario the setting was built from.
    pub fn scenario(&self) -> Option<&Arc<Scenario>> {
        self.scenario.as_ref()
    }

    /// Every party's utility of an outcome.
    pub fn utilities(&self, outcome: u32) -> Vec<f64> {
        self.profiles.iter().map(|p| p.utility(outcome)).collect()
    }

    /// Every party's reservation value.
    pub fn reservation(&self) -> Vec<f64> {
        self.profiles.iter().map(|p| p.reserved()).collect()
    }

    /// The value indices of an outcome.
    pub fn decode(&self, outcome: u32) -> Vec<u32> {
        let mut values = vec![0; self.space.n_issues()];
        self.space.decode(u64::from(outcome), &mut values);
        values
    }
}

fn checked_size(scenario: &Scenario) -> Result<usize, NegotiateError> {
    match scenario.space().size() {
        Some(n) if n <= MAX_NEGOTIATION_OUTCOMES => Ok(n as usize),
        _ => Err(NegotiateError::Setting(format!(
            "scenario '{}' has {:.3e} outcomes; negotiation tabulates every outcome and supports at \
             most {MAX_NEGOTIATION_OUTCOMES} (coarsen the issues)",
            scenario.name(),
            scenario.space().size_f64()
        ))),
    }
}
