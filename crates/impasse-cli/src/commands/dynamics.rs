//! `impasse dynamics PATH`.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use impasse_dynamics::assess::{AssessConfig, Assessment, Run, assess};
use impasse_dynamics::mc::Summary;
use impasse_format::{GeniusSemantics, Override};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};

use crate::args::{DynamicsArgs, DynamicsFormat};

/// The most sweep points.
const MAX_POINTS: usize = 10_000;

/// One swept parameter: a scenario path and its grid.
struct Sweep {
    path: String,
    values: Vec<f64>,
}

fn parse_sweep(text: &str) -> Result<Sweep, String> {
    let bad = || {
        format!(
            "--sweep '{text}': expected PATH=FROM:TO:N, e.g. conflict.balance=0.2:0.8:13 (N ≥ 2 points)"
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
    if n > MAX_POINTS {
        return Err(format!("--sweep '{text}': {n} points, above the limit of {MAX_POINTS}"));
    }
    let values = (0..n).map(|k| from + (to - from) * k as f64 / (n - 1) as f64).collect();
    Ok(Sweep { path: path.trim().to_owned(), values })
}

pub(crate) fn run(args: &DynamicsArgs) -> anyhow::Result<ExitCode> {
    let mut stderr = std::io::stderr();
    if args.runs == 0 {
        writeln!(stderr, "error: --runs must be at least 1")?;
        return Ok(ExitCode::from(2));
    }
    if args.horizon == Some(0) {
        writeln!(stderr, "error: --horizon must be at least 1")?;
        return Ok(ExitCode::from(2));
    }
    let sweeps = match args.sweep.iter().map(|s| parse_sweep(s)).collect::<Result<Vec<_>, _>>() {
        Ok(sweeps) if sweeps.len() <= 2 => sweeps,
        Ok(_) => {
            writeln!(stderr, "error: at most two --sweep parameters (a two-way grid)")?;
            return Ok(ExitCode::from(2));
        }
        Err(err) => {
            writeln!(stderr, "error: {err}")?;
            return Ok(ExitCode::from(2));
        }
    };
    let config = AssessConfig { runs: args.runs, seed: args.seed, horizon: args.horizon };
    // The grid: every combination of the swept values (one empty point without sweeps).
    let mut points: Vec<Vec<(String, f64)>> = vec![Vec::new()];
    for sweep in &sweeps {
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
    if points.len() > MAX_POINTS {
        writeln!(
            stderr,
            "error: the sweep has {} points, above the limit of {MAX_POINTS}",
            points.len()
        )?;
        return Ok(ExitCode::from(2));
    }
    let bar = if sweeps.is_empty() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(points.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} sweep points  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut results = Vec::with_capacity(points.len());
    for point in &points {
        let mut overrides = args.overrides.clone();
        for (path, value) in point {
            match format!("{path}={value}").parse::<Override>() {
                Ok(o) => overrides.push(o),
                Err(err) => {
                    writeln!(stderr, "error: --sweep {path}: {err}")?;
                    return Ok(ExitCode::from(2));
                }
            }
        }
        let scenario = match super::load(&args.path, &overrides, GeniusSemantics::Genius)? {
            Ok(scenario) => scenario,
            Err(code) => return Ok(code),
        };
        let assessment = match super::with_threads(args.threads, || assess(&scenario, &config))? {
            Ok(a) => a,
            Err(err) => {
                writeln!(stderr, "error: {}: {err}", args.path.display())?;
                return Ok(ExitCode::from(2));
            }
        };
        results.push((point.clone(), assessment));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut stdout = std::io::stdout().lock();
    match args.format {
        DynamicsFormat::Json => {
            let rows: Vec<Value> = results.iter().map(|(p, a)| point_json(p, a)).collect();
            let out = if sweeps.is_empty() {
                rows.into_iter().next().unwrap_or(Value::Null)
            } else {
                json!({ "sweep": rows })
            };
            serde_json::to_writer_pretty(&mut stdout, &out)?;
            writeln!(stdout)?;
        }
        DynamicsFormat::Csv => stdout.write_all(csv(&sweeps, &results).as_bytes())?,
        DynamicsFormat::Text if sweeps.is_empty() => {
            stdout.write_all(text(&results[0].1, args).as_bytes())?;
        }
        DynamicsFormat::Text => {
            stdout.write_all(csv(&sweeps, &results).replace(',', "\t").as_bytes())?
        }
    }
    Ok(ExitCode::SUCCESS)
}

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

fn point_json(point: &[(String, f64)], a: &Assessment) -> Value {
    let run = |r: Value| r;
    let skipped = |why: &str| json!({ "skipped": why });
    json!({
        "point": point.iter().map(|(p, v)| (p.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "sides": {
            "p_b": a.view.p_b,
            "stake_a": a.view.stake_a, "stake_b": a.view.stake_b,
            "cost_a": a.view.cost_a, "cost_b": a.view.cost_b,
            "bargaining_range": [a.range.0, a.range.1],
        },
        "horizon": a.horizon,
        "attrition": match &a.attrition {
            Run::Ran(w) => run(json!({
                "kind": "equilibrium (mixed, complete information)",
                "expected_rounds": w.expected_rounds,
                "p_a_concedes_first": w.p_a_concedes_first,
                "simulated": summary_json(&w.simulated),
            })),
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
                "kind": "behavioural approximation (convergence rule), exact Markov chain",
                "t_star": l.t_star,
                "exact": {
                    "p_settled": l.exact.settled, "p_decided_a": l.exact.decided_a,
                    "p_decided_b": l.exact.decided_b, "p_ongoing": l.exact.ongoing,
                    "expected_rounds": l.exact.expected_rounds,
                },
                "simulated": summary_json(&l.simulated),
            }),
            Run::Skipped(why) => skipped(why),
        },
    })
}

fn csv(sweeps: &[Sweep], results: &[(Vec<(String, f64)>, Assessment)]) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = sweeps.iter().map(|s| s.path.clone()).collect();
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
    for (point, a) in results {
        let models: [(&str, Option<&Summary>); 3] = [
            (
                "attrition",
                match &a.attrition {
                    Run::Ran(w) => Some(&w.simulated),
                    Run::Skipped(_) => None,
                },
            ),
            (
                "screening",
                match &a.screening {
                    Run::Ran(s) => Some(&s.simulated),
                    Run::Skipped(_) => None,
                },
            ),
            (
                "learning",
                match &a.learning {
                    Run::Ran(l) => Some(&l.simulated),
                    Run::Skipped(_) => None,
                },
            ),
        ];
        for (name, summary) in models {
            let Some(s) = summary else { continue };
            let mut row: Vec<String> = point.iter().map(|(_, v)| format!("{v}")).collect();
            let n = s.runs as f64;
            row.push(name.to_owned());
            row.push(format!("{:.6}", s.p_settled()));
            row.push(format!("{:.4}", s.duration.mean()));
            row.push(format!("{:.6}", s.decided_a as f64 / n));
            row.push(format!("{:.6}", s.decided_b as f64 / n));
            row.push(format!("{:.6}", s.ongoing as f64 / n));
            row.push(if s.terms.count() > 0 {
                format!("{:.4}", s.terms.mean())
            } else {
                String::new()
            });
            let _ = writeln!(out, "{}", row.join(","));
        }
    }
    out
}

fn text(a: &Assessment, args: &DynamicsArgs) -> String {
    let mut out = String::new();
    let v = &a.view;
    let _ = writeln!(
        out,
        "Conflict dynamics of {} ({} replications per model, seed {}, horizon {} rounds)\n",
        args.path.display(),
        args.runs,
        args.seed,
        a.horizon
    );
    let _ = writeln!(
        out,
        "Two sides, one prize (a reduction of the scenario: stakes and costs are each side's mean):"
    );
    let _ = writeln!(
        out,
        "  P(side B prevails) = {:.3}; stakes A {:.3}, B {:.3}; per-round costs A {:.3}, B {:.3}",
        v.p_b, v.stake_a, v.stake_b, v.cost_a, v.cost_b
    );
    let _ = writeln!(
        out,
        "  Fearon's bargaining range over B's share: [{:.3}, {:.3}]\n",
        a.range.0, a.range.1
    );
    let curve_line = |s: &Summary| -> String {
        let curve = s.settled_curve();
        [1usize, 5, 10, 25, 50, 100, 200]
            .iter()
            .filter(|&&t| t < curve.len())
            .map(|&t| format!("t≤{t}: {:.3}", curve[t]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sim = |out: &mut String, s: &Summary| {
        let n = s.runs as f64;
        let _ = writeln!(
            out,
            "  simulated: mean {:.2} rounds (±{:.2}); settled {:.3}, decided for A {:.3}, for B {:.3}, ongoing {:.3}",
            s.duration.mean(),
            2.0 * s.duration.se(),
            s.p_settled(),
            s.decided_a as f64 / n,
            s.decided_b as f64 / n,
            s.ongoing as f64 / n
        );
        if s.terms.count() > 0 {
            let _ = writeln!(out, "  terms if settled: B's share {:.3}", s.terms.mean());
        }
        let _ = writeln!(out, "  P(settled by round t): {}", curve_line(s));
    };
    let _ = writeln!(out, "War of attrition (M6; mixed equilibrium, complete information):");
    match &a.attrition {
        Run::Ran(w) => {
            let _ = writeln!(
                out,
                "  expected duration {:.2} rounds; P(side A concedes first) {:.3}",
                w.expected_rounds, w.p_a_concedes_first
            );
            let s = &w.simulated;
            let n = s.runs as f64;
            let _ = writeln!(
                out,
                "  simulated (whole rounds, ⌈T⌉): mean {:.2} rounds (±{:.2}); A concedes {:.3}, B concedes {:.3}, ongoing {:.3}",
                s.duration.mean(),
                2.0 * s.duration.se(),
                s.decided_b as f64 / n,
                s.decided_a as f64 / n,
                s.ongoing as f64 / n
            );
            let _ = writeln!(
                out,
                "  (no negotiated settlement in this model: one side gives up the prize)"
            );
        }
        Run::Skipped(why) => {
            let _ = writeln!(out, "  not run: {why}");
        }
    }
    let _ =
        writeln!(out, "\nScreening while fighting (M4; equilibrium, side B's resolve private):");
    match &a.screening {
        Run::Ran(s) => {
            let _ = writeln!(
                out,
                "  A screens below a belief of {:.3}; {} offer(s) before the final one; E[fought rounds] {:.3}; P(settle) {:.4}",
                s.first_threshold, s.region, s.expected_fought_rounds, s.p_settle
            );
            sim(&mut out, &s.simulated);
        }
        Run::Skipped(why) => {
            let _ = writeln!(out, "  not run: {why}");
        }
    }
    let _ = writeln!(
        out,
        "\nBattlefield learning (M5; behavioural convergence rule, exact Markov chain):"
    );
    match &a.learning {
        Run::Ran(l) => {
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
            let _ = writeln!(
                out,
                "  exact: settled {:.4}, decided for A {:.4}, for B {:.4}, ongoing {:.4}; E[rounds] {:.2}",
                l.exact.settled,
                l.exact.decided_a,
                l.exact.decided_b,
                l.exact.ongoing,
                l.exact.expected_rounds
            );
            sim(&mut out, &l.simulated);
        }
        Run::Skipped(why) => {
            let _ = writeln!(out, "  not run: {why}");
        }
    }
    let _ = writeln!(
        out,
        "\nModels and assumptions: docs/dynamics.md. Commitment problems (a shifting balance of power) are checked by `impasse analyze` (ripeness); wars they drive do not end by learning."
    );
    out
}
