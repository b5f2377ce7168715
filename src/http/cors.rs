//! CORS for the SPA origins in `BFF_ALLOWED_ORIGINS`: credentials allowed,
//! on every response (errors included, the layer wraps them all); preflight
//! allows `Content-Type` and `X-CSRF`. With no allowed origins there is no
//! CORS at all: same origin only.

use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::csrf::CSRF_HEADER;
use super::middleware::X_REQUEST_ID;

/// The CORS layer, or `None` when no origin is allowed.
pub fn layer(allowed_origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            // An exact list, never a wildcard or a reflected origin.
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::CONTENT_TYPE, HeaderName::from_static(CSRF_HEADER)])
            .expose_headers([X_REQUEST_ID.clone(), header::RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
