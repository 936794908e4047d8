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
    /// Check that a scenario reads: every problem located (file, line, column), what was assumed
    /// while reading it, and what it holds.
    Check(CheckArgs),
    /// Analyse a scenario: zone of agreement, Pareto frontier, solutions, proposals, impasse
    /// diagnosis and ripeness.
    Analyze(AnalyzeArgs),
    /// Time loading and analysing a scenario in-process (best of several runs), for side-by-side
    /// benchmarks against other tools; prints JSON.
    Time(TimeArgs),
    /// Run an automated negotiation between agents on a scenario (alternating offers or a
    /// mediated single text) and report the agreement, the trace and the metrics.
    Negotiate(NegotiateArgs),
    /// Run a tournament of agents over scenarios, as configured in a TOML file; streams rows to
    /// CSV and JSON Lines, resumes after an interruption, prints the ranking.
    Tournament(TournamentArgs),
    /// Simulate the conflict while there is no deal: screening while fighting, battlefield
    /// learning, the war of attrition, under the scenario's stated assumptions; with sweeps.
    Dynamics(DynamicsArgs),
    /// How sure is the answer: the analysis repeated over the ranges of the numbers that had to be
    /// guessed (`--vary PATH=LOW:HIGH`); verdict and clash probabilities, what drives the verdict.
    Robustness(RobustnessArgs),
    /// Export a scenario to a GENIUS domain folder (domain XML and one profile XML per party).
    Export(ExportArgs),
    /// Serve the local web app: a scenario library, analysis, negotiation, tournaments and
    /// dynamics in the browser, with a documented JSON API (docs/web-app.md).
    Serve(ServeArgs),
}

/// Arguments of `impasse robustness`.
#[derive(Debug, clap::Args)]
pub(crate) struct RobustnessArgs {
    /// A native scenario file (.toml or .json).
    pub(crate) path: PathBuf,
    /// An uncertain number: a `--set` path uniform on [LOW, HIGH] (`PATH=LOW:HIGH`) or
    /// triangular (`PATH=LOW:MODE:HIGH`); repeatable.
    #[arg(long, value_name = "PATH=LOW:HIGH", required = true)]
    pub(crate) vary: Vec<String>,
    /// The design's sample size N: 2N draws of the verdict, N·(inputs + 2) analyses.
    #[arg(long, default_value_t = 1000)]
    pub(crate) samples: u64,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Override a scenario parameter for every sample (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// Arguments of `impasse serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The port to listen on (0: any free port; the one chosen is printed).
    #[arg(long, default_value_t = impasse_server::DEFAULT_PORT)]
    pub(crate) port: u16,
    /// The address to listen on. Anything but a loopback address exposes the app (and the
    /// library) to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// The data folder holding the scenario library (impasse.db); default: $IMPASSE_DATA, else
    /// $XDG_DATA_HOME/impasse, else ~/.local/share/impasse.
    #[arg(long)]
    pub(crate) data: Option<PathBuf>,
}

/// Arguments of `impasse export`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// A scenario file (.toml or .json), a GENIUS domain folder or a GeniusWeb folder.
    pub(crate) path: PathBuf,
    /// The folder to write (created if needed).
    #[arg(long)]
    pub(crate) to: PathBuf,
    /// Override a scenario parameter before exporting (native files only, repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
}

/// The negotiation protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProtocolArg {
    /// Stacked alternating offers (NegMAS's SAO).
    Sao,
    /// Single-text mediated: a mediator proposes, parties vote.
    Mediated,
}

/// How utilities are discounted over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiscountMode {
    /// GENIUS: u·d^t, t the relative time in [0, 1].
    Genius,
    /// NegMAS: u·d^step.
    Negmas,
}

/// Arguments of `impasse negotiate`.
#[derive(Debug, clap::Args)]
pub(crate) struct NegotiateArgs {
    /// A scenario file (.toml or .json), a GENIUS domain folder or a GeniusWeb folder.
    #[arg(required_unless_present = "list_agents")]
    pub(crate) path: Option<PathBuf>,
    /// One agent per party, in party order, comma-separated (e.g. boulware,conceder); run
    /// `impasse negotiate --list-agents` for the names.
    #[arg(long, value_delimiter = ',', required_unless_present = "list_agents")]
    pub(crate) agents: Vec<String>,
    /// How GENIUS folders are read: GENIUS's semantics or NegMAS's.
    #[arg(long, value_enum, default_value_t = Semantics::Genius)]
    pub(crate) genius_semantics: Semantics,
    /// List the built-in agents and exit.
    #[arg(long)]
    pub(crate) list_agents: bool,
    /// Step deadline.
    #[arg(long, default_value_t = 100)]
    pub(crate) steps: u32,
    /// Wall-clock deadline in seconds (results then depend on the machine's speed).
    #[arg(long)]
    pub(crate) time_limit: Option<f64>,
    /// Seed for agents and mediators that draw random numbers.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Run N independent negotiations (seeds S, S+1, …) and report their throughput.
    #[arg(long, default_value_t = 1)]
    pub(crate) repetitions: u32,
    /// The protocol.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Sao)]
    pub(crate) protocol: ProtocolArg,
    /// Discount factor applied to the reported utilities (1 = none).
    #[arg(long)]
    pub(crate) discount: Option<f64>,
    /// How the discount applies.
    #[arg(long, value_enum, default_value_t = DiscountMode::Genius)]
    pub(crate) discount_mode: DiscountMode,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Write the offer-by-offer trace to this file (CSV, or JSON when it ends in .json).
    #[arg(long)]
    pub(crate) trace: Option<PathBuf>,
    /// Draw the utility space with the offers as paths to this file (.svg or .png;
    /// docs/plots.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) plot: Option<PathBuf>,
    /// Override a scenario parameter, e.g. `--set conflict.balance=0.3` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
    /// Worker threads for `--repetitions` (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// Arguments of `impasse tournament`.
#[derive(Debug, clap::Args)]
pub(crate) struct TournamentArgs {
    /// The tournament configuration (TOML; see docs/negotiation.md).
    pub(crate) config: PathBuf,
    /// Start over even if the output folder holds rows of another run.
    #[arg(long)]
    pub(crate) fresh: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Never show a progress bar.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// Draw the ranking and the agent-versus-agent matrix to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub(crate) plot: Option<PathBuf>,
}

/// Arguments of `impasse time`.
#[derive(Debug, clap::Args)]
pub(crate) struct TimeArgs {
    /// A scenario file (.toml or .json) or a GENIUS domain folder.
    pub(crate) path: PathBuf,
    /// How GENIUS folders are read: GENIUS's semantics or NegMAS's.
    #[arg(long, value_enum, default_value_t = Semantics::Genius)]
    pub(crate) genius_semantics: Semantics,
    /// How many times to repeat each measurement (the best is reported).
    #[arg(long, default_value_t = 10)]
    pub(crate) repeat: u32,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}

/// How GENIUS folders are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Semantics {
    /// GENIUS's own: each value's evaluation divided by its issue's largest (utilities in [0, 1]).
    Genius,
    /// NegMAS 0.16's: raw evaluations, each profile then normalised to [0, 1] as a whole
    /// (`normalize(common_range=False)`), the reservation value mapped alike.
    Negmas,
}

impl Semantics {
    pub(crate) fn library(self) -> impasse_format::GeniusSemantics {
        match self {
            Semantics::Genius => impasse_format::GeniusSemantics::Genius,
            Semantics::Negmas => impasse_format::GeniusSemantics::Negmas,
        }
    }
}

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// A readable report.
    Text,
    /// The versioned JSON report (docs/report-format.md).
    Json,
}

/// Arguments of `impasse check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// A scenario file (.toml or .json) or a GENIUS or GeniusWeb domain folder.
    pub(crate) path: PathBuf,
    /// How GENIUS folders are read: GENIUS's semantics or NegMAS's.
    #[arg(long, value_enum, default_value_t = Semantics::Genius)]
    pub(crate) genius_semantics: Semantics,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,
    /// Override a scenario parameter, e.g. `--set conflict.balance=0.6` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
}

/// Arguments of `impasse analyze`.
#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// A scenario file (.toml or .json) or a GENIUS domain folder.
    pub(crate) path: PathBuf,
    /// How GENIUS folders are read: GENIUS's semantics or NegMAS's.
    #[arg(long, value_enum, default_value_t = Semantics::Genius)]
    pub(crate) genius_semantics: Semantics,
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
    /// Draw the utility space (every package, the frontier, reservation values, the zone, the
    /// proposals and the solutions; pairwise panels for three or more parties) to this file (.svg
    /// or .png; docs/plots.md).
    #[arg(long, value_name = "FILE")]
    pub(crate) plot: Option<PathBuf>,
    /// Draw the ripeness chart (zone size against the balance of power and each party's cost,
    /// with today's values and the thresholds) to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    pub(crate) ripeness_plot: Option<PathBuf>,
}

/// Output format of `impasse dynamics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DynamicsFormat {
    /// A readable report.
    Text,
    /// JSON.
    Json,
    /// CSV (one row per model, or per sweep point and model).
    Csv,
}

/// Arguments of `impasse dynamics`.
#[derive(Debug, clap::Args)]
pub(crate) struct DynamicsArgs {
    /// A native scenario file with a `[conflict]` section.
    pub(crate) path: PathBuf,
    /// Monte Carlo replications per model (per sweep point).
    #[arg(long, default_value_t = 100_000)]
    pub(crate) runs: u64,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub(crate) seed: u64,
    /// Horizon in rounds (default: the scenario's `conflict.dynamics.horizon`, else 200).
    #[arg(long)]
    pub(crate) horizon: Option<u32>,
    /// Run only these models (repeatable): attrition, screening, learning, way-out. Default: every
    /// model the scenario's assumptions support.
    #[arg(long = "model", value_name = "MODEL", value_parser = ["attrition", "screening", "learning", "way-out"])]
    pub(crate) models: Vec<String>,
    /// The ripeness indicator's stalemate threshold: a side is in a stalemate when it gives itself
    /// less than this chance of prevailing within the horizon.
    #[arg(long, default_value_t = 0.1)]
    pub(crate) stalemate: f64,
    /// Vary a scenario parameter over a grid, `PATH=FROM:TO:N` (e.g.
    /// `conflict.balance=0.2:0.8:13`); give two for a two-way grid.
    #[arg(long, value_name = "PATH=FROM:TO:N")]
    pub(crate) sweep: Vec<String>,
    /// Override a scenario parameter (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) overrides: Vec<Override>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DynamicsFormat::Text)]
    pub(crate) format: DynamicsFormat,
    /// Draw the results to this file (.svg or .png): P(settled by round t), the duration and
    /// how the war ends; with sweeps, a heat map of P(settled) for the first model that ran.
    #[arg(long, value_name = "FILE")]
    pub(crate) plot: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<usize>,
}
