//! The built-in agents and the registry that names them.

mod model;
mod random;
mod tft;
mod timebased;

use std::fmt;
use std::str::FromStr;

pub use model::{Estimating, FrequencyModel, HardHeaded, RedLineHolder};
pub use random::RandomAgent;
pub use tft::NaiveTitForTat;
pub use timebased::{TB_EPS, TimeBased};

use crate::agent::Agent;
use crate::setting::Setting;

/// A built-in agent, by name and parameters.
///
/// Names (case-insensitive): `boulware`, `linear`, `conceder`, `time-based:E` (any exponent E > 0),
/// `naive-tit-for-tat` (or `tft`), `hardheaded`, `random`, `red-line-holder` (optionally
/// `red-line-holder:E`), `opponent-model` and `nash`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum AgentSpec {
    /// NegMAS's time-based conceder with aspiration exponent `e` (Boulware 4, Linear 1, Conceder
    /// 0.25).
    TimeBased(f64),
    /// NegMAS's naive tit-for-tat.
    NaiveTitForTat,
    /// A HardHeaded-style agent.
    HardHeaded,
    /// Random offers, random acceptance of acceptable offers.
    Random,
    /// Concedes to its red lines and reservation value, never past them.
    RedLineHolder(f64),
    /// Frequency opponent model, offers near the estimated Nash point.
    OpponentModel,
    /// Offers the Nash solution of the estimated game.
    Nash,
}

/// What each built-in agent does, in [`AGENT_NAMES`] order (for listings).
pub const AGENT_DESCRIPTIONS: &[(&str, &str)] = &[
    ("boulware", "NegMAS time-based, aspiration 1 − t^4 (concedes late)"),
    ("linear", "NegMAS time-based, aspiration 1 − t"),
    ("conceder", "NegMAS time-based, aspiration 1 − t^0.25 (concedes early)"),
    ("time-based:E", "NegMAS time-based with any exponent E > 0"),
    ("naive-tit-for-tat", "NegMAS naive tit-for-tat (mirrors the partner's concession)"),
    ("hardheaded", "HardHeaded-style: concedes very late, frequency opponent model"),
    ("random", "random acceptable offers, accepts acceptable offers half the time"),
    ("red-line-holder", "concedes to its reservation value and red lines, never past them"),
    ("opponent-model", "frequency opponent model, offers near the estimated Nash point"),
    ("nash", "offers the Nash solution of the estimated game"),
];

/// The valid agent names, for error messages and help.
pub const AGENT_NAMES: &[&str] = &[
    "boulware",
    "linear",
    "conceder",
    "time-based:E",
    "naive-tit-for-tat",
    "hardheaded",
    "random",
    "red-line-holder",
    "opponent-model",
    "nash",
];

/// The built-in agents a full tournament uses (every named one).
pub const BUILT_IN: &[AgentSpec] = &[
    AgentSpec::TimeBased(4.0),
    AgentSpec::TimeBased(1.0),
    AgentSpec::TimeBased(0.25),
    AgentSpec::NaiveTitForTat,
    AgentSpec::HardHeaded,
    AgentSpec::Random,
    AgentSpec::RedLineHolder(1.0),
    AgentSpec::OpponentModel,
    AgentSpec::Nash,
];

impl AgentSpec {
    /// Builds the agent for party `me` of a setting; `seed` drives agents that draw random numbers.
    pub fn build<'a>(&self, setting: &'a Setting, me: usize, seed: u64) -> Box<dyn Agent + 'a> {
        let profile: &'a crate::Profile = &setting.profiles()[me];
        match *self {
            AgentSpec::TimeBased(e) => Box::new(TimeBased::new(profile, e)),
            AgentSpec::NaiveTitForTat => Box::new(NaiveTitForTat::new(profile)),
            AgentSpec::HardHeaded => Box::new(HardHeaded::new(setting, me)),
            AgentSpec::Random => Box::new(RandomAgent::new(profile, seed)),
            AgentSpec::RedLineHolder(e) => Box::new(RedLineHolder::new(setting, me, e)),
            AgentSpec::OpponentModel => Box::new(Estimating::opponent_model(setting, me, 2.0)),
            AgentSpec::Nash => Box::new(Estimating::nash(setting, me, 3.0)),
        }
    }

    /// Whether the agent draws random numbers (its runs differ between repetitions).
    pub fn is_stochastic(&self) -> bool {
        matches!(self, AgentSpec::Random)
    }
}

impl fmt::Display for AgentSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AgentSpec::TimeBased(4.0) => f.write_str("boulware"),
            AgentSpec::TimeBased(1.0) => f.write_str("linear"),
            AgentSpec::TimeBased(0.25) => f.write_str("conceder"),
            AgentSpec::TimeBased(e) => write!(f, "time-based:{e}"),
            AgentSpec::NaiveTitForTat => f.write_str("naive-tit-for-tat"),
            AgentSpec::HardHeaded => f.write_str("hardheaded"),
            AgentSpec::Random => f.write_str("random"),
            AgentSpec::RedLineHolder(1.0) => f.write_str("red-line-holder"),
            AgentSpec::RedLineHolder(e) => write!(f, "red-line-holder:{e}"),
            AgentSpec::OpponentModel => f.write_str("opponent-model"),
            AgentSpec::Nash => f.write_str("nash"),
        }
    }
}

/// Makes agents for a negotiation: the built-in agents ([`AgentSpec`]) and agents written
/// elsewhere (the Python package's agents) alike, so tournaments and front ends take both.
pub trait AgentFactory: Send + Sync + fmt::Debug {
    /// The agent's name, as rows and standings show it.
    fn name(&self) -> String;

    /// Builds the agent for party `me` of a setting; `seed` drives agents that draw random
    /// numbers.
    fn build<'a>(&self, setting: &'a Setting, me: usize, seed: u64) -> Box<dyn Agent + 'a>;
}

impl AgentFactory for AgentSpec {
    fn name(&self) -> String {
        self.to_string()
    }

    fn build<'a>(&self, setting: &'a Setting, me: usize, seed: u64) -> Box<dyn Agent + 'a> {
        AgentSpec::build(self, setting, me, seed)
    }
}

/// An agent name that is not valid.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("unknown agent '{name}'{detail}; valid agents: {}", AGENT_NAMES.join(", "))]
pub struct UnknownAgent {
    /// What was asked for.
    pub name: String,
    /// More about what is wrong, if anything.
    pub detail: String,
}

impl FromStr for AgentSpec {
    type Err = UnknownAgent;

    fn from_str(text: &str) -> Result<AgentSpec, UnknownAgent> {
        let lower = text.trim().to_ascii_lowercase();
        let (name, param) = match lower.split_once(':') {
            Some((name, param)) => (name, Some(param)),
            None => (lower.as_str(), None),
        };
        let exponent = |default: Option<f64>| -> Result<f64, UnknownAgent> {
            let bad = |detail: String| UnknownAgent { name: text.to_owned(), detail };
            match (param, default) {
                (None, Some(e)) => Ok(e),
                (None, None) => {
                    Err(bad(" (time-based needs an exponent, e.g. time-based:2)".into()))
                }
                (Some(p), _) => match p.parse::<f64>() {
                    Ok(e) if e > 0.0 && e.is_finite() => Ok(e),
                    _ => Err(bad(format!(" (the exponent '{p}' must be a positive number)"))),
                },
            }
        };
        let no_param = |spec: AgentSpec| match param {
            None => Ok(spec),
            Some(p) => Err(UnknownAgent {
                name: text.to_owned(),
                detail: format!(" ('{name}' takes no parameter, got '{p}')"),
            }),
        };
        match name.replace('_', "-").as_str() {
            "boulware" => no_param(AgentSpec::TimeBased(4.0)),
            "linear" => no_param(AgentSpec::TimeBased(1.0)),
            "conceder" => no_param(AgentSpec::TimeBased(0.25)),
            "time-based" | "timebased" => Ok(AgentSpec::TimeBased(exponent(None)?)),
            "naive-tit-for-tat" | "naivetitfortat" | "tit-for-tat" | "tft" => {
                no_param(AgentSpec::NaiveTitForTat)
            }
            "hardheaded" | "hard-headed" => no_param(AgentSpec::HardHeaded),
            "random" => no_param(AgentSpec::Random),
            "red-line-holder" | "redline" | "red-line" => {
                Ok(AgentSpec::RedLineHolder(exponent(Some(1.0))?))
            }
            "opponent-model" | "opponent" => no_param(AgentSpec::OpponentModel),
            "nash" => no_param(AgentSpec::Nash),
            _ => Err(UnknownAgent { name: text.to_owned(), detail: String::new() }),
        }
    }
}
