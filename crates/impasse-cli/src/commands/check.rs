//! `impasse check PATH`: decode, call [`impasse_app::check`], encode. Exit code 0 when the
//! scenario reads, 2 when it does not (with every problem located).

use std::io::Write;
use std::process::ExitCode;

use impasse_app::AppError;
use impasse_report::check::render_check_text;

use crate::args::{CheckArgs, OutputFormat};

pub(crate) fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let loaded = impasse_app::load(&args.path, &args.overrides, args.genius_semantics.library());
    let report = match loaded {
        Ok(scenario) => impasse_app::check(Ok(&scenario)),
        Err(AppError::Scenario { diagnostics, .. }) => {
            impasse_app::check(Err(impasse_app::diagnostic_reports(&diagnostics)))
        }
        Err(err) => return super::fail(err),
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &report)?;
            writeln!(stdout)?;
        }
        OutputFormat::Text => stdout.write_all(render_check_text(&report).as_bytes())?,
    }
    stdout.flush()?;
    Ok(if report.valid { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
