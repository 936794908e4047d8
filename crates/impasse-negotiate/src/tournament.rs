//! Tournaments: agents × scenarios × repetitions × role assignments, in parallel.
//!
//! Every negotiation has a fixed index in the tournament (scenario, then role assignment, then
//! repetition) and a seed derived from the tournament seed and that index, so results do not
//! depend on the number of threads. [`Tournament::run`] hands the rows, in index order and in
//! batches, to a sink; memory is bounded by the batch size whatever the tournament's size. The
//! files (`rows.csv`, `rows.jsonl`, the manifest) and resuming are the application layer's
//! (`impasse-app`), which owns IO.

use std::sync::Arc;

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::NegotiateError;
use crate::agents::{AgentFactory, AgentSpec};
use crate::mediated::{MediatedConfig, run_mediated};
use crate::result::{Metrics, NegotiationResult, Reference};
use crate::sao::{SaoConfig, run_sao};
use crate::setting::Setting;

/// The most role assignments per scenario (agents^parties).
pub const MAX_ASSIGNMENTS: u64 = 1_000_000;
/// The most negotiations handed to the sink at once.
const BATCH: u64 = 8192;
/// A batch grows until it takes about this long.
const BATCH_TARGET: std::time::Duration = std::time::Duration::from_millis(200);

/// Which protocol a tournament uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Stacked alternating offers.
    #[default]
    Sao,
    /// Single-text mediated.
    Mediated,
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
    pub agents: Vec<Arc<dyn AgentFactory>>,
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
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, JsonSchema)]
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

/// The version of [`Fingerprint`] (and of the rows it vouches for).
pub const FINGERPRINT_VERSION: u32 = 2;

/// What determines a tournament's rows ([`Tournament::fingerprint`]), kept in its output folder's
/// manifest so a rerun resumes only the same tournament.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Fingerprint {
    /// [`FINGERPRINT_VERSION`].
    pub version: u32,
    /// The scenarios, in order.
    pub scenarios: Vec<ScenarioPrint>,
    /// The agents, as rows name them (with their parameters).
    pub agents: Vec<String>,
    /// Repetitions of each negotiation.
    pub repetitions: u32,
    /// The step deadline.
    pub steps: u32,
    /// The tournament seed.
    pub seed: u64,
    /// The protocol.
    pub protocol: Protocol,
}

/// One scenario's part of a [`Fingerprint`].
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ScenarioPrint {
    /// Its label in the rows.
    pub name: String,
    /// Its number of outcomes.
    pub outcomes: u32,
    /// FNV-1a (64-bit, hex) of every party's name, utility of every outcome (bits), reservation
    /// value and forbidden outcomes: stable across runs, platforms and versions of impasse.
    pub hash: String,
}

impl Fingerprint {
    /// What differs from `older`, in words (empty when nothing does).
    pub fn changes_from(&self, older: &Fingerprint) -> Vec<String> {
        let mut changes = Vec::new();
        if self.version != older.version {
            changes.push(format!(
                "the row format (version {} then, {} now)",
                older.version, self.version
            ));
        }
        let names =
            |f: &Fingerprint| f.scenarios.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        if names(self) != names(older) {
            changes.push(format!(
                "the scenarios ({} then, {} now)",
                names(older).join(", "),
                names(self).join(", ")
            ));
        } else {
            for (now, then) in self.scenarios.iter().zip(&older.scenarios) {
                if now != then {
                    changes.push(format!(
                        "scenario '{}' (its utilities, reservation values or red lines, or the way \
                         it is read)",
                        now.name
                    ));
                }
            }
        }
        if self.agents != older.agents {
            changes.push(format!(
                "the agents ({} then, {} now)",
                older.agents.join(", "),
                self.agents.join(", ")
            ));
        }
        for (what, then, now) in [
            ("repetitions", u64::from(older.repetitions), u64::from(self.repetitions)),
            ("steps", u64::from(older.steps), u64::from(self.steps)),
            ("seed", older.seed, self.seed),
        ] {
            if then != now {
                changes.push(format!("{what} ({then} then, {now} now)"));
            }
        }
        if self.protocol != older.protocol {
            changes
                .push(format!("the protocol ({:?} then, {:?} now)", older.protocol, self.protocol));
        }
        changes
    }
}

/// FNV-1a over a setting: party names, every utility (bits), reservation values, forbidden
/// outcomes.
fn setting_hash(setting: &Setting) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (party, profile) in setting.parties().iter().zip(setting.profiles()) {
        eat(party.id.as_bytes());
        eat(&[0xff]);
        eat(&profile.reserved().to_bits().to_le_bytes());
        for (o, u) in profile.utilities().iter().enumerate() {
            eat(&u.to_bits().to_le_bytes());
            eat(&[u8::from(profile.is_forbidden(o as u32))]);
        }
    }
    h
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
        let agents = agents.into_iter().map(|a| Arc::new(a) as Arc<dyn AgentFactory>).collect();
        Tournament::with_agents(entries, agents, repetitions, steps, seed, protocol)
    }

    /// A tournament over the given scenarios and agents of any kind (built-in or not).
    ///
    /// # Errors
    ///
    /// As [`Tournament::new`].
    pub fn with_agents(
        entries: Vec<Entry>,
        agents: Vec<Arc<dyn AgentFactory>>,
        repetitions: u32,
        steps: u32,
        seed: u64,
        protocol: Protocol,
    ) -> Result<Tournament, NegotiateError> {
        let mut offsets = Vec::with_capacity(entries.len());
        let mut total = 0u64;
        for entry in &entries {
            let parties = entry.setting.parties().len() as u32;
            let assignments = (agents.len() as u64).checked_pow(parties);
            let Some(assignments) = assignments.filter(|&n| n <= MAX_ASSIGNMENTS) else {
                // Said as a power: the count itself may not fit in 64 bits.
                return Err(NegotiateError::Config(format!(
                    "scenario '{}' has {parties} parties: {} agents give {}^{parties} role \
                     assignments (about 10^{:.0}), above the limit of {MAX_ASSIGNMENTS}; use \
                     fewer agents",
                    entry.name,
                    agents.len(),
                    agents.len(),
                    f64::from(parties) * (agents.len() as f64).log10()
                )));
            };
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

    /// A fingerprint of everything that determines the rows, for resuming safely: per scenario
    /// its label and a hash of every party's utility of every outcome, reservation value and
    /// forbidden outcomes (so a changed utility, reservation value, red line or reading semantics
    /// changes it), and the agents, repetitions, steps, seed, protocol and row format.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint {
            version: FINGERPRINT_VERSION,
            scenarios: self
                .entries
                .iter()
                .map(|e| ScenarioPrint {
                    name: e.name.clone(),
                    outcomes: e.setting.n_outcomes(),
                    hash: format!("{:016x}", setting_hash(&e.setting)),
                })
                .collect(),
            agents: self.agents.iter().map(|a| a.name()).collect(),
            repetitions: self.repetitions,
            steps: self.steps,
            seed: self.seed,
            protocol: self.protocol,
        }
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
            roles.push(&self.agents[(rest % self.agents.len() as u64) as usize]);
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
        // Batches start small and double while they take under BATCH_TARGET / 2, so a sink that
        // stops the run (cancellation) is asked often; the rows do not depend on the batching.
        let mut next = from;
        let mut batch = 16u64;
        while next < self.total {
            let end = (next + batch).min(self.total);
            let start = std::time::Instant::now();
            let rows: Vec<Row> = (next..end).into_par_iter().map(|id| self.run_one(id)).collect();
            if start.elapsed() < BATCH_TARGET / 2 {
                batch = (batch * 2).min(BATCH);
            }
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
    roles: &[&Arc<dyn AgentFactory>],
    result: &NegotiationResult,
) -> Row {
    let metrics = Metrics::new(result, &entry.reference);
    Row {
        id,
        scenario: entry.name.clone(),
        repetition,
        agents: roles.iter().map(|a| a.name()).collect(),
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

/// One agent's standing in a tournament.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, JsonSchema)]
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
}
