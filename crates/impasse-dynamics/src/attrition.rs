//! M6: the war of attrition, the "neither side concedes" oracle (reference §3.2, §6.3 M6, §6.4).
//!
//! Two sides fight for a prize until one concedes; the concession time is the only choice.
//! Side A is player 1 and side B player 2.
//!
//! # Complete information, continuous time ([`Attrition`]): an **equilibrium**
//!
//! Side `i` values the prize at `V_i` and pays `c_i` per unit of time. Besides the pure equilibria
//! in which one side concedes at once, there is a unique stationary **mixed** equilibrium (Maynard
//! Smith 1974; Hendricks, Weiss & Wilson 1988): `i` concedes at the constant hazard
//! `λ_i = c_j/V_j`, which keeps `j` indifferent. The war lasts `T = min(Exp(λ_A), Exp(λ_B))`:
//!
//! ```text
//! E[T] = 1/(λ_A + λ_B),   Pr(i concedes first) = λ_i/(λ_A + λ_B),   E[payoff_i] = 0
//! ```
//!
//! (full rent dissipation). The side with the cheaper fighting or the larger prize concedes
//! *faster*: the levers act crosswise ([`levers`]).
//!
//! **Simulation.** A replication draws the two exponential concession times; `T` is their minimum
//! and the side with the smaller one concedes. The crate's [`Outcome`] counts whole rounds, so time
//! is discretised by a `round_length` `ℓ`: `rounds = ⌈T/ℓ⌉` (at least 1). Then `rounds` is exactly
//! geometric with success probability `1 − e^{−(λ_A+λ_B)ℓ}`, independent of who concedes
//! ([`Attrition::expected_rounds`]). A concession by A is reported as [`End::DecidedB`] (the prize
//! goes to B) and one by B as [`End::DecidedA`]; `terms` is `None`. Payoffs use the continuous
//! `T`: the winner gets `V_w − c_w T`, the loser `−c_l T`. A war whose `⌈T/ℓ⌉` exceeds the horizon
//! is reported as [`End::Ongoing`] at the horizon, both sides having paid `c_i · horizon · ℓ`.
//! [`Attrition::sample`] exposes the continuous draw.
//!
//! # Incomplete information, symmetric uniform ([`UniformAttrition`]): an **equilibrium**
//!
//! Private values `v ~ U[0, 1]`, independent; a common cost `c` per unit of time. The symmetric
//! equilibrium stopping time is `T(v) = ∫_0^v x f(x)/(c(1 − F(x))) dx = (−v − ln(1 − v))/c`
//! (Bliss & Nalebuff 1984; Fudenberg & Tirole 1986). The lower-value side concedes, at
//! `T(min(v_A, v_B))`, and `E[T(min(v_A, v_B))] = 1/(6c)`. Simulation as above, with the same
//! discretisation and payoff conventions (the winner's prize is its private value).
//!
//! # Comparative statics ([`levers`])
//!
//! In the mixed equilibrium a side's hazard depends only on the *other* side's cost and value:
//! raising `c_j` or lowering `V_j` makes `i` concede faster. In the incomplete-information
//! equilibrium a side's own cost and value drive its own stopping time: a higher own cost makes it
//! quit earlier, a higher own value later. Report both readings.

use rand::Rng as _;

use crate::mc::{self, End, Outcome, Summary};
use crate::{ParamError, cost};

/// Which side.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    /// Side A (player 1).
    A,
    /// Side B (player 2).
    B,
}

fn positive(name: &str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ParamError::new(name, value, "finite and positive"))
    }
}

fn positive_cost(name: &str, value: f64) -> Result<f64, ParamError> {
    let value = cost(name, value)?;
    if value > 0.0 { Ok(value) } else { Err(ParamError::new(name, value, "a positive cost")) }
}

/// Maps a continuous end time and the conceding side to an [`Outcome`].
#[allow(clippy::too_many_arguments)]
fn discretise(
    duration: f64,
    loser: Side,
    prize_a: f64,
    prize_b: f64,
    cost_a: f64,
    cost_b: f64,
    round_length: f64,
    horizon: u32,
) -> Outcome {
    let rounds = (duration / round_length).ceil().max(1.0);
    if rounds > f64::from(horizon) {
        let paid = f64::from(horizon) * round_length;
        return Outcome {
            rounds: horizon,
            end: End::Ongoing,
            terms: None,
            payoff_a: -cost_a * paid,
            payoff_b: -cost_b * paid,
        };
    }
    let (end, won_a, won_b) = match loser {
        Side::A => (End::DecidedB, 0.0, prize_b),
        Side::B => (End::DecidedA, prize_a, 0.0),
    };
    Outcome {
        rounds: rounds as u32,
        end,
        terms: None,
        payoff_a: won_a - cost_a * duration,
        payoff_b: won_b - cost_b * duration,
    }
}

fn check_grid(round_length: f64) -> Result<f64, ParamError> {
    positive("round length", round_length)
}

/// `E[min(R, H)]` for `R` geometric on `{1, 2, …}` with `Pr(R > t) = s^t`: `(1 − s^H)/(1 − s)`.
fn truncated_geometric_mean(s: f64, horizon: u32) -> f64 {
    if s == 0.0 {
        return f64::from(horizon.min(1));
    }
    // (1 − s^H)/(1 − s), written with expm1 for small hazards.
    let ln_s = s.ln();
    (f64::from(horizon) * ln_s).exp_m1() / ln_s.exp_m1()
}

/// The complete-information war of attrition: values `V_i` and costs per unit of time `c_i`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Attrition {
    value_a: f64,
    value_b: f64,
    cost_a: f64,
    cost_b: f64,
}

impl Attrition {
    /// The game with prize values `value_a`, `value_b` and costs per unit of time `cost_a`,
    /// `cost_b`.
    ///
    /// # Errors
    ///
    /// Unless the values and the costs are finite and positive (the mixed equilibrium needs
    /// positive costs).
    pub fn new(
        value_a: f64,
        value_b: f64,
        cost_a: f64,
        cost_b: f64,
    ) -> Result<Attrition, ParamError> {
        Ok(Attrition {
            value_a: positive("V_A", value_a)?,
            value_b: positive("V_B", value_b)?,
            cost_a: positive_cost("c_A", cost_a)?,
            cost_b: positive_cost("c_B", cost_b)?,
        })
    }

    /// Side `side`'s concession hazard in the mixed equilibrium: `λ_A = c_B/V_B`, `λ_B = c_A/V_A`.
    pub fn hazard(&self, side: Side) -> f64 {
        match side {
            Side::A => self.cost_b / self.value_b,
            Side::B => self.cost_a / self.value_a,
        }
    }

    /// `λ_A + λ_B`.
    pub fn total_hazard(&self) -> f64 {
        self.hazard(Side::A) + self.hazard(Side::B)
    }

    /// `E[T] = 1/(λ_A + λ_B)`.
    pub fn expected_duration(&self) -> f64 {
        1.0 / self.total_hazard()
    }

    /// `Pr(side concedes first) = λ_side/(λ_A + λ_B)`.
    pub fn p_concedes_first(&self, side: Side) -> f64 {
        self.hazard(side) / self.total_hazard()
    }

    /// Each side's expected payoff in the mixed equilibrium: `(0, 0)`, full rent dissipation.
    pub fn expected_payoffs(&self) -> (f64, f64) {
        (0.0, 0.0)
    }

    /// `Pr(T > t) = e^{−(λ_A+λ_B)t}`.
    pub fn survival(&self, t: f64) -> f64 {
        (-self.total_hazard() * t.max(0.0)).exp()
    }

    /// `E[min(⌈T/ℓ⌉, horizon)]`, the expected number of rounds the simulation reports:
    /// `(1 − s^H)/(1 − s)` with `s = e^{−(λ_A+λ_B)ℓ}` (rounds are geometric).
    ///
    /// # Errors
    ///
    /// Unless `round_length` is finite and positive.
    pub fn expected_rounds(&self, round_length: f64, horizon: u32) -> Result<f64, ParamError> {
        let round_length = check_grid(round_length)?;
        Ok(truncated_geometric_mean(self.survival(round_length), horizon))
    }

    /// One continuous draw of the equilibrium: `(T, the side that concedes)`.
    pub fn sample(&self, rng: &mut mc::Rng) -> (f64, Side) {
        let t_a = exponential(rng, self.hazard(Side::A));
        let t_b = exponential(rng, self.hazard(Side::B));
        if t_a <= t_b { (t_a, Side::A) } else { (t_b, Side::B) }
    }

    /// One replication, discretised into rounds of length `round_length` (see the module doc).
    /// `round_length` must be positive (checked by [`Attrition::simulate`]).
    pub fn replicate(&self, rng: &mut mc::Rng, round_length: f64, horizon: u32) -> Outcome {
        let (duration, loser) = self.sample(rng);
        discretise(
            duration,
            loser,
            self.value_a,
            self.value_b,
            self.cost_a,
            self.cost_b,
            round_length,
            horizon,
        )
    }

    /// `runs` seeded replications, summarised by [`mc::simulate`].
    ///
    /// # Errors
    ///
    /// Unless `round_length` is finite and positive.
    pub fn simulate(
        &self,
        runs: u64,
        seed: u64,
        round_length: f64,
        horizon: u32,
    ) -> Result<Summary, ParamError> {
        let round_length = check_grid(round_length)?;
        Ok(mc::simulate(runs, seed, horizon, |rng| self.replicate(rng, round_length, horizon)))
    }
}

/// An `Exp(rate)` draw by inversion (`+∞` when the rate is 0).
fn exponential(rng: &mut mc::Rng, rate: f64) -> f64 {
    // 1 − U lies in (0, 1], so the logarithm is finite.
    -(1.0 - rng.random::<f64>()).ln() / rate
}

/// The symmetric equilibrium stopping time for a value `v ~ U[0, 1]` at unit cost:
/// `T(v) = −v − ln(1 − v)` (`+∞` at `v = 1`).
///
/// # Errors
///
/// Unless `v ∈ [0, 1]`.
pub fn uniform_stopping_time(v: f64) -> Result<f64, ParamError> {
    let v = crate::probability("v", v)?;
    Ok(-v - (-v).ln_1p())
}

/// `E[T(min(v_A, v_B))] = 1/6` for independent `U[0, 1]` values at unit cost.
pub const UNIFORM_EXPECTED_DURATION: f64 = 1.0 / 6.0;

/// The symmetric incomplete-information war of attrition: values `U[0, 1]`, common cost `c`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct UniformAttrition {
    cost: f64,
}

impl UniformAttrition {
    /// The game with common cost `cost` per unit of time.
    ///
    /// # Errors
    ///
    /// Unless the cost is finite and positive.
    pub fn new(cost: f64) -> Result<UniformAttrition, ParamError> {
        Ok(UniformAttrition { cost: positive_cost("c", cost)? })
    }

    /// The equilibrium stopping time of a side with value `v`: `(−v − ln(1 − v))/c`.
    ///
    /// # Errors
    ///
    /// Unless `v ∈ [0, 1]`.
    pub fn stopping_time(&self, v: f64) -> Result<f64, ParamError> {
        Ok(uniform_stopping_time(v)? / self.cost)
    }

    /// `E[T] = 1/(6c)`.
    pub fn expected_duration(&self) -> f64 {
        UNIFORM_EXPECTED_DURATION / self.cost
    }

    /// One continuous draw: `(T, the side that concedes, v_A, v_B)`.
    pub fn sample(&self, rng: &mut mc::Rng) -> (f64, Side, f64, f64) {
        let (v_a, v_b) = (rng.random::<f64>(), rng.random::<f64>());
        let (low, loser) = if v_a <= v_b { (v_a, Side::A) } else { (v_b, Side::B) };
        // low < 1 always (random::<f64>() lies in [0, 1)).
        ((-low - (-low).ln_1p()) / self.cost, loser, v_a, v_b)
    }

    /// One replication, discretised into rounds of length `round_length`; the winner's prize is
    /// its private value.
    pub fn replicate(&self, rng: &mut mc::Rng, round_length: f64, horizon: u32) -> Outcome {
        let (duration, loser, v_a, v_b) = self.sample(rng);
        discretise(duration, loser, v_a, v_b, self.cost, self.cost, round_length, horizon)
    }

    /// `runs` seeded replications, summarised by [`mc::simulate`].
    ///
    /// # Errors
    ///
    /// Unless `round_length` is finite and positive.
    pub fn simulate(
        &self,
        runs: u64,
        seed: u64,
        round_length: f64,
        horizon: u32,
    ) -> Result<Summary, ParamError> {
        let round_length = check_grid(round_length)?;
        Ok(mc::simulate(runs, seed, horizon, |rng| self.replicate(rng, round_length, horizon)))
    }
}

/// A lever on the war of attrition, raised for side `j` ("rival") or side `i` itself ("own").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lever {
    /// Side `i`'s own cost per unit of time.
    OwnCost,
    /// Side `i`'s own value of the prize.
    OwnValue,
    /// The rival's cost per unit of time.
    RivalCost,
    /// The rival's value of the prize.
    RivalValue,
}

/// What raising a lever does to side `i`'s readiness to concede.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effect {
    /// `i` concedes faster (higher hazard, earlier stopping time).
    ConcedesFaster,
    /// `i` concedes more slowly.
    ConcedesSlower,
    /// No effect on `i`'s concession.
    None,
    /// Not derived in this model (the symmetric incomplete-information equilibrium assumes a
    /// common cost and value distribution).
    NotDerived,
}

/// One row of the comparative statics: raising `lever`, in each model.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeverEffect {
    /// The lever raised.
    pub lever: Lever,
    /// Its effect on `i` in the complete-information mixed equilibrium (`λ_i = c_j/V_j`).
    pub mixed_equilibrium: Effect,
    /// Its effect on `i` in the incomplete-information equilibrium (`T_i(v) = (−v − ln(1 − v))/c_i`
    /// read for `i`'s own cost and value).
    pub incomplete_information: Effect,
}

/// The comparative statics of both readings, as data: crosswise levers in the mixed equilibrium
/// (raising the rival's cost makes `i` concede faster, raising the rival's value slower, `i`'s own
/// cost and value do nothing to `i`'s hazard), own levers in the incomplete-information case (a
/// higher own cost makes `i` quit earlier, a higher own value later).
pub fn levers() -> [LeverEffect; 4] {
    [
        LeverEffect {
            lever: Lever::OwnCost,
            mixed_equilibrium: Effect::None,
            incomplete_information: Effect::ConcedesFaster,
        },
        LeverEffect {
            lever: Lever::OwnValue,
            mixed_equilibrium: Effect::None,
            incomplete_information: Effect::ConcedesSlower,
        },
        LeverEffect {
            lever: Lever::RivalCost,
            mixed_equilibrium: Effect::ConcedesFaster,
            incomplete_information: Effect::NotDerived,
        },
        LeverEffect {
            lever: Lever::RivalValue,
            mixed_equilibrium: Effect::ConcedesSlower,
            incomplete_information: Effect::NotDerived,
        },
    ]
}

impl Attrition {
    /// The sensitivities of side `side`'s hazard `λ_i = c_j/V_j`:
    /// `(∂λ_i/∂c_j, ∂λ_i/∂V_j) = (1/V_j, −c_j/V_j²)`; the derivatives with respect to `i`'s own
    /// cost and value are 0.
    pub fn hazard_sensitivities(&self, side: Side) -> (f64, f64) {
        let (c_j, v_j) = match side {
            Side::A => (self.cost_b, self.value_b),
            Side::B => (self.cost_a, self.value_a),
        };
        (1.0 / v_j, -c_j / (v_j * v_j))
    }
}
