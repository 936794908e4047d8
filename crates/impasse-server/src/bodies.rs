//! The typed answers of the library's routes (the scenario list, one scenario, what a write did),
//! so the OpenAPI document describes them from the types, as it does the reports.

use impasse_report::check::{DiagnosticReport, ScenarioInfo};
use schemars::JsonSchema;
use serde::Serialize;

/// A scenario of the library, without its text.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "ScenarioSummary")]
pub(crate) struct ScenarioSummary {
    /// Its name (the key in the library).
    pub(crate) name: String,
    /// `example` (shipped with impasse) or `user` (stored in this library).
    pub(crate) source: &'static str,
    /// `toml`, `json`, `genius` or `geniusweb`.
    pub(crate) format: &'static str,
    /// When it was last written (Unix seconds; null for examples).
    pub(crate) updated: Option<i64>,
    /// The length of its text in bytes (in the list, for user scenarios).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bytes: Option<u64>,
    /// Whether a user scenario hides an example of the same name.
    pub(crate) shadows_example: bool,
    /// Whether the write created it (in the answer to `PUT` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) created: Option<bool>,
}

/// `GET /api/scenarios`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct ScenarioList {
    /// Examples and user scenarios, by name.
    pub(crate) scenarios: Vec<ScenarioSummary>,
}

/// `GET /api/scenarios/{name}`: the scenario, its text and whether it reads.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "Scenario")]
pub(crate) struct ScenarioBody {
    /// Where it comes from and when it was written.
    #[serde(flatten)]
    pub(crate) summary: ScenarioSummary,
    /// Whether it reads without error.
    pub(crate) valid: bool,
    /// Every problem, located in the stored text.
    pub(crate) errors: Vec<DiagnosticReport>,
    /// What was assumed while reading it.
    pub(crate) warnings: Vec<String>,
    /// What it holds (null when it does not read).
    pub(crate) info: Option<ScenarioInfo>,
    /// The stored text.
    pub(crate) text: String,
}

/// `DELETE /api/scenarios/{name}`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct Deleted {
    /// The scenario deleted.
    pub(crate) deleted: String,
    /// Whether an example of the same name shows again.
    pub(crate) example_restored: bool,
}

/// `GET /api/health`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct Health {
    /// `ok`.
    pub(crate) status: &'static str,
    /// The server's version.
    pub(crate) version: &'static str,
}

/// A built-in agent.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct AgentInfo {
    /// Its name, as requests give it.
    pub(crate) name: &'static str,
    /// What it does.
    pub(crate) description: &'static str,
}

/// `GET /api/agents`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct Agents {
    /// Every built-in agent.
    pub(crate) agents: Vec<AgentInfo>,
    /// The agents of a two-party negotiation given none.
    pub(crate) default_two_parties: [&'static str; 2],
    /// The agent of every party of a larger negotiation given none.
    pub(crate) default_more_parties: &'static str,
}

/// `GET /api/jobs`.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub(crate) struct JobList {
    /// Every job kept, running or finished.
    pub(crate) jobs: Vec<crate::jobs::JobReport>,
}

/// `GET /api/scenarios/{name}/export`: the stored text (`to=native`) or GENIUS files
/// (`to=genius`).
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ExportBody {
    /// The scenario's own text, as stored.
    Native {
        /// The scenario's name.
        name: String,
        /// `toml` or `json`.
        format: &'static str,
        /// The file name a download gets.
        filename: String,
        /// The text.
        text: String,
    },
    /// A GENIUS domain: file name → XML text, and what GENIUS cannot express.
    Genius {
        /// The scenario's name.
        name: String,
        /// File name → its text.
        files: std::collections::BTreeMap<String, String>,
        /// What GENIUS XML cannot express and was left out.
        dropped: Vec<String>,
        /// How the scenario was mapped.
        notes: Vec<String>,
    },
}
