//! `impasse dynamics PATH`: decode the flags, call [`impasse_app::dynamics::dynamics`], encode
//! the report (JSON, CSV or text) and draw it.

use std::io::Write;
use std::process::ExitCode;

use impasse_app::AppError;
use impasse_app::dynamics::{DynamicsRequest, DynamicsRun, Sweep, dynamics, models_by_name};
use impasse_format::{GeniusSemantics, Override};
use impasse_report::dynamics::{DynamicsPoint, render_dynamics_csv, render_dynamics_text};

use crate::args::{DynamicsArgs, DynamicsFormat};

pub(crate) fn run(args: &DynamicsArgs) -> anyhow::Result<ExitCode> {
    let sweeps = match args.sweep.iter().map(|s| s.parse::<Sweep>()).collect::<Result<Vec<_>, _>>()
    {
        Ok(sweeps) => sweeps,
        Err(err) => return super::fail(err),
    };
    let models = match models_by_name(&args.models) {
        Ok(models) => models,
        Err(err) => return super::fail(err),
    };
    let request = DynamicsRequest {
        runs: args.runs,
        seed: args.seed,
        horizon: args.horizon,
        stalemate: args.stalemate,
        models,
        sweeps: sweeps.clone(),
        overrides: args.overrides.clone(),
    };
    // A sweep counts points; a single run counts replications, shown from a million on.
    let single = sweeps.is_empty();
    let hidden = single && args.runs.saturating_mul(models.count()) < 1_000_000;
    let template = if single {
        "{bar:40} {human_pos}/{human_len} replications  eta {eta}"
    } else {
        "{bar:40} {pos}/{len} sweep points  eta {eta}"
    };
    let (token, bar) = super::progress(hidden, template);
    let load =
        |overrides: &[Override]| impasse_app::load(&args.path, overrides, GeniusSemantics::Genius);
    let source = args.path.display().to_string();
    let outcome = super::with_threads(args.threads, || dynamics(&load, &source, &request, &token))?;
    bar.finish_and_clear();
    let run = match outcome {
        Ok(run) => run,
        Err(err @ AppError::Unprocessable { .. }) => {
            return super::fail(AppError::Invalid(format!("{source}: {err}")));
        }
        Err(err) => return super::fail(err),
    };
    if let Some(path) = &args.plot
        && let Some(code) = plot(path, &sweeps, &run)?
    {
        return Ok(code);
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        DynamicsFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &run.report)?;
            writeln!(stdout)?;
        }
        DynamicsFormat::Csv => stdout.write_all(render_dynamics_csv(&run.report).as_bytes())?,
        DynamicsFormat::Text => stdout.write_all(render_dynamics_text(&run.report).as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Draws a single run's dynamics, or a sweep's heat map of P(settled) for the first model that ran
/// at every point (the way-out war's exact value, else the simulated share).
fn plot(
    path: &std::path::Path,
    sweeps: &[Sweep],
    run: &DynamicsRun,
) -> anyhow::Result<Option<ExitCode>> {
    let scenario = &run.scenario;
    if sweeps.is_empty() {
        return super::save_plot(impasse_plot::dynamics(scenario, &run.assessments[0]), path);
    }
    let points = &run.report.points;
    let Some((model, _)) = points.iter().find_map(DynamicsPoint::settled) else {
        writeln!(std::io::stderr(), "error: --plot: no model ran at any sweep point")?;
        return Ok(Some(ExitCode::from(2)));
    };
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.settled().filter(|(m, _)| *m == model).map_or(f64::NAN, |(_, p)| p))
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
