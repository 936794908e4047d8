//! `impasse export PATH --to DIR`: decode, call [`impasse_app::export::export`], write the files.

use std::io::Write;
use std::process::ExitCode;

use crate::args::ExportArgs;

pub(crate) fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let scenario =
        match super::load(&args.path, &args.overrides, impasse_format::GeniusSemantics::Genius)? {
            Ok(scenario) => scenario,
            Err(code) => return Ok(code),
        };
    let report = match impasse_app::export::export(&scenario) {
        Ok(report) => report,
        Err(err) => return super::fail(err),
    };
    let written = match impasse_app::export::write(&report, &args.to) {
        Ok(written) => written,
        Err(err) => return super::fail(err),
    };
    let mut stderr = std::io::stderr().lock();
    for dropped in &report.dropped {
        writeln!(
            stderr,
            "warning: not expressible in GENIUS XML, left out: {}",
            impasse_report::safe::terminal_safe(&dropped.to_string())
        )?;
    }
    for note in &report.notes {
        writeln!(stderr, "note: {}", impasse_report::safe::terminal_safe(&note.to_string()))?;
    }
    let mut stdout = std::io::stdout().lock();
    for path in written {
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
