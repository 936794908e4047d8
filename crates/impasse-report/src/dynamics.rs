//! The JSON of a dynamics assessment (`impasse_dynamics::assess::Assessment`), as
//! `impasse dynamics --format json` prints it and the web app serves it.

use impasse_core::Scenario;
use impasse_dynamics::assess::{Assessment, Run};
use impasse_dynamics::mc::Summary;
use serde_json::{Value, json};

fn summary_json(s: &Summary) -> Value {
    let curve = s.settled_curve();
    json!({
        "runs": s.runs,
        "mean_rounds": s.duration.mean(),
        "mean_rounds_se": s.duration.se(),
        "p_settled": s.p_settled(),
        "p_decided_a": s.decided_a as f64 / s.runs as f64,
        "p_decided_b": s.decided_b as f64 / s.runs as f64,
        "p_ongoing": s.ongoing as f64 / s.runs as f64,
        "terms_if_settled": if s.terms.count() > 0 { json!(s.terms.mean()) } else { Value::Null },
        "payoff_a": s.payoff_a.mean(),
        "payoff_b": s.payoff_b.mean(),
        "settled_by_round": curve,
        "duration_histogram": s.histogram,
    })
}

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

fn ripeness_json(r: &impasse_dynamics::way_out::Ripeness) -> Value {
    let side = |s: &impasse_dynamics::way_out::SideRipeness| {
        json!({
            "perceived_balance": s.outlook.balance,
            "p_prevails_within_window": s.outlook.wins_within,
            "p_loses_within_window": s.outlook.loses_within,
            "expected_rounds_within_window": s.outlook.rounds_within,
            "stalemate": s.stalemate,
            "cost_of_fighting_on": s.cost_of_fighting_on,
            "expected_gain": s.expected_gain,
            "hurting": s.hurting,
        })
    };
    json!({
        "window": r.window,
        "epsilon": r.epsilon,
        "side_a": side(&r.a),
        "side_b": side(&r.b),
        "way_out": r.way_out,
        "mutually_hurting_stalemate": r.mutually_hurting_stalemate,
        "ripe": r.ripe,
    })
}

fn exact_json(e: &impasse_dynamics::battlefield::ExactPath) -> Value {
    let mut acc = 0.0;
    let curve: Vec<f64> = e
        .settled_at
        .iter()
        .map(|p| {
            acc += p;
            acc
        })
        .collect();
    json!({
        "p_settled": e.settled, "p_decided_a": e.decided_a,
        "p_decided_b": e.decided_b, "p_ongoing": e.ongoing,
        "expected_rounds": e.expected_rounds,
        "settled_by_round": curve,
    })
}

/// The JSON of one assessment: `point` lists the swept or overridden parameters and their values
/// (empty for a plain run); `scenario` names parties, sides and packages (package value indices are
/// given when it is `None`).
pub fn point_json(point: &[(String, f64)], a: &Assessment, scenario: Option<&Scenario>) -> Value {
    let names = scenario.map(PackageNames::new);
    let names = names.as_ref();
    let skipped = |why: &str| json!({ "skipped": why });
    json!({
        "point": point.iter().map(|(p, v)| (p.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "sides": {
            "p_b": a.view.p_b,
            "odds_factor": a.view.odds_factor,
            "stake_a": a.view.stake_a, "stake_b": a.view.stake_b,
            "cost_a": a.view.cost_a, "cost_b": a.view.cost_b,
            "bargaining_range": [a.range.0, a.range.1],
        },
        "horizon": a.horizon,
        "commitment": a.commitment.as_ref().map(|c| json!({
            "problem": c.problem,
            "steps": c.steps.iter().map(|s| json!({
                "from": s.from, "to": s.to, "lhs": s.lhs, "rhs": s.rhs, "problem": s.problem,
            })).collect::<Vec<_>>(),
        })),
        "way_out": match &a.way_out {
            Run::Ran(w) => json!({
                "kind": "behavioural approximation (settles when the perceived multi-issue zone opens), exact Markov chain",
                "perceived_balances_today": [w.balances_today.0, w.balances_today.1],
                "hard_feasible": w.hard_feasible,
                "ripeness_today": ripeness_json(&w.ripeness_today),
                "exact": exact_json(&w.exact),
                "terms": w.terms.iter().map(|t| json!({
                    "probability": t.probability,
                    "package": names.map_or_else(
                        || json!(t.package),
                        |n| Value::Object(n.package(&t.package).into_iter()
                            .map(|(k, v)| (k, Value::String(v))).collect()),
                    ),
                    "utilities": t.utilities,
                    "mean_round": t.mean_round,
                    "mean_advance_b": t.mean_advance_b,
                })).collect::<Vec<_>>(),
                "simulated": summary_json(&w.simulated),
            }),
            Run::Skipped(why) => skipped(why),
        },
        "attrition": match &a.attrition {
            Run::Ran(w) => json!({
                "kind": "equilibrium (mixed, complete information)",
                "expected_rounds": w.expected_rounds,
                "p_a_concedes_first": w.p_a_concedes_first,
                "simulated": summary_json(&w.simulated),
            }),
            Run::Skipped(why) => skipped(why),
        },
        "screening": match &a.screening {
            Run::Ran(s) => json!({
                "kind": "equilibrium (Markov perfect Bayesian, two types)",
                "first_threshold": s.first_threshold,
                "offers_before_final": s.region,
                "expected_fought_rounds": s.expected_fought_rounds,
                "p_settle": s.p_settle,
                "simulated": summary_json(&s.simulated),
            }),
            Run::Skipped(why) => skipped(why),
        },
        "learning": match &a.learning {
            Run::Ran(l) => json!({
                "kind": "behavioural approximation (one-prize convergence rule), exact Markov chain",
                "t_star": l.t_star,
                "exact": exact_json(&l.exact),
                "simulated": summary_json(&l.simulated),
            }),
            Run::Skipped(why) => skipped(why),
        },
    })
}
