//! The report of a dynamics assessment (`impasse dynamics`, `POST
//! /api/scenarios/{name}/dynamics`, `impasse.dynamics`): a typed counterpart of
//! [`impasse_dynamics::assess::Assessment`] at one or more sweep points, and its text and CSV
//! renderings.

use std::fmt::Write as _;

use impasse_core::Scenario;
use impasse_dynamics::assess::{Assessment, Run};
use impasse_dynamics::mc::Summary;
use schemars::JsonSchema;
use serde::Serialize;

use crate::OrderedMap;

/// Names of the issues' values, for packages.
#[derive(Clone, Debug)]
pub struct PackageNames {
    issues: Vec<(String, Vec<String>)>,
}

impl PackageNames {
    /// The names of `scenario`'s issues and values.
    pub fn new(scenario: &Scenario) -> PackageNames {
        let issues = scenario
            .issues()
            .iter()
            .map(|issue| {
                let values = (0..issue.cardinality().min(4096))
                    .map(|v| issue.value(v).to_string())
                    .collect();
                (issue.id.clone(), values)
            })
            .collect();
        PackageNames { issues }
    }

    /// A package (value indices) as `(issue id, value name)` pairs.
    pub fn package(&self, package: &[u32]) -> Vec<(String, String)> {
        package
            .iter()
            .zip(&self.issues)
            .map(|(&v, (id, values))| {
                (id.clone(), values.get(v as usize).cloned().unwrap_or_else(|| v.to_string()))
            })
            .collect()
    }

    /// A package as `issue=value, …`.
    pub fn package_text(&self, package: &[u32]) -> String {
        self.package(package).iter().map(|(i, v)| format!("{i}={v}")).collect::<Vec<_>>().join(", ")
    }
}

/// A dynamics assessment at one or more points of a parameter sweep.
///
/// Probabilities are exact where the model's `kind` says "exact" and shares of simulated
/// replications (seeded; `runs` per model) under `simulated`. Rounds are the scenario's rounds of
/// fighting (its `conflict.dynamics` section says what a round stands for).
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct DynamicsReport {
    /// Schema version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// The scenario's name.
    pub scenario: String,
    /// Where the scenario came from (a path, or a library name).
    pub source: String,
    /// Replications per simulated model.
    pub runs: u64,
    /// The seed.
    pub seed: u64,
    /// Side A's party names.
    pub side_a: Vec<String>,
    /// Side B's party names.
    pub side_b: Vec<String>,
    /// Party names, in scenario order (the order of every `utilities` list).
    pub parties: Vec<String>,
    /// The swept parameters (override paths), outermost first; empty for a single run.
    pub sweep: Vec<String>,
    /// One assessment per point of the grid (one without a sweep), the first parameter outermost.
    pub points: Vec<DynamicsPoint>,
}

/// The assessment at one point.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct DynamicsPoint {
    /// Override path → value at this point (the swept ones; empty for a single run).
    pub point: OrderedMap<f64>,
    /// The one-prize reduction of the conflict.
    pub sides: SidesReport,
    /// The horizon, in rounds.
    pub horizon: u32,
    /// The commitment-problem check over the stated power trajectory (null without one).
    pub commitment: Option<CommitmentCheckReport>,
    /// The multi-issue way out: battlefield learning, settled when the perceived zone opens.
    pub way_out: ModelRun<WayOutReport>,
    /// The war of attrition.
    pub attrition: ModelRun<AttritionReport>,
    /// Screening while fighting.
    pub screening: ModelRun<ScreeningReport>,
    /// One-prize battlefield learning.
    pub learning: ModelRun<LearningReport>,
}

/// A model's result, or why it did not run.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ModelRun<T> {
    /// It ran.
    Ran(T),
    /// It did not run.
    Skipped {
        /// Why not.
        skipped: String,
    },
}

impl<T> ModelRun<T> {
    /// The result, if the model ran.
    pub fn ran(&self) -> Option<&T> {
        match self {
            ModelRun::Ran(t) => Some(t),
            ModelRun::Skipped { .. } => None,
        }
    }
}

/// The conflict reduced to one divisible prize.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct SidesReport {
    /// Side B's probability of prevailing.
    pub p_b: f64,
    /// The what-if factor on side B's odds of success (1 when no mobilisation is stated).
    pub odds_factor: f64,
    /// Side A's stake (mean over its parties).
    pub stake_a: f64,
    /// Side B's stake.
    pub stake_b: f64,
    /// Side A's cost per round.
    pub cost_a: f64,
    /// Side B's cost per round.
    pub cost_b: f64,
    /// Fearon's bargaining range over B's share, `[low, high]` (empty when low > high).
    pub bargaining_range: [f64; 2],
}

/// The commitment-problem check.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct CommitmentCheckReport {
    /// Whether some step poses a commitment problem.
    pub problem: bool,
    /// One entry per step of the trajectory.
    pub steps: Vec<CommitmentStepReport>,
}

/// One step of the power trajectory.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct CommitmentStepReport {
    /// Side A's probability of prevailing at the start.
    pub from: f64,
    /// At the end.
    pub to: f64,
    /// The rising side's future gain.
    pub lhs: f64,
    /// What a concession today and the cost of war can offset.
    pub rhs: f64,
    /// Whether this step poses a commitment problem.
    pub problem: bool,
}

/// Outcome probabilities computed exactly (a Markov chain), with the settlement curve.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ExactReport {
    /// P(deal within the horizon).
    pub p_settled: f64,
    /// P(decided for side A).
    pub p_decided_a: f64,
    /// P(decided for side B).
    pub p_decided_b: f64,
    /// P(still fighting at the horizon).
    pub p_ongoing: f64,
    /// Expected rounds fought (to the end or the horizon).
    pub expected_rounds: f64,
    /// Element t: P(deal by round t).
    pub settled_by_round: Vec<f64>,
}

/// Shares over simulated replications.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct SimulatedReport {
    /// Replications.
    pub runs: u64,
    /// Mean rounds fought.
    pub mean_rounds: f64,
    /// Its standard error.
    pub mean_rounds_se: f64,
    /// Share settled by a deal.
    pub p_settled: f64,
    /// Share decided for side A.
    pub p_decided_a: f64,
    /// Share decided for side B.
    pub p_decided_b: f64,
    /// Share still fighting at the horizon.
    pub p_ongoing: f64,
    /// Mean of side B's share of the prize in the deals reached (null without deals).
    pub terms_if_settled: Option<f64>,
    /// Side A's mean realised payoff (utility less costs).
    pub payoff_a: f64,
    /// Side B's mean realised payoff.
    pub payoff_b: f64,
    /// Element t: share settled by round t.
    pub settled_by_round: Vec<f64>,
    /// Element t: replications that ended after exactly t rounds.
    pub duration_histogram: Vec<u64>,
}

/// Zartman's ripeness, one side.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct SideRipenessReport {
    /// The side's perceived balance (its own chance of prevailing).
    pub perceived_balance: f64,
    /// P(it prevails within the window), by its own belief.
    pub p_prevails_within_window: f64,
    /// P(it loses within the window).
    pub p_loses_within_window: f64,
    /// Expected rounds within the window.
    pub expected_rounds_within_window: f64,
    /// Whether it sees a stalemate.
    pub stalemate: bool,
    /// Its cost of fighting on over the window.
    pub cost_of_fighting_on: f64,
    /// Its expected gain from fighting on.
    pub expected_gain: f64,
    /// Whether fighting on hurts it (cost above gain).
    pub hurting: bool,
}

/// Zartman's ripeness at the sides' perceived balances.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct WayOutRipenessReport {
    /// The window, in rounds.
    pub window: u32,
    /// The stalemate threshold.
    pub epsilon: f64,
    /// Side A.
    pub side_a: SideRipenessReport,
    /// Side B.
    pub side_b: SideRipenessReport,
    /// Whether the perceived zone of agreement is open.
    pub way_out: bool,
    /// Whether both sides are in a hurting stalemate.
    pub mutually_hurting_stalemate: bool,
    /// Both of the above.
    pub ripe: bool,
}

/// A deal the way-out model reaches.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct TermsReport {
    /// Its probability.
    pub probability: f64,
    /// The package: issue → value name.
    pub package: OrderedMap<String>,
    /// Utilities in party order.
    pub utilities: Vec<f64>,
    /// The mean round it is reached at.
    pub mean_round: f64,
    /// How far side B has moved the front by then (+: advanced).
    pub mean_advance_b: f64,
}

/// The multi-issue way out.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct WayOutReport {
    /// What kind of result this is.
    pub kind: &'static str,
    /// Today's perceived balances `[side A's, side B's]` (each side's belief of A's chance).
    pub perceived_balances_today: [f64; 2],
    /// Whether some package crosses no absolute red line and meets every precondition.
    pub hard_feasible: bool,
    /// Ripeness today.
    pub ripeness_today: WayOutRipenessReport,
    /// Exact outcome probabilities.
    pub exact: ExactReport,
    /// The deals, most likely first.
    pub terms: Vec<TermsReport>,
    /// The Monte Carlo check.
    pub simulated: SimulatedReport,
}

/// The war of attrition.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct AttritionReport {
    /// What kind of result this is.
    pub kind: &'static str,
    /// Expected duration, in rounds.
    pub expected_rounds: f64,
    /// P(side A concedes first).
    pub p_a_concedes_first: f64,
    /// Simulated.
    pub simulated: SimulatedReport,
}

/// Screening while fighting.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ScreeningReport {
    /// What kind of result this is.
    pub kind: &'static str,
    /// A screens below this belief.
    pub first_threshold: f64,
    /// Offers before the final one.
    pub offers_before_final: usize,
    /// Expected rounds fought.
    pub expected_fought_rounds: f64,
    /// P(settle).
    pub p_settle: f64,
    /// Simulated.
    pub simulated: SimulatedReport,
}

/// One-prize battlefield learning.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct LearningReport {
    /// What kind of result this is.
    pub kind: &'static str,
    /// The round after which beliefs converge enough to settle (null without a closed form).
    pub t_star: Option<u32>,
    /// Exact.
    pub exact: ExactReport,
    /// Simulated.
    pub simulated: SimulatedReport,
}

fn simulated(s: &Summary) -> SimulatedReport {
    let n = s.runs as f64;
    SimulatedReport {
        runs: s.runs,
        mean_rounds: s.duration.mean(),
        mean_rounds_se: s.duration.se(),
        p_settled: s.p_settled(),
        p_decided_a: s.decided_a as f64 / n,
        p_decided_b: s.decided_b as f64 / n,
        p_ongoing: s.ongoing as f64 / n,
        terms_if_settled: (s.terms.count() > 0).then(|| s.terms.mean()),
        payoff_a: s.payoff_a.mean(),
        payoff_b: s.payoff_b.mean(),
        settled_by_round: s.settled_curve(),
        duration_histogram: s.histogram.clone(),
    }
}

fn exact(e: &impasse_dynamics::battlefield::ExactPath) -> ExactReport {
    let mut acc = 0.0;
    let settled_by_round = e
        .settled_at
        .iter()
        .map(|p| {
            acc += p;
            acc
        })
        .collect();
    ExactReport {
        p_settled: e.settled,
        p_decided_a: e.decided_a,
        p_decided_b: e.decided_b,
        p_ongoing: e.ongoing,
        expected_rounds: e.expected_rounds,
        settled_by_round,
    }
}

fn ripeness(r: &impasse_dynamics::way_out::Ripeness) -> WayOutRipenessReport {
    let side = |s: &impasse_dynamics::way_out::SideRipeness| SideRipenessReport {
        perceived_balance: s.outlook.balance,
        p_prevails_within_window: s.outlook.wins_within,
        p_loses_within_window: s.outlook.loses_within,
        expected_rounds_within_window: s.outlook.rounds_within,
        stalemate: s.stalemate,
        cost_of_fighting_on: s.cost_of_fighting_on,
        expected_gain: s.expected_gain,
        hurting: s.hurting,
    };
    WayOutRipenessReport {
        window: r.window,
        epsilon: r.epsilon,
        side_a: side(&r.a),
        side_b: side(&r.b),
        way_out: r.way_out,
        mutually_hurting_stalemate: r.mutually_hurting_stalemate,
        ripe: r.ripe,
    }
}

fn model<T, R>(run: &Run<T>, f: impl FnOnce(&T) -> R) -> ModelRun<R> {
    match run {
        Run::Ran(t) => ModelRun::Ran(f(t)),
        Run::Skipped(why) => ModelRun::Skipped { skipped: why.to_string() },
    }
}

impl DynamicsPoint {
    /// The report of assessment `a` at `point` (override path and value pairs) of `scenario`.
    pub fn new(point: &[(String, f64)], a: &Assessment, scenario: &Scenario) -> DynamicsPoint {
        let names = PackageNames::new(scenario);
        DynamicsPoint {
            point: OrderedMap(point.to_vec()),
            sides: SidesReport {
                p_b: a.view.p_b,
                odds_factor: a.view.odds_factor,
                stake_a: a.view.stake_a,
                stake_b: a.view.stake_b,
                cost_a: a.view.cost_a,
                cost_b: a.view.cost_b,
                bargaining_range: [a.range.0, a.range.1],
            },
            horizon: a.horizon,
            commitment: a.commitment.as_ref().map(|c| CommitmentCheckReport {
                problem: c.problem,
                steps: c
                    .steps
                    .iter()
                    .map(|s| CommitmentStepReport {
                        from: s.from,
                        to: s.to,
                        lhs: s.lhs,
                        rhs: s.rhs,
                        problem: s.problem,
                    })
                    .collect(),
            }),
            way_out: model(&a.way_out, |w| WayOutReport {
                kind: "behavioural approximation (settles when the perceived multi-issue zone \
                       opens), exact Markov chain",
                perceived_balances_today: [w.balances_today.0, w.balances_today.1],
                hard_feasible: w.hard_feasible,
                ripeness_today: ripeness(&w.ripeness_today),
                exact: exact(&w.exact),
                terms: w
                    .terms
                    .iter()
                    .map(|t| TermsReport {
                        probability: t.probability,
                        package: OrderedMap(names.package(&t.package)),
                        utilities: t.utilities.clone(),
                        mean_round: t.mean_round,
                        mean_advance_b: t.mean_advance_b,
                    })
                    .collect(),
                simulated: simulated(&w.simulated),
            }),
            attrition: model(&a.attrition, |w| AttritionReport {
                kind: "equilibrium (mixed, complete information)",
                expected_rounds: w.expected_rounds,
                p_a_concedes_first: w.p_a_concedes_first,
                simulated: simulated(&w.simulated),
            }),
            screening: model(&a.screening, |s| ScreeningReport {
                kind: "equilibrium (Markov perfect Bayesian, two types)",
                first_threshold: s.first_threshold,
                offers_before_final: s.region,
                expected_fought_rounds: s.expected_fought_rounds,
                p_settle: s.p_settle,
                simulated: simulated(&s.simulated),
            }),
            learning: model(&a.learning, |l| LearningReport {
                kind: "behavioural approximation (one-prize convergence rule), exact Markov chain",
                t_star: l.t_star,
                exact: exact(&l.exact),
                simulated: simulated(&l.simulated),
            }),
        }
    }

    /// P(settled) of the first model that ran, with its label: the way-out war's exact value, else
    /// one-prize learning's, else the simulated share of screening, else attrition's "a side has
    /// conceded".
    pub fn settled(&self) -> Option<(&'static str, f64)> {
        if let Some(w) = self.way_out.ran() {
            return Some(("multi-issue way out (exact)", w.exact.p_settled));
        }
        if let Some(l) = self.learning.ran() {
            return Some(("one-prize learning (exact)", l.exact.p_settled));
        }
        if let Some(s) = self.screening.ran() {
            return Some(("screening (simulated)", s.simulated.p_settled));
        }
        self.attrition
            .ran()
            .map(|w| ("attrition: a side has conceded (simulated)", 1.0 - w.simulated.p_ongoing))
    }
}

impl DynamicsReport {
    /// The header of a report on `scenario` (from `source`); push the points into `points`.
    pub fn new(
        scenario: &Scenario,
        source: String,
        runs: u64,
        seed: u64,
        sweep: Vec<String>,
    ) -> DynamicsReport {
        let parties: Vec<String> = scenario.parties().iter().map(|p| p.name.clone()).collect();
        let side = |side: &[usize]| side.iter().filter_map(|&p| parties.get(p).cloned()).collect();
        let (side_a, side_b) = scenario
            .conflict()
            .map_or((Vec::new(), Vec::new()), |c| (side(&c.side_a), side(&c.side_b)));
        DynamicsReport {
            format_version: crate::FORMAT_VERSION,
            scenario: scenario.name().to_owned(),
            source,
            runs,
            seed,
            side_a,
            side_b,
            parties,
            sweep,
            points: Vec::new(),
        }
    }
}

/// The sweep (or single run) as CSV: one column per swept parameter, then one row per model that
/// ran at each point.
pub fn render_dynamics_csv(report: &DynamicsReport) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = report.sweep.clone();
    header.extend(
        [
            "model",
            "p_settled",
            "mean_rounds",
            "p_decided_a",
            "p_decided_b",
            "p_ongoing",
            "terms_if_settled",
        ]
        .map(str::to_owned),
    );
    let _ = writeln!(out, "{}", header.join(","));
    for p in &report.points {
        let models: [(&str, Option<&SimulatedReport>); 4] = [
            ("way-out", p.way_out.ran().map(|w| &w.simulated)),
            ("attrition", p.attrition.ran().map(|w| &w.simulated)),
            ("screening", p.screening.ran().map(|s| &s.simulated)),
            ("learning", p.learning.ran().map(|l| &l.simulated)),
        ];
        for (name, summary) in models {
            let Some(s) = summary else { continue };
            let mut row: Vec<String> = p.point.0.iter().map(|(_, v)| format!("{v}")).collect();
            row.push(name.to_owned());
            row.push(format!("{:.6}", s.p_settled));
            row.push(format!("{:.4}", s.mean_rounds));
            row.push(format!("{:.6}", s.p_decided_a));
            row.push(format!("{:.6}", s.p_decided_b));
            row.push(format!("{:.6}", s.p_ongoing));
            row.push(s.terms_if_settled.map_or(String::new(), |t| format!("{t:.4}")));
            let _ = writeln!(out, "{}", row.join(","));
        }
    }
    out
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn curve_line(curve: &[f64]) -> String {
    let mut marks: Vec<usize> =
        [1usize, 2, 4, 8, 12, 24, 50, 100, 200].into_iter().filter(|&t| t < curve.len()).collect();
    if let Some(last) = curve.len().checked_sub(1)
        && !marks.contains(&last)
    {
        marks.push(last);
    }
    marks.iter().map(|&t| format!("t≤{t}: {:.3}", curve[t])).collect::<Vec<_>>().join(", ")
}

/// The report as text: a single run in full; a sweep as a tab-separated table.
pub fn render_dynamics_text(report: &DynamicsReport) -> String {
    crate::safe::safe_owned(render_dynamics_text_unescaped(report))
}

fn render_dynamics_text_unescaped(report: &DynamicsReport) -> String {
    match report.points.as_slice() {
        [one] if report.sweep.is_empty() => render_point_text(report, one),
        _ => render_dynamics_csv(report).replace(',', "\t"),
    }
}

fn package_text(package: &OrderedMap<String>) -> String {
    package.0.iter().map(|(i, v)| format!("{i}={v}")).collect::<Vec<_>>().join(", ")
}

fn render_point_text(report: &DynamicsReport, p: &DynamicsPoint) -> String {
    let mut out = String::new();
    let join = |side: &[String], default: &str| {
        if side.is_empty() { default.to_owned() } else { side.join(", ") }
    };
    let side_a = join(&report.side_a, "A");
    let side_b = join(&report.side_b, "B");
    let v = &p.sides;
    let _ = writeln!(out, "Conflict dynamics: {}", report.scenario);
    let _ = writeln!(
        out,
        "{} · {} replications per model, seed {}, horizon {} rounds",
        report.source, report.runs, report.seed, p.horizon
    );
    let _ = writeln!(out, "Side A: {side_a}. Side B: {side_b}.\n");
    if (v.odds_factor - 1.0).abs() > 0.0 {
        let _ = writeln!(
            out,
            "What-if mobilisation: side B's odds of success multiplied by {:.3} (side A's strength against B's).\n",
            v.odds_factor
        );
    }
    let _ = writeln!(
        out,
        "Will a zone of agreement open? (the battlefield with learning, settled when the zone at the sides' perceived balances opens; a behavioural approximation, computed exactly)"
    );
    match &p.way_out {
        ModelRun::Ran(w) => {
            let [x_a, x_b] = w.perceived_balances_today;
            let _ = writeln!(
                out,
                "  Today {side_a} puts its own chance of prevailing at {x_a:.3}; {side_b} put it at {x_b:.3}."
            );
            let r = &w.ripeness_today;
            let _ = writeln!(
                out,
                "  Zone of agreement at these perceived balances: {}",
                if r.way_out { "open" } else { "closed (impasse)" }
            );
            if !w.hard_feasible {
                let _ = writeln!(
                    out,
                    "  Every package crosses an absolute red line or misses a precondition: no belief can open a zone (see `impasse analyze`)."
                );
            }
            let e = &w.exact;
            let _ = writeln!(
                out,
                "  Within {} rounds: a deal {:.3}; decided for {side_a} {:.3}; decided for {side_b} {:.3}; still fighting {:.3}",
                p.horizon, e.p_settled, e.p_decided_a, e.p_decided_b, e.p_ongoing
            );
            let _ = writeln!(out, "  P(deal by round t): {}", curve_line(&e.settled_by_round));
            let _ = writeln!(
                out,
                "  Expected rounds fought (to the end or the horizon): {:.2}",
                e.expected_rounds
            );
            if w.terms.is_empty() {
                let _ = writeln!(out, "  No path within the horizon opens the zone.");
            } else {
                let _ = writeln!(
                    out,
                    "  Deals (the Nash solution of the perceived zone), most likely first, with the mean round and how far side B has moved the front by then (+: advanced):"
                );
                for t in w.terms.iter().take(5) {
                    let _ = writeln!(
                        out,
                        "    P {:.3}  round {:.1}, front {:+.1}: {}",
                        t.probability,
                        t.mean_round,
                        t.mean_advance_b,
                        package_text(&t.package)
                    );
                    let utilities: Vec<String> = t
                        .utilities
                        .iter()
                        .zip(&report.parties)
                        .map(|(u, n)| format!("{n} {u:.3}"))
                        .collect();
                    let _ = writeln!(out, "             utilities: {}", utilities.join(", "));
                }
                if w.terms.len() > 5 {
                    let _ = writeln!(
                        out,
                        "    ... {} more packages (--format json for all)",
                        w.terms.len() - 5
                    );
                }
            }
            let s = &w.simulated;
            let _ = writeln!(
                out,
                "  Monte Carlo check: deal {:.3}, decided for A {:.3}, for B {:.3}, ongoing {:.3}; mean {:.2} rounds (±{:.2})",
                s.p_settled,
                s.p_decided_a,
                s.p_decided_b,
                s.p_ongoing,
                s.mean_rounds,
                2.0 * s.mean_rounds_se
            );
            let _ = writeln!(
                out,
                "  Mean realised payoff (side's mean utility, less its costs): {side_a} {:.3}, {side_b} {:.3}",
                s.payoff_a, s.payoff_b
            );
            let _ = writeln!(
                out,
                "\nRipeness today (Zartman: a mutually hurting stalemate and a way out; window {} rounds, stalemate below {:.2}):",
                r.window, r.epsilon
            );
            for (name, side) in [(&side_a, &r.side_a), (&side_b, &r.side_b)] {
                let _ = writeln!(
                    out,
                    "  {name}: stalemate {} (gives itself {:.3} to prevail within the window, {:.3} to lose); hurting {} (fighting on costs {:.3}, expected gain {:.3})",
                    yes(side.stalemate),
                    side.p_prevails_within_window,
                    side.p_loses_within_window,
                    yes(side.hurting),
                    side.cost_of_fighting_on,
                    side.expected_gain
                );
            }
            let _ = writeln!(out, "  way out: {}", yes(r.way_out));
            let mut missing = Vec::new();
            if !(r.side_a.stalemate && r.side_b.stalemate) {
                missing.push("a stalemate on both sides");
            }
            if !(r.side_a.hurting && r.side_b.hurting) {
                missing.push("hurt on both sides");
            }
            if !r.way_out {
                missing.push("a way out");
            }
            let _ = writeln!(
                out,
                "  => {}",
                if r.ripe {
                    "ripe".to_owned()
                } else {
                    format!("not ripe: missing {}", missing.join(", "))
                }
            );
        }
        ModelRun::Skipped { skipped } => {
            let _ = writeln!(out, "  not run: {skipped}");
        }
    }
    let _ = writeln!(out, "\nCommitment problem (Powell; a shifting balance of power):");
    match &p.commitment {
        None => {
            let _ = writeln!(out, "  no power trajectory stated: not checked");
        }
        Some(c) => {
            for step in &c.steps {
                let _ = writeln!(
                    out,
                    "  P({side_a} prevails) {:.3} → {:.3}: the rising side's future gain {:.3} against what a concession today and the cost of war can offset {:.3}: {}",
                    step.from,
                    step.to,
                    step.lhs,
                    step.rhs,
                    if step.problem { "commitment problem" } else { "no problem" }
                );
            }
            let _ = writeln!(
                out,
                "  {}",
                if c.problem {
                    "=> a war this trajectory drives does not end by learning: the learning and screening models were not run"
                } else {
                    "=> no commitment problem over the stated trajectory"
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "\nOne-prize reduction (the models below treat the conflict as one divisible prize and ignore red lines and preconditions; stakes and costs are each side's mean):"
    );
    let _ = writeln!(
        out,
        "  P({side_b} prevails) = {:.3}; stakes A {:.3}, B {:.3}; per-round costs A {:.3}, B {:.3}",
        v.p_b, v.stake_a, v.stake_b, v.cost_a, v.cost_b
    );
    let [lo, hi] = v.bargaining_range;
    let _ = writeln!(
        out,
        "  Fearon's bargaining range over B's share: [{lo:.3}, {hi:.3}]{}",
        match &p.way_out {
            ModelRun::Ran(w) if lo <= hi && !w.ripeness_today.way_out =>
                " — non-empty in the reduction, yet the multi-issue zone is closed: the red lines and preconditions, not the balance alone, block a deal",
            _ => "",
        }
    );
    let sim = |out: &mut String, s: &SimulatedReport| {
        let _ = writeln!(
            out,
            "  simulated: mean {:.2} rounds (±{:.2}); settled {:.3}, decided for A {:.3}, for B {:.3}, ongoing {:.3}",
            s.mean_rounds,
            2.0 * s.mean_rounds_se,
            s.p_settled,
            s.p_decided_a,
            s.p_decided_b,
            s.p_ongoing
        );
        if let Some(terms) = s.terms_if_settled {
            let _ = writeln!(out, "  terms if settled: B's share {terms:.3}");
        }
        let _ = writeln!(out, "  P(settled by round t): {}", curve_line(&s.settled_by_round));
    };
    let _ = writeln!(out, "\nWar of attrition (M6; mixed equilibrium, complete information):");
    match &p.attrition {
        ModelRun::Ran(w) => {
            let _ = writeln!(
                out,
                "  expected duration {:.2} rounds; P({side_a} concedes first) {:.3}",
                w.expected_rounds, w.p_a_concedes_first
            );
            let s = &w.simulated;
            let _ = writeln!(
                out,
                "  simulated (whole rounds, ⌈T⌉): mean {:.2} rounds (±{:.2}); A concedes {:.3}, B concedes {:.3}, ongoing {:.3}",
                s.mean_rounds,
                2.0 * s.mean_rounds_se,
                s.p_decided_b,
                s.p_decided_a,
                s.p_ongoing
            );
            let _ = writeln!(
                out,
                "  (no negotiated settlement in this model: one side gives up the prize)"
            );
        }
        ModelRun::Skipped { skipped } => {
            let _ = writeln!(out, "  not run: {skipped}");
        }
    }
    let _ =
        writeln!(out, "\nScreening while fighting (M4; equilibrium, side B's resolve private):");
    match &p.screening {
        ModelRun::Ran(s) => {
            let _ = writeln!(
                out,
                "  A screens below a belief of {:.3}; {} offer(s) before the final one; E[fought rounds] {:.3}; P(settle) {:.4}",
                s.first_threshold, s.offers_before_final, s.expected_fought_rounds, s.p_settle
            );
            sim(&mut out, &s.simulated);
        }
        ModelRun::Skipped { skipped } => {
            let _ = writeln!(out, "  not run: {skipped}");
        }
    }
    let _ = writeln!(
        out,
        "\nBattlefield learning, one-prize convergence rule (M5; behavioural, exact Markov chain):"
    );
    match &p.learning {
        ModelRun::Ran(l) => {
            match l.t_star {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "  beliefs converge enough to settle after {t} battles unless the front collapses first"
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  no closed-form settlement round (unequal prior strengths or no cost)"
                    );
                }
            }
            let e = &l.exact;
            let _ = writeln!(
                out,
                "  exact: settled {:.4}, decided for A {:.4}, for B {:.4}, ongoing {:.4}; E[rounds] {:.2}",
                e.p_settled, e.p_decided_a, e.p_decided_b, e.p_ongoing, e.expected_rounds
            );
            sim(&mut out, &l.simulated);
        }
        ModelRun::Skipped { skipped } => {
            let _ = writeln!(out, "  not run: {skipped}");
        }
    }
    let _ = writeln!(out, "\nModels, assumptions and limits: docs/dynamics.md.");
    out
}
