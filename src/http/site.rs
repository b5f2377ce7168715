//! The static site at `/`: the SPA demo page (`static/`, built into the
//! binary) in local mode, or the files of `BFF_STATIC_DIR` in any profile.
//!
//! It is the router's fallback, so it never shadows a route: only GET and
//! HEAD requests that no route matched reach it, and paths under `/auth`,
//! `/api`, `/healthz` and `/readyz` are never looked up on disk. Anything
//! not found is the usual 404 problem+json.
//!
//! Security: every file is sent with `X-Frame-Options: DENY`,
//! `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a
//! Content-Security-Policy that allows scripts, styles and `fetch` from the
//! service's own origin only (no inline script, no framing, no form posts).
//! A page served from elsewhere (`?api=` pointing here) is governed by its own
//! server's policy; this one keeps a link like `/?api=https://evil.example`
//! from sending a typed password anywhere but here.

use std::path::Path;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use super::problem::ApiError;
use crate::config::{Profile, Settings};
use crate::cookies::{API_PATH, AUTH_PATH};

/// The demo page, built into the binary so `cargo run` serves it from anywhere.
pub const INDEX_HTML: &str = include_str!("../../static/index.html");
pub const APP_JS: &str = include_str!("../../static/app.js");
pub const STYLE_CSS: &str = include_str!("../../static/style.css");

/// The Content-Security-Policy of every static response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; \
     frame-ancestors 'none'; base-uri 'none'";

/// What is served at `/`.
#[derive(Debug, Clone)]
pub enum Site {
    /// Nothing: every unmatched path is 404 (production without `BFF_STATIC_DIR`).
    Nothing,
    /// The demo page built into the binary (local mode).
    Demo,
    /// The files of `BFF_STATIC_DIR`.
    Dir(ServeDir),
}

impl Site {
    /// `BFF_STATIC_DIR` when set, else the demo page in local mode, else nothing.
    pub fn from_settings(settings: &Settings) -> Self {
        match (&settings.static_dir, settings.profile) {
            (Some(dir), _) => Self::dir(dir),
            (None, Profile::Local) => Self::Demo,
            (None, Profile::Production) => Self::Nothing,
        }
    }

    fn dir(dir: &Path) -> Self {
        Self::Dir(ServeDir::new(dir).append_index_html_on_directories(true))
    }

    /// Answers a request no route matched.
    pub async fn serve(self, req: Request) -> Response {
        if !matches!(*req.method(), Method::GET | Method::HEAD) || reserved(req.uri().path()) {
            return ApiError::NotFound.into_response();
        }
        let response = match self {
            Self::Nothing => return ApiError::NotFound.into_response(),
            Self::Demo => demo(req.uri().path()),
            Self::Dir(dir) => match dir.oneshot(req).await {
                Ok(r) => r.map(Body::new),
                Err(never) => match never {},
            },
        };
        if response.status() == StatusCode::NOT_FOUND {
            return ApiError::NotFound.into_response();
        }
        with_security_headers(response)
    }
}

/// Paths that belong to the service's routes, never to files.
fn reserved(path: &str) -> bool {
    [AUTH_PATH, API_PATH, "/healthz", "/readyz"]
        .iter()
        .any(|p| {
            path.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

fn demo(path: &str) -> Response {
    let (body, content_type) = match path {
        "/" | "/index.html" => (INDEX_HTML, "text/html; charset=utf-8"),
        "/app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "/style.css" => (STYLE_CSS, "text/css; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn with_security_headers(mut response: Response) -> Response {
    set_security_headers(response.headers_mut());
    response
}

/// The headers every static response carries.
pub fn set_security_headers(headers: &mut HeaderMap) {
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::CACHE_CONTROL, "no-cache"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_paths_are_reserved_and_look_alikes_are_not() {
        for p in [
            "/auth",
            "/auth/x",
            "/api",
            "/api/me/x",
            "/healthz",
            "/readyz",
        ] {
            assert!(reserved(p), "{p}");
        }
        for p in ["/", "/app.js", "/authors.html", "/apidocs/", "/healthz.txt"] {
            assert!(!reserved(p), "{p}");
        }
    }

    #[test]
    fn the_policy_has_no_inline_script() {
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-eval"));
        assert!(
            !INDEX_HTML.contains("<script>"),
            "no inline script in the page"
        );
        let inline_handler = INDEX_HTML.split_whitespace().any(|w| {
            w.strip_prefix("on")
                .and_then(|rest| rest.split_once('='))
                .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_lowercase()))
        });
        assert!(!inline_handler, "no inline event handlers");
    }
}
