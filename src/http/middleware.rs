//! Cross-cutting request handling: a request id in every log line and
//! response, one access-log line per request, and the request timeout.
//!
//! Security: the access log names method, path (no query string), status and
//! timing only; headers such as Cookie, Set-Cookie and Authorization are never
//! logged.

use std::time::{Duration, Instant};

use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument as _;

use super::problem::ApiError;
use crate::metrics::Metrics;

/// The header carrying the request id, accepted from the caller or generated.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id from the caller is kept when it is short and plain; anything
/// else (too long, odd characters that could forge log lines) is replaced.
fn acceptable(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// A fresh random (v4) UUID as a header value. The bytes come from the
/// thread-local CSPRNG (no system call per request, unlike `Uuid::new_v4`
/// without uuid's `fast-rng`) and are formatted on the stack.
fn new_request_id() -> HeaderValue {
    let bytes: [u8; 16] = rand::random();
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut buf))
        .unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// The request id of the current request, for handlers that want it.
#[derive(Debug, Clone)]
pub struct RequestId(pub HeaderValue);

/// Assigns the request id, runs the request inside a span that carries it,
/// returns it in the response and writes one access-log line.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .filter(|v| acceptable(v))
        .cloned()
        .unwrap_or_else(new_request_id);
    req.headers_mut().insert(X_REQUEST_ID.clone(), id.clone());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = id.to_str().unwrap_or(""),
        method = %req.method(),
        path = req.uri().path(),
    );
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    response.headers_mut().insert(X_REQUEST_ID.clone(), id);
    response
}

/// The most `Cookie` header bytes (all `Cookie` headers together) a request
/// may carry. The service's own cookies need about 11 KiB at most (an 8 KiB
/// access token, possibly split, and the session cookie); a load balancer
/// typically refuses a header line over 16 KiB anyway. Headers far larger
/// than this (hundreds of KiB) are refused by hyper itself with a bare 431
/// before any of this code runs.
pub const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// Refuses a request whose `Cookie` headers exceed [`MAX_COOKIE_BYTES`] with
/// 431 problem+json, before any cookie is parsed.
pub async fn cookie_limit(req: Request, next: Next) -> Response {
    let total: usize = req
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .map(|v| v.len())
        .sum();
    if total > MAX_COOKIE_BYTES {
        tracing::info!(cookie_bytes = total, "cookie header too large");
        return ApiError::CookieHeaderTooLarge.into_response();
    }
    next.run(req).await
}

/// Ends a request that runs longer than the configured timeout with 503
/// `upstream_unavailable` (the usual cause is a slow Cognito).
pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis() as u64, "request timed out");
            ApiError::Timeout.into_response()
        }
    }
}

/// Counts the request in `bff_http_requests_total` by matched route (the
/// route template, never the raw path; `unmatched` for 404s), method and status.
pub async fn metrics(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().clone();
    let response = next.run(req).await;
    metrics.http_request(&route, &method, response.status());
    response
}
