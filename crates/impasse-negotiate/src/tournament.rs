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
        let agents: Vec<String> = self.agents.iter().map(|a| a.name()).collect();
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
