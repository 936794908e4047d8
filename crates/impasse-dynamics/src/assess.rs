//! Runs every dynamics model a scenario's conflict model supports, under its stated assumptions.
//!
//! Each model runs only when the scenario states what it needs; otherwise the assessment records
//! which assumptions are missing. Closed forms come with a Monte Carlo run of the same model.

use impasse_core::Scenario;

use crate::ParamError;
use crate::attrition::Side;
use crate::battlefield::{Battlefield, Beta, Convergence, ExactPath, LearningWar};
use crate::conflict::ConflictView;
use crate::mc::Summary;
use crate::screening::{Screening, ScreeningParams};

/// The default horizon in rounds when the scenario states none.
pub const DEFAULT_HORIZON: u32 = 200;

/// Settings of an assessment.
#[derive(Clone, Copy, Debug)]
pub struct AssessConfig {
    /// Monte Carlo replications per model.
    pub runs: u64,
    /// Seed.
    pub seed: u64,
    /// Horizon in rounds (overrides the scenario's).
    pub horizon: Option<u32>,
}

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
    /// M5.
    pub learning: Run<LearningResult>,
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
    let view = ConflictView::from_scenario(scenario)?;
    let conflict =
        scenario.conflict().ok_or_else(|| ParamError::new("conflict", 0.0, "present"))?;
    let d = &conflict.dynamics;
    let horizon = config.horizon.or(d.horizon).unwrap_or(DEFAULT_HORIZON);
    let attrition = match view.attrition() {
        Ok(war) => Run::Ran(AttritionResult {
            expected_rounds: war.expected_duration(),
            p_a_concedes_first: war.p_concedes_first(Side::A),
            simulated: war.simulate(config.runs, config.seed, 1.0, horizon)?,
        }),
        Err(err) => Run::Skipped(err.to_string()),
    };
    let screening = match missing(&[
        ("decisive", d.decisive.is_some()),
        ("resolve_prior", d.resolve_prior.is_some()),
        ("resolved_cost", d.resolved_cost.is_some()),
        ("irresolute_cost", d.irresolute_cost.is_some()),
    ]) {
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
                simulated: model.simulate(config.runs, config.seed, horizon),
            }),
            Err(err) => Run::Skipped(err.to_string()),
        },
    };
    let learning = match missing(&[
        ("front_length", d.front_length.is_some()),
        ("front_position", d.front_position.is_some()),
        ("advance", d.advance.is_some()),
        ("belief_a", d.belief_a.is_some()),
        ("belief_b", d.belief_b.is_some()),
    ]) {
        Some(why) => Run::Skipped(why),
        None => match learning_war(&view, d, horizon) {
            Ok(war) => Run::Ran(LearningResult {
                t_star: war.rule().t_star().ok().flatten(),
                exact: war.exact(),
                simulated: war.simulate(config.runs, config.seed),
            }),
            Err(err) => Run::Skipped(err.to_string()),
        },
    };
    Ok(Assessment { range: view.bargaining_range(), view, horizon, attrition, screening, learning })
}

fn learning_war(
    view: &ConflictView,
    d: &impasse_core::DynamicsAssumptions,
    horizon: u32,
) -> Result<LearningWar, ParamError> {
    let field = Battlefield::new(
        d.front_length.unwrap_or(0),
        d.front_position.unwrap_or(0),
        d.advance.unwrap_or(0.0),
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
