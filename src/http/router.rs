//! The service's routes and the middleware stack around them.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use std::sync::Arc;

use tower::ServiceBuilder;

use super::csrf::CsrfPolicy;
use super::guard::GuardLayer;
use super::json::BODY_LIMIT;
use super::middleware as mw;
use super::problem::ApiError;
use super::routes::{Route, Routes};
use super::{api, cors, health, openapi, site};
use crate::state::AppState;

/// Builds the whole HTTP surface for `state`.
pub fn router(state: AppState) -> Router {
    router_with_api(state, Router::new())
}

/// Builds the whole HTTP surface for `state`, with `api_routes` served
/// under `/api` behind the access-token guard (see [`super::api`]).
pub fn router_with_api(state: AppState, api_routes: Router<AppState>) -> Router {
    let edge = mw::EdgeLayer::new(mw::Edge {
        metrics: Arc::clone(&state.metrics),
        routes: Default::default(),
        csrf: Arc::new(CsrfPolicy::new(&state.settings)),
        timeout: state.settings.request_timeout,
        untimed: state.proxy.prefixes().map(|(_, p)| p.to_owned()).collect(),
    });
    // Unmatched GET/HEAD: the static site (demo page or BFF_STATIC_DIR), else 404.
    let site = site::Site::from_settings(&state.settings);
    // One `ServiceBuilder` stack, applied with one `Router::layer` call:
    // axum boxes each `Router::layer` separately, and a layer that clones
    // its inner service per call (as `middleware::from_fn` does) then copies
    // every box below it, per request. Listed outermost first.
    let stack = ServiceBuilder::new()
        // Every response (errors, 404s, preflights, panics) gets these.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Nothing the service serves is meant to be framed (no clickjacking of
        // a page, should one be added).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetSensitiveHeadersLayer::new([
            header::AUTHORIZATION,
            header::COOKIE,
            header::SET_COOKIE,
        ]))
        // Outside CSRF and errors, so every response to an allowed origin,
        // errors included, carries the CORS headers.
        .option_layer(cors::layer(&state.settings.allowed_origins))
        // Request id, access log, metrics, Cookie size, CSRF, timeout.
        .layer(edge)
        .layer(CatchPanicLayer::custom(panicked))
        // Every path under /api: the built-in routes, the library user's
        // routes, and 404/405 answers there.
        .layer(GuardLayer::under(state.clone(), api::PREFIX))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    service_routes(api::router(api_routes).merge(super::proxy::routes(&state)))
        .into_router()
        .fallback(move |req: axum::extract::Request| site.clone().serve(req))
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(stack)
        .with_state(state)
}

/// Every route of the service, with `api` as the `/api` part.
fn service_routes(api: Routes) -> Routes {
    Routes::new()
        .get("/healthz", health::healthz)
        .get("/readyz", health::readyz)
        .get("/openapi.json", openapi::document)
        .nest(crate::cookies::AUTH_PATH, super::auth::routes())
        .merge(api)
}

/// The method and path of every route the service mounts itself (routes a
/// library user adds under `/api` are theirs), as `/openapi.json` must list them.
pub fn mounted_routes() -> Vec<Route> {
    service_routes(api::own_routes()).list()
}

/// A panic in a handler is a bug: answer 500 `internal`, log it, keep serving.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("a request handler panicked");
    ApiError::Auth(crate::auth::AuthError::Internal("handler panicked".into())).into_response()
}
