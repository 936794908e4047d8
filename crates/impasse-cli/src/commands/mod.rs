//! One module per subcommand.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use impasse_core::Scenario;
use impasse_format::Override;
use impasse_report::safe::terminal_safe;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{Cli, Command};

mod analyze;
mod check;
mod dynamics;
mod export;
mod negotiate;
mod robustness;
mod serve;
mod time;
mod tournament;

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Analyze(args) => analyze::run(&args),
        Command::Time(args) => time::run(&args),
        Command::Negotiate(args) => negotiate::run(&args),
        Command::Tournament(args) => tournament::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Dynamics(args) => dynamics::run(&args),
        Command::Robustness(args) => robustness::run(&args),
        Command::Serve(args) => serve::run(&args),
    }
}

/// Runs `work` on a rayon pool with `threads` workers (the global pool when `None`).
pub(crate) fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    if let Err(impasse_app::AppError::Field { message, .. }) =
        impasse_app::limits::check_threads(threads)
    {
        anyhow::bail!(
            "error: --threads: {message}; this machine has {} cores",
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        );
    }
    match threads {
        None => Ok(work()),
        Some(threads) => {
            // The pool error already holds the OS error's text: one message, not a chain.
            let pool =
                rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|err| {
                    anyhow::anyhow!(
                        "error: cannot start {threads} worker threads (--threads): {err}"
                    )
                })?;
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
    match impasse_app::load(path, overrides, semantics) {
        Ok(scenario) => {
            let mut stderr = std::io::stderr().lock();
            for warning in scenario.warnings() {
                writeln!(stderr, "warning: {}", terminal_safe(warning))?;
            }
            Ok(Ok(scenario))
        }
        Err(err) => Ok(Err(fail(err)?)),
    }
}

/// Prints an application error the CLI's way and gives its exit code: 2 for bad input (a
/// scenario that does not read, a bad argument, a model that cannot answer), 130 for a
/// cancelled run, 1 for a file that cannot be read or written.
pub(crate) fn fail(err: impasse_app::AppError) -> anyhow::Result<ExitCode> {
    use impasse_app::AppError;
    let mut stderr = std::io::stderr().lock();
    match err {
        AppError::Scenario { origin, diagnostics } => {
            writeln!(stderr, "{}", terminal_safe(&diagnostics.to_string()))?;
            writeln!(
                stderr,
                "{} problem{} in {origin}",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" },
            )?;
            Ok(ExitCode::from(2))
        }
        AppError::Cancelled | AppError::TimedOut => {
            writeln!(stderr, "error: {}", terminal_safe(&err.to_string()))?;
            Ok(ExitCode::from(130))
        }
        AppError::Field { field, message } => {
            let flag = match field {
                "model" => "--model".to_owned(),
                other => format!("--{}", other.replace('_', "-")),
            };
            writeln!(stderr, "error: {flag}: {}", terminal_safe(&message))?;
            Ok(ExitCode::from(2))
        }
        AppError::Io { .. } => {
            writeln!(stderr, "error: {}", terminal_safe(&err.to_string()))?;
            Ok(ExitCode::FAILURE)
        }
        err => {
            writeln!(stderr, "error: {}", terminal_safe(&err.to_string()))?;
            Ok(ExitCode::from(2))
        }
    }
}

/// A progress bar fed by an application [`impasse_app::Token`]; hidden when `hidden`.
pub(crate) fn progress(hidden: bool, template: &'static str) -> (impasse_app::Token, ProgressBar) {
    let bar = if hidden {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let watcher = bar.clone();
    let token = impasse_app::Token::with_progress(None, move |p| {
        if watcher.length() != Some(p.total) {
            watcher.set_length(p.total);
        }
        watcher.set_position(p.done);
    });
    (token, bar)
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
