//! The web side of the remote APIs (`BFF_UPSTREAMS`): each upstream's
//! prefix is a route under `/api`, behind the guard, the CSRF check and the
//! tenant resolution of every `/api` route; its handler hands the verified
//! caller and the request, unread, to [`crate::proxy`].
//!
//! Security: a WebSocket upgrade authenticated by the cookie is refused
//! unless its `Origin` is the service's own or an allowed one. A browser's
//! WebSocket cannot send `X-CSRF`, so the Origin check is the defence
//! against cross-site WebSocket hijacking; a Bearer caller needs none.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};

use super::csrf::{self, CsrfPolicy};
use super::guard::{AccessToken, AuthenticatedBy};
use super::problem::ApiError;
use super::routes::Routes;
use crate::auth::{AuthError, Principal};
use crate::proxy::{Caller, is_websocket_upgrade};
use crate::state::AppState;

/// One route pair (`<prefix>` and `<prefix>/...`) per upstream.
pub fn routes(state: &AppState) -> Routes {
    let policy = Arc::new(CsrfPolicy::new(&state.settings));
    state
        .proxy
        .prefixes()
        .fold(Routes::new(), |routes, (index, prefix)| {
            let policy = Arc::clone(&policy);
            routes.any_under(
                prefix,
                move |State(state): State<AppState>,
                      principal: Principal,
                      token: AccessToken,
                      by: AuthenticatedBy,
                      req: Request| {
                    let policy = Arc::clone(&policy);
                    async move { forward(&state, &policy, index, principal, token, by, req).await }
                },
            )
        })
}

/// Whether `path` has a `.` or `..` segment, written plainly or
/// percent-encoded (`%2e`). Security: the path is forwarded as received, and
/// an upstream that resolves dot segments would let `/api/orders/../x` reach
/// outside the base path the operator configured; browsers never send such
/// paths, so they are refused rather than rewritten.
fn has_dot_segment(path: &str) -> bool {
    // Every proxied request comes through here: no allocation.
    let is_dots = |segment: &str| {
        let mut rest = segment.as_bytes();
        let mut dots = 0;
        while !rest.is_empty() {
            match rest {
                [b'.', tail @ ..] => rest = tail,
                [b'%', b'2', e, tail @ ..] if e.eq_ignore_ascii_case(&b'e') => rest = tail,
                _ => return false,
            }
            dots += 1;
        }
        (1..=2).contains(&dots)
    };
    (path.contains('.') || path.contains('%')) && path.split('/').any(is_dots)
}

async fn forward(
    state: &AppState,
    policy: &CsrfPolicy,
    index: usize,
    principal: Principal,
    token: AccessToken,
    by: AuthenticatedBy,
    req: Request,
) -> Response {
    if has_dot_segment(req.uri().path()) {
        return ApiError::Malformed(
            "A path to a remote API may not contain `.` or `..` segments.".into(),
        )
        .into_response();
    }
    if state.proxy.requires_tenant(index) && principal.org_id().is_none() {
        return ApiError::Auth(AuthError::MissingOrg).into_response();
    }
    let websocket = is_websocket_upgrade(&req);
    if websocket
        && by == AuthenticatedBy::Cookie
        && let Err(why) = csrf::check_websocket_origin(policy, req.headers())
    {
        return ApiError::CsrfRejected(why).into_response();
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let caller = Caller {
        sub: principal.sub(),
        username: principal.username(),
        org_id: principal.org_id(),
        token: token.expose(),
    };
    let hop = state.proxy.hop(peer);
    match state
        .proxy
        .forward(index, req, &caller, hop, websocket)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(e) => {
            tracing::warn!(error = %e, "remote API call failed");
            ApiError::Proxy(e).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_dot_segment;

    #[test]
    fn dot_segments_are_found_plain_or_encoded() {
        for path in [
            "/api/x/../y",
            "/api/x/./y",
            "/api/x/%2e%2E/y",
            "/api/x/.%2e",
            "/api/x/..",
        ] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in [
            "/api/x/y",
            "/api/x/.well-known/y",
            "/api/x/a..b",
            "/api/x/%2e%2e%2e",
        ] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
