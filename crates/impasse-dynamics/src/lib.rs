//! Conflict dynamics for impasse: how and when a zone of agreement may open while the parties
//! fight and learn. Pure and seeded; see `docs/dynamics.md` and
//! `../shared/reference/bargaining-models.md` (§1.2, §2.5–2.6, §3.2, §6.3–6.4).
//!
//! - [`mc`]: the Monte Carlo engine: one random stream per replication, fixed chunks merged in
//!   order, so results do not depend on the number of threads.

pub mod mc;

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
