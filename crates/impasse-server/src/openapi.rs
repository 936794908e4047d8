//! The OpenAPI 3.0 document of the API, hand-written (`assets/openapi.json`) and served as is.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The document.
pub(crate) const DOCUMENT: &str = include_str!("../assets/openapi.json");

/// `GET /api/openapi.json`.
pub(crate) async fn document() -> Response {
    let mut response = DOCUMENT.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
