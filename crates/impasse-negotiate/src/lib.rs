//! Automated negotiation for impasse: protocols, agents, traces, metrics and tournaments.
//!
//! - [`Setting`]: a scenario prepared for negotiation (every party's utility of every outcome,
//!   sorted once and shared by all negotiations on it).
//! - [`Agent`]: the strategy interface; [`AgentSpec`] names the built-in agents — NegMAS's
//!   time-based family and naive tit-for-tat reproduced offer for offer, and HardHeaded-style,
//!   random, red-line holder, opponent-modelling and analysis-backed (Nash) agents.
//! - [`run_sao`]: the stacked alternating offers protocol (bilateral and multilateral) with
//!   NegMAS's timing; [`run_mediated`]: a single-text mediated protocol.
//! - [`NegotiationResult`], [`Reference`] and [`Metrics`]: agreement, trace, utilities, welfare and
//!   distances to the Pareto frontier and the Nash point.
//! - [`tournament`]: agents × scenarios × repetitions × role rotations in parallel, streamed to CSV
//!   in a fixed order whatever the thread count, with a ranking (the files and resuming live in
//!   `impasse-app`, the layer that owns IO).

pub mod agent;
pub mod agents;
mod mediated;
mod result;
mod sao;
mod setting;
pub mod tournament;

pub use agent::{Agent, Response, State};
pub use agents::{
    AGENT_DESCRIPTIONS, AGENT_NAMES, AgentFactory, AgentSpec, BUILT_IN, UnknownAgent,
};
pub use mediated::{MediatedConfig, run_mediated};
pub use result::{EndReason, Metrics, NegotiationResult, Offer, Reference};
pub use sao::{Discounting, SaoConfig, relative_time, run_sao};
pub use setting::{MAX_NEGOTIATION_OUTCOMES, PartyInfo, Profile, Setting, Sorted};

/// Why a negotiation or tournament could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NegotiateError {
    /// The scenario cannot be negotiated over.
    #[error("{0}")]
    Setting(String),
    /// A bad agent name.
    #[error(transparent)]
    Agent(#[from] UnknownAgent),
    /// A bad tournament configuration.
    #[error("{0}")]
    Config(String),
    /// Reading or writing files.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
}
