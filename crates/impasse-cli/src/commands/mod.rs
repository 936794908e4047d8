//! One module per subcommand.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use impasse_core::Scenario;
use impasse_format::Override;

use crate::args::{Cli, Command};

mod analyze;
mod dynamics;
mod export;
mod negotiate;
mod serve;
mod time;
mod tournament;

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Time(args) => time::run(&args),
        Command::Negotiate(args) => negotiate::run(&args),
        Command::Tournament(args) => tournament::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Dynamics(args) => dynamics::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// Runs `work` on a rayon pool with `threads` workers (the global pool when `None`).
pub(crate) fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    match threads {
        None => Ok(work()),
        Some(0) => anyhow::bail!("--threads must be at least 1"),
        Some(threads) => {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
            Ok(pool.install(work))
        }
    }
}

/// Loads a scenario; prints its loading warnings (what the reader assumed) to stderr; on bad input
/// prints every diagnostic and returns the exit code 2 as `Err`.
pub(crate) fn load(
    path: &Path,
    overrides: &[Override],
    semantics: impasse_format::GeniusSemantics,
) -> anyhow::Result<Result<Scenario, ExitCode>> {
    match impasse_format::load_path_with(path, overrides, semantics) {
        Ok(scenario) => {
            let mut stderr = std::io::stderr().lock();
            for warning in scenario.warnings() {
                writeln!(stderr, "warning: {warning}")?;
            }
            Ok(Ok(scenario))
        }
        Err(diagnostics) => {
            let mut stderr = std::io::stderr().lock();
            writeln!(stderr, "{diagnostics}")?;
            writeln!(
                stderr,
                "{} problem{} in {}",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" },
                path.display()
            )?;
            Ok(Err(ExitCode::from(2)))
        }
    }
}

/// Writes a figure to `path` (format by extension). A bad extension or an unwritable path is bad
/// input: the message is printed and the exit code is 2.
pub(crate) fn save_plot(
    figure: Result<impasse_plot::Figure, impasse_plot::PlotError>,
    path: &Path,
) -> anyhow::Result<Option<ExitCode>> {
    let result = figure.and_then(|figure| figure.save(path));
    match result {
        Ok(()) => Ok(None),
        Err(err) => {
            writeln!(std::io::stderr(), "error: cannot draw {}: {err}", path.display())?;
            Ok(Some(ExitCode::from(2)))
        }
    }
}
