//! One module per subcommand.

use std::process::ExitCode;

use crate::args::{Cli, Command};

mod analyze;
mod time;

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Time(args) => time::run(&args),
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
