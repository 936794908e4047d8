//! Tournaments: agents × scenarios × repetitions × role assignments, in parallel, streamed to disk.
//!
//! Every negotiation has a fixed index in the tournament (scenario, then role assignment, then
//! repetition) and a seed derived from the tournament seed and that index, so results do not
//! depend on the number of threads. Rows are written in index order, in batches, to `rows.csv` and
//! `rows.jsonl` in the output folder; memory is bounded by the batch size whatever the tournament's
//! size. A tournament interrupted midway resumes where its files end (a partly written last row is
//! dropped) when run again with the same configuration.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::NegotiateError;
use crate::agents::{AgentSpec, BUILT_IN};
use crate::mediated::{MediatedConfig, run_mediated};
use crate::result::{Metrics, NegotiationResult, Reference};
use crate::sao::{SaoConfig, run_sao};
use crate::setting::Setting;

/// The most role assignments per scenario (agents^parties).
pub const MAX_ASSIGNMENTS: u64 = 1_000_000;
/// Negotiations run between two writes to disk.
const BATCH: u64 = 8192;

/// Which protocol a tournament uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Stacked alternating offers.
    #[default]
    Sao,
    /// Single-text mediated.
    Mediated,
}

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
    /// Agent names (see [`crate::AGENT_NAMES`]); `"all"` stands for every built-in agent.
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
    /// A [`NegotiateError::Config`] naming the file, line and column and what was expected, or an
    /// unknown agent listing the valid ones.
    pub fn parse(text: &str, file: &str) -> Result<TournamentConfig, NegotiateError> {
        let config: TournamentConfig = toml::from_str(text).map_err(|err| {
            let (line, column) =
                err.span().map(|span| line_col(text, span.start)).unwrap_or((0, 0));
            NegotiateError::Config(format!(
                "{file}:{line}:{column}: {}; expected keys: scenarios, agents, repetitions, steps, \
                 seed, output, protocol, genius_semantics",
                err.message()
            ))
        })?;
        config.specs()?;
        if config.scenarios.is_empty() {
            return Err(NegotiateError::Config(format!("{file}: `scenarios` is empty")));
        }
        if config.repetitions == 0 || config.steps == 0 {
            return Err(NegotiateError::Config(format!(
                "{file}: `repetitions` and `steps` must be at least 1"
            )));
        }
        Ok(config)
    }

    /// The agents, with `all` expanded.
    ///
    /// # Errors
    ///
    /// An unknown agent name, or no agents.
    pub fn specs(&self) -> Result<Vec<AgentSpec>, NegotiateError> {
        let mut specs = Vec::new();
        for name in &self.agents {
            if name.eq_ignore_ascii_case("all") {
                specs.extend_from_slice(BUILT_IN);
            } else {
                specs.push(name.parse::<AgentSpec>()?);
            }
        }
        if specs.is_empty() {
            return Err(NegotiateError::Config(format!(
                "`agents` is empty; valid agents: all, {}",
                crate::AGENT_NAMES.join(", ")
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

/// A scenario entered in a tournament.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Display name (unique within the tournament).
    pub name: String,
    /// The prepared scenario.
    pub setting: Arc<Setting>,
    /// Its reference points.
    pub reference: Arc<Reference>,
}

impl Entry {
    /// Prepares an entry (computes the reference points).
    pub fn new(name: String, setting: Arc<Setting>) -> Entry {
        let reference = Arc::new(Reference::new(&setting));
        Entry { name, setting, reference }
    }
}

/// A tournament ready to run.
#[derive(Clone, Debug)]
pub struct Tournament {
    /// The scenarios.
    pub entries: Vec<Entry>,
    /// The agents.
    pub agents: Vec<AgentSpec>,
    /// Repetitions of each negotiation.
    pub repetitions: u32,
    /// Step deadline.
    pub steps: u32,
    /// Seed.
    pub seed: u64,
    /// Protocol.
    pub protocol: Protocol,
    /// Per entry, the index of its first negotiation and its number of role assignments.
    offsets: Vec<(u64, u64)>,
    total: u64,
}

/// One negotiation's row.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Row {
    /// Index in the tournament.
    pub id: u64,
    /// Scenario name.
    pub scenario: String,
    /// Repetition (0-based).
    pub repetition: u32,
    /// The agent playing each party, in party order.
    pub agents: Vec<String>,
    /// How it ended.
    pub end: String,
    /// Whether it ended in agreement.
    pub agreement: bool,
    /// The agreed outcome's index, if any.
    pub outcome: Option<u32>,
    /// Steps (NegMAS's `state.step`).
    pub steps: u32,
    /// Per party, the utility obtained.
    pub utilities: Vec<f64>,
    /// Sum of utilities.
    pub welfare: f64,
    /// Distance to the Pareto frontier.
    pub pareto_distance: f64,
    /// Distance to the Nash point.
    pub nash_distance: Option<f64>,
}

impl Row {
    const CSV_HEADER: &'static str = "id,scenario,repetition,agents,end,agreement,outcome,steps,\
                                      utilities,welfare,pareto_distance,nash_distance";

    fn csv(&self, out: &mut String) {
        let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        let utilities: Vec<String> = self.utilities.iter().map(|u| format!("{u}")).collect();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            self.id,
            csv_field(&self.scenario),
            self.repetition,
            csv_field(&self.agents.join(";")),
            self.end,
            self.agreement,
            self.outcome.map_or(String::new(), |o| o.to_string()),
            self.steps,
            utilities.join(";"),
            self.welfare,
            self.pareto_distance,
            opt(self.nash_distance),
        );
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// SplitMix64: the seed of negotiation `id` of a tournament seeded `seed`.
pub fn negotiation_seed(seed: u64, id: u64) -> u64 {
    let mut z = seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x6A09_E667_F3BC_C909);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Tournament {
    /// A tournament over the given scenarios and agents.
    ///
    /// # Errors
    ///
    /// When a scenario has too many role assignments (agents^parties above [`MAX_ASSIGNMENTS`]).
    pub fn new(
        entries: Vec<Entry>,
        agents: Vec<AgentSpec>,
        repetitions: u32,
        steps: u32,
        seed: u64,
        protocol: Protocol,
    ) -> Result<Tournament, NegotiateError> {
        let mut offsets = Vec::with_capacity(entries.len());
        let mut total = 0u64;
        for entry in &entries {
            let parties = entry.setting.parties().len() as u32;
            let assignments = (agents.len() as u64).checked_pow(parties).unwrap_or(u64::MAX);
            if assignments > MAX_ASSIGNMENTS {
                return Err(NegotiateError::Config(format!(
                    "scenario '{}' has {parties} parties: {} agents give {assignments} role \
                     assignments, above the limit of {MAX_ASSIGNMENTS}; use fewer agents",
                    entry.name,
                    agents.len()
                )));
            }
            offsets.push((total, assignments));
            total += assignments * u64::from(repetitions);
        }
        Ok(Tournament { entries, agents, repetitions, steps, seed, protocol, offsets, total })
    }

    /// The number of negotiations.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// A fingerprint of everything that determines the rows (for resuming safely).
    pub fn fingerprint(&self) -> String {
        let scenarios: Vec<String> =
            self.entries.iter().map(|e| format!("{}:{}", e.name, e.setting.n_outcomes())).collect();
        let agents: Vec<String> = self.agents.iter().map(ToString::to_string).collect();
        format!(
            "v1|{}|{}|{}|{}|{}|{:?}",
            scenarios.join(","),
            agents.join(","),
            self.repetitions,
            self.steps,
            self.seed,
            self.protocol
        )
    }

    /// Runs negotiation `id`.
    pub fn run_one(&self, id: u64) -> Row {
        let entry_idx = self.offsets.partition_point(|&(start, _)| start <= id) - 1;
        let (start, assignments) = self.offsets[entry_idx];
        let local = id - start;
        let assignment = local / u64::from(self.repetitions);
        let repetition = (local % u64::from(self.repetitions)) as u32;
        let entry = &self.entries[entry_idx];
        let parties = entry.setting.parties().len();
        debug_assert!(assignment < assignments);
        let mut roles = Vec::with_capacity(parties);
        let mut rest = assignment;
        for _ in 0..parties {
            roles.push(self.agents[(rest % self.agents.len() as u64) as usize]);
            rest /= self.agents.len() as u64;
        }
        roles.reverse();
        let seed = negotiation_seed(self.seed, id);
        let mut agents: Vec<_> = roles
            .iter()
            .enumerate()
            .map(|(me, spec)| spec.build(&entry.setting, me, negotiation_seed(seed, me as u64)))
            .collect();
        let result = match self.protocol {
            Protocol::Sao => {
                let config = SaoConfig {
                    n_steps: Some(self.steps),
                    record_trace: false,
                    ..SaoConfig::default()
                };
                run_sao(&entry.setting, &mut agents, &config)
            }
            Protocol::Mediated => {
                let config = MediatedConfig { n_steps: self.steps, seed, record_trace: false };
                run_mediated(&entry.setting, &mut agents, &config)
            }
        };
        row(id, entry, repetition, &roles, &result)
    }

    /// Runs the negotiations `from..` in parallel, in batches, handing each batch's rows, in index
    /// order, to `sink`; returns the number of negotiations run. The rows do not depend on the
    /// number of threads.
    ///
    /// # Errors
    ///
    /// The first error `sink` returns.
    pub fn run<E>(
        &self,
        from: u64,
        mut sink: impl FnMut(&[Row]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let mut next = from;
        while next < self.total {
            let end = (next + BATCH).min(self.total);
            let rows: Vec<Row> = (next..end).into_par_iter().map(|id| self.run_one(id)).collect();
            sink(&rows)?;
            next = end;
        }
        Ok(self.total.saturating_sub(from))
    }
}

fn row(
    id: u64,
    entry: &Entry,
    repetition: u32,
    roles: &[AgentSpec],
    result: &NegotiationResult,
) -> Row {
    let metrics = Metrics::new(result, &entry.reference);
    Row {
        id,
        scenario: entry.name.clone(),
        repetition,
        agents: roles.iter().map(ToString::to_string).collect(),
        end: result.end.label().to_owned(),
        agreement: result.agreement.is_some(),
        outcome: result.agreement,
        steps: result.steps,
        utilities: result.utilities.clone(),
        welfare: metrics.welfare,
        pareto_distance: metrics.pareto_distance,
        nash_distance: metrics.nash_distance,
    }
}

/// The files of a tournament's output folder.
#[derive(Debug)]
pub struct Output {
    folder: PathBuf,
    csv: BufWriter<File>,
    jsonl: BufWriter<File>,
    /// Rows already present when the output was opened (resumed).
    pub resumed: u64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NegotiateError + '_ {
    move |source| NegotiateError::Io { path: path.display().to_string(), source }
}

/// Counts the complete lines of a file and truncates a partly written last line.
fn complete_lines(path: &Path) -> Result<u64, NegotiateError> {
    if !path.exists() {
        return Ok(0);
    }
    let file = File::open(path).map_err(io(path))?;
    let mut reader = BufReader::new(file);
    let mut lines = 0u64;
    let mut good = 0u64;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io(path))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break;
        }
        lines += 1;
        good += n as u64;
    }
    let file = OpenOptions::new().write(true).open(path).map_err(io(path))?;
    file.set_len(good).map_err(io(path))?;
    Ok(lines)
}

/// Keeps the first `lines` lines of a file.
fn truncate_lines(path: &Path, lines: u64) -> Result<(), NegotiateError> {
    let file = File::open(path).map_err(io(path))?;
    let mut reader = BufReader::new(file);
    let mut kept = 0u64;
    let mut bytes = 0u64;
    let mut buf = Vec::new();
    while kept < lines {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        kept += 1;
        bytes += n as u64;
    }
    let file = OpenOptions::new().write(true).open(path).map_err(io(path))?;
    file.set_len(bytes).map_err(io(path))
}

impl Output {
    /// Opens (or creates) an output folder for a tournament. When it holds rows of the same
    /// tournament (same fingerprint), they are kept and counted in [`Output::resumed`]; rows of a
    /// different tournament are an error unless `fresh` is set, which starts over.
    ///
    /// # Errors
    ///
    /// File errors, or a folder holding another tournament.
    pub fn open(
        folder: &Path,
        tournament: &Tournament,
        fresh: bool,
    ) -> Result<Output, NegotiateError> {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        let manifest = folder.join("manifest.json");
        let csv_path = folder.join("rows.csv");
        let jsonl_path = folder.join("rows.jsonl");
        let fingerprint = tournament.fingerprint();
        let mut resumed = 0;
        if manifest.exists() && !fresh {
            let text = std::fs::read_to_string(&manifest).map_err(io(&manifest))?;
            let old: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if old["fingerprint"].as_str() != Some(fingerprint.as_str()) {
                return Err(NegotiateError::Config(format!(
                    "{} holds the rows of a different tournament; choose another output folder or \
                     start over with --fresh",
                    folder.display()
                )));
            }
            let csv_rows = complete_lines(&csv_path)?.saturating_sub(1);
            let jsonl_rows = complete_lines(&jsonl_path)?;
            resumed = csv_rows.min(jsonl_rows).min(tournament.len());
            truncate_lines(&csv_path, resumed + 1)?;
            truncate_lines(&jsonl_path, resumed)?;
        } else {
            let manifest_json = serde_json::json!({
                "fingerprint": fingerprint,
                "negotiations": tournament.len(),
                "format": 1,
            });
            std::fs::write(&manifest, format!("{manifest_json:#}\n")).map_err(io(&manifest))?;
            std::fs::write(&csv_path, format!("{}\n", Row::CSV_HEADER)).map_err(io(&csv_path))?;
            std::fs::write(&jsonl_path, "").map_err(io(&jsonl_path))?;
        }
        let append = |path: &Path| -> Result<BufWriter<File>, NegotiateError> {
            Ok(BufWriter::new(OpenOptions::new().append(true).open(path).map_err(io(path))?))
        };
        Ok(Output {
            csv: append(&csv_path)?,
            jsonl: append(&jsonl_path)?,
            folder: folder.to_owned(),
            resumed,
        })
    }

    /// Appends rows to both files and flushes them.
    ///
    /// # Errors
    ///
    /// File errors.
    pub fn write(&mut self, rows: &[Row]) -> Result<(), NegotiateError> {
        let mut csv = String::new();
        let mut jsonl = String::new();
        for row in rows {
            row.csv(&mut csv);
            jsonl.push_str(&serde_json::to_string(row).unwrap_or_default());
            jsonl.push('\n');
        }
        let csv_path = self.folder.join("rows.csv");
        let jsonl_path = self.folder.join("rows.jsonl");
        // JSON Lines first: on a crash the CSV is never ahead of it.
        self.jsonl.write_all(jsonl.as_bytes()).map_err(io(&jsonl_path))?;
        self.jsonl.flush().map_err(io(&jsonl_path))?;
        self.csv.write_all(csv.as_bytes()).map_err(io(&csv_path))?;
        self.csv.flush().map_err(io(&csv_path))
    }

    /// The folder.
    pub fn folder(&self) -> &Path {
        &self.folder
    }
}

/// One agent's standing in a tournament.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Standing {
    /// Rank (1 = best mean utility).
    pub rank: usize,
    /// Agent name.
    pub agent: String,
    /// Negotiations played (one per role taken).
    pub negotiations: u64,
    /// Mean utility obtained.
    pub mean_utility: f64,
    /// Share of negotiations ending in agreement.
    pub agreement_rate: f64,
    /// Mean welfare of its negotiations.
    pub mean_welfare: f64,
    /// Mean distance to the Pareto frontier.
    pub mean_pareto_distance: f64,
    /// Mean distance to the Nash point (over negotiations that have one).
    pub mean_nash_distance: Option<f64>,
}

/// Aggregates rows into standings, ranked by mean utility (then agreement rate, then name).
#[derive(Clone, Debug, Default)]
pub struct Summary {
    stats: std::collections::BTreeMap<String, [f64; 7]>,
    /// Negotiations seen.
    pub negotiations: u64,
    /// Of which ended in agreement.
    pub agreements: u64,
}

impl Summary {
    /// Adds one negotiation.
    pub fn add(&mut self, row: &Row) {
        self.negotiations += 1;
        self.agreements += u64::from(row.agreement);
        for (agent, &utility) in row.agents.iter().zip(&row.utilities) {
            let s = self.stats.entry(agent.clone()).or_insert([0.0; 7]);
            s[0] += 1.0;
            s[1] += utility;
            s[2] += f64::from(u8::from(row.agreement));
            s[3] += row.welfare;
            s[4] += row.pareto_distance;
            if let Some(d) = row.nash_distance {
                s[5] += d;
                s[6] += 1.0;
            }
        }
    }

    /// Reads every row of a `rows.jsonl` file, streaming.
    ///
    /// # Errors
    ///
    /// File errors or a malformed row.
    pub fn from_jsonl(path: &Path) -> Result<Summary, NegotiateError> {
        let file = File::open(path).map_err(io(path))?;
        let mut summary = Summary::default();
        for (k, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io(path))?;
            let row: Row = serde_json::from_str(&line).map_err(|err| {
                NegotiateError::Config(format!(
                    "{}:{}: malformed row: {err}",
                    path.display(),
                    k + 1
                ))
            })?;
            summary.add(&row);
        }
        Ok(summary)
    }

    /// The standings, best first.
    pub fn standings(&self) -> Vec<Standing> {
        let mut standings: Vec<Standing> = self
            .stats
            .iter()
            .map(|(agent, s)| Standing {
                rank: 0,
                agent: agent.clone(),
                negotiations: s[0] as u64,
                mean_utility: s[1] / s[0],
                agreement_rate: s[2] / s[0],
                mean_welfare: s[3] / s[0],
                mean_pareto_distance: s[4] / s[0],
                mean_nash_distance: (s[6] > 0.0).then(|| s[5] / s[6]),
            })
            .collect();
        standings.sort_by(|a, b| {
            b.mean_utility
                .total_cmp(&a.mean_utility)
                .then(b.agreement_rate.total_cmp(&a.agreement_rate))
                .then(a.agent.cmp(&b.agent))
        });
        for (k, s) in standings.iter_mut().enumerate() {
            s.rank = k + 1;
        }
        standings
    }

    /// The ranking as a text table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:>4}  {:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "rank", "agent", "negs", "utility", "agree", "welfare", "d_pareto", "d_nash"
        );
        for s in self.standings() {
            let _ = writeln!(
                out,
                "{:>4}  {:<20} {:>9} {:>9.4} {:>9.3} {:>9.4} {:>9.4} {:>9}",
                s.rank,
                s.agent,
                s.negotiations,
                s.mean_utility,
                s.agreement_rate,
                s.mean_welfare,
                s.mean_pareto_distance,
                s.mean_nash_distance.map_or("-".into(), |d| format!("{d:.4}")),
            );
        }
        out
    }
}
