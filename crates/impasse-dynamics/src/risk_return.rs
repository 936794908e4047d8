//! M3: the risk–return trade-off of a one-shot offer under private information (Fearon 1995;
//! `bargaining-models.md` §1.2(a)).
//!
//! The issue is normalised to `[0, 1]`; `x` is B's share and A gets `1 − x`. War is a costly
//! lottery: B wins everything with probability `p`, A pays `c_A` and B pays `c_B`. A makes one
//! take-it-or-leave-it offer. B's cost is private, `c_B ~ U[c_lo, c_hi]`, and B accepts `x` iff
//! `x ≥ p − c_B` (its war payoff). A, risk-neutral, maximises
//!
//! ```text
//! π(x) = F(x)(1 − x) + (1 − F(x))(1 − p − c_A),   F(x) = clamp((c_hi − p + x)/(c_hi − c_lo), 0, 1)
//! ```
//!
//! where `F(x)` is the probability that B accepts. The maximiser is
//!
//! ```text
//! interior (c_hi > 2 c_lo + c_A):  x* = p + (c_A − c_hi)/2,
//!                                  Pr(war) = (c_hi − 2 c_lo − c_A) / (2 (c_hi − c_lo))
//! corner   (otherwise):            x* = p − c_lo,  Pr(war) = 0
//! ```
//!
//! A bigger offer is accepted more often but concedes more: war happens with positive probability
//! although a peaceful range exists for every type of B.
//!
//! **Status.** [`RiskReturn::solve`] is the (perfect Bayesian) equilibrium of this one-shot
//! game: B's acceptance rule is its best reply and `x*` is A's best offer given it. The
//! [`RiskReturn::simulate`] replications only play that equilibrium out.
//!
//! **Validity.** `x*` is not clamped to `[0, 1]`: when `c_hi > 2p + c_A` it is negative (B would
//! have to pay A), which lies outside the issue space; the formulas still hold there
//! (`bargaining-models.md` §6.4a point 5). At equality `c_hi = 2 c_lo + c_A` the two cases
//! coincide; it is reported as the corner.

use rand::Rng as _;

use crate::mc::{self, End, Outcome, Summary};
use crate::{ParamError, cost, probability};

/// Validated parameters of the one-shot offer under private information.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RiskReturn {
    p: f64,
    c_a: f64,
    c_lo: f64,
    c_hi: f64,
}

/// A's optimal offer and its consequences.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct RiskReturnSolution {
    /// A's optimal offer `x*` (B's share).
    pub offer: f64,
    /// The probability that B rejects it and war follows.
    pub p_war: f64,
    /// A's expected payoff `π(x*)`.
    pub payoff_a: f64,
    /// Which case applies.
    pub case: RiskReturnCase,
}

/// Which branch of the risk–return solution applies.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RiskReturnCase {
    /// `c_hi > 2 c_lo + c_A`: A accepts a positive risk of war, `x* = p + (c_A − c_hi)/2`.
    Interior,
    /// Otherwise: A buys off every type with `x* = p − c_lo`, and `Pr(war) = 0`.
    Corner,
}

impl RiskReturn {
    /// Validates the parameters: `p` a probability, costs at least 0, `c_lo ≤ c_hi`.
    ///
    /// # Errors
    ///
    /// The first parameter outside its domain.
    pub fn new(p: f64, c_a: f64, c_lo: f64, c_hi: f64) -> Result<RiskReturn, ParamError> {
        let p = probability("p", p)?;
        let c_a = cost("c_A", c_a)?;
        let c_lo = cost("c_lo", c_lo)?;
        let c_hi = cost("c_hi", c_hi)?;
        if c_hi < c_lo {
            return Err(ParamError::new("c_hi", c_hi, "at least c_lo"));
        }
        Ok(RiskReturn { p, c_a, c_lo, c_hi })
    }

    /// B's probability of winning a war.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// A's cost of war.
    pub fn c_a(&self) -> f64 {
        self.c_a
    }

    /// The lowest cost of war B may have.
    pub fn c_lo(&self) -> f64 {
        self.c_lo
    }

    /// The highest cost of war B may have.
    pub fn c_hi(&self) -> f64 {
        self.c_hi
    }

    /// `F(x)`: the probability that B accepts the offer `x`, `Pr(c_B ≥ p − x)`.
    pub fn p_accept(&self, x: f64) -> f64 {
        let threshold = self.p - x; // B accepts iff c_B ≥ threshold
        if threshold <= self.c_lo {
            1.0
        } else if threshold > self.c_hi {
            0.0
        } else {
            ((self.c_hi - threshold) / (self.c_hi - self.c_lo)).clamp(0.0, 1.0)
        }
    }

    /// `π(x)`: A's expected payoff from offering `x`.
    pub fn payoff_a(&self, x: f64) -> f64 {
        let f = self.p_accept(x);
        f * (1.0 - x) + (1.0 - f) * (1.0 - self.p - self.c_a)
    }

    /// A's optimal offer, in closed form (see the module documentation).
    pub fn solve(&self) -> RiskReturnSolution {
        let (p, c_a, c_lo, c_hi) = (self.p, self.c_a, self.c_lo, self.c_hi);
        if c_hi > 2.0 * c_lo + c_a {
            let offer = p + (c_a - c_hi) / 2.0;
            let p_war = (c_hi - 2.0 * c_lo - c_a) / (2.0 * (c_hi - c_lo));
            let payoff_a = (1.0 - p_war) * (1.0 - offer) + p_war * (1.0 - p - c_a);
            RiskReturnSolution { offer, p_war, payoff_a, case: RiskReturnCase::Interior }
        } else {
            let offer = p - c_lo;
            RiskReturnSolution {
                offer,
                p_war: 0.0,
                payoff_a: 1.0 - offer,
                case: RiskReturnCase::Corner,
            }
        }
    }

    /// One equilibrium play: draw `c_B ~ U[c_lo, c_hi]`; B accepts `x*` iff `x* ≥ p − c_B`
    /// (settled after 0 rounds, payoffs `(1 − x*, x*)`); otherwise one round of war, decided for
    /// B with probability `p` (payoffs `(−c_A, 1 − c_B)`) or for A (`(1 − c_A, −c_B)`).
    pub fn replicate(&self, rng: &mut mc::Rng) -> Outcome {
        let x = self.solve().offer;
        let c_b = self.c_lo + (self.c_hi - self.c_lo) * rng.random::<f64>();
        if x >= self.p - c_b {
            return Outcome {
                rounds: 0,
                end: End::Settled,
                terms: Some(x),
                payoff_a: 1.0 - x,
                payoff_b: x,
            };
        }
        if rng.random::<f64>() < self.p {
            Outcome {
                rounds: 1,
                end: End::DecidedB,
                terms: None,
                payoff_a: -self.c_a,
                payoff_b: 1.0 - c_b,
            }
        } else {
            Outcome {
                rounds: 1,
                end: End::DecidedA,
                terms: None,
                payoff_a: 1.0 - self.c_a,
                payoff_b: -c_b,
            }
        }
    }

    /// `runs` seeded replications of [`RiskReturn::replicate`] (horizon 1).
    pub fn simulate(&self, runs: u64, seed: u64) -> Summary {
        mc::simulate(runs, seed, 1, |rng| self.replicate(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_domain_parameters() {
        assert!(RiskReturn::new(1.5, 0.1, 0.0, 0.1).is_err());
        assert!(RiskReturn::new(0.5, -0.1, 0.0, 0.1).is_err());
        assert!(RiskReturn::new(0.5, 0.1, 0.2, 0.1).is_err());
        assert!(RiskReturn::new(0.5, 0.1, f64::NAN, 0.1).is_err());
        assert!(RiskReturn::new(0.5, 0.1, 0.1, 0.1).is_ok());
    }

    #[test]
    fn a_degenerate_cost_distribution_is_the_corner() {
        let s = RiskReturn::new(0.5, 0.0, 0.0, 0.0).unwrap().solve();
        assert_eq!(s.case, RiskReturnCase::Corner);
        assert_eq!(s.offer, 0.5);
        assert_eq!(s.p_war, 0.0);
    }
}
