//! `impasse analyze PATH`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use impasse_analysis::{AnalysisConfig, analyze};
use impasse_report::{AnalysisReport, render_text};

use crate::args::{AnalyzeArgs, OutputFormat};

pub(crate) fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let scenario = match super::load(&args.path, &args.overrides, args.genius_semantics.library())?
    {
        Ok(scenario) => scenario,
        Err(code) => return Ok(code),
    };
    let config = AnalysisConfig { max_outcomes: args.max_outcomes, ..AnalysisConfig::default() };
    let analysis = super::with_threads(args.threads, || analyze(&scenario, &config))?
        .map_err(super::analysis_error)
        .with_context(|| format!("cannot analyse {}", args.path.display()))?;
    if let Some(path) = &args.plot {
        let options = impasse_plot::SpaceOptions::default();
        if let Some(code) =
            super::save_plot(impasse_plot::utility_space(&scenario, &analysis, &options), path)?
        {
            return Ok(code);
        }
    }
    if let Some(path) = &args.ripeness_plot
        && let Some(code) = super::save_plot(impasse_plot::ripeness(&scenario, &analysis), path)?
    {
        return Ok(code);
    }
    let report = AnalysisReport::new(&scenario, &analysis);
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(render_text(&report).as_bytes())?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
