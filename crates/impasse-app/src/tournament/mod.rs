//! Tournaments: a configuration (a TOML file, or a request), the scenarios it names, the run with
//! its files (rows, manifest, resume) and the report.

mod files;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use impasse_format::GeniusSemantics;
use impasse_negotiate::tournament::{Entry, Protocol, Summary, Tournament};
use impasse_negotiate::{AgentFactory, AgentSpec, BUILT_IN, Setting};
use impasse_report::TournamentReport;
use impasse_report::tournament::{RunReport, SkippedScenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use files::{Output, summary_of};

use crate::{AppError, Token};

/// A tournament configuration file (TOML).
///
/// ```toml
/// scenarios = ["../shared/genius-domains"]   # files or folders, relative to this file
/// agents = ["boulware", "linear", "conceder"] # or ["all"]
/// repetitions = 1
/// steps = 100
/// seed = 7
/// output = "tournament-out"
/// protocol = "sao"                            # or "mediated"
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentConfig {
    /// Scenario files or folders (GENIUS folders, or folders holding scenarios), relative to the
    /// configuration file.
    pub scenarios: Vec<String>,
    /// Agent names (see [`impasse_negotiate::AGENT_NAMES`]); `"all"` stands for every built-in agent.
    pub agents: Vec<String>,
    /// Runs of each negotiation (useful with random agents).
    #[serde(default = "one")]
    pub repetitions: u32,
    /// Step deadline of each negotiation.
    #[serde(default = "hundred")]
    pub steps: u32,
    /// Tournament seed.
    #[serde(default)]
    pub seed: u64,
    /// Output folder, relative to the configuration file.
    pub output: String,
    /// The protocol.
    #[serde(default)]
    pub protocol: Protocol,
    /// How GENIUS folders are read: `"genius"` (the default) or `"negmas"`.
    #[serde(default)]
    pub genius_semantics: GeniusMode,
}

/// How a tournament reads GENIUS folders (see `impasse_format::GeniusSemantics`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GeniusMode {
    /// GENIUS's semantics.
    #[default]
    Genius,
    /// NegMAS's semantics.
    Negmas,
}

fn one() -> u32 {
    1
}

fn hundred() -> u32 {
    100
}

impl TournamentConfig {
    /// Parses a configuration, checking agent names and numbers.
    ///
    /// # Errors
    ///
    /// An [`AppError::Invalid`] naming the file, line and column and what was expected, or an
    /// unknown agent listing the valid ones.
    pub fn parse(text: &str, file: &str) -> Result<TournamentConfig, AppError> {
        let config: TournamentConfig = toml::from_str(text).map_err(|err| {
            let (line, column) =
                err.span().map(|span| line_col(text, span.start)).unwrap_or((0, 0));
            AppError::Invalid(format!(
                "{file}:{line}:{column}: {}; expected keys: scenarios, agents, repetitions, steps, \
                 seed, output, protocol, genius_semantics",
                err.message()
            ))
        })?;
        config.specs()?;
        if config.scenarios.is_empty() {
            return Err(AppError::Invalid(format!("{file}: `scenarios` is empty")));
        }
        if config.repetitions == 0 || config.steps == 0 {
            return Err(AppError::Invalid(format!(
                "{file}: `repetitions` and `steps` must be at least 1"
            )));
        }
        config.check_limits(text, file)?;
        Ok(config)
    }

    /// Checks `repetitions` and `steps` against [`crate::limits`], an error pointing at the value.
    fn check_limits(&self, text: &str, file: &str) -> Result<(), AppError> {
        /// Where the two counts are in the text.
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Spans {
            repetitions: Option<toml::Spanned<u32>>,
            steps: Option<toml::Spanned<u32>>,
        }
        let spans: Spans = toml::from_str(text).unwrap_or_default();
        let counts = [
            ("repetitions", &crate::limits::REPETITIONS, self.repetitions, spans.repetitions),
            ("steps", &crate::limits::STEPS, self.steps, spans.steps),
        ];
        for (key, limit, value, span) in counts {
            if let Err(err) = limit.check(value) {
                let message = match err {
                    AppError::Field { message, .. } => message,
                    other => other.to_string(),
                };
                let (line, column) = span.map_or((0, 0), |span| line_col(text, span.span().start));
                return Err(AppError::Invalid(format!(
                    "{file}:{line}:{column}: `{key}`: {message}"
                )));
            }
        }
        Ok(())
    }

    /// The agents, with `all` expanded.
    ///
    /// # Errors
    ///
    /// An unknown agent name, or no agents.
    pub fn specs(&self) -> Result<Vec<AgentSpec>, AppError> {
        let mut specs = Vec::new();
        for name in &self.agents {
            if name.eq_ignore_ascii_case("all") {
                specs.extend_from_slice(BUILT_IN);
            } else {
                specs
                    .push(name.parse::<AgentSpec>().map_err(|e| AppError::Invalid(e.to_string()))?);
            }
        }
        if specs.is_empty() {
            return Err(AppError::Invalid(format!(
                "`agents` is empty; valid agents: all, {}",
                impasse_negotiate::AGENT_NAMES.join(", ")
            )));
        }
        Ok(specs)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl GeniusMode {
    /// The loader's semantics.
    pub fn semantics(self) -> GeniusSemantics {
        match self {
            GeniusMode::Genius => GeniusSemantics::Genius,
            GeniusMode::Negmas => GeniusSemantics::Negmas,
        }
    }
}

/// Scenario files and folders under `path`, labelled relative to its parent: a file is a
/// scenario; a folder holding `.xml` or `.json` files is one (GENIUS or GeniusWeb); any other
/// folder is searched, in sorted order, for such folders and `.toml` files.
pub fn collect(path: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    collect_under(path, path, &mut found);
    found
}

fn collect_under(root: &Path, path: &Path, found: &mut Vec<(String, PathBuf)>) {
    let name = |p: &Path| {
        let rel = p.strip_prefix(root.parent().unwrap_or(root)).unwrap_or(p);
        rel.display().to_string()
    };
    if path.is_file() {
        found.push((name(path), path.to_owned()));
        return;
    }
    let Ok(read) = std::fs::read_dir(path) else { return };
    let mut children: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    let is_domain = children
        .iter()
        .any(|c| c.is_file() && c.extension().is_some_and(|e| e == "xml" || e == "json"));
    if is_domain {
        found.push((name(path), path.to_owned()));
        return;
    }
    for child in children {
        if child.is_dir() {
            collect_under(root, &child, found);
        } else if child.extension().is_some_and(|e| e == "toml") {
            found.push((name(&child), child));
        }
    }
}

/// Labels made unique, in order: a label seen before gets ` (2)`, ` (3)`, … (two files named alike
/// in different folders would otherwise share one label in the rows and the manifest).
fn unique_labels<T>(items: Vec<(String, T)>) -> Vec<(String, T)> {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (label, item) in items {
        let mut candidate = label.clone();
        let mut k = *seen.get(&label).unwrap_or(&1);
        while seen.contains_key(&candidate) {
            k += 1;
            candidate = format!("{label} ({k})");
        }
        seen.insert(label, k);
        seen.insert(candidate.clone(), 1);
        out.push((candidate, item));
    }
    out
}

/// A tournament to run: prepared scenarios and agents of any kind.
#[derive(Clone, Debug)]
pub struct TournamentRequest {
    /// The scenarios, each with its label.
    pub scenarios: Vec<(String, Arc<Setting>)>,
    /// The agents (built-in or not).
    pub agents: Vec<Arc<dyn AgentFactory>>,
    /// Runs of each negotiation.
    pub repetitions: u32,
    /// The step deadline.
    pub steps: u32,
    /// The tournament seed.
    pub seed: u64,
    /// The protocol.
    pub protocol: Protocol,
    /// The most negotiations allowed (front ends set their own limits).
    pub max_negotiations: u64,
}

impl TournamentRequest {
    /// Builds the [`Tournament`] (computes each scenario's reference points in parallel).
    ///
    /// # Errors
    ///
    /// [`AppError::Invalid`] for no scenarios or agents, zero repetitions or steps, too many role
    /// assignments or negotiations.
    pub fn prepare(self) -> Result<Tournament, AppError> {
        if self.scenarios.is_empty() {
            return Err(AppError::invalid("no scenario to negotiate over"));
        }
        if self.agents.is_empty() {
            return Err(AppError::invalid("no agents"));
        }
        if self.repetitions == 0 || self.steps == 0 {
            return Err(AppError::invalid("repetitions and steps must be at least 1"));
        }
        crate::limits::REPETITIONS.check(self.repetitions)?;
        crate::limits::STEPS.check(self.steps)?;
        let app_max = crate::limits::NEGOTIATIONS.current()?;
        let entries: Vec<Entry> = self
            .scenarios
            .into_par_iter()
            .map(|(name, setting)| Entry::new(name, setting))
            .collect();
        let tournament = Tournament::with_agents(
            entries,
            self.agents,
            self.repetitions,
            self.steps,
            self.seed,
            self.protocol,
        )
        .map_err(|e| AppError::Invalid(e.to_string()))?;
        if tournament.len() > self.max_negotiations.min(app_max) {
            let raise = if app_max < self.max_negotiations {
                format!(
                    " (or, on purpose, set the environment variable {}=negotiations=N)",
                    crate::limits::ENV
                )
            } else {
                String::new()
            };
            return Err(AppError::Invalid(format!(
                "the tournament has {} negotiations, above the limit of {}; use fewer agents, \
                 scenarios or repetitions{raise}",
                tournament.len(),
                self.max_negotiations.min(app_max)
            )));
        }
        crate::limits::STEPS_IN_ALL
            .check(u128::from(tournament.len()) * u128::from(self.steps))
            .map_err(|err| AppError::Invalid(format!("the tournament: {err}")))?;
        Ok(tournament)
    }
}

/// A configuration file's tournament, loaded: the request, and the scenarios left out with why.
#[derive(Debug)]
pub struct Configured {
    /// The request.
    pub request: TournamentRequest,
    /// Scenarios that could not be loaded or negotiated over.
    pub skipped: Vec<SkippedScenario>,
    /// The output folder, resolved against the configuration file's folder.
    pub output: PathBuf,
}

/// Reads a tournament configuration file and loads its scenarios (in parallel), setting aside
/// those that cannot be loaded or negotiated over.
///
/// # Errors
///
/// [`AppError::Io`] for an unreadable file, [`AppError::Invalid`] for a bad configuration, a
/// missing scenario path, or no loadable scenario.
pub fn configure(path: &Path) -> Result<Configured, AppError> {
    let file = path.display().to_string();
    let bytes = impasse_format::read_bounded(path)
        .map_err(AppError::io("read", path))?
        .ok_or_else(|| {
            AppError::Invalid(format!(
                "{file}: more than {} bytes, above the limit for a configuration",
                impasse_format::MAX_FILE_BYTES
            ))
        })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::Invalid(format!("{file}: not valid UTF-8")))?;
    let config = TournamentConfig::parse(&text, &file)?;
    let base = path.parent().unwrap_or(Path::new(".")).to_owned();
    let agents: Vec<Arc<dyn AgentFactory>> =
        config.specs()?.into_iter().map(|s| Arc::new(s) as Arc<dyn AgentFactory>).collect();
    let semantics = config.genius_semantics.semantics();
    let mut found = Vec::new();
    for scenario in &config.scenarios {
        let at = base.join(scenario);
        if !at.exists() {
            return Err(AppError::Invalid(format!(
                "{file}: scenario path '{scenario}' ({}) does not exist",
                at.display()
            )));
        }
        found.extend(collect(&at));
    }
    let loaded: Vec<(String, Result<Arc<Setting>, String>)> = found
        .par_iter()
        .map(|(name, path)| {
            let setting = impasse_format::load_path_with(path, &[], semantics)
                .map_err(|diags| {
                    format!(
                        "{} problem(s), first: {}",
                        diags.len(),
                        diags.0.first().map(ToString::to_string).unwrap_or_default()
                    )
                })
                .and_then(|scenario| {
                    Setting::from_scenario(Arc::new(scenario)).map_err(|e| e.to_string())
                });
            (name.clone(), setting.map(Arc::new))
        })
        .collect();
    let mut scenarios = Vec::new();
    let mut skipped = Vec::new();
    let loaded = unique_labels(loaded);
    for (name, setting) in loaded {
        match setting {
            Ok(setting) => scenarios.push((name, setting)),
            Err(reason) => skipped.push(SkippedScenario { scenario: name, reason }),
        }
    }
    if scenarios.is_empty() {
        return Err(AppError::Invalid(format!("{file}: no scenario could be loaded")));
    }
    Ok(Configured {
        request: TournamentRequest {
            scenarios,
            agents,
            repetitions: config.repetitions,
            steps: config.steps,
            seed: config.seed,
            protocol: config.protocol,
            max_negotiations: u64::MAX,
        },
        skipped,
        output: base.join(&config.output),
    })
}

/// Runs a tournament into `output` (resuming the rows already there unless `fresh`), writes
/// `summary.json` (the report) beside the rows, and returns the report. Progress counts
/// negotiations, resumed ones included.
///
/// # Errors
///
/// File errors, a folder holding another tournament ([`AppError::Invalid`]), or
/// [`AppError::Cancelled`] (the rows written so far stay, and a later run resumes them).
pub fn run(
    tournament: &Tournament,
    output: &Path,
    fresh: bool,
    skipped: Vec<SkippedScenario>,
    token: &Token,
) -> Result<TournamentReport, AppError> {
    let mut out = Output::open(output, tournament, fresh)?;
    let from = out.resumed;
    token.start("negotiations", from, tournament.len());
    let start = Instant::now();
    let ran = token.run(|| {
        tournament.run(from, |rows| {
            out.write(rows)?;
            token.advance(rows.len() as u64);
            Ok::<_, AppError>(())
        })
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let summary = summary_of(&out.folder().join("rows.jsonl"))?;
    let report = report(tournament, &summary, skipped, ran, from, seconds, Some(out.folder()));
    let path = out.folder().join("summary.json");
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    std::fs::write(&path, json + "\n").map_err(AppError::io("write", &path))?;
    Ok(report)
}

/// Runs a tournament in memory (no files): the rows go to `sink` batch by batch.
///
/// # Errors
///
/// [`AppError::Cancelled`] when `token` stops it.
pub fn run_in_memory(
    tournament: &Tournament,
    token: &Token,
    mut sink: impl FnMut(&[impasse_negotiate::tournament::Row]),
) -> Result<TournamentReport, AppError> {
    token.start("negotiations", 0, tournament.len());
    let start = Instant::now();
    let mut summary = Summary::default();
    let ran = token.run(|| {
        tournament.run(0, |rows| {
            for row in rows {
                summary.add(row);
            }
            sink(rows);
            token.advance(rows.len() as u64);
            Ok::<_, AppError>(())
        })
    })?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(report(tournament, &summary, Vec::new(), ran, 0, seconds, None))
}

/// The report of a tournament from its rows' summary.
pub fn report(
    tournament: &Tournament,
    summary: &Summary,
    skipped: Vec<SkippedScenario>,
    ran: u64,
    resumed: u64,
    seconds: f64,
    output: Option<&Path>,
) -> TournamentReport {
    TournamentReport {
        format_version: impasse_report::FORMAT_VERSION,
        negotiations: summary.negotiations,
        agreements: summary.agreements,
        scenarios: tournament.entries.iter().map(|e| e.name.clone()).collect(),
        skipped,
        standings: summary.standings(),
        run: RunReport { negotiations: ran, resumed, seconds },
        output: output.map(|p| p.display().to_string()),
    }
}
