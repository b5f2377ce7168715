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

use super::credentials::{NoCredentials, chunked_cookie_token, credentials};
use super::problem::ApiError;
use crate::auth::{AuthError, Principal, SessionBinding};
use crate::config::OrgIdSource;
use crate::state::AppState;

/// The verified access token of the request, for handlers that call Cognito
/// on the user's behalf (GetUser). Its `Debug` never shows the token.
#[derive(Clone)]
pub struct AccessToken(String);

impl AccessToken {
    /// The token, to pass to Cognito. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

/// How the request was authenticated (in the request extensions next to the
/// [`Principal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticatedBy {
    /// `Authorization: Bearer`.
    Bearer,
    /// The access cookie.
    Cookie,
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
        Ok(c) => {
            let by = if c.is_bearer() {
                AuthenticatedBy::Bearer
            } else {
                AuthenticatedBy::Cookie
            };
            (c.token().to_owned(), by)
        }
        Err(NoCredentials::Missing) => {
            match chunked_cookie_token(req.headers(), &state.cookies.names().access_chunks) {
                Ok(Some(token)) => (token, AuthenticatedBy::Cookie),
                Ok(None) => {
                    tracing::debug!(reason = "no access token", "request refused");
                    return ApiError::MissingCredentials.into_response();
                }
                Err(NoCredentials::Unusable(reason)) => {
                    tracing::debug!(reason, "request refused");
                    return ApiError::Auth(AuthError::Unauthenticated).into_response();
                }
                Err(NoCredentials::Missing) => return ApiError::MissingCredentials.into_response(),
            }
        }
        Err(NoCredentials::Unusable(reason)) => {
            tracing::debug!(reason, "request refused");
            return ApiError::Auth(AuthError::Unauthenticated).into_response();
        }
    };
    let session = session_binding(&state, &req, by);
    match state.verifier.verify(&token, session.as_ref()).await {
        Ok(principal) => {
            let ext = req.extensions_mut();
            ext.insert(principal);
            ext.insert(AccessToken(token));
            ext.insert(by);
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

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| unguarded("Principal"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AccessToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AccessToken>()
            .cloned()
            .ok_or_else(|| unguarded("AccessToken"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuthenticatedBy {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<AuthenticatedBy>()
            .copied()
            .ok_or_else(|| unguarded("AuthenticatedBy"))
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
            p.org_id
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
        let t = AccessToken("eyJhbGciOiJSUzI1NiJ9.e30.sig".to_owned());
        assert!(!format!("{t:?}").contains("eyJ"));
    }
}
