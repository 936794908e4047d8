//! `impasse analyze PATH`: decode, call [`impasse_app::analyze()`], encode.

use std::io::Write;
use std::process::ExitCode;

use impasse_app::AnalyzeRequest;
use impasse_report::render_text;

use crate::args::{AnalyzeArgs, OutputFormat};

pub(crate) fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let scenario = match super::load(&args.path, &args.overrides, args.genius_semantics.library())?
    {
        Ok(scenario) => scenario,
        Err(code) => return Ok(code),
    };
    let request = AnalyzeRequest { max_outcomes: args.max_outcomes };
    let analyzed =
        match super::with_threads(args.threads, || impasse_app::analyze(&scenario, &request))? {
            Ok(analyzed) => analyzed,
            Err(impasse_app::AppError::Unprocessable { code: "too_large", message }) => {
                return super::fail(impasse_app::AppError::invalid(format!(
                    "{message}; set the limit with --max-outcomes"
                )));
            }
            Err(err) => return super::fail(err),
        };
    if let Some(path) = &args.plot {
        let options = impasse_plot::SpaceOptions::default();
        if let Some(code) = super::save_plot(
            impasse_plot::utility_space(&scenario, &analyzed.analysis, &options),
            path,
        )? {
            return Ok(code);
        }
    }
    if let Some(path) = &args.ripeness_plot
        && let Some(code) =
            super::save_plot(impasse_plot::ripeness(&scenario, &analyzed.analysis), path)?
    {
        return Ok(code);
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &analyzed.report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(render_text(&analyzed.report).as_bytes())?,
    }
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}
