//! CSRF defence for cookie-authenticated requests.
//!
//! Every POST/PUT/PATCH/DELETE under `/auth`, and under `/api` unless it
//! carries `Authorization: Bearer` (a header no cross-site page can make a
//! browser attach), must send exactly `X-CSRF: 1`. A custom header cannot be
//! sent cross-origin without a CORS preflight, which only allowed origins
//! pass. In addition an `Origin` header, when present, must be the service's
//! own origin or an allowed one; `Origin: null` (sandboxed frames, some
//! redirects) is refused. The check runs before any other work.

use axum::http::{HeaderMap, Method, header};

use super::routes::is_under;
use crate::cookies::{API_PATH, AUTH_PATH};

/// The header (and its only accepted value) that marks a request as sent by script.
pub const CSRF_HEADER: &str = "x-csrf";

/// What counts as "own" and "allowed" origins.
#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    /// `BFF_PUBLIC_URL`'s origin; when unset, `http(s)://<Host>` is own.
    pub public_origin: Option<String>,
    /// `BFF_ALLOWED_ORIGINS`.
    pub allowed_origins: Vec<String>,
}

impl CsrfPolicy {
    /// From the settings: `BFF_PUBLIC_URL`'s origin and `BFF_ALLOWED_ORIGINS`.
    pub fn new(settings: &crate::config::Settings) -> Self {
        Self {
            public_origin: settings
                .public_url
                .as_ref()
                .map(|u| u.origin().ascii_serialization()),
            allowed_origins: settings.allowed_origins.clone(),
        }
    }

    fn origin_ok(&self, origin: &str, headers: &HeaderMap) -> bool {
        if origin == "null" {
            return false;
        }
        if self.allowed_origins.iter().any(|o| o == origin) {
            return true;
        }
        match &self.public_origin {
            Some(own) => own == origin,
            None => {
                let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
                    return false;
                };
                origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    .is_some_and(|rest| rest.eq_ignore_ascii_case(host))
            }
        }
    }
}

fn is_unsafe(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// A usable `Authorization: Bearer` token, read as the guard reads it: a
/// request that only claims Bearer (empty, doubled) still needs the header.
fn has_bearer(headers: &HeaderMap) -> bool {
    matches!(super::credentials::bearer(headers), Ok(Some(_)))
}

/// Decides whether a request passes; `Err` carries the reason (safe to show).
pub fn check(
    policy: &CsrfPolicy,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    if !is_unsafe(method) {
        return Ok(());
    }
    let guarded = is_under(path, AUTH_PATH) || (is_under(path, API_PATH) && !has_bearer(headers));
    if !guarded {
        return Ok(());
    }
    let mut values = headers.get_all(CSRF_HEADER).iter();
    match (values.next(), values.next()) {
        (Some(v), None) if v.as_bytes() == b"1" => {}
        _ => return Err("The request must carry exactly the header `X-CSRF: 1`."),
    }
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (None, _) => Ok(()),
        (Some(o), None) => match o.to_str() {
            Ok(origin) if policy.origin_ok(origin, headers) => Ok(()),
            _ => Err("The request's Origin is not allowed."),
        },
        _ => Err("The request's Origin is not allowed."),
    }
}

/// A WebSocket upgrade authenticated by the cookie: exactly one `Origin`,
/// the service's own or an allowed one. A missing `Origin` is refused too
/// (browsers always send it on a WebSocket; other clients can use Bearer).
pub fn check_websocket_origin(
    policy: &CsrfPolicy,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (Some(o), None) => match o.to_str() {
            Ok(origin) if policy.origin_ok(origin, headers) => Ok(()),
            _ => Err("The WebSocket's Origin is not allowed."),
        },
        _ => Err("A WebSocket authenticated by cookie must come from an allowed Origin."),
    }
}
