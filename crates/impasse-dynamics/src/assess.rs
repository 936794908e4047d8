//! Runs every dynamics model a scenario's conflict model supports, under its stated assumptions.
//!
//! Each model runs only when the scenario states what it needs; otherwise the assessment records
//! which assumptions are missing. Closed forms come with a Monte Carlo run of the same model.

use impasse_analysis::AnalysisConfig;
use impasse_analysis::perceived::PerceivedZone;
use impasse_analysis::prepared::Prepared;
use impasse_core::Scenario;
use rayon::prelude::*;

use crate::ParamError;
use crate::attrition::Side;
use crate::battlefield::{Battlefield, Beta, Convergence, ExactPath, LearningWar};
use crate::commitment::Commitment;
use crate::conflict::ConflictView;
use crate::mc::{self, Summary};
use crate::screening::{Screening, ScreeningParams};
use crate::way_out::{Deal, Ripeness, Values, WayOut, WayOutWar};

/// The default horizon in rounds when the scenario states none.
pub const DEFAULT_HORIZON: u32 = 200;

/// The default stalemate threshold `ε` of the ripeness indicator.
pub const DEFAULT_STALEMATE: f64 = 0.1;

/// Settings of an assessment.
#[derive(Clone, Copy, Debug)]
pub struct AssessConfig {
    /// Monte Carlo replications per model.
    pub runs: u64,
    /// Seed.
    pub seed: u64,
    /// Horizon in rounds (overrides the scenario's).
    pub horizon: Option<u32>,
    /// The ripeness indicator's stalemate threshold `ε`: a side is in a stalemate when it gives
    /// itself less than `ε` chance of prevailing within the horizon.
    pub stalemate: f64,
    /// The models to run.
    pub models: Models,
}

impl AssessConfig {
    /// `runs` replications seeded `seed`, the scenario's horizon, [`DEFAULT_STALEMATE`] and every
    /// model.
    pub fn new(runs: u64, seed: u64) -> AssessConfig {
        AssessConfig {
            runs,
            seed,
            horizon: None,
            stalemate: DEFAULT_STALEMATE,
            models: Models::ALL,
        }
    }
}

/// Which models an assessment runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Models {
    /// M6, the war of attrition.
    pub attrition: bool,
    /// M4, screening while fighting.
    pub screening: bool,
    /// M5 with the one-prize convergence rule.
    pub learning: bool,
    /// M5 with the multi-issue way out, and ripeness.
    pub way_out: bool,
}

impl Models {
    /// Every model.
    pub const ALL: Models =
        Models { attrition: true, screening: true, learning: true, way_out: true };

    /// No model.
    pub const NONE: Models =
        Models { attrition: false, screening: false, learning: false, way_out: false };

    /// The model names accepted by [`Models::enable`].
    pub const NAMES: [&'static str; 4] = ["attrition", "screening", "learning", "way-out"];

    /// Turns on the model called `name` (one of [`Models::NAMES`]); `false` for an unknown name.
    pub fn enable(&mut self, name: &str) -> bool {
        match name {
            "attrition" => self.attrition = true,
            "screening" => self.screening = true,
            "learning" => self.learning = true,
            "way-out" => self.way_out = true,
            _ => return false,
        }
        true
    }

    /// How many models are on.
    pub fn count(&self) -> u64 {
        [self.attrition, self.screening, self.learning, self.way_out]
            .iter()
            .filter(|&&on| on)
            .count() as u64
    }
}

/// Why a model that was not selected did not run (front ends may add how their users select it).
const NOT_REQUESTED: &str = "not requested (not among the selected models)";

/// A model that ran, or why it did not.
#[derive(Clone, PartialEq, Debug)]
pub enum Run<T> {
    /// It ran.
    Ran(T),
    /// It could not: the missing assumptions (keys of `[conflict.dynamics]`) or the parameter
    /// error.
    Skipped(String),
}

/// The war of attrition between the sides (M6, an equilibrium).
#[derive(Clone, PartialEq, Debug)]
pub struct AttritionResult {
    /// Expected duration in rounds (closed form).
    pub expected_rounds: f64,
    /// Probability that side A concedes first (closed form).
    pub p_a_concedes_first: f64,
    /// Monte Carlo (one round = one unit of time).
    pub simulated: Summary,
}

/// Screening while fighting (M4, an equilibrium).
#[derive(Clone, PartialEq, Debug)]
pub struct ScreeningResult {
    /// The belief below which side A screens (`m_1`).
    pub first_threshold: f64,
    /// Offers before the final one (`N`).
    pub region: usize,
    /// Expected fought rounds (closed form).
    pub expected_fought_rounds: f64,
    /// Probability of a negotiated end (closed form).
    pub p_settle: f64,
    /// Monte Carlo of the equilibrium path.
    pub simulated: Summary,
}

/// The battlefield with learning and the convergence rule (M5, behavioural).
#[derive(Clone, PartialEq, Debug)]
pub struct LearningResult {
    /// The round by which the rule settles if the front has not been absorbed (equal-strength
    /// priors only).
    pub t_star: Option<u32>,
    /// Exact path probabilities (Markov chain).
    pub exact: ExactPath,
    /// Monte Carlo.
    pub simulated: Summary,
}

/// A package the war settles on, with its probability.
#[derive(Clone, PartialEq, Debug)]
pub struct SettlementTerms {
    /// The package (value indices of the scenario's issues; the representative of its class).
    pub package: Vec<u32>,
    /// Pr(the war settles on it within the horizon).
    pub probability: f64,
    /// Every party's utility of it after red-line penalties.
    pub utilities: Vec<f64>,
    /// The expected round of settlement, given that it settles on this package.
    pub mean_round: f64,
    /// The expected front at settlement minus the front today (positive: B has advanced), given
    /// that it settles on this package.
    pub mean_advance_b: f64,
}

/// The battlefield with learning, settled when the perceived multi-issue zone opens (M5 with the
/// way out; behavioural), and Zartman's ripeness today.
#[derive(Clone, PartialEq, Debug)]
pub struct WayOutResult {
    /// The perceived balances today, `(x_A, x_B)`: the probability that A prevails, as each side's
    /// prior and the front imply.
    pub balances_today: (f64, f64),
    /// Ripeness today, over the horizon.
    pub ripeness_today: Ripeness,
    /// Whether some package crosses no absolute red line and meets every precondition (when none
    /// does, no belief opens the zone).
    pub hard_feasible: bool,
    /// The exact distribution of the end.
    pub exact: ExactPath,
    /// The packages settled on, most likely first.
    pub terms: Vec<SettlementTerms>,
    /// Monte Carlo; its terms are side B's mean utility of the deal.
    pub simulated: Summary,
}

/// Everything the dynamics models say about a scenario's conflict.
#[derive(Clone, PartialEq, Debug)]
pub struct Assessment {
    /// The two-sided view (stakes, costs, B's chance).
    pub view: ConflictView,
    /// Fearon's bargaining range over B's share, `[p_B − c_B, p_B + c_A]` (costs as shares of
    /// stakes).
    pub range: (f64, f64),
    /// The horizon used.
    pub horizon: u32,
    /// M6.
    pub attrition: Run<AttritionResult>,
    /// M4.
    pub screening: Run<ScreeningResult>,
    /// M5 with the one-prize convergence rule.
    pub learning: Run<LearningResult>,
    /// M5 with the multi-issue way out, and ripeness.
    pub way_out: Run<WayOutResult>,
    /// The commitment check of the scenario's power trajectory, when it states one.
    pub commitment: Option<Commitment>,
}

fn missing(keys: &[(&str, bool)]) -> Option<String> {
    let absent: Vec<&str> = keys.iter().filter(|(_, present)| !present).map(|(k, _)| *k).collect();
    (!absent.is_empty()).then(|| format!("needs conflict.dynamics.{}", absent.join(", ")))
}

/// Assesses a scenario's conflict.
///
/// # Errors
///
/// When the scenario has no conflict model or a side has nothing at stake (see
/// [`ConflictView::from_scenario`]). A model whose parameters are invalid is skipped with the
/// error, not failed.
pub fn assess(scenario: &Scenario, config: &AssessConfig) -> Result<Assessment, ParamError> {
    assess_observed(scenario, config, &|_| {})
}

/// As [`assess`], calling `progress(replications)` as Monte Carlo chunks complete: the total is
/// `config.runs` times the number of models that run.
///
/// # Errors
///
/// As [`assess`].
pub fn assess_observed(
    scenario: &Scenario,
    config: &AssessConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Assessment, ParamError> {
    let view = ConflictView::from_scenario(scenario)?;
    let conflict =
        scenario.conflict().ok_or_else(|| ParamError::new("conflict", 0.0, "present"))?;
    let d = &conflict.dynamics;
    let horizon = config.horizon.or(d.horizon).unwrap_or(DEFAULT_HORIZON);
    let (runs, seed) = (config.runs, config.seed);
    let models = config.models;
    let commitment = crate::commitment::commitment(scenario);
    let commitment_problem = commitment.as_ref().and_then(|c| {
        c.steps.iter().find(|step| step.problem).map(|step| {
            format!(
                "the power trajectory poses a commitment problem (the step from {} to {}: {:.3} > {:.3}); a war it drives does not end by learning",
                step.from, step.to, step.lhs, step.rhs
            )
        })
    });
    let attrition = if !models.attrition {
        Run::Skipped(NOT_REQUESTED.to_owned())
    } else {
        match view.attrition() {
            Ok(war) => Run::Ran(AttritionResult {
                expected_rounds: war.expected_duration(),
                p_a_concedes_first: war.p_concedes_first(Side::A),
                simulated: mc::simulate_observed(
                    runs,
                    seed,
                    horizon,
                    |rng| war.replicate(rng, 1.0, horizon),
                    progress,
                ),
            }),
            Err(err) => Run::Skipped(err.to_string()),
        }
    };
    let screening_missing = if models.screening {
        commitment_problem.clone().or_else(|| {
            missing(&[
                ("decisive", d.decisive.is_some()),
                ("resolve_prior", d.resolve_prior.is_some()),
                ("resolved_cost", d.resolved_cost.is_some()),
                ("irresolute_cost", d.irresolute_cost.is_some()),
            ])
        })
    } else {
        Some(NOT_REQUESTED.to_owned())
    };
    let screening = match screening_missing {
        Some(why) => Run::Skipped(why),
        None => match Screening::new(ScreeningParams {
            p: view.p_b,
            r: d.decisive.unwrap_or(0.0),
            delta: conflict.discount,
            c_a: view.cost_share_a(),
            c_r: d.resolved_cost.unwrap_or(0.0),
            c_i: d.irresolute_cost.unwrap_or(0.0),
            mu0: d.resolve_prior.unwrap_or(0.0),
        }) {
            Ok(model) => Run::Ran(ScreeningResult {
                first_threshold: model.first_threshold(),
                region: model.region(),
                expected_fought_rounds: model.expected_fought_rounds(),
                p_settle: model.p_settle(),
                simulated: mc::simulate_observed(
                    runs,
                    seed,
                    horizon,
                    |rng| model.replicate(rng, horizon),
                    progress,
                ),
            }),
            Err(err) => Run::Skipped(err.to_string()),
        },
    };
    let learning_missing = commitment_problem.or_else(|| {
        missing(&[
            ("front_length", d.front_length.is_some()),
            ("front_position", d.front_position.is_some()),
            ("advance", d.advance.is_some()),
            ("belief_a", d.belief_a.is_some()),
            ("belief_b", d.belief_b.is_some()),
        ])
    });
    let requested =
        |on: bool| if on { learning_missing.clone() } else { Some(NOT_REQUESTED.to_owned()) };
    let way_out = match requested(models.way_out) {
        Some(why) => Run::Skipped(why),
        None => match way_out(scenario, &view, d, horizon, config, progress) {
            Ok(result) => Run::Ran(result),
            Err(err) => Run::Skipped(err),
        },
    };
    let learning = match requested(models.learning) {
        Some(why) => Run::Skipped(why),
        None => match learning_war(&view, d, horizon) {
            Ok(war) => Run::Ran(LearningResult {
                t_star: war.rule().t_star().ok().flatten(),
                exact: war.exact(),
                simulated: mc::simulate_observed(
                    runs,
                    seed,
                    horizon,
                    |rng| war.replicate(rng),
                    progress,
                ),
            }),
            Err(err) => Run::Skipped(err.to_string()),
        },
    };
    Ok(Assessment {
        range: view.bargaining_range(),
        view,
        horizon,
        attrition,
        screening,
        learning,
        way_out,
        commitment,
    })
}

/// A scenario's perceived zone as a [`WayOut`]: deals are its Nash solutions, valued at each
/// side's mean utility.
struct ScenarioZone {
    zone: PerceivedZone,
    side_a: Vec<usize>,
    side_b: Vec<usize>,
}

fn mean_over(side: &[usize], values: &[f64]) -> f64 {
    side.iter().map(|&p| values[p]).sum::<f64>() / side.len().max(1) as f64
}

impl WayOut for ScenarioZone {
    fn open(&self, x_a: f64, x_b: f64) -> bool {
        self.zone.is_open(x_a, x_b)
    }

    fn deal(&self, x_a: f64, x_b: f64) -> Option<Deal> {
        let agreement = self.zone.agreement(x_a, x_b)?;
        Some(Deal {
            package: agreement.index,
            value_a: mean_over(&self.side_a, &agreement.utilities),
            value_b: mean_over(&self.side_b, &agreement.utilities),
        })
    }
}

fn way_out(
    scenario: &Scenario,
    view: &ConflictView,
    d: &impasse_core::DynamicsAssumptions,
    horizon: u32,
    config: &AssessConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<WayOutResult, String> {
    let conflict = scenario.conflict().ok_or("no conflict model")?;
    let analysis = AnalysisConfig::default();
    let prepared = Prepared::new(scenario, &analysis).map_err(|err| err.to_string())?;
    let zone = PerceivedZone::new(&prepared, &analysis).map_err(|err| err.to_string())?;
    let hard_feasible = zone.hard_feasible();
    let zone =
        ScenarioZone { zone, side_a: conflict.side_a.clone(), side_b: conflict.side_b.clone() };
    let value = |side: &[usize], package: &[u32]| {
        let values: Vec<f64> =
            scenario.parties().iter().map(|party| party.utility.eval(package)).collect();
        mean_over(side, &values)
    };
    let values = Values {
        a_if_a_wins: value(&conflict.side_a, &conflict.victory_a),
        a_if_b_wins: value(&conflict.side_a, &conflict.victory_b),
        b_if_a_wins: value(&conflict.side_b, &conflict.victory_a),
        b_if_b_wins: value(&conflict.side_b, &conflict.victory_b),
        cost_a: view.cost_a,
        cost_b: view.cost_b,
    };
    let field = Battlefield::new(
        d.front_length.unwrap_or(0),
        d.front_position.unwrap_or(0),
        view.strengthen(d.advance.unwrap_or(0.0)),
    )
    .map_err(|err| err.to_string())?;
    let (aa, ab) = d.belief_a.unwrap_or((1.0, 1.0));
    let (ba, bb) = d.belief_b.unwrap_or((1.0, 1.0));
    let belief_a = Beta::new(aa, ab).map_err(|err| err.to_string())?;
    let belief_b = Beta::new(ba, bb).map_err(|err| err.to_string())?;
    let war = WayOutWar::new(field, belief_a, belief_b, values, conflict.discount, horizon, &zone)
        .map_err(|err| err.to_string())?;
    let k = field.k();
    let ripeness_today =
        war.ripeness(0, k, horizon, config.stalemate).map_err(|err| err.to_string())?;
    let exact = war.exact();
    let agreements: Vec<_> = exact
        .settlements
        .par_iter()
        .map(|&(t, j, _)| {
            let (x_a, x_b) = war.balances(t, j);
            zone.zone.agreement(x_a, x_b)
        })
        .collect();
    let mut terms: Vec<SettlementTerms> = Vec::new();
    let mut index_of = std::collections::HashMap::new();
    for (&(t, j, p), agreement) in exact.settlements.iter().zip(agreements) {
        let Some(agreement) = agreement else { continue };
        let slot = *index_of.entry(agreement.index).or_insert_with(|| {
            terms.push(SettlementTerms {
                package: agreement.package.clone(),
                probability: 0.0,
                utilities: agreement.utilities.clone(),
                mean_round: 0.0,
                mean_advance_b: 0.0,
            });
            terms.len() - 1
        });
        let entry = &mut terms[slot];
        entry.probability += p;
        entry.mean_round += p * f64::from(t);
        entry.mean_advance_b += p * (f64::from(j) - f64::from(k));
    }
    for entry in &mut terms {
        entry.mean_round /= entry.probability;
        entry.mean_advance_b /= entry.probability;
    }
    terms.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    Ok(WayOutResult {
        balances_today: war.balances(0, k),
        ripeness_today,
        hard_feasible,
        exact: exact.path,
        terms,
        simulated: war.simulate_observed(config.runs, config.seed, progress),
    })
}

fn learning_war(
    view: &ConflictView,
    d: &impasse_core::DynamicsAssumptions,
    horizon: u32,
) -> Result<LearningWar, ParamError> {
    let field = Battlefield::new(
        d.front_length.unwrap_or(0),
        d.front_position.unwrap_or(0),
        view.strengthen(d.advance.unwrap_or(0.0)),
    )?;
    let (aa, ab) = d.belief_a.unwrap_or((1.0, 1.0));
    let (ba, bb) = d.belief_b.unwrap_or((1.0, 1.0));
    let rule = Convergence::new(
        Beta::new(aa, ab)?,
        Beta::new(ba, bb)?,
        view.cost_share_a(),
        view.cost_share_b(),
    )?;
    LearningWar::new(field, rule, view.cost_share_a(), view.cost_share_b(), horizon)
}
