//! M4, BWF-2: two-type screening while fighting, after Powell (2004)
//! (`bargaining-models.md` §2.5, §6.3 M4).
//!
//! # Model
//!
//! A is uninformed and makes every offer; `x` is B's share and A gets `1 − x`. B has a type
//! `θ ∈ {R, I}` (resolved, irresolute) with per-round costs `c_R < c_I`; the prior is
//! `μ_0 = Pr(R)`. Both types win with the same probability `p` (cost uncertainty, not power
//! uncertainty). An accepted offer ends the game with payoffs `(1 − x, x)`. Each rejected offer is
//! followed by one fought round: A pays `c_A`, B pays `c_θ`; with probability `r` the war ends
//! decisively (B wins, payoff 1, with probability `p`; A wins with probability `1 − p`); otherwise
//! play moves to the next offer, discounted by `δ`. With
//!
//! ```text
//! β   = δ (1 − r)            f_A = r (1 − p) − c_A      f_θ = r p − c_θ
//! V_θ = f_θ / (1 − β)        W_A = f_A / (1 − β)
//! ```
//!
//! `V_θ` is B's value of fighting to the end and `W_A` A's. The model requires the Coasian gap
//! `1 − V_R − W_A > 0` (settling with R beats fighting R), so that the equilibrium ends in
//! finite time; [`Screening::new`] refuses parameters without it.
//!
//! **Offer ladder** (`n` rounds before the final offer `V_R`; I is indifferent between `x_n` now
//! and one fought round followed by `x_{n−1}`):
//!
//! ```text
//! x_0 = V_R,   x_n = f_I + β x_{n−1}   ⇒   x_n = V_I + β^n (V_R − V_I)
//! ```
//!
//! **Cut-offs and A's value.** A's value is piecewise linear in the belief `μ`; in region `n` it is
//! the line `L_n(μ) = (1 − x_n) + μ s_n`. From `L_0(μ) = 1 − V_R`, `s_0 = 0`, `m_0 = 1`:
//!
//! ```text
//! s_n = [f_A + β L_{n−1}(m_{n−1}) − (1 − x_n)] / m_{n−1}
//! m_n = [L_{n−1}(0) − (1 − x_n)] / (s_n − s_{n−1})
//! ```
//!
//! giving `1 = m_0 > m_1 > m_2 > … → 0`. Region `n` is `μ ∈ [m_{n+1}, m_n)` (region 0 includes
//! `μ = 1`). The first threshold has the closed form `m_1 = Δ/(Δ + D)` with `Δ = c_I − c_R` and
//! `D = (1 − r)(1 − δ) + c_A + c_R`: A screens iff `μ_0 < m_1`.
//!
//! **Equilibrium path** (Markov perfect Bayesian equilibrium) for `μ_0` in region `N`: in round
//! `k = 1 … N` A offers `x_{N−k+1}`; R rejects; I accepts with the probability that makes the
//! posterior after a rejection exactly `m_{N−k}` (at the belief `μ`, facing `x_n`, I rejects with
//! probability `[μ(1 − m_{n−1})/m_{n−1}]/(1 − μ)`; at `k = N` every remaining I accepts). Every
//! rejection is followed by one fought round. In round `N + 1` A offers `V_R`, which R accepts.
//!
//! **Exact oracles.** The mass still fighting after `k` offers is `M_0 = 1`,
//! `M_k = μ_0/m_{N−k}` (`k = 1 … N`), so `Pr(F ≥ k) = (1 − r)^{k−1} M_k` for the number `F` of
//! fought rounds, and
//!
//! ```text
//! E[F]      = Σ_{k=1..N} (1 − r)^{k−1} M_k
//! P(settle) = Σ_{k=1..N} (1 − r)^{k−1} (M_{k−1} − M_k) + (1 − r)^N M_N  = 1 − r E[F]
//! ```
//!
//! A's expected payoff is `L_N(μ_0)`; R's is `V_R` and I's is `x_N` (I is indifferent between
//! every rung it may accept).
//!
//! # Payoff accounting in the simulation
//!
//! Time is counted in offers: the `k`-th offer is made at discount `δ^{k−1}`. An accepted offer
//! `x` pays `δ^{k−1}(1 − x)` to A and `δ^{k−1} x` to B. The fought round after a rejected `k`-th
//! offer costs `δ^{k−1} c_A` and `δ^{k−1} c_θ`, and if it ends the war the winner receives
//! `δ^{k−1}` (the whole pie, in the same period; the loser receives 0). Realised payoffs are the
//! sums of these terms, so their expectations are exactly the values above. A replication fights
//! at most `horizon` rounds: an offer rejected after `horizon` fought rounds ends it as
//! [`End::Ongoing`], with the payoffs accrued so far.
//!
//! # Status
//!
//! The ladder, cut-offs, region, `E[F]`, `P(settle)` and values are the equilibrium of BWF-2, and
//! [`Screening::simulate`] plays exactly that equilibrium path (nothing behavioural). Limits: two
//! types only, one-sided offers, types that differ in cost, not in power. Outside
//! `c_I ≤ r p` the ladder falls toward `V_I < 0`; the formulas still hold (§6.4a point 5).

use std::cmp::Ordering;

use rand::Rng as _;

use crate::mc::{self, End, Outcome, Summary};
use crate::{ParamError, cost, probability};

/// The most rungs computed to locate the region of a prior.
pub const MAX_RUNGS: usize = 100_000;

/// The parameters of BWF-2, as given (see the module documentation).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct ScreeningParams {
    /// B's probability of winning a decisive round.
    pub p: f64,
    /// The probability that a fought round ends the war decisively.
    pub r: f64,
    /// The discount factor per round, in `[0, 1)`.
    pub delta: f64,
    /// A's cost per fought round.
    pub c_a: f64,
    /// The resolved type's cost per fought round.
    pub c_r: f64,
    /// The irresolute type's cost per fought round (above `c_r`).
    pub c_i: f64,
    /// The prior that B is resolved, in `(0, 1]`.
    pub mu0: f64,
}

/// B's type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BType {
    /// Resolved: the low cost `c_R`.
    Resolved,
    /// Irresolute: the high cost `c_I`.
    Irresolute,
}

/// One rung `n` of the screening ladder: the offer `x_n`, the slope `s_n` of A's line
/// `L_n(μ) = (1 − x_n) + μ s_n`, and the cut-off `m_n` where `L_n` meets `L_{n−1}`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Rung {
    /// `x_n`: the offer made `n` rounds before the final offer `V_R`.
    pub offer: f64,
    /// `s_n`: the slope of A's value line in region `n`.
    pub slope: f64,
    /// `m_n`: the lower end of region `n − 1` (`m_0 = 1`).
    pub cutoff: f64,
}

impl Rung {
    /// `L_n(μ)`: A's value at the belief `μ` when it offers this rung.
    pub fn line(&self, mu: f64) -> f64 {
        (1.0 - self.offer) + mu * self.slope
    }
}

/// A validated BWF-2 model with its ladder computed down to the prior's region.
#[derive(Clone, PartialEq, Debug)]
pub struct Screening {
    params: ScreeningParams,
    beta: f64,
    f_a: f64,
    f_r: f64,
    f_i: f64,
    /// Rungs `0 ..= N + 1` (the last one's cut-off is at or below `μ_0`).
    rungs: Vec<Rung>,
    region: usize,
}

impl Screening {
    /// Validates the parameters and computes the ladder down to the region of `μ_0`.
    ///
    /// Requires `p`, `r` probabilities, `δ ∈ [0, 1)`, costs at least 0, `c_R < c_I`,
    /// `μ_0 ∈ (0, 1]` (with `μ_0 = 0` information is complete: A offers `V_I` at once, and the
    /// screening region is unbounded), and the Coasian gap `1 − V_R − W_A > 0`.
    ///
    /// # Errors
    ///
    /// The first parameter outside its domain; the gap condition is reported against `c_A`; a
    /// prior so small that its region cannot be resolved in [`MAX_RUNGS`] rungs (or before the
    /// recursion loses precision) is reported against `mu0`.
    pub fn new(params: ScreeningParams) -> Result<Screening, ParamError> {
        let ScreeningParams { p, r, delta, c_a, c_r, c_i, mu0 } = params;
        probability("p", p)?;
        probability("r", r)?;
        if !(0.0..1.0).contains(&delta) {
            return Err(ParamError::new("delta", delta, "a discount factor in [0, 1)"));
        }
        cost("c_A", c_a)?;
        cost("c_R", c_r)?;
        cost("c_I", c_i)?;
        if c_i <= c_r {
            return Err(ParamError::new("c_I", c_i, "above c_R (the irresolute type's cost)"));
        }
        if !(mu0 > 0.0 && mu0 <= 1.0) {
            return Err(ParamError::new(
                "mu0",
                mu0,
                "a prior in (0, 1] (mu0 = 0 is complete information: A offers V_I at once)",
            ));
        }
        let beta = delta * (1.0 - r);
        let mut model = Screening {
            params,
            beta,
            f_a: r * (1.0 - p) - c_a,
            f_r: r * p - c_r,
            f_i: r * p - c_i,
            rungs: Vec::new(),
            region: 0,
        };
        let gap = model.gap();
        if gap.is_nan() || gap <= 0.0 {
            return Err(ParamError::new(
                "c_A",
                c_a,
                &format!(
                    "the Coasian gap 1 - V_R - W_A > 0 (here {gap}): A must prefer settling with the \
                     resolved type to fighting it"
                ),
            ));
        }
        let mut rungs = vec![model.first_rung()];
        loop {
            let prev = rungs[rungs.len() - 1];
            let next = model.next_rung(&prev);
            rungs.push(next);
            if next.cutoff <= mu0 {
                break;
            }
            if next.cutoff.partial_cmp(&prev.cutoff) != Some(Ordering::Less)
                || rungs.len() > MAX_RUNGS
            {
                return Err(ParamError::new(
                    "mu0",
                    mu0,
                    "a prior above the cut-offs the recursion can resolve",
                ));
            }
        }
        model.region = rungs.len() - 2;
        model.rungs = rungs;
        Ok(model)
    }

    /// The parameters.
    pub fn params(&self) -> &ScreeningParams {
        &self.params
    }

    /// `β = δ (1 − r)`: the effective continuation factor.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// `f_A = r (1 − p) − c_A`: A's expected payoff from one fought round.
    pub fn f_a(&self) -> f64 {
        self.f_a
    }

    /// `f_θ = r p − c_θ`: B's expected payoff from one fought round, by type.
    pub fn f(&self, ty: BType) -> f64 {
        match ty {
            BType::Resolved => self.f_r,
            BType::Irresolute => self.f_i,
        }
    }

    /// `V_θ = f_θ / (1 − β)`: B's value of fighting to the end, by type.
    pub fn v(&self, ty: BType) -> f64 {
        self.f(ty) / (1.0 - self.beta)
    }

    /// `W_A = f_A / (1 − β)`: A's value of fighting to the end.
    pub fn w_a(&self) -> f64 {
        self.f_a / (1.0 - self.beta)
    }

    /// `1 − V_R − W_A`: the Coasian gap (positive for every validated model).
    pub fn gap(&self) -> f64 {
        1.0 - self.v(BType::Resolved) - self.w_a()
    }

    /// `x_n = V_I + β^n (V_R − V_I)`: the ladder in closed form.
    pub fn offer_closed_form(&self, n: usize) -> f64 {
        let (v_r, v_i) = (self.v(BType::Resolved), self.v(BType::Irresolute));
        v_i + self.beta.powi(i32::try_from(n).unwrap_or(i32::MAX)) * (v_r - v_i)
    }

    /// `m_1 = Δ/(Δ + D)`, `Δ = c_I − c_R`, `D = (1 − r)(1 − δ) + c_A + c_R`: the first screening
    /// threshold in closed form.
    pub fn first_threshold(&self) -> f64 {
        let ScreeningParams { r, delta, c_a, c_r, c_i, .. } = self.params;
        let gain = c_i - c_r;
        let loss = (1.0 - r) * (1.0 - delta) + c_a + c_r;
        gain / (gain + loss)
    }

    fn first_rung(&self) -> Rung {
        Rung { offer: self.v(BType::Resolved), slope: 0.0, cutoff: 1.0 }
    }

    /// Rung `n` from rung `n − 1`, by the recursion of §2.5.
    fn next_rung(&self, prev: &Rung) -> Rung {
        let offer = self.f_i + self.beta * prev.offer;
        let slope = (self.f_a + self.beta * prev.line(prev.cutoff) - (1.0 - offer)) / prev.cutoff;
        let cutoff = (prev.line(0.0) - (1.0 - offer)) / (slope - prev.slope);
        Rung { offer, slope, cutoff }
    }

    /// The rungs `0 ..= N + 1` used by the equilibrium path: `m_{N+1} ≤ μ_0 < m_N`.
    pub fn ladder(&self) -> &[Rung] {
        &self.rungs
    }

    /// The first `count` rungs `0 … count − 1` by the recursion, independent of the prior. Far
    /// below the prior's region the cut-offs approach 0 and eventually lose precision.
    pub fn rungs(&self, count: usize) -> Vec<Rung> {
        let mut rungs = Vec::with_capacity(count);
        if count > 0 {
            rungs.push(self.first_rung());
        }
        while rungs.len() < count {
            let next = self.next_rung(&rungs[rungs.len() - 1]);
            rungs.push(next);
        }
        rungs
    }

    /// `N(μ_0)`: the region of the prior, `m_{N+1} ≤ μ_0 < m_N` (0 when `μ_0 ≥ m_1`: A offers
    /// `V_R` at once). The equilibrium makes at most `N + 1` offers.
    pub fn region(&self) -> usize {
        self.region
    }

    /// `M_k`, `k = 0 … N`: the probability mass still fighting after `k` offers.
    pub fn masses(&self) -> Vec<f64> {
        let n = self.region;
        std::iter::once(1.0)
            .chain((1..=n).map(|k| self.params.mu0 / self.rungs[n - k].cutoff))
            .collect()
    }

    /// `Pr(F ≥ k) = (1 − r)^{k−1} M_k`, for `k = 1 … N`, where `F` is the number of fought rounds.
    pub fn survival(&self) -> Vec<f64> {
        let q = 1.0 - self.params.r;
        self.masses()
            .iter()
            .skip(1)
            .scan(1.0, |carry, &m| {
                let s = *carry * m;
                *carry *= q;
                Some(s)
            })
            .collect()
    }

    /// `E[F] = Σ_{k=1..N} (1 − r)^{k−1} M_k`: the expected number of fought rounds.
    pub fn expected_fought_rounds(&self) -> f64 {
        self.survival().iter().sum()
    }

    /// The standard deviation of the number of fought rounds, from
    /// `E[F²] = Σ_k (2k − 1) Pr(F ≥ k)`.
    pub fn fought_rounds_sd(&self) -> f64 {
        let second: f64 =
            self.survival().iter().enumerate().map(|(i, s)| (2 * i + 1) as f64 * s).sum();
        let mean = self.expected_fought_rounds();
        (second - mean * mean).max(0.0).sqrt()
    }

    /// `P(settle) = Σ_{k=1..N} (1 − r)^{k−1} (M_{k−1} − M_k) + (1 − r)^N M_N`: the probability
    /// that the war ends by settlement rather than by a military decision.
    pub fn p_settle(&self) -> f64 {
        let q = 1.0 - self.params.r;
        let masses = self.masses();
        let n = self.region;
        let mut total = 0.0;
        let mut reach = 1.0;
        for k in 1..=n {
            total += reach * (masses[k - 1] - masses[k]);
            reach *= q;
        }
        total + reach * masses[n]
    }

    /// `L_N(μ_0)`: A's expected equilibrium payoff.
    pub fn value_a(&self) -> f64 {
        self.rungs[self.region].line(self.params.mu0)
    }

    /// B's expected equilibrium payoff by type: `V_R` for R, `x_N` for I.
    pub fn value_b(&self, ty: BType) -> f64 {
        match ty {
            BType::Resolved => self.v(BType::Resolved),
            BType::Irresolute => self.rungs[self.region].offer,
        }
    }

    /// One replication of the equilibrium path, the type drawn from the prior.
    pub fn replicate(&self, rng: &mut mc::Rng, horizon: u32) -> Outcome {
        let ty =
            if rng.random::<f64>() < self.params.mu0 { BType::Resolved } else { BType::Irresolute };
        self.replicate_type(rng, horizon, ty)
    }

    /// One replication of the equilibrium path with B's type fixed (A still believes `μ_0`).
    pub fn replicate_type(&self, rng: &mut mc::Rng, horizon: u32, ty: BType) -> Outcome {
        let ScreeningParams { p, r, delta, c_a, mu0, .. } = self.params;
        let c_b = match ty {
            BType::Resolved => self.params.c_r,
            BType::Irresolute => self.params.c_i,
        };
        let (mut payoff_a, mut payoff_b, mut discount) = (0.0, 0.0, 1.0);
        let mut mu = mu0;
        // Offer k = 1 … N + 1 is rung n = N + 1 − k, made after k − 1 fought rounds.
        for (fought, n) in (0..=self.region).rev().enumerate() {
            let rounds = u32::try_from(fought).unwrap_or(u32::MAX);
            let offer = self.rungs[n].offer;
            let accepts = n == 0
                || match ty {
                    BType::Resolved => false,
                    BType::Irresolute => {
                        let m = self.rungs[n - 1].cutoff;
                        let reject = (mu * (1.0 - m) / m) / (1.0 - mu);
                        rng.random::<f64>() >= reject
                    }
                };
            if accepts {
                return Outcome {
                    rounds,
                    end: End::Settled,
                    terms: Some(offer),
                    payoff_a: payoff_a + discount * (1.0 - offer),
                    payoff_b: payoff_b + discount * offer,
                };
            }
            mu = self.rungs[n - 1].cutoff;
            if rounds == horizon {
                return Outcome { rounds, end: End::Ongoing, terms: None, payoff_a, payoff_b };
            }
            let rounds = rounds + 1;
            payoff_a -= discount * c_a;
            payoff_b -= discount * c_b;
            if rng.random::<f64>() < r {
                let end = if rng.random::<f64>() < p {
                    payoff_b += discount;
                    End::DecidedB
                } else {
                    payoff_a += discount;
                    End::DecidedA
                };
                return Outcome { rounds, end, terms: None, payoff_a, payoff_b };
            }
            discount *= delta;
        }
        unreachable!("the final offer V_R is accepted by the resolved type")
    }

    /// `runs` seeded replications of the equilibrium path, each fighting at most `horizon` rounds.
    pub fn simulate(&self, runs: u64, seed: u64, horizon: u32) -> Summary {
        mc::simulate(runs, seed, horizon, |rng| self.replicate(rng, horizon))
    }

    /// As [`Screening::simulate`], with B's type fixed (for per-type payoffs when `μ_0` is tiny).
    pub fn simulate_type(&self, runs: u64, seed: u64, horizon: u32, ty: BType) -> Summary {
        mc::simulate(runs, seed, horizon, |rng| self.replicate_type(rng, horizon, ty))
    }
}
