//! How sure the answer is: the analysis repeated over the uncertain inputs' distributions
//! (`impasse robustness`).
//!
//! Each uncertain input is a `--set` path with a distribution ([`Vary`]). The design is
//! Saltelli's ([`impasse_robustness::Design`]): for sample `j`, two independent points `A_j`,
//! `B_j` and the `k` mixes `A_B^(i)`; the scenario is loaded with each point's values as overrides
//! and analysed. `A` and `B` give 2N independent draws of the verdict and the clashing sets; all
//! `N·(k + 2)` analyses give the variance-based indices of the impasse indicator. Then each input
//! alone at the ends of its range, the others at their medians (the tornado). Samples run in
//! parallel; each depends only on the seed and its index, so the report is the same on any
//! number of threads.

use std::collections::BTreeMap;

use impasse_core::Scenario;
use impasse_format::Override;
use impasse_report::robustness::{
    ClashProbability, Driver, Estimate, InputReport, RobustnessReport, SwingEnd, VerdictProbability,
};
use impasse_report::{AnalysisReport, ConstraintReport};
use impasse_robustness::{Design, Marginal, Proportion, indices};
use rayon::prelude::*;

use crate::{AnalyzeRequest, AppError, Token, limits};

/// One uncertain input: a `--set` path and its distribution.
#[derive(Clone, PartialEq, Debug)]
pub struct Vary {
    /// The override path (e.g. `preferences.seller.reservation`).
    pub path: String,
    /// Its distribution.
    pub marginal: Marginal,
}

impl std::str::FromStr for Vary {
    type Err = AppError;

    /// `PATH=LOW:HIGH` (uniform) or `PATH=LOW:MODE:HIGH` (triangular).
    fn from_str(text: &str) -> Result<Vary, AppError> {
        let (path, range) = text.split_once('=').ok_or_else(|| {
            AppError::field(
                "vary",
                format!("'{text}': expected PATH=LOW:HIGH or PATH=LOW:MODE:HIGH"),
            )
        })?;
        if path.trim().is_empty() {
            return Err(AppError::field("vary", format!("'{text}': the path is empty")));
        }
        let marginal = Marginal::parse(range)
            .map_err(|e| AppError::field("vary", format!("'{text}': {e}")))?;
        Ok(Vary { path: path.trim().to_owned(), marginal })
    }
}

/// What to sample.
#[derive(Clone, PartialEq, Debug)]
pub struct RobustnessRequest {
    /// The design's sample size N (2N draws of the verdict, N·(k + 2) analyses).
    pub samples: u64,
    /// The seed.
    pub seed: u64,
    /// The uncertain inputs (at least one, each path once).
    pub vary: Vec<Vary>,
    /// Fixed overrides applied before the sampled values.
    pub overrides: Vec<Override>,
    /// The largest space analysed.
    pub max_outcomes: u64,
}

impl Default for RobustnessRequest {
    fn default() -> RobustnessRequest {
        RobustnessRequest {
            samples: 1000,
            seed: 0,
            vary: Vec::new(),
            overrides: Vec::new(),
            max_outcomes: AnalyzeRequest::default().max_outcomes,
        }
    }
}

/// What one analysis tells the robustness report.
#[derive(Clone, Debug)]
struct Answer {
    impasse: bool,
    zone_size: u128,
    clashes: Vec<Vec<String>>,
}

/// A constraint as the text report names it.
fn constraint_name(c: &ConstraintReport) -> String {
    match c.kind {
        "reservation" => format!("{}'s reservation value", c.party),
        kind => format!("{}'s {} '{}'", c.party, kind.replace('_', " "), c.constraint),
    }
}

/// Runs the robustness analysis of the scenario `load` gives for a list of overrides, from
/// `source` (a path or a name, for the report). Progress counts samples.
///
/// # Errors
///
/// [`AppError::Field`] for a bad request (no input, a path twice, too many samples), the loader's
/// error for a path that names nothing or a value out of its range, the analysis's errors,
/// [`AppError::Cancelled`].
pub fn robustness(
    load: &(dyn Fn(&[Override]) -> Result<Scenario, AppError> + Sync),
    source: &str,
    request: &RobustnessRequest,
    token: &Token,
) -> Result<RobustnessReport, AppError> {
    let k = request.vary.len();
    if k == 0 {
        return Err(AppError::field("vary", "give at least one uncertain input, PATH=LOW:HIGH"));
    }
    for (i, vary) in request.vary.iter().enumerate() {
        if request.vary[..i].iter().any(|other| other.path == vary.path) {
            return Err(AppError::field("vary", format!("'{}' is varied twice", vary.path)));
        }
    }
    if request.samples == 0 {
        return Err(AppError::field("samples", "must be at least 1"));
    }
    limits::SAMPLES.check(request.samples)?;
    limits::ANALYSES.check(u128::from(request.samples) * (k as u128 + 2))?;
    let marginals: Vec<Marginal> = request.vary.iter().map(|v| v.marginal.clone()).collect();
    let analyze_at = |values: &[f64]| -> Result<Answer, AppError> {
        let mut overrides = request.overrides.clone();
        for (vary, value) in request.vary.iter().zip(values) {
            overrides.push(Override { path: vary.path.clone(), value: format!("{value:?}") });
        }
        let scenario = load(&overrides)?;
        let analyzed =
            crate::analyze(&scenario, &AnalyzeRequest { max_outcomes: request.max_outcomes })?;
        let report: AnalysisReport = analyzed.report;
        Ok(Answer {
            impasse: report.verdict == "impasse",
            zone_size: report.agreement_zone.size,
            clashes: report
                .clashes
                .iter()
                .map(|set| set.iter().map(constraint_name).collect())
                .collect(),
        })
    };
    // The medians first: a bad path or value fails here, once, before any sampling.
    let centers: Vec<f64> = marginals.iter().map(Marginal::center).collect();
    let at_medians = analyze_at(&centers)?;
    let design = Design { seed: request.seed, inputs: k };
    token.start("samples", 0, request.samples);
    let samples = token.run(|| {
        (0..request.samples)
            .into_par_iter()
            .map(|j| {
                token.checkpoint();
                let points = design.points(j, &marginals);
                let a = analyze_at(&points.a)?;
                let b = analyze_at(&points.b)?;
                let mixes: Result<Vec<bool>, AppError> = points
                    .mixes
                    .iter()
                    .map(|x| analyze_at(x).map(|answer| answer.impasse))
                    .collect();
                token.advance(1);
                Ok((a, b, mixes?))
            })
            .collect::<Result<Vec<_>, AppError>>()
    })?;
    let mut impasse = Proportion::default();
    let mut clash_counts: BTreeMap<Vec<String>, u64> = BTreeMap::new();
    for (a, b, _) in &samples {
        for answer in [a, b] {
            impasse.add(answer.impasse);
            for set in &answer.clashes {
                *clash_counts.entry(set.clone()).or_default() += 1;
            }
        }
    }
    let draws = impasse.draws;
    let estimate = |hits: u64| {
        let p = Proportion { hits, draws };
        Estimate { probability: p.estimate(), standard_error: p.standard_error() }
    };
    let mut clash_probability: Vec<ClashProbability> = clash_counts
        .into_iter()
        .map(|(set, hits)| ClashProbability { set, probability: estimate(hits) })
        .collect();
    clash_probability
        .sort_by(|x, y| y.probability.probability.total_cmp(&x.probability.probability));
    let indicator = |b: bool| f64::from(u8::from(b));
    let f_a: Vec<f64> = samples.iter().map(|(a, _, _)| indicator(a.impasse)).collect();
    let f_b: Vec<f64> = samples.iter().map(|(_, b, _)| indicator(b.impasse)).collect();
    let f_mix: Vec<Vec<f64>> =
        samples.iter().map(|(_, _, m)| m.iter().map(|&x| indicator(x)).collect()).collect();
    let found = indices(&f_a, &f_b, &f_mix);
    let mut drivers = Vec::with_capacity(k);
    for (i, vary) in request.vary.iter().enumerate() {
        let swing = |value: f64| -> Result<SwingEnd, AppError> {
            let mut values = centers.clone();
            values[i] = value;
            let answer = analyze_at(&values)?;
            Ok(SwingEnd { value, verdict: verdict(answer.impasse), zone_size: answer.zone_size })
        };
        let index = found.as_ref().map(|all| all[i]);
        drivers.push(Driver {
            path: vary.path.clone(),
            first_order: index.map(|x| x.first),
            total: index.map(|x| x.total),
            low: swing(vary.marginal.low())?,
            high: swing(vary.marginal.high())?,
        });
    }
    let swing_size = |d: &Driver| d.low.zone_size.abs_diff(d.high.zone_size);
    drivers.sort_by(|x, y| {
        y.total
            .unwrap_or(0.0)
            .total_cmp(&x.total.unwrap_or(0.0))
            .then(swing_size(y).cmp(&swing_size(x)))
    });
    let mut notes = vec![format!(
        "Sampled: every input independent, {} draws of the verdict; ± is one Monte Carlo standard \
         error. The verdict at the medians and the swings are single exact analyses.",
        draws
    )];
    if found.is_none() {
        notes.push(format!(
            "The verdict was '{}' at every sampled point: no input moves it over these ranges, so \
             there are no variance shares to report.",
            verdict(impasse.hits == draws).replace('_', " ")
        ));
    }
    let name = load(&request.overrides).map_or_else(|_| source.to_owned(), |s| s.name().to_owned());
    Ok(RobustnessReport {
        format_version: impasse_report::FORMAT_VERSION,
        scenario: name,
        samples: request.samples,
        seed: request.seed,
        analyses: request.samples * (k as u64 + 2) + 2 * k as u64 + 1,
        method:
            "Monte Carlo over the inputs' distributions: Saltelli design, one ChaCha8 stream per \
                 point; first-order indices by Saltelli (2010), total by Jansen (1999)"
                .to_owned(),
        inputs: request
            .vary
            .iter()
            .map(|v| InputReport {
                path: v.path.clone(),
                distribution: match v.marginal {
                    Marginal::Uniform { .. } => "uniform",
                    Marginal::Triangular { .. } => "triangular",
                },
                low: v.marginal.low(),
                mode: match v.marginal {
                    Marginal::Triangular { mode, .. } => Some(mode),
                    Marginal::Uniform { .. } => None,
                },
                high: v.marginal.high(),
            })
            .collect(),
        verdict_at_medians: verdict(at_medians.impasse),
        verdict_probability: VerdictProbability {
            impasse: estimate(impasse.hits),
            agreement_possible: estimate(draws - impasse.hits),
        },
        clash_probability,
        drivers,
        notes,
    })
}

fn verdict(impasse: bool) -> &'static str {
    if impasse { "impasse" } else { "agreement_possible" }
}
