//! The routes: the page, its assets, and the JSON API.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use impasse_core::Scenario;
use impasse_format::Override;
use impasse_negotiate::AgentFactory;
use impasse_negotiate::tournament::Protocol;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::bodies::{
    AgentInfo, Agents, Deleted, ExportBody, Health, JobList, ScenarioBody, ScenarioList,
    ScenarioSummary,
};
use crate::error::{ApiError, error_body};
use crate::source::{self, Origin, Source};
use crate::store::{Format, Store};
use crate::{AppState, assets, names, openapi, work};

/// Every route of [`router`]: method and path, as registered and as documented in the OpenAPI
/// document (`GET /api/openapi.json`).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/assets/app.js"),
    ("GET", "/assets/app.css"),
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/agents"),
    ("GET", "/api/scenarios"),
    ("POST", "/api/scenarios"),
    ("GET", "/api/scenarios/{name}"),
    ("PUT", "/api/scenarios/{name}"),
    ("DELETE", "/api/scenarios/{name}"),
    ("POST", "/api/scenarios/{name}/duplicate"),
    ("GET", "/api/scenarios/{name}/export"),
    ("GET", "/api/scenarios/{name}/analysis"),
    ("POST", "/api/scenarios/{name}/negotiate"),
    ("POST", "/api/scenarios/{name}/dynamics"),
    ("POST", "/api/check"),
    ("POST", "/api/import"),
    ("POST", "/api/tournaments"),
    ("GET", "/api/jobs"),
    ("GET", "/api/jobs/{id}"),
    ("DELETE", "/api/jobs/{id}"),
];

const AGENTS: &[(&str, &str)] = impasse_negotiate::AGENT_DESCRIPTIONS;

/// The whole app: the page, its assets and the API, with the request guard (host check, size
/// limit, JSON-only bodies, time limit, panics caught, every error answered in JSON).
pub fn router(state: AppState) -> Router {
    let limit = state.inner.limits.max_body_bytes;
    Router::new()
        .route("/", get(assets::page))
        .route("/assets/app.js", get(assets::script))
        .route("/assets/app.css", get(assets::style))
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/agents", get(agents))
        .route("/api/scenarios", get(list_scenarios).post(create_scenario))
        .route("/api/scenarios/{name}", get(get_scenario).put(put_scenario).delete(delete_scenario))
        .route("/api/scenarios/{name}/duplicate", post(duplicate_scenario))
        .route("/api/scenarios/{name}/export", get(export_scenario))
        .route("/api/scenarios/{name}/analysis", get(analyse))
        .route("/api/scenarios/{name}/negotiate", post(negotiate))
        .route("/api/scenarios/{name}/dynamics", post(dynamics))
        .route("/api/check", post(check))
        .route("/api/import", post(import))
        .route("/api/tournaments", post(start_tournament))
        .route("/api/jobs", get(list_jobs))
        .route("/api/jobs/{id}", get(get_job).delete(cancel_job))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// The guard

/// Aborts the spawned handler when the request is dropped (the client went away).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Whether a `Host` header names this machine (`localhost`, `*.localhost` or a loopback address).
fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) { name } else { host }
        })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    let mut response = (status, error_body(status, code, message)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        429 => "busy",
        500 => "internal",
        _ => "error",
    }
}

/// Checks the request, runs the handler in its own task (a panic becomes a 500, a request past
/// the time limit a 408), gives every error a JSON body, and adds the security headers.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.inner.limits;
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    if !state.any_host
        && let Some(host) = request.headers().get(header::HOST)
        && !host.to_str().is_ok_and(loopback_host)
    {
        return json_error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this server answers only requests addressed to localhost or a loopback address \
             (start it with --host to listen elsewhere)",
        );
    }
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if length.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!(
                "the request body is larger than the limit of {} bytes",
                limits.max_body_bytes
            ),
        );
    }
    let has_body =
        length.is_some_and(|n| n > 0) || request.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body && matches!(method, Method::POST | Method::PUT) {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("application/json"));
        if !json {
            return json_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "request bodies must be JSON, sent with 'Content-Type: application/json'",
            );
        }
    }
    let handle = tokio::spawn(next.run(request));
    let abort = AbortOnDrop(handle.abort_handle());
    let response = match tokio::time::timeout(limits.request_timeout, handle).await {
        Ok(Ok(response)) => response,
        Ok(Err(err)) if err.is_panic() => json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request failed unexpectedly (a bug); the server is still running",
        ),
        Ok(Err(_)) => {
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the request was aborted")
        }
        Err(_) => json_error(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            &format!(
                "the request took longer than the limit of {} s",
                limits.request_timeout.as_secs()
            ),
        ),
    };
    drop(abort);
    let mut response = jsonify(response, &method, &path).await;
    let headers = response.headers_mut();
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if path.starts_with("/api/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Gives an error response without a JSON body (from the framework: a bad path, a wrong method) a
/// JSON body carrying its message.
async fn jsonify(response: Response, method: &Method, path: &str) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = if status == StatusCode::METHOD_NOT_ALLOWED {
        format!("{method} is not allowed on {path}; allowed: {}", allowed_methods(path).join(", "))
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(error_body(status, code_of(status), &message)))
}

/// The methods [`ROUTES`] registers on a concrete path.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|(_, pattern)| {
            let pattern: Vec<&str> = pattern.split('/').collect();
            pattern.len() == segments.len()
                && pattern
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
        })
        .map(|(method, _)| *method)
        .collect()
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no such route: {method} {}", uri.path()))
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A JSON request body: refused with a 400 (malformed), 413 (too large) in JSON.
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    format!(
                        "the request body is larger than the limit of {} bytes",
                        state.inner.limits.max_body_bytes
                    ),
                )
            } else {
                ApiError::bad_request(format!(
                    "cannot read the request body: {}",
                    rejection.body_text()
                ))
            }
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("the request needs a JSON body"));
        }
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|err| ApiError::bad_request(format!("malformed JSON body: {err}")))
    }
}

/// A JSON response from a serialisable value (`u128` counts included).
fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(err) => ApiError::internal(format!("cannot write the answer: {err}")).into_response(),
    }
}

fn ok(value: &impl serde::Serialize) -> Response {
    json_response(StatusCode::OK, value)
}

/// Runs quick blocking work (the library, parsing) off the async threads.
async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(ApiError::internal("a library operation failed unexpectedly")))
}

/// The scenario named `name`: the user's, else the example.
fn load(store: &Store, name: &str) -> Result<Source, ApiError> {
    names::check(name)?;
    if let Some(stored) = store.get(name).map_err(|e| ApiError::store(&e))? {
        return Ok(Source {
            name: stored.name,
            text: stored.text,
            format: stored.format,
            origin: Origin::User,
            updated: Some(stored.updated),
        });
    }
    match source::example(name) {
        Some(text) => Ok(Source {
            name: name.to_owned(),
            text: text.to_owned(),
            format: Format::Toml,
            origin: Origin::Example,
            updated: None,
        }),
        None => Err(ApiError::not_found(format!("no scenario named '{name}'"))),
    }
}

async fn load_async(state: &AppState, name: String) -> Result<Source, ApiError> {
    let state = state.clone();
    blocking(move || load(&state.inner.store, &name)).await
}

fn parse_format(format: Option<&str>, default: Format) -> Result<Format, ApiError> {
    match format {
        None => Ok(default),
        Some(name) => Format::parse(name).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown format '{name}': expected toml, json, genius or geniusweb"
            ))
        }),
    }
}

fn summary(source: &Source) -> ScenarioSummary {
    ScenarioSummary {
        name: source.name.clone(),
        source: source.origin.as_str(),
        format: source.format.as_str(),
        updated: source.updated,
        bytes: None,
        shadows_example: source.origin == Origin::User && source::example(&source.name).is_some(),
        created: None,
    }
}

/// The values of the query parameter `key` (percent-decoded, `+` as space).
fn query_values(query: Option<&str>, key: &str) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if decode_component(k)? == key {
            out.push(decode_component(v)?);
        }
    }
    Ok(out)
}

fn decode_component(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        ApiError::bad_request("malformed percent-encoding in the query")
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::bad_request("the query is not valid UTF-8"))
}

// ---------------------------------------------------------------------------------------------
// Small routes

async fn health() -> Response {
    ok(&Health { status: "ok", version: env!("CARGO_PKG_VERSION") })
}

async fn agents() -> Response {
    let agents =
        AGENTS.iter().map(|&(name, description)| AgentInfo { name, description }).collect();
    ok(&Agents {
        agents,
        default_two_parties: ["boulware", "conceder"],
        default_more_parties: "red-line-holder",
    })
}

// ---------------------------------------------------------------------------------------------
// The library

async fn list_scenarios(State(state): State<AppState>) -> Result<Response, ApiError> {
    let listed =
        blocking(move || state.inner.store.list().map_err(|e| ApiError::store(&e))).await?;
    let mut all: BTreeMap<String, ScenarioSummary> = BTreeMap::new();
    for (name, _) in source::EXAMPLES {
        all.insert(
            (*name).to_owned(),
            ScenarioSummary {
                name: (*name).to_owned(),
                source: "example",
                format: "toml",
                updated: None,
                bytes: None,
                shadows_example: false,
                created: None,
            },
        );
    }
    for item in listed {
        let shadows = source::example(&item.name).is_some();
        all.insert(
            item.name.clone(),
            ScenarioSummary {
                name: item.name,
                source: "user",
                format: item.format.as_str(),
                updated: Some(item.updated),
                bytes: Some(item.bytes),
                shadows_example: shadows,
                created: None,
            },
        );
    }
    Ok(ok(&ScenarioList { scenarios: all.into_values().collect() }))
}

async fn get_scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let source = load_async(&state, name).await?;
    let body = blocking(move || {
        let check = match source.parse(&[]) {
            Ok(scenario) => impasse_app::check(Ok(&scenario)),
            Err(source::ParseError::Text(errors)) => impasse_app::check(Err(errors)),
            Err(err) => return Err(err.into_api()),
        };
        Ok(ScenarioBody {
            summary: summary(&source),
            valid: check.valid,
            errors: check.errors,
            warnings: check.warnings,
            info: check.info,
            text: source.text,
        })
    })
    .await?;
    Ok(ok(&body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateRequest {
    name: String,
    text: Option<String>,
    format: Option<String>,
}

/// Refuses a name taken by an example (user scenarios are checked by the insert itself).
fn not_an_example(name: &str) -> Result<(), ApiError> {
    if source::example(name).is_some() {
        return Err(ApiError::conflict(format!(
            "'{name}' is the name of a shipped example; choose another name (to keep an edited \
             copy of the example, open it and save it)"
        )));
    }
    Ok(())
}

fn validate(text: &str, format: Format, name: &str) -> Result<Scenario, ApiError> {
    source::parse(text, format, name, &[]).map_err(source::ParseError::into_api)
}

async fn create_scenario(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CreateRequest>,
) -> Result<Response, ApiError> {
    names::check(&request.name)?;
    not_an_example(&request.name)?;
    let format = parse_format(request.format.as_deref(), Format::Toml)?;
    let text = request.text.unwrap_or_else(|| source::TEMPLATE.to_owned());
    let name = request.name;
    store_new(state, name, text, format).await
}

/// Validates `text` and stores it as a new user scenario: 201 with its summary, 409 when the name
/// is taken, 422 with the format's errors when it is invalid.
async fn store_new(
    state: AppState,
    name: String,
    text: String,
    format: Format,
) -> Result<Response, ApiError> {
    let body = blocking(move || {
        validate(&text, format, &name)?;
        match state.inner.store.insert(&name, &text, format).map_err(|e| ApiError::store(&e))? {
            Some(updated) => Ok(summary(&Source {
                name,
                text: String::new(),
                format,
                origin: Origin::User,
                updated: Some(updated),
            })),
            None => Err(ApiError::conflict(format!("a scenario named '{name}' exists already"))),
        }
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PutRequest {
    text: String,
    format: Option<String>,
}

async fn put_scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<PutRequest>,
) -> Result<Response, ApiError> {
    names::check(&name)?;
    let store_state = state.clone();
    let (status, body) = blocking(move || {
        let store = &store_state.inner.store;
        let default = match store.get(&name).map_err(|e| ApiError::store(&e))? {
            Some(stored) => stored.format,
            None => Format::Toml,
        };
        let format = parse_format(request.format.as_deref(), default)?;
        validate(&request.text, format, &name)?;
        let (created, updated) =
            store.put(&name, &request.text, format).map_err(|e| ApiError::store(&e))?;
        let mut body = summary(&Source {
            name,
            text: String::new(),
            format,
            origin: Origin::User,
            updated: Some(updated),
        });
        body.created = Some(created);
        Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, body))
    })
    .await?;
    Ok(json_response(status, &body))
}

async fn delete_scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    names::check(&name)?;
    let body = blocking(move || {
        let deleted = state.inner.store.delete(&name).map_err(|e| ApiError::store(&e))?;
        let example = source::example(&name).is_some();
        match (deleted, example) {
            (true, _) => Ok(Deleted { deleted: name, example_restored: example }),
            (false, true) => Err(ApiError::conflict(format!(
                "'{name}' is a shipped example: it cannot be deleted (only an edited copy can)"
            ))),
            (false, false) => Err(ApiError::not_found(format!("no scenario named '{name}'"))),
        }
    })
    .await?;
    Ok(ok(&body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DuplicateRequest {
    name: String,
}

async fn duplicate_scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<DuplicateRequest>,
) -> Result<Response, ApiError> {
    names::check(&name)?;
    names::check(&request.name)?;
    not_an_example(&request.name)?;
    let body = blocking(move || {
        let store = &state.inner.store;
        let original = load(store, &name)?;
        let target = request.name;
        match store
            .insert(&target, &original.text, original.format)
            .map_err(|e| ApiError::store(&e))?
        {
            Some(updated) => Ok(summary(&Source {
                name: target,
                text: String::new(),
                format: original.format,
                origin: Origin::User,
                updated: Some(updated),
            })),
            None => Err(ApiError::conflict(format!("a scenario named '{target}' exists already"))),
        }
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &body))
}

async fn export_scenario(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let to = query_values(query.as_deref(), "to")?.pop().unwrap_or_else(|| "native".to_owned());
    let download = query_values(query.as_deref(), "download")?
        .pop()
        .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
    if !matches!(to.as_str(), "native" | "genius") {
        return Err(ApiError::bad_request(format!("to={to}: expected native or genius")));
    }
    let source = load_async(&state, name).await?;
    let (body, filename) = blocking(move || -> Result<(ExportBody, String), ApiError> {
        if to == "native" {
            let ext = match source.format {
                Format::Toml => "toml",
                Format::Json => "json",
                _ => {
                    return Err(ApiError::unprocessable(
                        "no_native_writer",
                        format!(
                            "'{}' is stored as a {} domain and impasse has no writer of its \
                             native format; export it with to=genius",
                            source.name,
                            if source.format == Format::Genius { "GENIUS" } else { "GeniusWeb" }
                        ),
                    ));
                }
            };
            let filename = format!("{}.{ext}", source.name);
            let body = ExportBody::Native {
                name: source.name,
                format: source.format.as_str(),
                filename: filename.clone(),
                text: source.text,
            };
            return Ok((body, filename));
        }
        let filename = format!("{}-genius.json", source.name);
        if source.format == Format::Genius {
            let files = source::bundle_files(&source.text, &source.name)
                .map_err(ApiError::invalid_scenario)?;
            let body = ExportBody::Genius {
                name: source.name,
                files,
                dropped: Vec::new(),
                notes: Vec::new(),
            };
            return Ok((body, filename));
        }
        let scenario = source.parse(&[]).map_err(source::ParseError::into_api)?;
        let report = impasse_app::export::export(&scenario)?;
        let files: BTreeMap<String, String> = report.files.0.into_iter().collect();
        let body = ExportBody::Genius {
            name: source.name,
            files,
            dropped: report.dropped,
            notes: report.notes,
        };
        Ok((body, filename))
    })
    .await?;
    if !download {
        return Ok(ok(&body));
    }
    let (bytes, content_type) = match &body {
        ExportBody::Native { text, .. } => (
            text.as_bytes().to_vec(),
            if filename.ends_with(".json") { "application/json" } else { "application/toml" },
        ),
        ExportBody::Genius { .. } => {
            (serde_json::to_vec_pretty(&body).unwrap_or_default(), "application/json")
        }
    };
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The name is validated (letters, digits, '_', '.', '-'), so it needs no quoting.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    text: String,
    format: Option<String>,
    name: Option<String>,
}

async fn check(ApiJson(request): ApiJson<CheckRequest>) -> Result<Response, ApiError> {
    let format = parse_format(request.format.as_deref(), Format::Toml)?;
    let name = request.name.filter(|n| names::is_valid(n)).unwrap_or_else(|| "scenario".to_owned());
    let body = blocking(move || match source::parse(&request.text, format, &name, &[]) {
        Ok(scenario) => Ok(impasse_app::check(Ok(&scenario))),
        Err(source::ParseError::Text(errors)) => Ok(impasse_app::check(Err(errors))),
        Err(err) => Err(err.into_api()),
    })
    .await?;
    Ok(ok(&body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportRequest {
    name: String,
    files: BTreeMap<String, String>,
}

/// The last component of a file name as a browser or a user may give it.
fn base_name(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

async fn import(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<Response, ApiError> {
    names::check(&request.name)?;
    not_an_example(&request.name)?;
    if request.files.is_empty() || request.files.len() > 64 {
        return Err(ApiError::bad_request(
            "files: give one native scenario file, or the files of one GENIUS or GeniusWeb domain \
             (at most 64)",
        ));
    }
    let mut files = BTreeMap::new();
    for (file, text) in request.files {
        let base = base_name(&file).trim().to_owned();
        if base.is_empty()
            || base.len() > 255
            || base.chars().any(char::is_control)
            || base.contains("===")
        {
            return Err(ApiError::bad_request(format!(
                "files: unusable file name '{}'",
                file.escape_debug()
            )));
        }
        if files.insert(base.clone(), text).is_some() {
            return Err(ApiError::bad_request(format!("files: '{base}' given twice")));
        }
    }
    let ext = |f: &str| f.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let (format, text) = if files.len() == 1 {
        let (file, text) = files.into_iter().next().unwrap_or_default();
        match ext(&file).as_str() {
            "json" => (Format::Json, text),
            "xml" => {
                return Err(ApiError::bad_request(
                    "a GENIUS domain needs its domain file and at least two profiles: select all \
                     its XML files",
                ));
            }
            _ => (Format::Toml, text),
        }
    } else {
        let xml: BTreeMap<String, String> = files
            .iter()
            .filter(|(f, _)| ext(f) == "xml")
            .map(|(f, t)| (f.clone(), t.clone()))
            .collect();
        let json: BTreeMap<String, String> = files
            .iter()
            .filter(|(f, _)| ext(f) == "json")
            .map(|(f, t)| (f.clone(), t.clone()))
            .collect();
        if !xml.is_empty() {
            (Format::Genius, source::make_bundle(Format::Genius, &xml))
        } else if !json.is_empty() {
            (Format::GeniusWeb, source::make_bundle(Format::GeniusWeb, &json))
        } else {
            return Err(ApiError::bad_request(
                "several files: expected the XML files of a GENIUS domain or the JSON files of a \
                 GeniusWeb domain",
            ));
        }
    };
    let name = request.name;
    store_new(state, name, text, format).await
}

// ---------------------------------------------------------------------------------------------
// Analysis

async fn analyse(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let overrides = query_values(query.as_deref(), "set")?
        .iter()
        .map(|s| Override::from_str(s).map_err(|e| ApiError::bad_request(format!("set: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if overrides.len() > 256 {
        return Err(ApiError::bad_request("at most 256 overrides"));
    }
    let source = load_async(&state, name).await?;
    let max_outcomes = state.inner.limits.max_outcomes;
    let bytes = work::run(&state.inner.pool, "the analysis", move |cancel| {
        let scenario = source.parse(&overrides).map_err(source::ParseError::into_api)?;
        let request = impasse_app::AnalyzeRequest { max_outcomes };
        let response = impasse_app::analysis_view(&scenario, &request, cancel)?;
        serde_json::to_vec(&response)
            .map_err(|e| ApiError::internal(format!("cannot write the answer: {e}")))
    })
    .await?;
    let mut response = (StatusCode::OK, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

// ---------------------------------------------------------------------------------------------
// Negotiation

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NegotiateRequest {
    agents: Option<Vec<String>>,
    steps: Option<u32>,
    seed: Option<u64>,
    protocol: Option<String>,
    set: Option<Map<String, Value>>,
}

fn protocol(name: Option<&str>) -> Result<Protocol, ApiError> {
    match name.unwrap_or("sao") {
        "sao" => Ok(Protocol::Sao),
        "mediated" => Ok(Protocol::Mediated),
        other => {
            Err(ApiError::bad_request(format!("protocol '{other}': expected sao or mediated")))
        }
    }
}

fn check_steps(steps: Option<u32>, max: u32) -> Result<u32, ApiError> {
    let steps = steps.unwrap_or(100);
    if steps == 0 || steps > max {
        return Err(ApiError::bad_request(format!(
            "steps must be between 1 and {max}, got {steps}"
        )));
    }
    Ok(steps)
}

fn agents_of(names: &[String], max: usize) -> Result<Vec<Arc<dyn AgentFactory>>, ApiError> {
    if names.len() > max {
        return Err(ApiError::bad_request(format!("agents: at most {max}")));
    }
    impasse_app::negotiate::agents_by_name(names)
        .map_err(|e| ApiError::bad_request(format!("agents: {e}")))
}

async fn negotiate(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<NegotiateRequest>,
) -> Result<Response, ApiError> {
    names::check(&name)?;
    let overrides = source::overrides_of(&request.set.unwrap_or_default())?;
    let request = impasse_app::negotiate::NegotiateRequest {
        agents: agents_of(request.agents.as_deref().unwrap_or_default(), 64)?,
        protocol: protocol(request.protocol.as_deref())?,
        steps: check_steps(request.steps, state.inner.limits.max_steps)?,
        seed: request.seed.unwrap_or(0),
        max_outcomes: state.inner.limits.max_negotiation_outcomes,
        ..impasse_app::negotiate::NegotiateRequest::default()
    };
    let source = load_async(&state, name).await?;
    let body = work::run(&state.inner.pool, "the negotiation", move |token| {
        let scenario = Arc::new(source.parse(&overrides).map_err(source::ParseError::into_api)?);
        Ok(impasse_app::negotiate::negotiate(scenario, &request, token)?.report)
    })
    .await?;
    Ok(ok(&body))
}

// ---------------------------------------------------------------------------------------------
// Tournaments

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TournamentRequest {
    scenarios: Vec<String>,
    agents: Option<Vec<String>>,
    repetitions: Option<u32>,
    steps: Option<u32>,
    seed: Option<u64>,
    protocol: Option<String>,
}

async fn start_tournament(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TournamentRequest>,
) -> Result<Response, ApiError> {
    let limits = state.inner.limits.clone();
    if request.scenarios.is_empty() || request.scenarios.len() > 64 {
        return Err(ApiError::bad_request("scenarios: give 1 to 64 scenario names"));
    }
    let mut scenarios: Vec<String> = Vec::new();
    for name in request.scenarios {
        names::check(&name)?;
        if !scenarios.contains(&name) {
            scenarios.push(name);
        }
    }
    let agent_names = request
        .agents
        .unwrap_or_else(|| vec!["boulware".to_owned(), "linear".to_owned(), "conceder".to_owned()]);
    if agent_names.is_empty() || agent_names.len() > 32 {
        return Err(ApiError::bad_request("agents: give 1 to 32 agents"));
    }
    let agents = agents_of(&agent_names, 32)?;
    let repetitions = request.repetitions.unwrap_or(1);
    if repetitions == 0 || repetitions > 10_000 {
        return Err(ApiError::bad_request(format!(
            "repetitions must be between 1 and 10000, got {repetitions}"
        )));
    }
    let steps = check_steps(request.steps, limits.max_steps)?;
    let protocol = protocol(request.protocol.as_deref())?;
    let seed = request.seed.unwrap_or(0);
    let store_state = state.clone();
    let names_for_load = scenarios.clone();
    let sources = blocking(move || {
        names_for_load
            .iter()
            .map(|n| load(&store_state.inner.store, n))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let tournament = work::run(&state.inner.pool, "preparing the tournament", move |token| {
        let mut prepared = Vec::with_capacity(sources.len());
        for source in sources {
            token.checkpoint();
            let named = |mut err: ApiError| {
                err.message = format!("scenario '{}': {}", source.name, err.message);
                err
            };
            let scenario = source.parse(&[]).map_err(|e| named(e.into_api()))?;
            let setting = impasse_app::negotiate::prepare(
                Arc::new(scenario),
                limits.max_negotiation_outcomes,
            )
            .map_err(|e| named(e.into()))?;
            prepared.push((source.name.clone(), Arc::new(setting)));
        }
        let request = impasse_app::tournament::TournamentRequest {
            scenarios: prepared,
            agents,
            repetitions,
            steps,
            seed,
            protocol,
            max_negotiations: limits.max_tournament_negotiations,
        };
        Ok(request.prepare()?)
    })
    .await?;
    let job = state.inner.jobs.start(tournament, scenarios)?;
    let mut body = job.report();
    body.job = Some(job.id().to_owned());
    Ok(json_response(StatusCode::ACCEPTED, &body))
}

async fn list_jobs(State(state): State<AppState>) -> Response {
    ok(&JobList { jobs: state.inner.jobs.list().iter().map(|j| j.report()).collect() })
}

fn check_job_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(ApiError::bad_request("invalid job id"));
    }
    Ok(())
}

async fn get_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_job_id(&id)?;
    let job =
        state.inner.jobs.get(&id).ok_or_else(|| ApiError::not_found(format!("no job '{id}'")))?;
    Ok(ok(&job.report()))
}

async fn cancel_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    check_job_id(&id)?;
    let job =
        state.inner.jobs.get(&id).ok_or_else(|| ApiError::not_found(format!("no job '{id}'")))?;
    let was_running = job.cancel();
    let mut body = job.report();
    body.cancelled_now = Some(was_running);
    Ok(ok(&body))
}

// ---------------------------------------------------------------------------------------------
// Dynamics

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DynamicsRequest {
    runs: Option<u64>,
    seed: Option<u64>,
    horizon: Option<u32>,
    stalemate: Option<f64>,
    models: Option<Vec<String>>,
    set: Option<Map<String, Value>>,
}

async fn dynamics(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<DynamicsRequest>,
) -> Result<Response, ApiError> {
    names::check(&name)?;
    let max_runs = state.inner.limits.max_runs;
    let runs = request.runs.unwrap_or(10_000);
    // The server's own budget, tighter than the application's limit (docs/limits.md); the
    // horizon, the stalemate threshold and the rest are checked by impasse-app.
    if runs > max_runs {
        return Err(ApiError::bad_request(format!(
            "runs: {runs} replications per model is above this server's budget of {max_runs} \
             (docs/limits.md, the web server's budgets)"
        )));
    }
    let stalemate = request.stalemate.unwrap_or(impasse_dynamics::assess::DEFAULT_STALEMATE);
    let models =
        impasse_app::dynamics::models_by_name(request.models.as_deref().unwrap_or_default())
            .map_err(|e| ApiError::bad_request(format!("models: {e}")))?;
    let overrides = source::overrides_of(&request.set.unwrap_or_default())?;
    let request = impasse_app::dynamics::DynamicsRequest {
        runs,
        seed: request.seed.unwrap_or(0),
        horizon: request.horizon,
        stalemate,
        models,
        sweeps: Vec::new(),
        overrides,
    };
    let source = load_async(&state, name).await?;
    let body = work::run(&state.inner.pool, "the dynamics simulation", move |token| {
        let load =
            |overrides: &[Override]| source.parse(overrides).map_err(|e| e.into_app(&source.name));
        Ok(impasse_app::dynamics::dynamics(&load, &source.name, &request, token)?.report)
    })
    .await?;
    Ok(ok(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for good in
            ["localhost", "localhost:8417", "127.0.0.1:1", "[::1]:80", "app.localhost", "127.0.0.2"]
        {
            assert!(loopback_host(good), "{good}");
        }
        for bad in ["example.com", "evil.com:8417", "10.0.0.1", "localhost.evil.com", "[::2]:1"] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn query() {
        let q = Some("set=conflict.balance%3D0.6&set=a.b=c+d&x=1");
        assert_eq!(query_values(q, "set").unwrap(), vec!["conflict.balance=0.6", "a.b=c d"]);
        assert!(query_values(Some("set=%zz"), "set").is_err());
    }
}
