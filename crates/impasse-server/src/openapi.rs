//! The OpenAPI 3.1 document of the API, generated once per process: the paths, parameters,
//! request bodies and the error body come from `assets/openapi-paths.json`; every JSON success
//! answer's schema is generated from the Rust type the route sends (`schemars`, through
//! [`impasse_report::schema`] for the reports), so the document cannot drift from what the routes
//! send.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde_json::Value;

use crate::bodies::{
    Agents, Deleted, ExportBody, Health, JobList, ScenarioBody, ScenarioList, ScenarioSummary,
};
use crate::jobs::JobReport;

/// The hand-written part: paths, parameters, request bodies, error and small shapes.
const PATHS: &str = include_str!("../assets/openapi-paths.json");

/// The response schemas generated from the types: method, path, status, and the type.
fn typed(
    generator: &mut schemars::SchemaGenerator,
) -> Vec<(&'static str, &'static str, &'static str, Value)> {
    fn schema<T: JsonSchema>(generator: &mut schemars::SchemaGenerator) -> Value {
        generator.subschema_for::<T>().to_value()
    }
    vec![
        (
            "get",
            "/api/scenarios/{name}/analysis",
            "200",
            schema::<impasse_report::view::AnalysisView>(generator),
        ),
        (
            "post",
            "/api/scenarios/{name}/negotiate",
            "200",
            schema::<impasse_report::NegotiationReport>(generator),
        ),
        (
            "post",
            "/api/scenarios/{name}/dynamics",
            "200",
            schema::<impasse_report::DynamicsReport>(generator),
        ),
        ("post", "/api/check", "200", schema::<impasse_report::CheckReport>(generator)),
        ("get", "/api/health", "200", schema::<Health>(generator)),
        ("get", "/api/agents", "200", schema::<Agents>(generator)),
        ("get", "/api/scenarios", "200", schema::<ScenarioList>(generator)),
        ("post", "/api/scenarios", "201", schema::<ScenarioSummary>(generator)),
        ("get", "/api/scenarios/{name}", "200", schema::<ScenarioBody>(generator)),
        ("put", "/api/scenarios/{name}", "200", schema::<ScenarioSummary>(generator)),
        ("put", "/api/scenarios/{name}", "201", schema::<ScenarioSummary>(generator)),
        ("delete", "/api/scenarios/{name}", "200", schema::<Deleted>(generator)),
        ("post", "/api/scenarios/{name}/duplicate", "201", schema::<ScenarioSummary>(generator)),
        ("post", "/api/import", "201", schema::<ScenarioSummary>(generator)),
        ("get", "/api/jobs", "200", schema::<JobList>(generator)),
        ("get", "/api/scenarios/{name}/export", "200", schema::<ExportBody>(generator)),
        ("post", "/api/tournaments", "202", schema::<JobReport>(generator)),
        ("get", "/api/jobs/{id}", "200", schema::<JobReport>(generator)),
        ("delete", "/api/jobs/{id}", "200", schema::<JobReport>(generator)),
    ]
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema 2020-12 (OpenAPI 3.1) writes it.
fn nullable_to_type_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true))
                && let Some(Value::String(t)) = map.get("type").cloned()
            {
                map.insert("type".into(), serde_json::json!([t, "null"]));
            }
            map.values_mut().for_each(nullable_to_type_arrays);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_to_type_arrays),
        _ => {}
    }
}

/// Builds the document.
pub(crate) fn build() -> Value {
    let mut doc: Value = serde_json::from_str(PATHS).expect("assets/openapi-paths.json is JSON");
    nullable_to_type_arrays(&mut doc);
    doc["openapi"] = Value::from("3.1.0");
    doc["jsonSchemaDialect"] = Value::from("https://json-schema.org/draft/2020-12/schema");
    let mut generator = impasse_report::schema::openapi_generator();
    for (method, path, status, schema) in typed(&mut generator) {
        let response = &mut doc["paths"][path][method]["responses"][status];
        assert!(response.is_object(), "{method} {path} {status} is not in openapi-paths.json");
        response["content"]["application/json"]["schema"] = schema;
    }
    let schemas = &mut doc["components"]["schemas"];
    for (name, schema) in generator.take_definitions(true) {
        assert!(schemas.get(&name).is_none(), "component {name} is both written and generated");
        schemas[name] = schema;
    }
    doc
}

/// The document, as served.
pub(crate) fn document_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| serde_json::to_string_pretty(&build()).unwrap_or_default())
}

/// `GET /api/openapi.json`.
pub(crate) async fn document() -> Response {
    let mut response = document_text().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
