//! Conflict dynamics for impasse: how and when a zone of agreement may open while the parties
//! fight and learn. Pure and seeded; see `docs/dynamics.md` and
//! `../shared/reference/bargaining-models.md` (§1.2, §2.5–2.6, §3.2, §6.3–6.4).
//!
//! - [`assess`]: every model a scenario's conflict supports, under its stated assumptions.
//! - [`mc`]: the Monte Carlo engine: one random stream per replication, fixed chunks merged in
//!   order, so results do not depend on the number of threads.
//! - [`risk_return`]: M3, the one-shot offer under private information (risk–return trade-off).
//! - [`screening`]: M4, BWF-2 two-type screening while fighting: ladder, cut-offs, oracles, path.
//! - [`commitment`]: Powell's commitment check (preventive war from a shift in power).
//! - [`battlefield`]: M5, the gambler's-ruin battlefield with Bayesian learning and the
//!   convergence settlement rule (behavioural), with exact Markov-chain oracles.
//! - [`conflict`]: a scenario's conflict model as two sides, a prize, stakes and costs.
//! - [`two_type`]: two-type learning on the battlefield: the exact first passage of A's posterior
//!   to certainty about B's type.
//! - [`way_out`]: M5 with the multi-issue way out: the learning war settled when the zone of
//!   agreement at the sides' perceived balances opens, and Zartman's ripeness indicator.
//! - [`attrition`]: M6, the war of attrition (complete-information mixed equilibrium and the
//!   symmetric uniform incomplete-information equilibrium).

pub mod assess;
pub mod attrition;
pub mod battlefield;
pub mod commitment;
pub mod conflict;
pub mod mc;
pub mod risk_return;
pub mod screening;
pub mod two_type;
pub mod way_out;

/// A model parameter outside its domain.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{name} = {value}: {expected}")]
pub struct ParamError {
    /// The parameter.
    pub name: String,
    /// Its value, as given.
    pub value: String,
    /// What was expected.
    pub expected: String,
}

impl ParamError {
    /// A parameter error.
    pub fn new(name: &str, value: f64, expected: &str) -> ParamError {
        ParamError {
            name: name.to_owned(),
            value: format!("{value}"),
            expected: expected.to_owned(),
        }
    }
}

/// Checks that a probability lies in `[0, 1]`.
///
/// # Errors
///
/// When it does not (or is not a number).
pub fn probability(name: &str, value: f64) -> Result<f64, ParamError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(ParamError::new(name, value, "a probability in [0, 1]"))
    }
}

/// Checks that a cost is finite and not negative.
///
/// # Errors
///
/// When it is negative or not finite.
pub fn cost(name: &str, value: f64) -> Result<f64, ParamError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ParamError::new(name, value, "a finite cost of at least 0"))
    }
}
