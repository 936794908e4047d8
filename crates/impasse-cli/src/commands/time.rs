//! `impasse time PATH`: in-process timings for side-by-side benchmarks.
//!
//! Process start-up and output are excluded, so the figures compare the work itself with what a
//! peer tool does in its own process (bench/negmas_analysis.py).

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use impasse_analysis::{AnalysisConfig, pareto_frontier};

use crate::args::TimeArgs;

pub(crate) fn run(args: &TimeArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.repeat > 0, "--repeat must be at least 1");
    if let Err(err) = impasse_app::limits::MEASUREMENTS.check(args.repeat) {
        return super::fail(err);
    }
    let config = AnalysisConfig::default();
    let load = || impasse_app::load(&args.path, &[], args.genius_semantics.library());
    let (load_time, scenario) = best_of(args.repeat, load);
    let scenario = match scenario {
        Ok(scenario) => scenario,
        Err(err) => return super::fail(err),
    };
    let request = impasse_app::AnalyzeRequest { max_outcomes: config.max_outcomes };
    let (frontier_time, frontier, analysis_time, analysis) =
        super::with_threads(args.threads, || {
            let (frontier_time, frontier) =
                best_of(args.repeat, || pareto_frontier(&scenario, &config));
            // The analysis the `analyze` command and every front end run (the report aside).
            let (analysis_time, analysis) =
                best_of(args.repeat, || impasse_app::analysis(&scenario, &request));
            (frontier_time, frontier, analysis_time, analysis)
        })?;
    let (_, frontier_size) = frontier.context("cannot compute the frontier")?;
    let analysis = match analysis {
        Ok(analysis) => analysis,
        Err(err) => return super::fail(err),
    };
    let ms = |duration: Duration| duration.as_secs_f64() * 1e3;
    let report = serde_json::json!({
        "path": args.path.display().to_string(),
        "outcomes": analysis.zone.space_size,
        "classes": analysis.classes,
        "repeat": args.repeat,
        "load_ms": ms(load_time),
        "frontier_ms": ms(frontier_time),
        "frontier_size": frontier_size,
        "analysis_ms": ms(analysis_time),
        "nash": analysis.solutions.nash.as_ref().map(|point| point.utilities.clone()),
    });
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &report)?;
    writeln!(stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `work` `repeat` times and returns the shortest duration and the last result.
fn best_of<T>(repeat: u32, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..repeat {
        let start = Instant::now();
        let result = work();
        best = best.min(start.elapsed());
        last = Some(result);
    }
    (best, last.expect("repeat is at least 1"))
}
