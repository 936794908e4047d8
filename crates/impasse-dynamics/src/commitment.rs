//! Powell's commitment check: preventive war from a shift in power (Powell 2006;
//! `bargaining-models.md` §1.2(b)).
//!
//! An infinite horizon with a per-period pie of 1 and common discount factor `δ ∈ [0, 1)`. B's
//! probability of winning a war is `p_0` today and `p_1` in every later period. War costs `c_A`,
//! `c_B` as per-period equivalents (lump costs `c_i/(1 − δ)`). The most B can credibly give A is
//! the whole of today's pie plus A's minmax payoff in the future, so the declining side A fights
//! now iff
//!
//! ```text
//! δ (p_1 − p_0)  >  (1 − δ) p_0 + c_A + δ c_B
//! ```
//!
//! The left side is the discounted future loss from the shift; the right side is the most that
//! today's concession and the cost of war can offset. As `δ → 1` the condition becomes
//! `p_1 − p_0 > c_A + c_B`: a shift larger than the total cost of war breaks bargaining. The term
//! `(1 − δ) p_0` means that shorter horizons (smaller `δ`) make the problem milder. At equality
//! there is no war (the inequality is strict).
//!
//! **Status.** The verdict is an equilibrium result of complete-information bargaining (no private
//! information is involved). A war it predicts is **not** a failure of learning: both sides already
//! know everything, so such a war does not end by learning or by convergence of beliefs. The
//! engine flags it ([`CommitmentCheck::war`]) and must not simulate it with the learning or
//! screening models as though a settlement would eventually arrive.

use crate::{ParamError, cost, probability};

/// Validated parameters of the commitment check.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Commitment {
    p0: f64,
    p1: f64,
    delta: f64,
    c_a: f64,
    c_b: f64,
}

/// The two sides of Powell's inequality and the verdict.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct CommitmentCheck {
    /// `δ (p_1 − p_0)`: A's discounted future loss from the shift in power.
    pub shift: f64,
    /// `(1 − δ) p_0 + c_A + δ c_B`: what today's pie and the cost of war can offset.
    pub offset: f64,
    /// `shift > offset`: A prefers preventive war. Such a war does not end by learning.
    pub war: bool,
}

impl Commitment {
    /// Validates the parameters: `p_0`, `p_1` probabilities, `δ ∈ [0, 1)`, costs at least 0.
    ///
    /// # Errors
    ///
    /// The first parameter outside its domain.
    pub fn new(p0: f64, p1: f64, delta: f64, c_a: f64, c_b: f64) -> Result<Commitment, ParamError> {
        let p0 = probability("p0", p0)?;
        let p1 = probability("p1", p1)?;
        if !(0.0..1.0).contains(&delta) {
            return Err(ParamError::new("delta", delta, "a discount factor in [0, 1)"));
        }
        let c_a = cost("c_A", c_a)?;
        let c_b = cost("c_B", c_b)?;
        Ok(Commitment { p0, p1, delta, c_a, c_b })
    }

    /// Powell's inequality at this `δ`.
    pub fn check(&self) -> CommitmentCheck {
        let shift = self.delta * (self.p1 - self.p0);
        let offset = (1.0 - self.delta) * self.p0 + self.c_a + self.delta * self.c_b;
        CommitmentCheck { shift, offset, war: shift > offset }
    }

    /// The patient limit `δ → 1`: `shift = p_1 − p_0`, `offset = c_A + c_B`.
    pub fn check_patient(&self) -> CommitmentCheck {
        let shift = self.p1 - self.p0;
        let offset = self.c_a + self.c_b;
        CommitmentCheck { shift, offset, war: shift > offset }
    }
}
