//! Ripeness: where the balance of power and the costs of conflict must lie for a zone to exist,
//! the smallest shift that opens one, and the commitment-problem check.
//!
//! A party whose reservation derives from the conflict has the war value
//! `W_i = p·u_i(victory_a) + (1 − p)·u_i(victory_b) − c_i`, linear in the balance `p` (the
//! probability that side A prevails) and in its own cost `c_i`; other reservation values are
//! fixed. A package is acceptable to a party exactly as for the zone:
//! `key(u_i − penalties) >= key(W_i)` (the scenario's tie keys, [`impasse_core::Scenario::ties`]),
//! so for each package that crosses no absolute red line
//! and meets every precondition ("hard-feasible"), the balances at which every party accepts it
//! form an interval of `[0, 1]` (an intersection of half-lines, at today's costs). Their union,
//! streamed over the class outcomes, is where a zone exists ([`Ripeness::balance_intervals`]).
//! Interval ends are located on the floats themselves (see the private `search` module), so they
//! agree with [`impasse_core::Scenario::reservation_at`] and the zone's test to the last bit —
//! except that the rounding of `W_i` is not quite monotone in the balance, so within a few floats
//! of an end the zone's test can flicker (found by `perceived`'s brute-force tests, which decide
//! those floats package by package).
//!
//! Likewise, with the balance and every other cost fixed at today's values, the costs `c ≥ 0` of one
//! party at which a zone exists form `[c_min, ∞)` or nothing: a costlier conflict lowers the party's
//! war value, so it accepts more, and lowering a cost never opens a zone
//! ([`Ripeness::costs`]). Each lever is reported alone, as if only it moved, or as impossible
//! (bargaining-models §6.4a, pitfall 1). When no package is hard-feasible, no balance or cost opens a
//! zone, and [`Ripeness::blocked_by`] names the minimal clashing sets of absolute red lines and
//! preconditions that block every package.
//!
//! The commitment check (Fearon; Powell 2006) runs over the stated power trajectory; see
//! [`Commitment`].

use impasse_core::{CrossingCost, Reservation, TIE_RESOLUTION, Ties, tie_key};

use crate::AnalysisConfig;
use crate::clash::{self, ConstraintRef, falls_short, key_floor};
use crate::prepared::{CHUNK, Prepared};

mod search;
#[cfg(test)]
mod tests;

use search::{IntervalUnion, first_true, last_true};

/// Ripeness of a scenario with a conflict model.
#[derive(Clone, PartialEq, Debug)]
pub struct Ripeness {
    /// The balance of power today: the probability that side A prevails.
    pub balance_today: f64,
    /// Whether a zone of agreement exists at today's balance and costs.
    pub zone_today: bool,
    /// Whether some package crosses no absolute red line and meets every precondition. When none
    /// does, no shift of the balance or the costs can open a zone.
    pub hard_feasible: bool,
    /// The balances in `[0, 1]` at which a zone exists (every cost at today's value), as disjoint
    /// closed intervals in increasing order. Intervals with no float between them are merged.
    pub balance_intervals: Vec<BalanceInterval>,
    /// The smallest change of the balance that opens a zone (a shift of 0 when one exists today);
    /// `None` when no balance in `[0, 1]` does.
    pub balance_shift: Option<BalanceShift>,
    /// For each party with a conflict cost (one stated in the conflict model, or a reservation
    /// derived from the conflict), in party order: the costs at which a zone exists, the balance
    /// and the other costs staying at today's values.
    pub costs: Vec<CostLever>,
    /// The lever needing the smallest move to open a zone, each lever moved alone: a balance shift
    /// (a probability) or a cost increase (in the party's utility units), compared as numbers on
    /// the conventional 0–1 scale of a probability; moves within [`TIE_RESOLUTION`] of each other
    /// tie (whatever the scenario's utility scale), and ties go to
    /// the balance, then to the lowest party index. `None` when a zone exists today or no lever
    /// opens one.
    pub cheapest_lever: Option<Lever>,
    /// When no package is hard-feasible: the minimal clashing sets among the absolute red lines and
    /// preconditions alone, which block every package whatever the balance and costs. Empty
    /// otherwise.
    pub blocked_by: Vec<Vec<ConstraintRef>>,
    /// Whether more blocking sets exist than are listed in `blocked_by`.
    pub blocked_by_truncated: bool,
    /// The commitment-problem check over the conflict model's power trajectory; `None` when no
    /// trajectory is stated.
    pub commitment: Option<Commitment>,
    /// Remarks on how to read the results.
    pub notes: Vec<String>,
}

/// A closed interval of balances.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct BalanceInterval {
    /// The lowest balance in the interval.
    pub low: f64,
    /// The highest balance in the interval.
    pub high: f64,
}

/// A move of the balance of power that opens a zone.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct BalanceShift {
    /// The balance after the move: the balance nearest today's at which a zone exists (the lower
    /// one if two are equally near).
    pub target: f64,
    /// `target − balance_today`: positive when side A must gain.
    pub shift: f64,
}

/// The costs of one party at which a zone exists.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CostLever {
    /// The party.
    pub party: usize,
    /// Its cost of conflict today (0 when none is stated).
    pub today: f64,
    /// The smallest cost `c ≥ 0` at which a zone exists; the zone then exists for every larger
    /// cost. `None` when no cost opens a zone.
    pub threshold: Option<f64>,
    /// The increase that opens a zone, `max(0, threshold − today)`; `None` when no cost does.
    pub increase: Option<f64>,
    /// Whether the party's reservation value derives from the conflict. When it does not, its cost
    /// moves nothing: a zone exists for every cost or for none.
    pub moves_reservation: bool,
}

/// A lever that opens a zone on its own.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Lever {
    /// Shift the balance of power.
    Balance(BalanceShift),
    /// Raise one party's cost of conflict.
    Cost {
        /// The party.
        party: usize,
        /// The increase needed.
        increase: f64,
    },
}

/// A side of the conflict.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    /// Side A, whose probability of prevailing is the balance `p`.
    A,
    /// Side B, which prevails with probability `1 − p`.
    B,
}

/// The commitment-problem check (bargaining-models §1.2(b), after Powell 2006).
///
/// With a per-period pie of 1 and discount `δ`, when side B's probability of prevailing rises from
/// `q_t` to `q_{t+1}` (`q = 1 − p`), B cannot credibly promise not to exploit its future strength,
/// and side A prefers to fight now iff `δ·(q_{t+1} − q_t) > (1 − δ)·q_t + c_A + δ·c_B`; symmetrically,
/// when A rises from `p_t` to `p_{t+1}`, B fights iff `δ·(p_{t+1} − p_t) > (1 − δ)·p_t + c_B + δ·c_A`.
/// The sides' per-period costs `c_A` and `c_B` are the *mean* conflict costs of each side's parties
/// (a party with no stated cost counts as 0). Steps run from today's balance through each point of
/// the trajectory (a first point equal to today's balance is today, not a step); the two sides of
/// each inequality are compared through [`tie_key`] (the unit scale: the check is stated in shares
/// of a per-period pie of 1).
#[derive(Clone, PartialEq, Debug)]
pub struct Commitment {
    /// The per-period discount factor `δ`.
    pub discount: f64,
    /// Side A's cost `c_A`: the mean cost of its parties.
    pub cost_a: f64,
    /// Side B's cost `c_B`: the mean cost of its parties.
    pub cost_b: f64,
    /// One entry per period-to-period step, starting from today's balance (empty when the
    /// trajectory holds only today's balance).
    pub steps: Vec<CommitmentStep>,
    /// Whether some step poses a commitment problem.
    pub problem: bool,
}

/// One step of the power trajectory.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CommitmentStep {
    /// The balance (side A's probability of prevailing) at the start of the step.
    pub from: f64,
    /// The balance at the end of the step.
    pub to: f64,
    /// The side whose probability of prevailing rises; `None` when the balance does not move.
    pub rising: Option<Side>,
    /// `δ·(rise of the rising side's probability)`: the future gain the rising side cannot promise
    /// away (0 for a step that does not move).
    pub lhs: f64,
    /// `(1 − δ)·(rising side's probability at the start) + c_declining + δ·c_rising`: what the
    /// declining side gives up by fighting now. For a step that does not move, the smaller of the
    /// two sides' values.
    pub rhs: f64,
    /// Whether the declining side prefers to fight (`lhs > rhs`).
    pub problem: bool,
    /// The largest rise of side A's probability within the step compatible with peace (`rhs/δ` for
    /// A rising, capped by the room left below 1).
    pub max_shift_toward_a: f64,
    /// The largest rise of side B's probability within the step compatible with peace.
    pub max_shift_toward_b: f64,
}

/// Ripeness of the scenario, or `None` without a conflict model.
///
/// Streams once over the class outcomes (twice when no package is hard-feasible, to name the
/// blocking constraints).
pub fn ripeness(prepared: &Prepared, config: &AnalysisConfig) -> Option<Ripeness> {
    let scenario = prepared.scenario;
    let conflict = scenario.conflict()?;
    let balance = scenario.balance()?;
    let model = Model::new(prepared, balance);
    let n_parties = model.parties.len();
    let acc = prepared.par_fold(
        || Acc::new(n_parties),
        |acc, _, outcome| acc.add(prepared, &model, outcome),
        Acc::merge,
    );
    let mut notes = Vec::new();
    let balance_intervals: Vec<BalanceInterval> =
        acc.union.intervals().iter().map(|&(low, high)| BalanceInterval { low, high }).collect();
    let balance_shift = if acc.open_today {
        Some(BalanceShift { target: balance, shift: 0.0 })
    } else {
        acc.union.nearest(balance).map(|target| BalanceShift { target, shift: target - balance })
    };
    let costs: Vec<CostLever> = (0..n_parties)
        .filter(|&party| {
            conflict.costs.get(party).is_some_and(Option::is_some) || model.parties[party].conflict
        })
        .map(|party| {
            let best_key = acc.best_values[party].map(|value| model.ties.key(value));
            model.cost_lever(party, best_key, acc.open_today)
        })
        .collect();
    let cheapest_lever = if acc.open_today {
        None
    } else {
        let balance_lever = balance_shift.map(|shift| (shift.shift.abs(), Lever::Balance(shift)));
        let cost_levers = costs.iter().filter_map(|lever| {
            lever.increase.map(|increase| (increase, Lever::Cost { party: lever.party, increase }))
        });
        // Moves within the tie resolution of each other are equally cheap: the first one wins.
        balance_lever
            .into_iter()
            .chain(cost_levers)
            .fold(None, |best: Option<(f64, Lever)>, next| match best {
                Some(best) if best.0 <= next.0 + TIE_RESOLUTION => Some(best),
                _ => Some(next),
            })
            .map(|(_, lever)| lever)
    };
    let (mut blocked_by, mut blocked_by_truncated) = (Vec::new(), false);
    if !acc.hard_feasible {
        notes.push(
            "every package crosses an absolute red line or misses a precondition, so no shift of the balance of power or of the costs of conflict can open a zone".to_owned(),
        );
        let report = clash::hard_clash_sets(prepared, config);
        blocked_by = report.sets;
        blocked_by_truncated = report.truncated;
        notes.extend(report.notes);
    } else if !model.parties.iter().any(|party| party.conflict) {
        notes.push(
            "no reservation value derives from the conflict, so neither the balance of power nor the costs move the zone".to_owned(),
        );
    }
    if !costs.is_empty() {
        notes.push(
            "a higher cost of conflict lowers a party's war value, so it accepts more; lowering a cost never opens a zone".to_owned(),
        );
    }
    let commitment = (!conflict.trajectory.is_empty()).then(|| {
        notes.push(
            "commitment check: each side's cost is the mean conflict cost of its parties (0 for a party with none), per period, with a per-period pie of 1".to_owned(),
        );
        commitment_check(scenario, balance)
    });
    Some(Ripeness {
        balance_today: balance,
        zone_today: acc.open_today,
        hard_feasible: acc.hard_feasible,
        balance_intervals,
        balance_shift,
        costs,
        cheapest_lever,
        blocked_by,
        blocked_by_truncated,
        commitment,
        notes,
    })
}

/// The size of the zone of agreement at each balance of power in `balances` (the probability that
/// side A prevails), every cost of conflict at today's value: the number of packages that cross no
/// absolute red line, meet every precondition and that every party accepts, with each
/// conflict-derived reservation value taken at that balance. `None` without a conflict model.
///
/// This is the one home of the "zone by balance" curve (drawn by `impasse-plot`, served by
/// `impasse-server`). Acceptance is the zone's test to the last bit:
/// `key(u_i − penalties) >= key(W_i(b))` at the scenario's tie rule, with `W_i` computed as
/// [`impasse_core::Scenario::reservation_at`] does; at today's balance the size is the analysed
/// zone's, and it is positive exactly on [`Ripeness::balance_intervals`]. Each package's balances
/// are estimated as an interval first; balances within the estimate's error bound of its ends are
/// tested exactly, so the cost is about one pass over the class outcomes plus a few exact tests per
/// package. The result does not depend on the number of threads; `balances` may come in any order.
pub fn zone_by_balance(prepared: &Prepared, balances: &[f64]) -> Option<Vec<u128>> {
    let scenario = prepared.scenario;
    scenario.conflict()?;
    let today = scenario.balance()?;
    let model = Model::new(prepared, today);
    // Balances in increasing order, with their positions in `balances`.
    let mut order: Vec<usize> = (0..balances.len()).collect();
    order.sort_by(|&x, &y| balances[x].total_cmp(&balances[y]));
    let sorted: Vec<f64> = order.iter().map(|&idx| balances[idx]).collect();
    let size = prepared.size();
    let chunk_counts = |chunk: u64| {
        // `diff[i]` adds to every sorted balance from `i` on (wrapping, exact once summed).
        let mut diff = vec![0u128; sorted.len() + 1];
        let mut values = vec![0.0f64; model.parties.len()];
        let mut outcomes = prepared.space.range(chunk * CHUNK, ((chunk + 1) * CHUNK).min(size));
        while let Some((_, outcome)) = outcomes.next_outcome() {
            count_package(prepared, &model, outcome, &sorted, &mut values, &mut diff);
        }
        diff
    };
    let diff = crate::analyze::tree_reduce(0, size.div_ceil(CHUNK), &chunk_counts, &|a, b| {
        a.into_iter().zip(b).map(|(x, y)| x.wrapping_add(y)).collect::<Vec<u128>>()
    })
    .unwrap_or_else(|| vec![0; sorted.len() + 1]);
    let mut counts = vec![0u128; balances.len()];
    let mut total = 0u128;
    for (position, &idx) in order.iter().enumerate() {
        total = total.wrapping_add(diff[position]);
        counts[idx] = total;
    }
    Some(counts)
}

/// Adds one class outcome's weight to `diff` at the sorted balances at which it is in the zone.
fn count_package(
    prepared: &Prepared,
    model: &Model,
    outcome: &[u32],
    sorted: &[f64],
    values: &mut [f64],
    diff: &mut [u128],
) {
    if model.absolute.iter().any(|&line| !prepared.red_lines[line].eval(outcome))
        || prepared.preconditions.iter().any(|pre| !pre.eval(outcome))
    {
        return;
    }
    // The real-number interval of balances at which every conflict-derived party accepts, and how
    // far the exact ends can lie from it; `margin` is infinite when some party's cannot be
    // estimated (a war value that hardly moves with the balance).
    let (mut low, mut high, mut margin) = (f64::NEG_INFINITY, f64::INFINITY, 0.0f64);
    for (party, party_model) in model.parties.iter().enumerate() {
        let value = party_model.value(prepared, party, outcome);
        values[party] = value;
        if !party_model.conflict {
            if falls_short(value, party_model.today_floor) {
                return;
            }
            continue;
        }
        let slope = party_model.victory_a - party_model.victory_b;
        let bound = (value - (party_model.victory_b - party_model.cost)) / slope;
        let error = (party_model.slack + 1e-12 * value.abs()) / slope.abs() + 1e-12 * bound.abs();
        if !(bound.is_finite() && error.is_finite() && error < 1e-3) {
            margin = f64::INFINITY;
            continue;
        }
        if slope > 0.0 {
            high = high.min(bound);
        } else {
            low = low.max(bound);
        }
        margin = margin.max(error);
    }
    let weight = prepared.weight(outcome);
    let accepts = |balance: f64| {
        model.parties.iter().zip(values.iter()).all(|(party, &value)| {
            !party.conflict
                || model.ties.key(war(party.victory_a, party.victory_b, balance, party.cost))
                    <= model.ties.key(value)
        })
    };
    // Balances in `[first, last)` may be in the zone; those in `[sure_first, sure_last)` are.
    let first = sorted.partition_point(|&b| b < low - margin);
    let last = sorted.partition_point(|&b| b <= high + margin);
    let (sure_first, sure_last) = if margin.is_finite() {
        (
            sorted.partition_point(|&b| b < low + margin).max(first),
            sorted.partition_point(|&b| b <= high - margin).min(last),
        )
    } else {
        (first, first)
    };
    if sure_first < sure_last {
        diff[sure_first] = diff[sure_first].wrapping_add(weight);
        diff[sure_last] = diff[sure_last].wrapping_sub(weight);
    }
    for position in (first..last.max(first)).filter(|&p| p < sure_first || p >= sure_last) {
        if accepts(sorted[position]) {
            diff[position] = diff[position].wrapping_add(weight);
            diff[position + 1] = diff[position + 1].wrapping_sub(weight);
        }
    }
}

/// A party's war value, computed exactly as [`impasse_core::Scenario::war_value`] does.
#[inline]
pub(crate) fn war(victory_a: f64, victory_b: f64, balance: f64, cost: f64) -> f64 {
    balance * victory_a + (1.0 - balance) * victory_b - cost
}

/// What the streaming pass needs to know about a party.
pub(crate) struct PartyModel {
    /// Whether the reservation value derives from the conflict.
    pub(crate) conflict: bool,
    /// Utility of side A's victory package.
    pub(crate) victory_a: f64,
    /// Utility of side B's victory package.
    pub(crate) victory_b: f64,
    /// Today's cost of conflict.
    pub(crate) cost: f64,
    /// The smallest value the party accepts today: `v >= today_floor` exactly when
    /// `key(v) >= key(reservation today)` at the scenario's tie rule.
    pub(crate) today_floor: f64,
    /// How far (in balance) the real-number boundary `W(p) = v` can lie from the exact one, per
    /// unit of `1/|u(victory_a) − u(victory_b)|`: half a tie unit of rounding, twice, plus a wide
    /// margin for floating-point error (relative to the scenario's scale).
    slack: f64,
    /// Finite red lines: (index, penalty), in red-line order.
    pub(crate) finite: Vec<(usize, f64)>,
}

impl PartyModel {
    /// Party `party`'s utility of `outcome` after the penalties of the finite red lines it
    /// crosses.
    fn value(&self, prepared: &Prepared, party: usize, outcome: &[u32]) -> f64 {
        let penalty: f64 = self
            .finite
            .iter()
            .filter(|&&(line, _)| !prepared.red_lines[line].eval(outcome))
            .map(|&(_, amount)| amount)
            .sum();
        prepared.utilities[party].eval(outcome) - penalty
    }
}

pub(crate) struct Model {
    /// Today's balance.
    balance: f64,
    /// The scenario's tie rule.
    pub(crate) ties: Ties,
    pub(crate) parties: Vec<PartyModel>,
    /// Indices of the absolute red lines.
    pub(crate) absolute: Vec<usize>,
}

impl Model {
    pub(crate) fn new(prepared: &Prepared, balance: f64) -> Model {
        let scenario = prepared.scenario;
        let ties = scenario.ties();
        let conflict = scenario.conflict();
        let mut parties: Vec<PartyModel> = scenario
            .parties()
            .iter()
            .enumerate()
            .map(|(idx, party)| {
                let eval = |package: Option<&Vec<u32>>| {
                    package.map_or(f64::NAN, |package| party.utility.eval(package))
                };
                let cost = scenario.conflict_cost(idx);
                let victory_a = eval(conflict.map(|model| &model.victory_a));
                let victory_b = eval(conflict.map(|model| &model.victory_b));
                let scale = ties.scale().max(victory_a.abs()).max(victory_b.abs()).max(cost.abs());
                PartyModel {
                    conflict: party.reservation == Reservation::Conflict,
                    victory_a,
                    victory_b,
                    cost,
                    today_floor: key_floor(
                        ties,
                        ties.key(scenario.reservation_at(idx, balance, cost)),
                    ),
                    slack: 2.0 * ties.resolution() + 1e-12 * scale,
                    finite: Vec::new(),
                }
            })
            .collect();
        let mut absolute = Vec::new();
        for (idx, line) in scenario.red_lines().iter().enumerate() {
            match line.cost {
                CrossingCost::Absolute => absolute.push(idx),
                CrossingCost::Penalty(amount) => {
                    if let Some(party) = parties.get_mut(line.party) {
                        party.finite.push((idx, amount));
                    }
                }
            }
        }
        Model { balance, ties, parties, absolute }
    }

    /// The balances at which a package whose value (after penalties) has key `key` is acceptable
    /// to conflict-derived `party`, at today's cost.
    pub(crate) fn balance_range(&self, party: usize, key: i64) -> Option<(f64, f64)> {
        let model = &self.parties[party];
        let (victory_a, victory_b, cost) = (model.victory_a, model.victory_b, model.cost);
        let ties = self.ties;
        let holds = |balance: f64| ties.key(war(victory_a, victory_b, balance, cost)) <= key;
        // Where the war value crosses the upper edge of the key's rounding interval.
        let guess =
            ((key as f64 + 0.5) * ties.resolution() - (victory_b - cost)) / (victory_a - victory_b);
        match (holds(0.0), holds(1.0)) {
            (true, true) => Some((0.0, 1.0)),
            (false, false) => None,
            (true, false) => Some((0.0, last_true(0.0, 1.0, guess, holds))),
            (false, true) => Some((first_true(0.0, 1.0, guess, holds), 1.0)),
        }
    }

    /// The smallest cost `c ≥ 0` at which a package of key `key` is acceptable to conflict-derived
    /// `party` at today's balance.
    fn cost_threshold(&self, party: usize, key: i64) -> Option<f64> {
        let model = &self.parties[party];
        let value = self.balance * model.victory_a + (1.0 - self.balance) * model.victory_b;
        let ties = self.ties;
        let holds = |cost: f64| ties.key(value - cost) <= key;
        if holds(0.0) {
            return Some(0.0);
        }
        if key == i64::MIN || !value.is_finite() {
            return None;
        }
        let mut high = (value - key as f64 * ties.resolution()).abs() + ties.scale();
        let mut found = false;
        for _ in 0..2100 {
            if !high.is_finite() {
                break;
            }
            if holds(high) {
                found = true;
                break;
            }
            high *= 2.0;
        }
        if !found {
            return None;
        }
        let guess = value - (key as f64 + 0.5) * ties.resolution();
        Some(first_true(0.0, high, guess, holds))
    }

    /// The cost lever of `party`, given the best key it reaches over the hard-feasible packages
    /// every other party accepts today.
    fn cost_lever(&self, party: usize, best_key: Option<i64>, open_today: bool) -> CostLever {
        let model = &self.parties[party];
        let threshold = if model.conflict {
            best_key.and_then(|key| self.cost_threshold(party, key))
        } else {
            open_today.then_some(0.0)
        };
        CostLever {
            party,
            today: model.cost,
            threshold,
            increase: threshold.map(|threshold| (threshold - model.cost).max(0.0)),
            moves_reservation: model.conflict,
        }
    }
}

/// What one range of outcomes contributes.
struct Acc {
    hard_feasible: bool,
    open_today: bool,
    /// The balances at which some package is acceptable to all.
    union: IntervalUnion,
    /// Per party, the highest value (after penalties) of a hard-feasible package every *other*
    /// party accepts today. (The tie key is monotone, so its key is the highest key.)
    best_values: Vec<Option<f64>>,
    /// Scratch: per party, the current package's value after penalties.
    values: Vec<f64>,
}

impl Acc {
    fn new(n_parties: usize) -> Acc {
        Acc {
            hard_feasible: false,
            open_today: false,
            union: IntervalUnion::default(),
            best_values: vec![None; n_parties],
            values: vec![0.0; n_parties],
        }
    }

    fn add(&mut self, prepared: &Prepared, model: &Model, outcome: &[u32]) {
        if model.absolute.iter().any(|&line| !prepared.red_lines[line].eval(outcome))
            || prepared.preconditions.iter().any(|pre| !pre.eval(outcome))
        {
            return;
        }
        self.hard_feasible = true;
        let mut failing = 0usize;
        let mut failing_party = usize::MAX;
        for (party, party_model) in model.parties.iter().enumerate() {
            let value = party_model.value(prepared, party, outcome);
            self.values[party] = value;
            if falls_short(value, party_model.today_floor) {
                failing += 1;
                failing_party = party;
            }
        }
        if failing == 0 {
            self.open_today = true;
        }
        for (party, best) in self.best_values.iter_mut().enumerate() {
            if failing == 0 || (failing == 1 && failing_party == party) {
                let value = self.values[party];
                *best = Some(best.map_or(value, |best| best.max(value)));
            }
        }
        self.add_balance_interval(model);
    }

    /// Adds the balances at which every party accepts the current package. A cheap real-number
    /// estimate comes first; the exact float boundaries are searched only when the estimate, widened
    /// by its error bound, could change the union.
    fn add_balance_interval(&mut self, model: &Model) {
        let mut low = 0.0f64;
        let mut high = 1.0f64;
        let mut margin = 0.0f64;
        let mut estimated = true;
        for (party, party_model) in model.parties.iter().enumerate() {
            let value = self.values[party];
            if !party_model.conflict {
                if falls_short(value, party_model.today_floor) {
                    return;
                }
                continue;
            }
            let slope = party_model.victory_a - party_model.victory_b;
            let bound = (value - (party_model.victory_b - party_model.cost)) / slope;
            let error =
                (party_model.slack + 1e-12 * value.abs()) / slope.abs() + 1e-12 * bound.abs();
            if !(bound.is_finite() && error.is_finite() && error < 1e-3) {
                estimated = false;
                break;
            }
            if slope > 0.0 {
                high = high.min(bound);
            } else {
                low = low.max(bound);
            }
            margin = margin.max(error);
        }
        if estimated {
            let (wide_low, wide_high) = ((low - margin).max(0.0), (high + margin).min(1.0));
            // The exact interval lies within the widened estimate.
            if wide_low > wide_high || self.union.covers(wide_low, wide_high) {
                return;
            }
        }
        let mut low = 0.0f64;
        let mut high = 1.0f64;
        for (party, party_model) in model.parties.iter().enumerate() {
            if !party_model.conflict {
                if falls_short(self.values[party], party_model.today_floor) {
                    return;
                }
                continue;
            }
            let Some((party_low, party_high)) =
                model.balance_range(party, model.ties.key(self.values[party]))
            else {
                return;
            };
            low = low.max(party_low);
            high = high.min(party_high);
            if low > high {
                return;
            }
        }
        self.union.insert(low, high);
    }

    fn merge(mut self, other: Acc) -> Acc {
        self.hard_feasible |= other.hard_feasible;
        self.open_today |= other.open_today;
        self.union.extend(&other.union);
        for (mine, theirs) in self.best_values.iter_mut().zip(other.best_values) {
            *mine = match (*mine, theirs) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        self
    }
}

/// The commitment check of a scenario's power trajectory, from today's balance: `None` without a
/// conflict model or a trajectory.
pub fn commitment(scenario: &impasse_core::Scenario) -> Option<Commitment> {
    let conflict = scenario.conflict()?;
    let balance = scenario.balance()?;
    (!conflict.trajectory.is_empty()).then(|| commitment_check(scenario, balance))
}

/// The commitment check from today's balance through the trajectory.
fn commitment_check(scenario: &impasse_core::Scenario, balance: f64) -> Commitment {
    let Some(conflict) = scenario.conflict() else {
        return Commitment {
            discount: f64::NAN,
            cost_a: 0.0,
            cost_b: 0.0,
            steps: Vec::new(),
            problem: false,
        };
    };
    let mean_cost = |side: &[usize]| {
        if side.is_empty() {
            0.0
        } else {
            side.iter().map(|&party| scenario.conflict_cost(party)).sum::<f64>() / side.len() as f64
        }
    };
    let cost_a = mean_cost(&conflict.side_a);
    let cost_b = mean_cost(&conflict.side_b);
    let delta = conflict.discount;
    let mut steps = Vec::with_capacity(conflict.trajectory.len());
    // A trajectory may start with today's balance (as the format's example does); it is not a
    // step.
    let points = match conflict.trajectory.split_first() {
        Some((&first, rest)) if first == balance => rest,
        _ => &conflict.trajectory[..],
    };
    let mut from = balance;
    for &to in points {
        steps.push(commitment_step(from, to, delta, cost_a, cost_b));
        from = to;
    }
    let problem = steps.iter().any(|step| step.problem);
    Commitment { discount: delta, cost_a, cost_b, steps, problem }
}

/// One step of the commitment check; `from` and `to` are side A's probabilities of prevailing,
/// `delta` the per-period discount factor and `cost_a`, `cost_b` the sides' per-period costs (see
/// [`Commitment`]). Inputs are not validated.
pub fn commitment_step(from: f64, to: f64, delta: f64, cost_a: f64, cost_b: f64) -> CommitmentStep {
    let (p_from, q_from) = (from, 1.0 - from);
    // What the declining side gives up by fighting now, for each rising side.
    let rhs_a_rising = (1.0 - delta) * p_from + cost_b + delta * cost_a;
    let rhs_b_rising = (1.0 - delta) * q_from + cost_a + delta * cost_b;
    let max_shift_toward_a = (rhs_a_rising / delta).min(1.0 - p_from).max(0.0);
    let max_shift_toward_b = (rhs_b_rising / delta).min(1.0 - q_from).max(0.0);
    let (rising, lhs, rhs) = if to > from {
        (Some(Side::A), delta * (to - from), rhs_a_rising)
    } else if to < from {
        (Some(Side::B), delta * ((1.0 - to) - q_from), rhs_b_rising)
    } else {
        (None, 0.0, rhs_a_rising.min(rhs_b_rising))
    };
    CommitmentStep {
        from,
        to,
        rising,
        lhs,
        rhs,
        problem: tie_key(lhs) > tie_key(rhs),
        max_shift_toward_a,
        max_shift_toward_b,
    }
}
