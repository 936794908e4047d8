//! One limits policy for every count a user gives, the same for the CLI, the web API and Python.
//!
//! Every request is checked here before any work starts or any memory is sized by it: a count past
//! its bound is an [`AppError::Field`] naming the field, the bound, why it is there, and how to go
//! past it on purpose. The bounds and how each was chosen are listed in `docs/limits.md`;
//! [`LIMITS`] is the same table in code.
//!
//! Two kinds of bound:
//! - **time** bounds keep one request within minutes on a laptop (the work streams: memory does
//!   not grow with the count). They can be raised for one process with the environment variable
//!   `IMPASSE_LIMITS`, e.g. `IMPASSE_LIMITS=runs=1e9,negotiations=1e8`.
//! - **hard** bounds come from memory or the operating system and cannot be raised.
//!
//! The web server applies its own, stricter per-request budgets on top (`impasse-server`'s
//! `Limits`: a request must finish within its timeout), and the scenario formats bound the sizes
//! of a scenario (parties, issues, values per issue; [`impasse_format::MAX_FILE_BYTES`] per file).

use crate::AppError;

/// What a bound protects.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Time: the work streams, so a larger count only takes longer; raisable with
    /// `IMPASSE_LIMITS`.
    Time,
    /// Memory or the operating system: not raisable.
    Hard,
}

/// One bounded count.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limit {
    /// The name used in `IMPASSE_LIMITS` and in `docs/limits.md`.
    pub name: &'static str,
    /// The request field (the CLI flag is `--` and the field with `-` for `_`).
    pub field: &'static str,
    /// The largest value allowed by default.
    pub max: u64,
    /// What one unit of the count is, for messages ("replications per model").
    pub unit: &'static str,
    /// Why the bound is there, for messages.
    pub why: &'static str,
    /// Whether it can be raised.
    pub kind: Kind,
}

/// Monte Carlo replications per dynamics model and sweep point.
pub const RUNS: Limit = Limit {
    name: "runs",
    field: "runs",
    max: 100_000_000,
    unit: "replications per model",
    why: "about 10-20 s per model at 5-13 million replications a second; memory does not grow \
          with it",
    kind: Kind::Time,
};

/// Replications of a whole dynamics request: runs × models × sweep points.
pub const REPLICATIONS: Limit = Limit {
    name: "replications",
    field: "runs",
    max: 10_000_000_000,
    unit: "replications in all (runs × models × sweep points)",
    why: "about 15-30 min at 5-13 million replications a second",
    kind: Kind::Time,
};

/// The horizon of the dynamics models, in rounds.
pub const HORIZON: Limit = Limit {
    name: "horizon",
    field: "horizon",
    max: 10_000,
    unit: "rounds",
    why: "the exact models hold a table with one slot per round and state; the scenario format \
          has the same bound",
    kind: Kind::Hard,
};

/// Points of a dynamics sweep grid.
pub const SWEEP_POINTS: Limit = Limit {
    name: "sweep_points",
    field: "sweep",
    max: 10_000,
    unit: "sweep points",
    why: "the report holds one assessment per point",
    kind: Kind::Hard,
};

/// The step deadline of one negotiation.
pub const STEPS: Limit = Limit {
    name: "steps",
    field: "steps",
    max: 10_000_000,
    unit: "steps",
    why: "the negotiation shown keeps its trace, one offer per step, about 320 MB at the bound",
    kind: Kind::Hard,
};

/// Repetitions of a negotiation (throughput runs) or of each tournament negotiation.
pub const REPETITIONS: Limit = Limit {
    name: "repetitions",
    field: "repetitions",
    max: 10_000_000,
    unit: "repetitions",
    why: "seconds to minutes at 10^5-10^6 negotiations a second; memory does not grow with it",
    kind: Kind::Time,
};

/// Negotiations in one tournament (scenarios × role assignments × repetitions).
pub const NEGOTIATIONS: Limit = Limit {
    name: "negotiations",
    field: "negotiations",
    max: 10_000_000,
    unit: "negotiations in one tournament",
    why: "about 2 GB of rows on disk and minutes to hours of work; memory does not grow with it",
    kind: Kind::Time,
};

/// Negotiation steps of one request in all: step deadline × negotiations (a tournament's, or a
/// negotiation's repetitions).
pub const STEPS_IN_ALL: Limit = Limit {
    name: "steps_in_all",
    field: "steps",
    max: 100_000_000_000,
    unit: "negotiation steps in all (step deadline × negotiations)",
    why: "about 20 min at 10^8 steps a second; a negotiation that ends early takes less",
    kind: Kind::Time,
};

/// Sample size of a robustness design (2N draws of the verdict).
pub const SAMPLES: Limit = Limit {
    name: "samples",
    field: "samples",
    max: 1_000_000,
    unit: "samples",
    why: "each sample is k + 2 analyses of the scenario; memory grows with the samples kept",
    kind: Kind::Time,
};

/// Analyses of one robustness request: samples × (inputs + 2).
pub const ANALYSES: Limit = Limit {
    name: "analyses",
    field: "samples",
    max: 10_000_000,
    unit: "analyses in all (samples × (inputs + 2))",
    why: "a few milliseconds each for a scenario of 10^4 packages: hours at the bound",
    kind: Kind::Time,
};

/// Worker threads.
pub const THREADS: Limit = Limit {
    name: "threads",
    field: "threads",
    max: 1024,
    unit: "worker threads",
    why: "each thread is an operating-system thread with its own stack; results do not depend on \
          the count",
    kind: Kind::Hard,
};

/// Packages an analysis enumerates (after merging interchangeable values).
pub const OUTCOMES: Limit = Limit {
    name: "outcomes",
    field: "max_outcomes",
    max: 10_000_000_000,
    unit: "packages",
    why: "the analysis streams over the packages at about 10^7 a second",
    kind: Kind::Time,
};

/// Repeated measurements of `impasse time` (the best is reported).
pub const MEASUREMENTS: Limit = Limit {
    name: "measurements",
    field: "repeat",
    max: 10_000,
    unit: "measurements",
    why: "each repeats a whole load and analysis; a few dozen give a stable best time",
    kind: Kind::Time,
};

/// Every bounded count, in the order of `docs/limits.md`.
pub const LIMITS: [Limit; 13] = [
    RUNS,
    REPLICATIONS,
    HORIZON,
    SWEEP_POINTS,
    STEPS,
    REPETITIONS,
    NEGOTIATIONS,
    STEPS_IN_ALL,
    SAMPLES,
    ANALYSES,
    THREADS,
    OUTCOMES,
    MEASUREMENTS,
];

/// The environment variable that raises time bounds for one process.
pub const ENV: &str = "IMPASSE_LIMITS";

impl Limit {
    /// The bound in force: the default, or the value `IMPASSE_LIMITS` gives a time bound.
    ///
    /// # Errors
    ///
    /// [`AppError::Invalid`] when `IMPASSE_LIMITS` is malformed or tries to raise a hard bound.
    pub fn current(&self) -> Result<u64, AppError> {
        let Ok(text) = std::env::var(ENV) else { return Ok(self.max) };
        Ok(overrides(&text)?
            .into_iter()
            .find(|(name, _)| *name == self.name)
            .map_or(self.max, |(_, v)| v))
    }

    /// Checks `value` against the bound in force.
    ///
    /// # Errors
    ///
    /// [`AppError::Field`] naming the bound, why it is there and how to go past it.
    pub fn check(&self, value: impl Into<u128>) -> Result<(), AppError> {
        let value: u128 = value.into();
        let max = self.current()?;
        if value <= u128::from(max) {
            return Ok(());
        }
        let how = match self.kind {
            Kind::Time => format!(
                "; to go past it on purpose, set the environment variable {ENV}={}=N",
                self.name
            ),
            Kind::Hard => String::new(),
        };
        Err(AppError::field(
            self.field,
            format!(
                "{} {} is above the limit of {}: {}{how}",
                grouped(value),
                self.unit,
                grouped(u128::from(max)),
                self.why
            ),
        ))
    }
}

/// `n` with its digits in groups of three (`100,000,000`), for messages.
pub fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Parses `IMPASSE_LIMITS`: `name=value` pairs separated by commas, values integers or in
/// scientific notation (`1e9`).
fn overrides(text: &str) -> Result<Vec<(&'static str, u64)>, AppError> {
    let bad = |what: String| {
        AppError::Invalid(format!(
            "{ENV}={text:?}: {what}; expected name=value pairs separated by commas, e.g. \
             {ENV}=runs=1e9, with names among {}",
            LIMITS
                .iter()
                .filter(|l| l.kind == Kind::Time)
                .map(|l| l.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    };
    let mut out = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) =
            pair.split_once('=').ok_or_else(|| bad(format!("'{pair}' has no '='")))?;
        let (name, value) = (name.trim(), value.trim());
        let limit = LIMITS
            .iter()
            .find(|l| l.name == name)
            .ok_or_else(|| bad(format!("unknown limit '{name}'")))?;
        if limit.kind == Kind::Hard {
            return Err(bad(format!(
                "'{name}' is a hard limit and cannot be raised: {}",
                limit.why
            )));
        }
        let number: f64 = value.parse().map_err(|_| bad(format!("'{value}' is not a number")))?;
        // u64::MAX as f64 rounds up to 2^64, so the comparison is strict.
        if !(number >= 1.0 && number < u64::MAX as f64 && number.fract() == 0.0) {
            return Err(bad(format!("'{value}' is not a whole number from 1 to 1.8e19")));
        }
        out.push((limit.name, number as u64));
    }
    Ok(out)
}

/// Checks a worker-thread count (`None`: all cores).
///
/// # Errors
///
/// [`AppError::Field`] for 0 or a count above [`THREADS`].
pub fn check_threads(threads: Option<usize>) -> Result<(), AppError> {
    match threads {
        None => Ok(()),
        Some(0) => Err(AppError::field("threads", "must be at least 1")),
        Some(n) => THREADS.check(n as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_past_its_bound_names_it_and_how_to_raise_it() {
        assert!(RUNS.check(RUNS.max).is_ok());
        let err = RUNS.check(1_000_000_000_000_000_u64).unwrap_err();
        let AppError::Field { field, message } = &err else { panic!("{err:?}") };
        assert_eq!(*field, "runs");
        assert!(message.contains("above the limit of 100,000,000"), "{message}");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(u128::from(u64::MAX)), "18,446,744,073,709,551,615");
        assert!(message.contains("IMPASSE_LIMITS=runs=N"), "{message}");
        let err = THREADS.check(1_000_000_u64).unwrap_err();
        assert!(!err.to_string().contains(ENV), "a hard bound cannot be raised: {err}");
    }

    #[test]
    fn the_environment_variable_is_parsed_strictly() {
        assert_eq!(
            overrides("runs=1e9, negotiations=20000000").unwrap(),
            vec![("runs", 1_000_000_000), ("negotiations", 20_000_000)]
        );
        for bad in ["runs", "runs=x", "runs=0", "runs=1.5", "runs=1e30", "horizon=1e6", "nope=1"] {
            let err = overrides(bad).unwrap_err().to_string();
            assert!(err.contains(ENV), "{bad}: {err}");
        }
    }

    #[test]
    fn every_limit_has_a_distinct_name() {
        let mut names: Vec<_> = LIMITS.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LIMITS.len());
    }
}
