//! The JSON Schemas of the reports, generated from the types (`schemars`): the files in
//! `docs/schema/` and the OpenAPI document's components are both made here, so neither can drift
//! from what the programs print.

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings};

use crate::{
    AnalysisReport, CheckReport, DynamicsReport, ExportReport, NegotiationReport, RobustnessReport,
    TournamentReport,
};

/// Every report: its file stem in `docs/schema/` (`<stem>.schema.json`) and its schema (JSON
/// Schema 2020-12, self-contained with `$defs`).
pub fn schemas() -> Vec<(&'static str, Schema)> {
    vec![
        ("analysis", schemars::schema_for!(AnalysisReport)),
        ("negotiation", schemars::schema_for!(NegotiationReport)),
        ("dynamics", schemars::schema_for!(DynamicsReport)),
        ("tournament", schemars::schema_for!(TournamentReport)),
        ("tournament-row", schemars::schema_for!(impasse_negotiate::tournament::Row)),
        ("check", schemars::schema_for!(CheckReport)),
        ("export", schemars::schema_for!(ExportReport)),
        ("robustness", schemars::schema_for!(RobustnessReport)),
    ]
}

/// A generator whose references point into an OpenAPI 3.1 document's `components/schemas`.
pub fn openapi_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "#/components/schemas/".into())
        .into_generator()
}

/// The schema of `T` as a reference into `generator`'s definitions (added as needed).
pub fn reference<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// Every report registered in `generator` (for the OpenAPI document): name and reference.
pub fn report_references(generator: &mut SchemaGenerator) -> Vec<(&'static str, Schema)> {
    vec![
        ("analysis", reference::<AnalysisReport>(generator)),
        ("negotiation", reference::<NegotiationReport>(generator)),
        ("dynamics", reference::<DynamicsReport>(generator)),
        ("tournament", reference::<TournamentReport>(generator)),
        ("tournament-row", reference::<impasse_negotiate::tournament::Row>(generator)),
        ("check", reference::<CheckReport>(generator)),
        ("export", reference::<ExportReport>(generator)),
    ]
}
