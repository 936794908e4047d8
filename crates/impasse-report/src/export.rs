//! The report of an export (`impasse export`, `GET /api/scenarios/{name}/export`,
//! `impasse.export`).

use schemars::JsonSchema;
use serde::Serialize;

use crate::OrderedMap;

/// The files an export produced, and what it could not express.
#[derive(Clone, PartialEq, Debug, Serialize, JsonSchema)]
pub struct ExportReport {
    /// Schema version ([`crate::FORMAT_VERSION`]).
    pub format_version: u32,
    /// The scenario's name.
    pub name: String,
    /// The target format: `genius` or `native`.
    pub format: &'static str,
    /// File name → its text, in writing order.
    pub files: OrderedMap<String>,
    /// What the target format cannot express and was left out.
    pub dropped: Vec<String>,
    /// How the scenario was mapped (rescalings and the like).
    pub notes: Vec<String>,
}
