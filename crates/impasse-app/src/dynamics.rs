//! Bargaining while fighting: the dynamics models at one point or over a one- or two-way sweep of
//! scenario parameters.

use impasse_core::Scenario;
use impasse_dynamics::assess::{
    AssessConfig, Assessment, DEFAULT_STALEMATE, Models, assess_observed,
};
use impasse_format::Override;
use impasse_report::DynamicsReport;
use impasse_report::dynamics::DynamicsPoint;

use crate::{AppError, Token, limits};

/// The most points a sweep may have ([`limits::SWEEP_POINTS`]).
pub const MAX_POINTS: usize = limits::SWEEP_POINTS.max as usize;
/// The most swept parameters (a two-way grid).
pub const MAX_SWEEPS: usize = 2;
/// The longest horizon, in rounds: the scenario format's bound, which sizes the exact models'
/// tables (one slot per round and state).
/// ([`limits::HORIZON`]).
pub const MAX_HORIZON: u32 = limits::HORIZON.max as u32;

/// One swept parameter: an override path and its grid of values.
#[derive(Clone, PartialEq, Debug)]
pub struct Sweep {
    /// The override path (e.g. `conflict.balance`).
    pub path: String,
    /// The values, in order.
    pub values: Vec<f64>,
}

impl std::str::FromStr for Sweep {
    type Err = AppError;

    /// `PATH=FROM:TO:N`: `N ≥ 2` evenly spaced values from `FROM` to `TO`, rounded to 12
    /// significant digits (so 0.1 steps read 0.4, not 0.39999999999999997).
    fn from_str(text: &str) -> Result<Sweep, AppError> {
        let bad = || {
            AppError::field(
                "sweep",
                format!(
                    "'{text}': expected PATH=FROM:TO:N, e.g. conflict.balance=0.2:0.8:13 (N ≥ 2 \
                     points)"
                ),
            )
        };
        let (path, grid) = text.split_once('=').ok_or_else(bad)?;
        let parts: Vec<&str> = grid.split(':').collect();
        let [from, to, n] = parts.as_slice() else { return Err(bad()) };
        let (from, to): (f64, f64) =
            (from.trim().parse().map_err(|_| bad())?, to.trim().parse().map_err(|_| bad())?);
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if n < 2 || !from.is_finite() || !to.is_finite() || path.trim().is_empty() {
            return Err(bad());
        }
        limits::SWEEP_POINTS.check(n as u64).map_err(|err| in_sweep(text, err))?;
        let round = |v: f64| -> f64 { format!("{v:.11e}").parse().unwrap_or(v) };
        let values =
            (0..n).map(|k| round(from + (to - from) * k as f64 / (n - 1) as f64)).collect();
        Ok(Sweep { path: path.trim().to_owned(), values })
    }
}

/// A sweep's limit error, naming the sweep.
fn in_sweep(text: &str, err: AppError) -> AppError {
    match err {
        AppError::Field { field, message } => {
            AppError::Field { field, message: format!("'{text}': {message}") }
        }
        other => other,
    }
}

/// What to simulate.
#[derive(Clone, PartialEq, Debug)]
pub struct DynamicsRequest {
    /// Replications per simulated model (at least 1).
    pub runs: u64,
    /// The seed.
    pub seed: u64,
    /// The horizon in rounds (the scenario's when `None`).
    pub horizon: Option<u32>,
    /// The ripeness indicator's stalemate threshold, a probability.
    pub stalemate: f64,
    /// The models to run.
    pub models: Models,
    /// Swept parameters (none, one or two).
    pub sweeps: Vec<Sweep>,
    /// The caller's what-if overrides, applied at every point before the swept values; the
    /// numeric ones are shown in each point's `point` beside the swept ones.
    pub overrides: Vec<Override>,
}

impl Default for DynamicsRequest {
    fn default() -> DynamicsRequest {
        DynamicsRequest {
            runs: 10_000,
            seed: 0,
            horizon: None,
            stalemate: DEFAULT_STALEMATE,
            models: Models::ALL,
            sweeps: Vec::new(),
            overrides: Vec::new(),
        }
    }
}

/// Models by name (every model when `names` is empty).
///
/// # Errors
///
/// [`AppError::Invalid`] naming an unknown model and listing the valid ones.
pub fn models_by_name(names: &[impl AsRef<str>]) -> Result<Models, AppError> {
    if names.is_empty() {
        return Ok(Models::ALL);
    }
    let mut models = Models::NONE;
    for name in names {
        if !models.enable(name.as_ref()) {
            return Err(AppError::field(
                "model",
                format!("unknown model '{}'; expected {}", name.as_ref(), Models::NAMES.join(", ")),
            ));
        }
    }
    Ok(models)
}

/// A dynamics run: the report, and what plots need (the assessments and the first point's
/// scenario).
#[derive(Debug)]
pub struct DynamicsRun {
    /// The report.
    pub report: DynamicsReport,
    /// One assessment per point, in the report's order.
    pub assessments: Vec<Assessment>,
    /// The scenario at the first point.
    pub scenario: Scenario,
}

impl DynamicsRequest {
    fn check(&self) -> Result<(), AppError> {
        if self.runs == 0 {
            return Err(AppError::field("runs", "must be at least 1"));
        }
        limits::RUNS.check(self.runs)?;
        if let Some(h) = self.horizon {
            if h == 0 {
                return Err(AppError::field("horizon", "must be at least 1 round"));
            }
            limits::HORIZON.check(u64::from(h))?;
        }
        if !(0.0..=1.0).contains(&self.stalemate) {
            return Err(AppError::field(
                "stalemate",
                format!("must be a probability in [0, 1], got {}", self.stalemate),
            ));
        }
        if self.sweeps.len() > MAX_SWEEPS {
            return Err(AppError::field("sweep", "at most two swept parameters (a two-way grid)"));
        }
        Ok(())
    }

    /// The grid: every combination of the swept values, the first sweep outermost (one empty
    /// point without sweeps).
    fn points(&self) -> Result<Vec<Vec<(String, f64)>>, AppError> {
        let size = self.sweeps.iter().map(|s| s.values.len() as u64).product::<u64>();
        limits::SWEEP_POINTS.check(size)?;
        let replications = u128::from(size.max(1))
            * u128::from(self.runs)
            * u128::from(self.models.count().max(1));
        limits::REPLICATIONS.check(replications)?;
        let mut points: Vec<Vec<(String, f64)>> = vec![Vec::new()];
        for sweep in &self.sweeps {
            points = points
                .into_iter()
                .flat_map(|point| {
                    sweep.values.iter().map(move |&v| {
                        let mut p = point.clone();
                        p.push((sweep.path.clone(), v));
                        p
                    })
                })
                .collect();
        }
        Ok(points)
    }
}

/// Runs the dynamics models on the scenario `load` gives for each point's overrides (the request's
/// own, then the swept values), from `source` (a path or a name, for the report). Progress counts replications for a single point, points for a sweep.
///
/// # Errors
///
/// [`AppError::Invalid`] for a bad request, the loader's error, [`AppError::Unprocessable`]
/// (`cannot_simulate`) when the scenario has no usable conflict model, [`AppError::Cancelled`].
pub fn dynamics(
    load: &dyn Fn(&[Override]) -> Result<Scenario, AppError>,
    source: &str,
    request: &DynamicsRequest,
    token: &Token,
) -> Result<DynamicsRun, AppError> {
    request.check()?;
    let points = request.points()?;
    let config = AssessConfig {
        runs: request.runs,
        seed: request.seed,
        horizon: request.horizon,
        stalemate: request.stalemate,
        models: request.models,
    };
    let single = request.sweeps.is_empty();
    token.start(
        if single { "replications" } else { "sweep points" },
        0,
        if single { request.runs * request.models.count() } else { points.len() as u64 },
    );
    token.run(|| {
        let mut assessments = Vec::with_capacity(points.len());
        let mut first: Option<Scenario> = None;
        let mut scenarios_points = Vec::with_capacity(points.len());
        let fixed: Vec<(String, f64)> = request
            .overrides
            .iter()
            .filter(|o| !request.sweeps.iter().any(|s| s.path == o.path))
            .filter_map(|o| o.value.trim().parse::<f64>().ok().map(|v| (o.path.clone(), v)))
            .collect();
        for swept in &points {
            let mut overrides = request.overrides.clone();
            for (path, value) in swept {
                overrides.push(
                    format!("{path}={value}")
                        .parse::<Override>()
                        .map_err(|err| AppError::field("sweep", format!("{path}: {err}")))?,
                );
            }
            let point: Vec<(String, f64)> = fixed.iter().chain(swept).cloned().collect();
            let point = &point;
            let scenario = load(&overrides)?;
            let on_chunk = |n: u64| {
                if single {
                    token.advance(n);
                } else {
                    token.checkpoint();
                }
            };
            let assessment = assess_observed(&scenario, &config, &on_chunk)
                .map_err(|e| AppError::unprocessable("cannot_simulate", e.to_string()))?;
            scenarios_points.push(DynamicsPoint::new(point, &assessment, &scenario));
            assessments.push(assessment);
            if first.is_none() {
                first = Some(scenario);
            }
            if !single {
                token.advance(1);
            }
        }
        let scenario = first.ok_or_else(|| AppError::invalid("the sweep has no points"))?;
        let mut report = DynamicsReport::new(
            &scenario,
            source.to_owned(),
            request.runs,
            request.seed,
            request.sweeps.iter().map(|s| s.path.clone()).collect(),
        );
        report.points = scenarios_points;
        Ok(DynamicsRun { report, assessments, scenario })
    })
}
