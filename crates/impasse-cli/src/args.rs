//! Command-line arguments (the raw layer; commands validate them into library configs).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use impasse_format::Override;

/// Analyse negotiations and conflicts: is there a deal, if not why not, and what would change it.
#[derive(Debug, Parser)]
#[command(name = "impasse", version, about, long_about = None)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Analyse a scenario: zone of agreement, Pareto frontier, solutions, proposals, impasse
    /// diagnosis and ripeness.
    Analyze(AnalyzeArgs),
    /// Time loading and analysing a scenario in-process (best of several runs), for side-by-side
    /// benchmarks against other tools; prints JSON.
    Time(TimeArgs),
}

/// Arguments of `impasse time`.
#[derive(Debug, clap::Args)]
pub(crate) struct TimeArgs {
    /// A scenario file (.toml or .json) or a GENIUS domain folder.
    pub(crate) path: PathBuf,
    /// How many times to repeat each measurement (the best is reported).
    #[arg(long, default_value_t = 10)]
    pub(crate) repeat: u32,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// A readable report.
    Text,
    /// The versioned JSON report (docs/report-format.md).
    Json,
}

/// Arguments of `impasse analyze`.
#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// A scenario file (.toml or .json) or a GENIUS domain folder.
    pub(crate) path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Override a scenario parameter for this run, e.g. `--set conflict.balance=0.6`
    /// (repeatable; see docs/scenario-format.md).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
    /// Refuse outcome spaces with more packages than this (after merging interchangeable values).
    #[arg(long, default_value_t = 100_000_000)]
    pub(crate) max_outcomes: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}
