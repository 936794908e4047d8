//! `impasse export PATH --to DIR`.

use std::io::Write;
use std::process::ExitCode;

use crate::args::ExportArgs;

pub(crate) fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let scenario =
        match super::load(&args.path, &args.overrides, impasse_format::GeniusSemantics::Genius)? {
            Ok(scenario) => scenario,
            Err(code) => return Ok(code),
        };
    let mut stderr = std::io::stderr().lock();
    let export = match impasse_format::write_genius_folder(&scenario, &args.to) {
        Ok(export) => export,
        Err(err) => {
            writeln!(stderr, "error: cannot export {} to GENIUS: {err}", args.path.display())?;
            return Ok(ExitCode::from(2));
        }
    };
    for dropped in &export.dropped {
        writeln!(stderr, "warning: not expressible in GENIUS XML, left out: {dropped}")?;
    }
    for note in &export.notes {
        writeln!(stderr, "note: {note}")?;
    }
    let mut stdout = std::io::stdout().lock();
    for file in export.files() {
        writeln!(stdout, "{}", args.to.join(&file.name).display())?;
    }
    Ok(ExitCode::SUCCESS)
}
