//! `impasse dynamics PATH`.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use impasse_core::Scenario;
use impasse_dynamics::assess::{AssessConfig, Assessment, Models, Run, assess_observed};
use impasse_dynamics::mc::Summary;
use impasse_format::{GeniusSemantics, Override};
use impasse_report::dynamics::{PackageNames, point_json};
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
    // Rounded to 12 significant digits, so that 0.1 steps print as 0.4, not 0.39999999999999997.
    let round = |v: f64| -> f64 { format!("{v:.11e}").parse().unwrap_or(v) };
    let values = (0..n).map(|k| round(from + (to - from) * k as f64 / (n - 1) as f64)).collect();
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
    if !(0.0..=1.0).contains(&args.stalemate) {
        writeln!(
            stderr,
            "error: --stalemate must be a probability in [0, 1], got {}",
            args.stalemate
        )?;
        return Ok(ExitCode::from(2));
    }
    let models = if args.models.is_empty() {
        Models::ALL
    } else {
        let mut models = Models::NONE;
        for name in &args.models {
            // clap has checked the names.
            models.enable(name);
        }
        models
    };
    let config = AssessConfig {
        runs: args.runs,
        seed: args.seed,
        horizon: args.horizon,
        stalemate: args.stalemate,
        models,
    };
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
    // A sweep counts points; a single run counts replications (every model that runs).
    let single = sweeps.is_empty();
    let bar = if single && args.runs * models.count() < 1_000_000 {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else if single {
        ProgressBar::new(args.runs * models.count())
    } else {
        ProgressBar::new(points.len() as u64)
    };
    let template = if single {
        "{bar:40} {human_pos}/{human_len} replications  eta {eta}"
    } else {
        "{bar:40} {pos}/{len} sweep points  eta {eta}"
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let on_chunk = |n: u64| {
        if single {
            bar.inc(n);
        }
    };
    let mut results = Vec::with_capacity(points.len());
    let mut first_scenario: Option<Scenario> = None;
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
        let assessment = match super::with_threads(args.threads, || {
            assess_observed(&scenario, &config, &on_chunk)
        })? {
            Ok(a) => a,
            Err(err) => {
                writeln!(stderr, "error: {}: {err}", args.path.display())?;
                return Ok(ExitCode::from(2));
            }
        };
        results.push((point.clone(), assessment));
        if first_scenario.is_none() {
            first_scenario = Some(scenario);
        }
        if !single {
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    if let Some(path) = &args.plot
        && let Some(code) = plot(path, &sweeps, &results, first_scenario.as_ref())?
    {
        return Ok(code);
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        DynamicsFormat::Json => {
            let rows: Vec<Value> =
                results.iter().map(|(p, a)| point_json(p, a, first_scenario.as_ref())).collect();
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
            let scenario = first_scenario.as_ref().expect("one point");
            stdout.write_all(text(&results[0].1, scenario, args).as_bytes())?;
        }
        DynamicsFormat::Text => {
            stdout.write_all(csv(&sweeps, &results).replace(',', "\t").as_bytes())?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws a single run's dynamics, or a sweep's heat map of P(settled) for the first model that ran
/// at every point (the way-out war's exact value, else the simulated share).
fn plot(
    path: &std::path::Path,
    sweeps: &[Sweep],
    results: &[(Vec<(String, f64)>, Assessment)],
    scenario: Option<&Scenario>,
) -> anyhow::Result<Option<ExitCode>> {
    let Some(scenario) = scenario else { return Ok(None) };
    if sweeps.is_empty() {
        return super::save_plot(impasse_plot::dynamics(scenario, &results[0].1), path);
    }
    let settled = |a: &Assessment| -> Option<(&'static str, f64)> {
        match (&a.way_out, &a.learning, &a.screening, &a.attrition) {
            (Run::Ran(w), ..) => Some(("multi-issue way out (exact)", w.exact.settled)),
            (_, Run::Ran(l), ..) => Some(("one-prize learning (exact)", l.exact.settled)),
            (_, _, Run::Ran(s), _) => Some(("screening (simulated)", s.simulated.p_settled())),
            (_, _, _, Run::Ran(w)) => Some((
                "attrition: a side has conceded (simulated)",
                1.0 - w.simulated.ongoing as f64 / w.simulated.runs as f64,
            )),
            _ => None,
        }
    };
    let Some((model, _)) = results.iter().find_map(|(_, a)| settled(a)) else {
        writeln!(std::io::stderr(), "error: --plot: no model ran at any sweep point")?;
        return Ok(Some(ExitCode::from(2)));
    };
    let values: Vec<f64> = results
        .iter()
        .map(|(_, a)| settled(a).filter(|(m, _)| *m == model).map_or(f64::NAN, |(_, p)| p))
        .collect();
    let x = (sweeps[0].path.as_str(), sweeps[0].values.as_slice());
    let one = [0.0];
    // Points are ordered with the first sweep outermost: values[ix * ny + iy]; the heat map wants
    // values[iy * nx + ix].
    let (y, grid) = match sweeps.get(1) {
        Some(second) => {
            let (nx, ny) = (sweeps[0].values.len(), second.values.len());
            let mut grid = vec![f64::NAN; nx * ny];
            for ix in 0..nx {
                for iy in 0..ny {
                    grid[iy * nx + ix] = values[ix * ny + iy];
                }
            }
            ((second.path.as_str(), second.values.as_slice()), grid)
        }
        None => (("(one-way sweep)", &one[..]), values),
    };
    let title = format!("{}: P(deal within the horizon), {model}", scenario.name());
    super::save_plot(impasse_plot::sweep_heatmap(x, y, &grid, &title, "P(settled)"), path)
}

/// Names for the text report: parties, sides and packages.
struct Names {
    parties: Vec<String>,
    side_a: String,
    side_b: String,
    packages: PackageNames,
}

impl Names {
    fn new(scenario: &Scenario) -> Names {
        let parties: Vec<String> = scenario.parties().iter().map(|p| p.name.clone()).collect();
        let side = |side: &[usize]| {
            side.iter().map(|&p| parties[p].clone()).collect::<Vec<_>>().join(", ")
        };
        let (side_a, side_b) = scenario
            .conflict()
            .map_or((String::from("A"), String::from("B")), |c| (side(&c.side_a), side(&c.side_b)));
        Names { parties, side_a, side_b, packages: PackageNames::new(scenario) }
    }

    fn package_text(&self, package: &[u32]) -> String {
        self.packages.package_text(package)
    }
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
        let models: [(&str, Option<&Summary>); 4] = [
            (
                "way-out",
                match &a.way_out {
                    Run::Ran(w) => Some(&w.simulated),
                    Run::Skipped(_) => None,
                },
            ),
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

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn text(a: &Assessment, scenario: &Scenario, args: &DynamicsArgs) -> String {
    let mut out = String::new();
    let names = Names::new(scenario);
    let v = &a.view;
    let (side_a, side_b) = (&names.side_a, &names.side_b);
    let _ = writeln!(out, "Conflict dynamics: {}", scenario.name());
    let _ = writeln!(
        out,
        "{} · {} replications per model, seed {}, horizon {} rounds",
        args.path.display(),
        args.runs,
        args.seed,
        a.horizon
    );
    let _ = writeln!(out, "Side A: {side_a}. Side B: {side_b}.\n");
    let curve_line = |curve: &[f64]| -> String {
        let mut marks: Vec<usize> = [1usize, 2, 4, 8, 12, 24, 50, 100, 200]
            .into_iter()
            .filter(|&t| t < curve.len())
            .collect();
        if let Some(last) = curve.len().checked_sub(1)
            && !marks.contains(&last)
        {
            marks.push(last);
        }
        marks.iter().map(|&t| format!("t≤{t}: {:.3}", curve[t])).collect::<Vec<_>>().join(", ")
    };
    let cumulative = |at: &[f64]| -> Vec<f64> {
        let mut acc = 0.0;
        at.iter()
            .map(|p| {
                acc += p;
                acc
            })
            .collect()
    };
    if (v.odds_factor - 1.0).abs() > 0.0 {
        let _ = writeln!(
            out,
            "What-if mobilisation: side B's odds of success multiplied by {:.3} (side A's strength against B's).\n",
            v.odds_factor
        );
    }
    // 1. The headline: the multi-issue way out.
    let _ = writeln!(
        out,
        "Will a zone of agreement open? (the battlefield with learning, settled when the zone at the sides' perceived balances opens; a behavioural approximation, computed exactly)"
    );
    match &a.way_out {
        Run::Ran(w) => {
            let (x_a, x_b) = w.balances_today;
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
                a.horizon, e.settled, e.decided_a, e.decided_b, e.ongoing
            );
            let _ =
                writeln!(out, "  P(deal by round t): {}", curve_line(&cumulative(&e.settled_at)));
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
                        names.package_text(&t.package)
                    );
                    let utilities: Vec<String> = t
                        .utilities
                        .iter()
                        .zip(&names.parties)
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
            let n = s.runs as f64;
            let _ = writeln!(
                out,
                "  Monte Carlo check: deal {:.3}, decided for A {:.3}, for B {:.3}, ongoing {:.3}; mean {:.2} rounds (±{:.2})",
                s.p_settled(),
                s.decided_a as f64 / n,
                s.decided_b as f64 / n,
                s.ongoing as f64 / n,
                s.duration.mean(),
                2.0 * s.duration.se()
            );
            let _ = writeln!(
                out,
                "  Mean realised payoff (side's mean utility, less its costs): {side_a} {:.3}, {side_b} {:.3}",
                s.payoff_a.mean(),
                s.payoff_b.mean()
            );
            // 2. Ripeness.
            let _ = writeln!(
                out,
                "\nRipeness today (Zartman: a mutually hurting stalemate and a way out; window {} rounds, stalemate below {:.2}):",
                r.window, r.epsilon
            );
            for (name, side) in [(side_a, &r.a), (side_b, &r.b)] {
                let _ = writeln!(
                    out,
                    "  {name}: stalemate {} (gives itself {:.3} to prevail within the window, {:.3} to lose); hurting {} (fighting on costs {:.3}, expected gain {:.3})",
                    yes(side.stalemate),
                    side.outlook.wins_within,
                    side.outlook.loses_within,
                    yes(side.hurting),
                    side.cost_of_fighting_on,
                    side.expected_gain
                );
            }
            let _ = writeln!(out, "  way out: {}", yes(r.way_out));
            let mut missing = Vec::new();
            if !(r.a.stalemate && r.b.stalemate) {
                missing.push("a stalemate on both sides");
            }
            if !(r.a.hurting && r.b.hurting) {
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
        Run::Skipped(why) => {
            let _ = writeln!(out, "  not run: {why}");
        }
    }
    let _ = writeln!(out, "\nCommitment problem (Powell; a shifting balance of power):");
    match &a.commitment {
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
    // 3. The one-prize models.
    let _ = writeln!(
        out,
        "\nOne-prize reduction (the models below treat the conflict as one divisible prize and ignore red lines and preconditions; stakes and costs are each side's mean):"
    );
    let _ = writeln!(
        out,
        "  P({side_b} prevails) = {:.3}; stakes A {:.3}, B {:.3}; per-round costs A {:.3}, B {:.3}",
        v.p_b, v.stake_a, v.stake_b, v.cost_a, v.cost_b
    );
    let _ = writeln!(
        out,
        "  Fearon's bargaining range over B's share: [{:.3}, {:.3}]{}",
        a.range.0,
        a.range.1,
        match &a.way_out {
            Run::Ran(w) if a.range.0 <= a.range.1 && !w.ripeness_today.way_out =>
                " — non-empty in the reduction, yet the multi-issue zone is closed: the red lines and preconditions, not the balance alone, block a deal",
            _ => "",
        }
    );
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
        let _ = writeln!(out, "  P(settled by round t): {}", curve_line(&s.settled_curve()));
    };
    let _ = writeln!(out, "\nWar of attrition (M6; mixed equilibrium, complete information):");
    match &a.attrition {
        Run::Ran(w) => {
            let _ = writeln!(
                out,
                "  expected duration {:.2} rounds; P({side_a} concedes first) {:.3}",
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
        "\nBattlefield learning, one-prize convergence rule (M5; behavioural, exact Markov chain):"
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
    let _ = writeln!(out, "\nModels, assumptions and limits: docs/dynamics.md.");
    out
}
