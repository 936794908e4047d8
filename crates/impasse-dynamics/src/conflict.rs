//! A scenario's conflict model seen as a two-sided contest: the inputs the dynamics models share.
//!
//! The conventions are those of the analysis crate's ripeness and commitment checks, so the two
//! agree:
//!
//! - side A prevails with probability `balance` (the scenario's balance of power today); B's
//!   chance is `p_B = 1 − balance`;
//! - a side's **stake** is the mean, over its parties, of `u(own victory package) − u(other side's
//!   victory package)`: what prevailing rather than losing is worth to it, in utility units;
//! - a side's **cost** is the mean, over its parties, of their stated per-round conflict costs (0
//!   for a party with none);
//! - **mobilisation** (a what-if): when `conflict.dynamics.mobilised_a` (or `_b`) states the share
//!   of its resources a side mobilises, against today's share (the mean stated
//!   `[conflict.mobilisation]` of its parties), the side's fighting strength is multiplied by the
//!   ratio `f = mobilised/today`. The odds of B prevailing, `p_B/(1 − p_B)`, and of B's advance in
//!   each battle are multiplied by `f_B/f_A` ([`ConflictView::strengthen`]); beliefs are not, so
//!   the other side learns of the change on the battlefield;
//! - costs as **shares of the stake** (`cost / stake`) are the per-round costs of the models that
//!   bargain over a prize normalised to 1 (Fearon's `c_A`, `c_B`).
//!
//! This is a reduction of a multi-party, multi-issue conflict to two sides and one prize; the
//! report that uses it must say so.

use impasse_core::Scenario;

use crate::ParamError;
use crate::attrition::Attrition;

/// The two-sided view of a scenario's conflict model.
#[derive(Clone, PartialEq, Debug)]
pub struct ConflictView {
    /// Side A's parties (indices into the scenario's parties).
    pub side_a: Vec<usize>,
    /// Side B's parties.
    pub side_b: Vec<usize>,
    /// Side B's probability of prevailing (`1 − balance`, with the odds scaled by mobilisation).
    pub p_b: f64,
    /// The factor by which mobilisation multiplies the odds of B's success, `f_B/f_A` (1 without a
    /// what-if mobilisation).
    pub odds_factor: f64,
    /// Side A's stake: mean `u(victory_a) − u(victory_b)` over its parties.
    pub stake_a: f64,
    /// Side B's stake: mean `u(victory_b) − u(victory_a)` over its parties.
    pub stake_b: f64,
    /// Side A's per-round cost: the mean stated cost of its parties.
    pub cost_a: f64,
    /// Side B's per-round cost.
    pub cost_b: f64,
}

impl ConflictView {
    /// The view of a scenario's conflict model.
    ///
    /// # Errors
    ///
    /// When the scenario has no conflict model, or a side has nothing at stake (its victory is
    /// worth no more to it than its defeat): then it is not a contest the models describe.
    pub fn from_scenario(scenario: &Scenario) -> Result<ConflictView, ParamError> {
        let Some(conflict) = scenario.conflict() else {
            return Err(ParamError {
                name: "conflict".into(),
                value: "absent".into(),
                expected: "a [conflict] section: the dynamics models need one".into(),
            });
        };
        let balance = scenario.balance().unwrap_or(0.5);
        let mean = |side: &[usize], f: &dyn Fn(usize) -> f64| {
            if side.is_empty() {
                0.0
            } else {
                side.iter().map(|&p| f(p)).sum::<f64>() / side.len() as f64
            }
        };
        let utility =
            |party: usize, outcome: &[u32]| scenario.parties()[party].utility.eval(outcome);
        let stake_a = mean(&conflict.side_a, &|p| {
            utility(p, &conflict.victory_a) - utility(p, &conflict.victory_b)
        });
        let stake_b = mean(&conflict.side_b, &|p| {
            utility(p, &conflict.victory_b) - utility(p, &conflict.victory_a)
        });
        for (name, stake) in [("side A's stake", stake_a), ("side B's stake", stake_b)] {
            if !(stake.is_finite() && stake > 0.0) {
                return Err(ParamError::new(
                    name,
                    stake,
                    "positive: the side must prefer its own victory package to the other side's",
                ));
            }
        }
        let d = &conflict.dynamics;
        let factor = |side: &[usize], mobilised: Option<f64>, name: &str| {
            let Some(target) = mobilised else { return Ok(1.0) };
            let today: Vec<f64> = side
                .iter()
                .filter_map(|&p| conflict.mobilisation.get(p).copied().flatten())
                .collect();
            let today = today.iter().sum::<f64>() / today.len() as f64;
            if !(today > 0.0 && target > 0.0 && target <= 1.0) {
                return Err(ParamError::new(
                    name,
                    target,
                    "a share in (0, 1], against a positive stated mobilisation today",
                ));
            }
            Ok(target / today)
        };
        let odds_factor = factor(&conflict.side_b, d.mobilised_b, "conflict.dynamics.mobilised_b")?
            / factor(&conflict.side_a, d.mobilised_a, "conflict.dynamics.mobilised_a")?;
        let p_b = crate::probability("1 − balance", 1.0 - balance)?;
        Ok(ConflictView {
            side_a: conflict.side_a.clone(),
            side_b: conflict.side_b.clone(),
            p_b: scale_odds(p_b, odds_factor),
            odds_factor,
            stake_a,
            stake_b,
            cost_a: crate::cost(
                "side A's cost",
                mean(&conflict.side_a, &|p| scenario.conflict_cost(p)),
            )?,
            cost_b: crate::cost(
                "side B's cost",
                mean(&conflict.side_b, &|p| scenario.conflict_cost(p)),
            )?,
        })
    }

    /// A probability of B's success (prevailing, or advancing in a battle) with its odds scaled by
    /// the mobilisation factor.
    pub fn strengthen(&self, p: f64) -> f64 {
        scale_odds(p, self.odds_factor)
    }

    /// Side A's per-round cost as a share of its stake.
    pub fn cost_share_a(&self) -> f64 {
        self.cost_a / self.stake_a
    }

    /// Side B's per-round cost as a share of its stake.
    pub fn cost_share_b(&self) -> f64 {
        self.cost_b / self.stake_b
    }

    /// Fearon's bargaining range over B's share of the prize, `[p_B − c_B, p_B + c_A]` with costs as
    /// shares of the stakes, clipped to `[0, 1]`.
    pub fn bargaining_range(&self) -> (f64, f64) {
        ((self.p_b - self.cost_share_b()).max(0.0), (self.p_b + self.cost_share_a()).min(1.0))
    }

    /// The war of attrition between the sides: each values the prize at its stake and pays its
    /// cost per round.
    ///
    /// # Errors
    ///
    /// When a side's cost is 0 (the mixed equilibrium needs positive costs).
    pub fn attrition(&self) -> Result<Attrition, ParamError> {
        Attrition::new(self.stake_a, self.stake_b, self.cost_a, self.cost_b)
    }
}

/// `p` with its odds `p/(1 − p)` multiplied by `factor` (0 and 1 stay put).
fn scale_odds(p: f64, factor: f64) -> f64 {
    if factor == 1.0 || p <= 0.0 || p >= 1.0 {
        p
    } else {
        let odds = p / (1.0 - p) * factor;
        odds / (1.0 + odds)
    }
}
