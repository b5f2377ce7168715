//! The `/api` guard: a middleware that lets a request through only with a
//! verified access token, and the extractors handlers use to get what it
//! verified ([`Principal`], [`AccessToken`]).
//!
//! The middleware is applied to the `/api` router only (see
//! [`super::api`]). The extractors fail closed: on a route mounted without
//! the guard they answer 500 `internal` (and log it) rather than serve an
//! unauthenticated request.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use super::credentials::AccessToken;
use super::credentials::{NoCredentials, Scheme, chunked_cookie_token, credentials};
use super::problem::ApiError;
use crate::auth::{AuthError, Principal, SessionBinding};
use crate::config::OrgIdSource;
use crate::state::AppState;

/// How the request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticatedBy {
    /// `Authorization: Bearer`.
    Bearer,
    /// The access cookie.
    Cookie,
}

impl From<Scheme> for AuthenticatedBy {
    fn from(scheme: Scheme) -> Self {
        match scheme {
            Scheme::Bearer => Self::Bearer,
            Scheme::Cookie => Self::Cookie,
        }
    }
}

/// What the guard verified, in the request extensions (one entry: the
/// extractors below read their part of it).
#[derive(Debug, Clone)]
struct Verified {
    principal: Principal,
    token: AccessToken,
    by: AuthenticatedBy,
}

/// The guard middleware: verifies the request's access token and puts the
/// [`Principal`], the [`AccessToken`] and [`AuthenticatedBy`] into the
/// request extensions; otherwise answers 401/403 problem+json.
pub async fn require_principal(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let (token, by) = match credentials(req.headers(), state.cookies.names().access) {
        Ok(c) => (c.keep(), c.scheme().into()),
        Err(NoCredentials::Missing) => {
            match chunked_cookie_token(req.headers(), &state.cookies.names().access_chunks) {
                Ok(Some(token)) => (token, AuthenticatedBy::Cookie),
                Ok(None) | Err(NoCredentials::Missing) => {
                    tracing::debug!(reason = "no access token", "request refused");
                    return ApiError::MissingCredentials.into_response();
                }
                Err(NoCredentials::Unusable(reason)) => {
                    tracing::debug!(reason, "request refused");
                    return ApiError::Auth(AuthError::Unauthenticated).into_response();
                }
            }
        }
        Err(NoCredentials::Unusable(reason)) => {
            tracing::debug!(reason, "request refused");
            return ApiError::Auth(AuthError::Unauthenticated).into_response();
        }
    };
    let session = session_binding(&state, &req, by);
    match state
        .verifier
        .verify(token.expose(), session.as_ref())
        .await
    {
        Ok(principal) => {
            req.extensions_mut().insert(Verified {
                principal,
                token,
                by,
            });
            next.run(req).await
        }
        Err(e) => ApiError::Auth(e).into_response(),
    }
}

/// The tenant bound to the session by the encrypted session cookie, with
/// `BFF_ORG_ID_SOURCE=id_token`.
///
/// Security: only a cookie-authenticated request may use the session cookie;
/// a Bearer caller's tenant comes from its access token alone (CONTRACT.md).
/// A cookie that does not decrypt counts as absent (fail closed: `missing_org`).
fn session_binding(state: &AppState, req: &Request, by: AuthenticatedBy) -> Option<SessionBinding> {
    if state.settings.tokens.org_id_source != OrgIdSource::IdToken || by != AuthenticatedBy::Cookie
    {
        return None;
    }
    state.cookies.read_session(req.headers())
}

/// Fails closed when a route reads what only the guard provides.
fn unguarded(what: &'static str) -> ApiError {
    ApiError::Auth(AuthError::Internal(format!(
        "{what} extracted on a route mounted without the /api guard"
    )))
}

/// What the guard verified, or `internal` on an unguarded route.
fn verified<'a>(parts: &'a Parts, what: &'static str) -> Result<&'a Verified, ApiError> {
    parts
        .extensions
        .get::<Verified>()
        .ok_or_else(|| unguarded(what))
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        verified(parts, "Principal").map(|v| v.principal.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AccessToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        verified(parts, "AccessToken").map(|v| v.token.clone())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthenticatedBy {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        verified(parts, "AuthenticatedBy").map(|v| v.by)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // throw-away routers for the extractors
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn a_route_mounted_without_the_guard_fails_closed_with_internal() {
        async fn handler(p: Principal) -> String {
            p.org_id().to_owned()
        }
        async fn token(t: AccessToken) -> String {
            t.expose().len().to_string()
        }
        let app = Router::new()
            .route("/p", get(handler))
            .route("/t", get(token));
        for path in ["/p", "/t"] {
            let request = Request::get(path).body(Body::empty()).expect("request");
            let response = app.clone().oneshot(request).await.expect("response");
            assert_eq!(
                response.status(),
                StatusCode::INTERNAL_SERVER_ERROR,
                "{path}"
            );
            let body = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .expect("body");
            let problem: serde_json::Value = serde_json::from_slice(&body).expect("problem");
            assert_eq!(problem["code"], "internal");
        }
    }

    #[test]
    fn the_access_token_never_shows_in_debug_output() {
        let t = AccessToken::joined("eyJhbGciOiJSUzI1NiJ9.e30.sig".to_owned());
        assert!(!format!("{t:?}").contains("eyJ"));
        assert_eq!(t.expose(), "eyJhbGciOiJSUzI1NiJ9.e30.sig");
    }
}
