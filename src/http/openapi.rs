//! `GET /openapi.json`: the OpenAPI 3.1 description of every route and error,
//! kept in `openapi.json` at the repository root and compiled into the binary.
//! A test checks it lists exactly the routes [`super::mounted_routes`] mounts.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The document, as shipped.
pub const DOCUMENT: &str = include_str!("../../openapi.json");

/// `GET /openapi.json`.
pub async fn document() -> Response {
    let mut response = DOCUMENT.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
