//! Errors: the JSON error body every failed request gets, and the server's own errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The scenario library could not be opened or is damaged.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Binding the address or serving failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

/// One problem in a scenario text, located (the format's diagnostics, lines counted in the text as
/// stored; for GENIUS and GeniusWeb bundles `file` is the member file's name).
pub(crate) type TextError = impasse_report::check::DiagnosticReport;

/// A failed request: an HTTP status, a stable code, a readable message and, for invalid scenario
/// texts, the located problems.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) errors: Option<Vec<TextError>>,
}

impl From<impasse_app::AppError> for ApiError {
    fn from(err: impasse_app::AppError) -> ApiError {
        use impasse_app::AppError;
        match err {
            AppError::Scenario { diagnostics, .. } => {
                ApiError::invalid_scenario(impasse_app::diagnostic_reports(&diagnostics))
            }
            AppError::Invalid(message) => ApiError::bad_request(message),
            AppError::Field { field, message } => {
                ApiError::bad_request(format!("{field}: {message}"))
            }
            AppError::Unprocessable { code, message } => ApiError::unprocessable(code, message),
            AppError::Cancelled => ApiError::internal("the work was cancelled"),
            AppError::TimedOut => ApiError::unprocessable("too_slow", err.to_string()),
            err => ApiError::internal(err.to_string()),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [TextError]>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), errors: None }
    }

    /// 400: the request is malformed or a parameter is out of range.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 404.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: the request clashes with what is stored.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 422: well-formed, but the scenario or the computation cannot be done as asked.
    pub(crate) fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 422 with the located problems of a scenario text.
    pub(crate) fn invalid_scenario(errors: Vec<TextError>) -> Self {
        let message = match errors.first() {
            Some(first) if first.line > 0 => format!(
                "the scenario has {} problem{}; the first is at line {}: {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                first.line,
                first.message
            ),
            Some(first) => format!(
                "the scenario has {} problem{}; the first: {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                first.message
            ),
            None => "the scenario is not valid".to_owned(),
        };
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_scenario",
            message,
            errors: Some(errors),
        }
    }

    /// 429: too much work queued already.
    pub(crate) fn busy(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "busy", message)
    }

    /// 500: a bug. Never expected; the message says so.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The scenario library failed.
    pub(crate) fn store(err: &StoreError) -> Self {
        match err {
            StoreError::Full { .. } => ApiError::conflict(err.to_string()),
            _ => ApiError::internal(format!("the scenario library failed: {err}")),
        }
    }
}

/// The JSON body of an error with `status`, `code` and `message` (also used to give plain-text
/// error responses from the framework a JSON body).
pub(crate) fn error_body(status: StatusCode, code: &str, message: &str) -> Vec<u8> {
    let body =
        ErrorBody { error: ErrorDetail { status: status.as_u16(), code, message }, errors: None };
    serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"error\":{}}".to_vec())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                code: self.code,
                message: &self.message,
            },
            errors: self.errors.as_deref(),
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{\"error\":{}}".to_vec());
        let mut response = (self.status, bytes).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}
