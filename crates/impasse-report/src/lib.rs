//! Analysis reports: the versioned JSON schema and the text report; the JSON of a dynamics
//! assessment ([`dynamics`]).
//!
//! [`AnalysisReport`] is the serializable counterpart of [`impasse_analysis::Analysis`]: it names
//! parties, issues and constraints by their identifiers instead of indices, so it can leave the
//! process. Its schema is documented in `docs/report-format.md`; [`FORMAT_VERSION`] changes when a
//! field changes meaning or disappears (adding fields does not change it).
//!
//! ```no_run
//! # fn demo(scenario: &impasse_core::Scenario, analysis: &impasse_analysis::Analysis) {
//! let report = impasse_report::AnalysisReport::new(scenario, analysis);
//! let json = serde_json::to_string_pretty(&report).unwrap();
//! let text = impasse_report::render_text(&report);
//! # }
//! ```

pub mod check;
pub mod dynamics;
pub mod export;
mod model;
pub mod negotiation;
mod ripeness;
pub mod robustness;
pub mod safe;
pub mod schema;
mod text;
pub mod tournament;
pub mod view;

pub use check::CheckReport;
pub use dynamics::DynamicsReport;
pub use export::ExportReport;
pub use model::*;
pub use negotiation::{NegotiationReport, csv_field};
pub use ripeness::RipenessReport;
pub use robustness::RobustnessReport;
pub use text::render_text;
pub use tournament::TournamentReport;

/// The version of the JSON report schema.
pub const FORMAT_VERSION: u32 = 1;
