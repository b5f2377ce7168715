//! The HTTP routes besides the Cognito API: the per-pool JWKS and OpenID
//! configuration, and the local-only `/_local/inbox` and `/_local/calls`.
//! (A server of its own: the service's route record and OpenAPI do not cover it.)
#![allow(clippy::disallowed_methods)]

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::HOST;
use axum::http::uri::Authority;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::{Arc, PoisonError};

use super::codes::{InboxEntry, InboxMessage};
use super::shared::Shared;

/// Every route; with `loopback_only`, behind the `Host` check.
pub fn router(shared: Arc<Shared>, loopback_only: bool) -> Router {
    let router = routes(shared);
    if loopback_only {
        router.layer(axum::middleware::from_fn(loopback_host))
    } else {
        router
    }
}

/// Refuses a request whose `Host` does not name this machine (`localhost`
/// or a loopback address, any port): a page on `evil.example`, whose name
/// an attacker re-pointed at 127.0.0.1 (DNS rebinding), reaches the
/// listener with `Host: evil.example` and is turned away before any
/// operation runs.
async fn loopback_host(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<Authority>().ok());
    if host.is_some_and(|a| is_loopback_name(a.host())) {
        return next.run(request).await;
    }
    tracing::warn!("local cognito: request refused, its Host does not name this machine");
    (
        StatusCode::FORBIDDEN,
        [("x-amzn-errortype", "ForbiddenException")],
        Json(json!({
            "__type": "ForbiddenException",
            "message": "The Host header does not name this machine (the local Cognito serves loopback only).",
        })),
    )
        .into_response()
}

fn is_loopback_name(host: &str) -> bool {
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || ip
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", post(super::protocol::handle))
        .route("/_local/inbox", get(inbox))
        .route("/_local/calls", get(calls))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .with_state(shared)
}

fn pool_missing(pool_id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": format!("User pool {pool_id} does not exist.")})),
    )
        .into_response()
}

async fn jwks(State(shared): State<Arc<Shared>>, Path(pool_id): Path<String>) -> Response {
    if !shared.state().pools.contains_key(&pool_id) {
        return pool_missing(&pool_id);
    }
    Json(shared.keys.jwks()).into_response()
}

async fn openid_configuration(
    State(shared): State<Arc<Shared>>,
    Path(pool_id): Path<String>,
) -> Response {
    let domain = match shared.state().pools.get(&pool_id) {
        None => return pool_missing(&pool_id),
        Some(p) => p.domain.clone(),
    };
    let issuer = shared.issuer(&pool_id);
    let mut doc = json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["sub", "email", "email_verified", "cognito:username", "aud", "iss", "exp", "iat", "auth_time", "token_use"],
    });
    if let (Some(d), Some(o)) = (domain, doc.as_object_mut()) {
        // Hosted UI endpoints are not emulated; advertise where they would be.
        let region = pool_id.split('_').next().unwrap_or("us-east-1");
        let base = format!("https://{d}.auth.{region}.amazoncognito.com");
        o.insert(
            "authorization_endpoint".into(),
            json!(format!("{base}/oauth2/authorize")),
        );
        o.insert(
            "token_endpoint".into(),
            json!(format!("{base}/oauth2/token")),
        );
        o.insert(
            "userinfo_endpoint".into(),
            json!(format!("{base}/oauth2/userInfo")),
        );
    }
    Json(doc).into_response()
}

#[derive(Deserialize)]
struct InboxQuery {
    username: Option<String>,
}

/// `GET /_local/inbox?username=<u>`: the messages "sent", newest first.
async fn inbox(State(shared): State<Arc<Shared>>, Query(q): Query<InboxQuery>) -> Response {
    let state = shared.state();
    let wanted = q.username.map(|u| u.to_lowercase());
    let entries: Vec<InboxMessage<'_>> = state
        .inbox
        .iter()
        .rev()
        .filter(|e| {
            wanted
                .as_ref()
                .is_none_or(|w| e.username.to_lowercase() == *w)
        })
        .map(InboxEntry::message)
        .collect();
    Json(entries).into_response()
}

/// `GET /_local/calls`: calls per operation since start.
async fn calls(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let calls = shared.calls.lock().unwrap_or_else(PoisonError::into_inner);
    Json(json!(*calls))
}
