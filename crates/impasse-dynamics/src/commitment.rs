//! Powell's commitment check: preventive war from a shift in power (Powell 2006;
//! `bargaining-models.md` §1.2(b)).
//!
//! An infinite horizon with a per-period pie of 1 and common discount factor `δ ∈ [0, 1)`. When B's
//! probability of winning a war rises from `p_0` today to `p_1` in every later period, the most B
//! can credibly give A is the whole of today's pie plus A's minmax payoff in the future, so the
//! declining side A fights now iff
//!
//! ```text
//! δ (p_1 − p_0)  >  (1 − δ) p_0 + c_A + δ c_B
//! ```
//!
//! (symmetrically when A rises). The left side is the discounted future loss from the shift; the
//! right side is the most that today's concession and the cost of war can offset. As `δ → 1` the
//! condition becomes `|p_1 − p_0| > c_A + c_B`: a shift larger than the total cost of war breaks
//! bargaining. At equality there is no war.
//!
//! The formula has one home, the analysis crate, which applies it step by step to a scenario's
//! power trajectory ([`impasse_analysis::ripeness::commitment`]); this module re-exports it.
//!
//! **Status.** The verdict is an equilibrium result of complete-information bargaining (no private
//! information is involved). A war it predicts is **not** a failure of learning: both sides already
//! know everything, so such a war does not end by learning or by convergence of beliefs.
//! [`crate::assess`] therefore flags a scenario whose trajectory poses the problem and does not run
//! the learning and screening models on it as though a settlement would eventually arrive.

pub use impasse_analysis::ripeness::{
    Commitment, CommitmentStep, Side, commitment, commitment_step,
};
