//! The API driven through the router (`tower::ServiceExt::oneshot`) and through a real server.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use impasse_server::{AppState, Limits, ROUTES, router};
use serde_json::{Value, json};
use tower::ServiceExt;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh, empty data folder.
fn data_dir() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("impasse-server-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn app_with(limits: Limits) -> (Router, PathBuf) {
    let dir = data_dir();
    let state = AppState::open_with(&dir, limits).expect("open the library");
    (router(state), dir)
}

fn app() -> (Router, PathBuf) {
    app_with(Limits::default())
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let value = if content_type.starts_with("application/json") {
        serde_json::from_slice(&bytes).expect("a JSON body")
    } else {
        Value::String(String::from_utf8_lossy(&bytes).into_owned())
    };
    (status, value)
}

async fn call(app: &Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let builder = Request::builder().method(method).uri(uri);
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request"),
        None => builder.body(Body::empty()).expect("request"),
    };
    send(app, request).await
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["status"], expected.as_u16(), "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

/// The files in the data folder: only the database and its journal files, whatever was asked.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A small valid scenario: the server's template for new scenarios, renamed.
fn template() -> String {
    impasse_server::TEMPLATE.replace("name = \"New scenario\"", "name = \"Test\"")
}

#[tokio::test]
async fn crud_round_trip() {
    let (app, dir) = app();
    let (status, list) = call(&app, "GET", "/api/scenarios", None).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> =
        list["scenarios"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"negotiation-impasse-2023"), "{names:?}");

    // Create (with the template), read, replace, duplicate, delete.
    let (status, body) =
        call(&app, "POST", "/api/scenarios", Some(json!({ "name": "mine" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(&app, "GET", "/api/scenarios/mine", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], true);
    assert_eq!(body["source"], "user");
    assert_eq!(body["info"]["parties"].as_array().unwrap().len(), 2);

    let edited = template().replace("name = \"Test\"", "name = \"Edited\"");
    let (status, body) =
        call(&app, "PUT", "/api/scenarios/mine", Some(json!({ "text": edited }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], false);
    let (_, body) = call(&app, "GET", "/api/scenarios/mine", None).await;
    assert_eq!(body["text"], edited);

    let (status, body) =
        call(&app, "POST", "/api/scenarios/mine/duplicate", Some(json!({ "name": "copy" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, body) = call(&app, "GET", "/api/scenarios/copy", None).await;
    assert_eq!(body["text"], edited);
    let (status, body) =
        call(&app, "POST", "/api/scenarios/mine/duplicate", Some(json!({ "name": "copy" }))).await;
    assert_error(status, &body, StatusCode::CONFLICT);
    let (status, body) =
        call(&app, "POST", "/api/scenarios", Some(json!({ "name": "copy", "text": template() })))
            .await;
    assert_error(status, &body, StatusCode::CONFLICT);

    let (status, _) = call(&app, "DELETE", "/api/scenarios/mine", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&app, "GET", "/api/scenarios/mine", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = call(&app, "DELETE", "/api/scenarios/mine", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);

    // Examples: read-only; an edited copy shadows the example until it is deleted.
    let (status, body) = call(&app, "DELETE", "/api/scenarios/distributive-price", None).await;
    assert_error(status, &body, StatusCode::CONFLICT);
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios",
        Some(json!({ "name": "distributive-price", "text": template() })),
    )
    .await;
    assert_error(status, &body, StatusCode::CONFLICT);
    let (status, body) = call(
        &app,
        "PUT",
        "/api/scenarios/distributive-price",
        Some(json!({ "text": template(), "format": "toml" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["shadows_example"], true);
    let (_, body) = call(&app, "GET", "/api/scenarios/distributive-price", None).await;
    assert_eq!(body["source"], "user");
    assert_eq!(body["text"], template());
    let (status, body) = call(&app, "DELETE", "/api/scenarios/distributive-price", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["example_restored"], true);
    let (_, body) = call(&app, "GET", "/api/scenarios/distributive-price", None).await;
    assert_eq!(body["source"], "example");

    // Export, native.
    let (status, body) = call(&app, "GET", "/api/scenarios/copy/export?to=native", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["text"], edited);
    assert_eq!(body["filename"], "copy.toml");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn names_never_touch_the_file_system() {
    let (app, dir) = app();
    let before = files_in(&dir);
    for uri in [
        "/api/scenarios/..%2Fx",
        "/api/scenarios/%2e%2e",
        "/api/scenarios/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/api/scenarios/a%2Fb",
        "/api/scenarios/.hidden",
        "/api/scenarios/a..b",
        "/api/scenarios/%00",
    ] {
        for method in ["GET", "DELETE"] {
            let (status, body) = call(&app, method, uri, None).await;
            assert!(matches!(status.as_u16(), 400 | 404), "{method} {uri}: {status} {body}");
            assert!(body["error"]["message"].is_string(), "{body}");
        }
        let (status, body) = call(&app, "PUT", uri, Some(json!({ "text": template() }))).await;
        assert!(matches!(status.as_u16(), 400 | 404), "PUT {uri}: {status} {body}");
    }
    // A slash in the path is another route: 404.
    let (status, body) = call(&app, "GET", "/api/scenarios/a/b", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = call(&app, "GET", "/api/scenarios/../../etc/passwd", None).await;
    assert!(matches!(status.as_u16(), 400 | 404), "{status} {body}");
    for bad in ["../x", "a/b", "..", "x..y", "-x", "", &"n".repeat(65)] {
        let (status, body) =
            call(&app, "POST", "/api/scenarios", Some(json!({ "name": bad, "text": template() })))
                .await;
        assert_error(status, &body, StatusCode::BAD_REQUEST);
        let (status, body) = call(
            &app,
            "POST",
            "/api/import",
            Some(json!({ "name": bad, "files": { "x.toml": template() } })),
        )
        .await;
        assert_error(status, &body, StatusCode::BAD_REQUEST);
        let (status, body) = call(
            &app,
            "POST",
            "/api/scenarios/distributive-price/duplicate",
            Some(json!({ "name": bad })),
        )
        .await;
        assert_error(status, &body, StatusCode::BAD_REQUEST);
    }
    assert_eq!(files_in(&dir), before);
    assert!(before.iter().all(|f| f.starts_with("impasse.db")), "{before:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn invalid_scenarios_are_refused_with_their_line() {
    let (app, dir) = app();
    let bad = template().replace("max = 10", "max = \"ten\"");
    let line = bad.lines().position(|l| l.contains("\"ten\"")).unwrap() + 1;
    let (status, body) =
        call(&app, "PUT", "/api/scenarios/bad", Some(json!({ "text": bad }))).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_scenario");
    let errors = body["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["line"] == line), "line {line}: {body}");
    // Nothing was stored.
    let (status, _) = call(&app, "GET", "/api/scenarios/bad", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Check: 200 either way, the errors listed (none when valid).
    let (status, body) = call(&app, "POST", "/api/check", Some(json!({ "text": bad }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], false);
    assert_eq!(body["errors"][0]["line"], line);
    let (status, body) =
        call(&app, "POST", "/api/check", Some(json!({ "text": template() }))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], true);
    assert_eq!(body["errors"], json!([]));

    // JSON syntax errors are located too.
    let (_, body) = call(
        &app,
        "POST",
        "/api/check",
        Some(json!({ "text": "{\n  \"format_version\": 1,\n  oops\n}", "format": "json" })),
    )
    .await;
    assert_eq!(body["valid"], false);
    assert_eq!(body["errors"][0]["line"], 3, "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn bad_requests_get_clear_4xx() {
    let (app, dir) = app();
    // Too large, announced.
    let big = "x".repeat(5 * 1024 * 1024);
    let body = json!({ "text": big }).to_string();
    let request = Request::builder()
        .method("PUT")
        .uri("/api/scenarios/big")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.clone()))
        .unwrap();
    let (status, reply) = send(&app, request).await;
    assert_error(status, &reply, StatusCode::PAYLOAD_TOO_LARGE);
    // Too large, not announced (streamed).
    let request = Request::builder()
        .method("PUT")
        .uri("/api/scenarios/big")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let (status, reply) = send(&app, request).await;
    assert_error(status, &reply, StatusCode::PAYLOAD_TOO_LARGE);

    // Malformed JSON, a wrong field, no body.
    let request = Request::builder()
        .method("POST")
        .uri("/api/check")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"text\": "))
        .unwrap();
    let (status, reply) = send(&app, request).await;
    assert_error(status, &reply, StatusCode::BAD_REQUEST);
    assert!(reply["error"]["message"].as_str().unwrap().contains("malformed JSON"));
    let (status, reply) = call(&app, "POST", "/api/check", Some(json!({ "txt": "" }))).await;
    assert_error(status, &reply, StatusCode::BAD_REQUEST);
    let (status, reply) = call(&app, "POST", "/api/check", None).await;
    assert_error(status, &reply, StatusCode::BAD_REQUEST);
    // Not JSON.
    let request = Request::builder()
        .method("POST")
        .uri("/api/check")
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::CONTENT_LENGTH, 2)
        .body(Body::from("{}"))
        .unwrap();
    let (status, reply) = send(&app, request).await;
    assert_error(status, &reply, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Unknown route, wrong method.
    let (status, reply) = call(&app, "GET", "/api/nothing", None).await;
    assert_error(status, &reply, StatusCode::NOT_FOUND);
    let (status, reply) = call(&app, "GET", "/nothing.html", None).await;
    assert_error(status, &reply, StatusCode::NOT_FOUND);
    let (status, reply) = call(&app, "PATCH", "/api/scenarios/x", None).await;
    assert_error(status, &reply, StatusCode::METHOD_NOT_ALLOWED);
    let (status, reply) = call(&app, "DELETE", "/api/scenarios", None).await;
    assert_error(status, &reply, StatusCode::METHOD_NOT_ALLOWED);

    // Out-of-range parameters.
    for (uri, body) in [
        ("/api/scenarios/negotiation-impasse-2023/dynamics", json!({ "runs": 0 })),
        ("/api/scenarios/negotiation-impasse-2023/dynamics", json!({ "runs": 1_000_000_000u64 })),
        ("/api/scenarios/negotiation-impasse-2023/dynamics", json!({ "models": ["nope"] })),
        ("/api/scenarios/negotiation-impasse-2023/dynamics", json!({ "stalemate": 2 })),
        ("/api/scenarios/negotiation-impasse-2023/dynamics", json!({ "horizon": 0 })),
        (
            "/api/scenarios/distributive-price/negotiate",
            json!({ "agents": ["nobody", "boulware"] }),
        ),
        ("/api/scenarios/distributive-price/negotiate", json!({ "agents": ["boulware"] })),
        ("/api/scenarios/distributive-price/negotiate", json!({ "steps": 0 })),
        ("/api/scenarios/distributive-price/negotiate", json!({ "protocol": "x" })),
        ("/api/scenarios/distributive-price/negotiate", json!({ "steps": -1 })),
        ("/api/tournaments", json!({ "scenarios": [] })),
        (
            "/api/tournaments",
            json!({ "scenarios": ["negotiation-impasse-2023"], "agents": ["all"], "repetitions": 100 }),
        ),
    ] {
        let (status, reply) = call(&app, "POST", uri, Some(body.clone())).await;
        assert_error(status, &reply, StatusCode::BAD_REQUEST);
    }
    // Counts past the application's limits (impasse_app::limits, the same as the CLI's and
    // Python's): the message names the field and the bound.
    for (uri, body, needle) in [
        (
            "/api/scenarios/negotiation-impasse-2023/dynamics",
            json!({ "horizon": 4_294_967_295u64 }),
            "horizon: 4,294,967,295 rounds is above the limit of 10,000",
        ),
        (
            "/api/scenarios/negotiation-impasse-2023/dynamics",
            json!({ "runs": 2_000_000 }),
            "runs: 2000000 replications per model is above this server's budget of 1000000",
        ),
        (
            "/api/scenarios/negotiation-impasse-2023/dynamics",
            json!({ "stalemate": 2 }),
            "stalemate: must be a probability in [0, 1], got 2",
        ),
    ] {
        let (status, reply) = call(&app, "POST", uri, Some(body.clone())).await;
        assert_error(status, &reply, StatusCode::BAD_REQUEST);
        assert!(reply.to_string().contains(needle), "{body}: {reply}");
    }
    // Unknown scenarios, overrides that name nothing.
    let (status, reply) = call(&app, "GET", "/api/scenarios/none/analysis", None).await;
    assert_error(status, &reply, StatusCode::NOT_FOUND);
    let (status, reply) =
        call(&app, "GET", "/api/scenarios/distributive-price/analysis?set=nothing.here%3D1", None)
            .await;
    assert_error(status, &reply, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, reply) =
        call(&app, "GET", "/api/scenarios/distributive-price/analysis?set=novalue", None).await;
    assert_error(status, &reply, StatusCode::BAD_REQUEST);
    let (status, reply) =
        call(&app, "GET", "/api/scenarios/distributive-price/dynamics", None).await;
    assert_error(status, &reply, StatusCode::METHOD_NOT_ALLOWED);
    let (status, reply) =
        call(&app, "POST", "/api/scenarios/distributive-price/dynamics", Some(json!({}))).await;
    assert_error(status, &reply, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, reply) = call(&app, "GET", "/api/jobs/nope", None).await;
    assert_error(status, &reply, StatusCode::NOT_FOUND);
    let (status, reply) = call(&app, "GET", "/api/scenarios/copy/export?to=pdf", None).await;
    assert_error(status, &reply, StatusCode::BAD_REQUEST);

    // A foreign Host (DNS rebinding) is refused.
    let request = Request::builder()
        .uri("/api/scenarios")
        .header(header::HOST, "evil.example:8417")
        .body(Body::empty())
        .unwrap();
    let (status, reply) = send(&app, request).await;
    assert_error(status, &reply, StatusCode::FORBIDDEN);
    let request = Request::builder()
        .uri("/api/scenarios")
        .header(header::HOST, "localhost:8417")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn analysis_of_the_seed() {
    let (app, dir) = app();
    let (status, body) =
        call(&app, "GET", "/api/scenarios/negotiation-impasse-2023/analysis", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["report"]["verdict"], "impasse");
    assert_eq!(body["report"]["format_version"], 1);
    assert!(!body["report"]["clashes"].as_array().unwrap().is_empty());
    let curve = body["ripeness_curve"].as_array().unwrap();
    assert_eq!(curve.len(), 101);
    assert_eq!(curve[50]["balance"], 0.5);
    assert_eq!(curve[50]["zone_size"], 0, "no zone today");
    assert!(curve.iter().any(|p| p["zone_size"].as_u64().unwrap() > 0), "a zone at some balance");
    let plot = &body["plot"];
    assert_eq!(plot["parties"].as_array().unwrap().len(), 6);
    let points = plot["points"].as_array().unwrap();
    assert_eq!(points.len(), 5000, "10 368 packages, sampled");
    assert_eq!(plot["sampled"], true);
    assert!(points.iter().all(|p| p["zone"] == false));
    assert!(points[0]["package"].as_str().unwrap().starts_with("donbas="));

    // With an override, and on a small scenario: every package, some in the zone.
    let (status, body) = call(
        &app,
        "GET",
        "/api/scenarios/power-shift-ripeness/analysis?set=conflict.balance%3D0.9",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        call(&app, "GET", "/api/scenarios/distributive-price/analysis", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["report"]["verdict"], "agreement_possible");
    assert_eq!(body["plot"]["points"].as_array().unwrap().len(), 51);
    assert_eq!(body["plot"]["sampled"], false);
    let in_zone =
        body["plot"]["points"].as_array().unwrap().iter().filter(|p| p["zone"] == true).count();
    assert_eq!(in_zone as u64, body["report"]["agreement_zone"]["size"].as_u64().unwrap());
    assert!(body["ripeness_curve"].is_null());
    let _ = std::fs::remove_dir_all(dir);
}

/// Validates a response body against the schema the served OpenAPI document gives for it.
async fn assert_documented(app: &Router, method: &str, path: &str, status: &str, body: &Value) {
    let errors = documented_errors(app, method, path, status, body).await;
    assert!(errors.is_empty(), "{method} {path} {status}:\n{}", errors.join("\n"));
}

/// What in `body` the served OpenAPI document's schema for the response rejects.
async fn documented_errors(
    app: &Router,
    method: &str,
    path: &str,
    status: &str,
    body: &Value,
) -> Vec<String> {
    let (_, doc) = call(app, "GET", "/api/openapi.json", None).await;
    let schema = doc["paths"][path][method.to_ascii_lowercase()]["responses"][status]["content"]
        ["application/json"]["schema"]
        .clone();
    assert!(schema["$ref"].is_string(), "{method} {path} {status}: {schema}");
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": schema["$ref"],
        "components": doc["components"],
    });
    let validator = jsonschema::validator_for(&root).unwrap();
    validator.iter_errors(body).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

#[tokio::test]
async fn responses_validate_against_the_generated_openapi_document() {
    let (app, dir) = app();
    for name in ["distributive-price", "negotiation-impasse-2023", "power-shift-ripeness"] {
        let path = format!("/api/scenarios/{name}/analysis");
        let (status, body) = call(&app, "GET", &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_documented(&app, "GET", "/api/scenarios/{name}/analysis", "200", &body).await;
        let path = format!("/api/scenarios/{name}/negotiate");
        let (status, body) = call(&app, "POST", &path, Some(json!({ "steps": 50 }))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_documented(&app, "POST", "/api/scenarios/{name}/negotiate", "200", &body).await;
    }
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios/negotiation-impasse-2023/dynamics",
        Some(json!({ "runs": 300 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_documented(&app, "POST", "/api/scenarios/{name}/dynamics", "200", &body).await;
    // The schema is not vacuous: a negotiation report is not a dynamics report.
    let path = "/api/scenarios/{name}/negotiate";
    assert!(!documented_errors(&app, "POST", path, "200", &body).await.is_empty());
    for text in ["[scenario]\nname = \"x\"\n", "not toml ["] {
        let (status, body) = call(&app, "POST", "/api/check", Some(json!({ "text": text }))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_documented(&app, "POST", "/api/check", "200", &body).await;
    }
    let (status, body) = call(
        &app,
        "POST",
        "/api/tournaments",
        Some(json!({ "scenarios": ["distributive-price"], "steps": 20 })),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_documented(&app, "POST", "/api/tournaments", "202", &body).await;
    let id = body["job"].as_str().unwrap().to_owned();
    let done = wait_for_job(&app, &id, Duration::from_secs(60)).await;
    assert_documented(&app, "GET", "/api/jobs/{id}", "200", &done).await;
    // The library's routes too.
    for (method, path, route) in [
        ("GET", "/api/health", "/api/health"),
        ("GET", "/api/agents", "/api/agents"),
        ("GET", "/api/jobs", "/api/jobs"),
        ("GET", "/api/scenarios", "/api/scenarios"),
        ("GET", "/api/scenarios/negotiation-impasse-2023", "/api/scenarios/{name}"),
        ("GET", "/api/scenarios/distributive-price/export", "/api/scenarios/{name}/export"),
        (
            "GET",
            "/api/scenarios/distributive-price/export?to=genius",
            "/api/scenarios/{name}/export",
        ),
    ] {
        let (status, body) = call(&app, method, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_documented(&app, method, route, "200", &body).await;
    }
    let text = "format_version = 1\n[scenario]\nname = 3\n";
    let (status, body) =
        call(&app, "PUT", "/api/scenarios/broken", Some(json!({ "text": text }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn negotiation_returns_a_trace() {
    let (app, dir) = app();
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios/distributive-price/negotiate",
        Some(json!({ "agents": ["boulware", "conceder"], "steps": 100 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["end"], "agreement");
    assert_eq!(body["agreement"]["price"], 78, "as the command line gives");
    let trace = body["trace"].as_array().unwrap();
    assert_eq!(trace.len() as u64, body["offers"].as_u64().unwrap());
    assert!(trace[0]["outcome"]["price"].is_number());
    assert_eq!(trace[0]["utilities"].as_object().unwrap().len(), 2);
    assert!(!body["reference"]["frontier"].as_array().unwrap().is_empty());
    // The seed, default agents (red-line holders), mediated as well.
    let (status, body) =
        call(&app, "POST", "/api/scenarios/negotiation-impasse-2023/negotiate", Some(json!({})))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_ne!(body["end"], "agreement");
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios/negotiation-impasse-2023/negotiate",
        Some(json!({ "protocol": "mediated", "steps": 50, "set": { "conflict.balance": 0.3 } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let _ = std::fs::remove_dir_all(dir);
}

async fn wait_for_job(app: &Router, id: &str, timeout: Duration) -> Value {
    let start = Instant::now();
    loop {
        let (status, body) = call(app, "GET", &format!("/api/jobs/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        if body["status"] != "running" || start.elapsed() > timeout {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tournaments_complete_and_cancel() {
    let (app, dir) = app();
    let (status, body) = call(
        &app,
        "POST",
        "/api/tournaments",
        Some(json!({
            "scenarios": ["distributive-price", "integrative-logrolling"],
            "agents": ["boulware", "conceder", "linear"],
            "repetitions": 2,
            "steps": 50,
        })),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let id = body["job"].as_str().unwrap().to_owned();
    assert_eq!(body["total"], 2 * 9 * 2);
    let job = wait_for_job(&app, &id, Duration::from_secs(60)).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["done"], job["total"]);
    let standings = job["standings"].as_array().unwrap();
    assert_eq!(standings.len(), 3);
    assert_eq!(standings[0]["rank"], 1);
    assert!(standings[0]["mean_utility"].as_f64().is_some());
    assert!(standings[0]["agreement_rate"].as_f64().is_some());

    // A big one, cancelled: it stops, and what ran is kept.
    let (status, body) = call(
        &app,
        "POST",
        "/api/tournaments",
        Some(json!({ "scenarios": ["negotiation-impasse-2023"], "agents": ["all"], "steps": 100 })),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let big = body["job"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, body) = call(&app, "DELETE", &format!("/api/jobs/{big}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "cancelled");
    let done = body["done"].as_u64().unwrap();
    assert!(done < body["total"].as_u64().unwrap());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, body) = call(&app, "GET", &format!("/api/jobs/{big}"), None).await;
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["done"].as_u64().unwrap(), done, "nothing more counted after cancelling");
    let (_, body) = call(&app, "GET", "/api/jobs", None).await;
    assert_eq!(body["jobs"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn dynamics_returns_the_way_out() {
    let (app, dir) = app();
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios/negotiation-impasse-2023/dynamics",
        Some(json!({ "runs": 2000, "seed": 1, "set": { "conflict.balance": 0.45 } })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["format_version"], 1);
    let point = &body["points"][0];
    let way_out = &point["way_out"];
    assert!(way_out["exact"]["settled_by_round"].as_array().unwrap().len() > 1, "{way_out}");
    assert_eq!(way_out["simulated"]["runs"], 2000);
    assert_eq!(point["point"]["conflict.balance"], 0.45);
    assert!(point["sides"]["p_b"].as_f64().is_some());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn slow_work_is_stopped_with_a_4xx() {
    let limits = Limits { work_timeout: Duration::from_millis(200), ..Limits::default() };
    let (app, dir) = app_with(limits);
    let start = Instant::now();
    let (status, body) = call(
        &app,
        "POST",
        "/api/scenarios/negotiation-impasse-2023/dynamics",
        Some(json!({ "runs": 1_000_000, "horizon": 10_000, "models": ["attrition"] })),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "too_slow");
    assert!(start.elapsed() < Duration::from_secs(30));
    // The worker is free again.
    let (status, _) = call(&app, "GET", "/api/scenarios/distributive-price/analysis", None).await;
    assert_eq!(status, StatusCode::OK);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn export_and_import_genius() {
    let (app, dir) = app();
    let (status, body) =
        call(&app, "GET", "/api/scenarios/integrative-logrolling/export?to=genius", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let files = body["files"].as_object().unwrap().clone();
    assert_eq!(files.len(), 3, "a domain and two profiles");
    let (status, body) = call(
        &app,
        "POST",
        "/api/import",
        Some(json!({ "name": "logroll-genius", "files": files })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["format"], "genius");
    let (status, body) = call(&app, "GET", "/api/scenarios/logroll-genius", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], true, "{body}");
    assert!(body["text"].as_str().unwrap().contains("=== file: "));
    let (status, body) = call(&app, "GET", "/api/scenarios/logroll-genius/analysis", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Overrides are for native scenarios only.
    let (status, body) =
        call(&app, "GET", "/api/scenarios/logroll-genius/analysis?set=a%3D1", None).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST);
    // Round trip of the files.
    let (status, body) =
        call(&app, "GET", "/api/scenarios/logroll-genius/export?to=genius", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["files"].as_object().unwrap().len(), 3);
    let (status, body) =
        call(&app, "GET", "/api/scenarios/logroll-genius/export?to=native", None).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY);

    // A broken profile: the error points at its line in the stored bundle.
    let mut broken = files.clone();
    let (first_profile, text) = broken
        .iter()
        .find(|(_, t)| !t.as_str().unwrap().contains("negotiation_template"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    let text = text.as_str().unwrap().replacen("evaluation=\"", "evaluation=\"x", 1);
    broken.insert(first_profile.clone(), json!(text));
    let (status, body) =
        call(&app, "POST", "/api/import", Some(json!({ "name": "broken", "files": broken }))).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
    // The bundle: a comment line, then per file a header line and the file's lines, by name.
    let names: Vec<&String> = broken.keys().collect();
    let mut line = 2;
    for name in names {
        if *name == first_profile {
            break;
        }
        line += 1 + broken[name].as_str().unwrap().trim_end().lines().count();
    }
    let in_file = text.lines().position(|l| l.contains("evaluation=\"x")).unwrap() + 1;
    assert_eq!(body["errors"][0]["file"], first_profile.as_str(), "{body}");
    assert_eq!(body["errors"][0]["line"], line + in_file, "{body}");

    // A native import; a name taken.
    let (status, body) = call(
        &app,
        "POST",
        "/api/import",
        Some(json!({ "name": "native", "files": { "some/dir/x.toml": template() } })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["format"], "toml");
    let (status, body) = call(
        &app,
        "POST",
        "/api/import",
        Some(json!({ "name": "native", "files": { "x.toml": template() } })),
    )
    .await;
    assert_error(status, &body, StatusCode::CONFLICT);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let (app, dir) = app();
    let (status, doc) = call(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every reference resolves.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x) {
                        ("$ref", Value::String(r)) => out.push(r),
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in &all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
    }
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        let op = &paths.get(*path).unwrap_or_else(|| panic!("{path} is not documented"))
            [method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path} has no responses");
    }
    // Nothing documented that is not a route.
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys().filter(|k| *k != "parameters") {
            assert!(
                ROUTES.iter().any(|(m, p)| p == path && m.eq_ignore_ascii_case(method)),
                "{method} {path} is documented but not a route"
            );
        }
    }
    // Every listed route is registered (neither the fallback's 404 nor a 405).
    for (method, path) in ROUTES {
        let uri = path.replace("{name}", "distributive-price").replace("{id}", "nope");
        let body = matches!(*method, "POST" | "PUT").then(|| json!({}));
        let (status, reply) = call(&app, method, &uri, body).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(
            !reply["error"]["message"].as_str().unwrap_or("").starts_with("no such route"),
            "{method} {uri} is not registered"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_page_and_its_assets() {
    let (app, dir) = app();
    for (uri, kind) in
        [("/", "text/html"), ("/assets/app.js", "text/javascript"), ("/assets/app.css", "text/css")]
    {
        let response = app
            .clone()
            .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
        assert!(content_type.starts_with(kind), "{uri}: {content_type}");
    }
    let (_, page) = call(&app, "GET", "/", None).await;
    let page = page.as_str().unwrap();
    for id in [
        "scenario-list",
        "new-name",
        "create",
        "duplicate",
        "delete",
        "import-files",
        "import",
        "export",
        "tab-editor",
        "tab-analysis",
        "tab-negotiation",
        "tab-tournament",
        "tab-dynamics",
        "editor",
        "check",
        "save",
        "errors",
        "save-status",
        "verdict",
        "clashes",
        "closest",
        "proposals",
        "solutions",
        "utility-plot",
        "tooltip",
        "ripeness-plot",
        "agents",
        "steps",
        "negotiate",
        "negotiation-status",
        "offers",
        "negotiation-speed",
        "tournament-scenarios",
        "tournament-agents",
        "tournament-repetitions",
        "run-tournament",
        "cancel-tournament",
        "tournament-progress",
        "tournament-status",
        "leaderboard",
        "runs",
        "run-dynamics",
        "dynamics-summary",
        "dynamics-plot",
    ] {
        assert!(page.contains(&format!("id=\"{id}\"")), "the page has no #{id}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests() {
    let (app, dir) = app();
    let mut tasks = Vec::new();
    for k in 0..50 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            match k % 5 {
                0 => call(&app, "GET", "/api/scenarios/distributive-price/analysis", None).await,
                1 => call(&app, "GET", "/api/scenarios", None).await,
                2 => {
                    call(
                        &app,
                        "PUT",
                        &format!("/api/scenarios/c{k}"),
                        Some(json!({ "text": template() })),
                    )
                    .await
                }
                3 => call(&app, "GET", "/api/scenarios/negotiation-impasse-2023", None).await,
                _ => {
                    call(
                        &app,
                        "POST",
                        "/api/scenarios/distributive-price/negotiate",
                        Some(json!({ "seed": k })),
                    )
                    .await
                }
            }
        }));
    }
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status.is_success(), "{status} {body}");
    }
    let (_, list) = call(&app, "GET", "/api/scenarios", None).await;
    let users =
        list["scenarios"].as_array().unwrap().iter().filter(|s| s["source"] == "user").count();
    assert_eq!(users, 10);
    let _ = std::fs::remove_dir_all(dir);
}

/// A minimal HTTP/1.1 client: one request per connection.
fn http(addr: std::net::SocketAddr, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_real_server_under_load() {
    let dir = data_dir();
    let state = AppState::open(&dir).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let results = tokio::task::spawn_blocking(move || {
        let handles: Vec<_> = (0..50)
            .map(|k| {
                std::thread::spawn(move || match k % 3 {
                    0 => {
                        http(addr, "GET", "/api/scenarios/negotiation-impasse-2023/analysis", None)
                    }
                    1 => http(
                        addr,
                        "PUT",
                        &format!("/api/scenarios/s{k}"),
                        Some(&json!({ "text": template() }).to_string()),
                    ),
                    _ => http(addr, "GET", "/", None),
                })
            })
            .collect();
        let results: Vec<(u16, String)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        // A truncated request and garbage are answered or dropped, and the server goes on.
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let _ = stream.write_all(b"PUT /api/scenarios/x HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
        drop(stream);
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let _ = stream.write_all(b"\x00\x01garbage\r\n\r\n");
        drop(stream);
        let after = http(addr, "GET", "/api/health", None);
        (results, after)
    })
    .await
    .unwrap();
    for (status, body) in &results.0 {
        assert!((200..300).contains(status), "{status} {body}");
    }
    assert_eq!(results.1.0, 200);
    server.abort();
    let _ = std::fs::remove_dir_all(dir);
}
