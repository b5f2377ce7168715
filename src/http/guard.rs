//! The `/api` guard: a tower layer that lets a request through only with a
//! verified access token, and the extractors handlers use to get what it
//! verified ([`Principal`], [`AccessToken`]).
//!
//! The service's middleware stack runs it for every path under `/api`
//! ([`GuardLayer::under`], see [`super::api`]); [`super::api::protect`] puts
//! it on a router of one's own. The extractors fail closed: on a route
//! mounted without the guard they answer 500 `internal` (and log it) rather
//! than serve an unauthenticated request.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service};

pub use super::credentials::{AccessToken, AuthenticatedBy};
use super::credentials::{NoCredentials, chunked_cookie_token, credentials};
use super::problem::ApiError;
use super::routes::is_under;
use crate::auth::{AuthError, Principal, SessionBinding};
use crate::config::OrgIdSource;
use crate::state::AppState;

/// What the guard verified, in the request extensions (one entry: the
/// extractors below read their part of it).
#[derive(Debug, Clone)]
struct Verified {
    principal: Principal,
    token: AccessToken,
    by: AuthenticatedBy,
}

/// The guard as a tower layer ([`super::api::protect`] puts it on a router):
/// lets a request through only with a verified access token, putting the
/// [`Principal`], the [`AccessToken`] and [`AuthenticatedBy`] into the
/// request extensions; otherwise answers 401/403 problem+json.
#[derive(Debug, Clone)]
pub struct GuardLayer {
    state: AppState,
    only_under: Option<&'static str>,
}

impl GuardLayer {
    /// Guards every request.
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            only_under: None,
        }
    }

    /// Guards the requests for `prefix` and the paths under it (`/api`,
    /// `/api/...`), and lets every other request through untouched.
    pub fn under(state: AppState, prefix: &'static str) -> Self {
        Self {
            state,
            only_under: Some(prefix),
        }
    }
}

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, inner: S) -> Guard<S> {
        Guard {
            inner,
            state: self.state.clone(),
            only_under: self.only_under,
        }
    }
}

/// The service of [`GuardLayer`].
///
/// Written by hand rather than with `middleware::from_fn`, which clones the
/// inner service and boxes a future on every request: here a request whose
/// token is cached or whose key is at hand is verified synchronously and
/// handed to the inner service directly. Only a token naming a key the key
/// set lacks takes the boxed, awaiting path (the key store's refetch).
#[derive(Debug, Clone)]
pub struct Guard<S> {
    inner: S,
    state: AppState,
    only_under: Option<&'static str>,
}

/// The future of a request that does not go straight to the inner service:
/// a refusal, or the wait for a key.
type Boxed = BoxFuture<'static, Result<Response, Infallible>>;

fn answer(response: Response) -> Boxed {
    Box::pin(std::future::ready(Ok(response)))
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Boxed>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        if let Some(prefix) = self.only_under
            && !is_under(req.uri().path(), prefix)
        {
            return Either::Left(self.inner.call(req));
        }
        let presented = match presented(&self.state, req.headers()) {
            Ok(presented) => presented,
            Err(refused) => return Either::Right(answer(refused.into_response())),
        };
        let Presented {
            token,
            by,
            session,
            decided,
        } = presented;
        match decided {
            Some(Ok(principal)) => {
                req.extensions_mut().insert(Verified {
                    principal,
                    token,
                    by,
                });
                Either::Left(self.inner.call(req))
            }
            Some(Err(e)) => Either::Right(answer(ApiError::Auth(e).into_response())),
            None => {
                // The service made ready goes along; a clone stays (tower's
                // clone-and-swap).
                let ready = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, ready);
                let verifier = Arc::clone(&self.state.verifier);
                Either::Right(Box::pin(async move {
                    match verifier.verify(token.expose(), session.as_ref()).await {
                        Ok(principal) => {
                            req.extensions_mut().insert(Verified {
                                principal,
                                token,
                                by,
                            });
                            inner.call(req).await
                        }
                        Err(e) => Ok(ApiError::Auth(e).into_response()),
                    }
                }))
            }
        }
    }
}

/// The token a request presents, and what could be decided about it
/// without waiting (`None`: its key must be fetched first).
struct Presented {
    token: AccessToken,
    by: AuthenticatedBy,
    session: Option<SessionBinding>,
    decided: Option<Result<Principal, AuthError>>,
}

/// Finds the request's token and verifies it if that needs no waiting.
fn presented(state: &AppState, headers: &HeaderMap) -> Result<Presented, ApiError> {
    let unusable = |reason| {
        tracing::debug!(reason, "request refused");
        ApiError::Auth(AuthError::Unauthenticated)
    };
    // The token as found (borrowed from the headers) and as kept.
    let found = match credentials(headers, state.cookies.names().access) {
        Ok(c) => Ok((c.scheme(), c.keep(), Some(c.token()))),
        Err(NoCredentials::Missing) => {
            match chunked_cookie_token(headers, &state.cookies.names().access_chunks) {
                Ok(Some(token)) => Ok((AuthenticatedBy::Cookie, token, None)),
                Ok(None) | Err(NoCredentials::Missing) => {
                    tracing::debug!(reason = "no access token", "request refused");
                    Err(ApiError::MissingCredentials)
                }
                Err(NoCredentials::Unusable(reason)) => Err(unusable(reason)),
            }
        }
        Err(NoCredentials::Unusable(reason)) => Err(unusable(reason)),
    };
    let (by, token, borrowed) = found?;
    let session = session_binding(state, headers, by);
    // The borrowed form spares `expose`'s UTF-8 check of the kept one.
    let text = borrowed.unwrap_or_else(|| token.expose());
    let decided = state.verifier.verify_now(text, session.as_ref());
    Ok(Presented {
        token,
        by,
        session,
        decided,
    })
}

/// The tenant bound to the session by the encrypted session cookie, with
/// `BFF_ORG_ID_SOURCE=id_token`.
///
/// Security: only a cookie-authenticated request may use the session cookie;
/// a Bearer caller's tenant comes from its access token alone (docs/CONTRACT.md).
/// A cookie that does not decrypt counts as absent (fail closed: no tenant).
fn session_binding(
    state: &AppState,
    headers: &HeaderMap,
    by: AuthenticatedBy,
) -> Option<SessionBinding> {
    if state.settings.tokens.org_id_source != OrgIdSource::IdToken || by != AuthenticatedBy::Cookie
    {
        return None;
    }
    state.cookies.read_session(headers)
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

/// The tenant of the verified caller, for routes that act within one: the
/// extractor answers 403 `missing_org` for a caller without a tenant (a
/// user no administrator has placed in an organisation yet), so the
/// handler never runs without one. Scope every query by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant(pub Arc<str>);

impl Tenant {
    /// The tenant id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let principal = &verified(parts, "Tenant")?.principal;
        let tenant = principal.tenant().map_err(ApiError::Auth)?;
        Ok(Self(Arc::clone(tenant)))
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
            p.org_id().unwrap_or_default().to_owned()
        }
        async fn tenant(t: Tenant) -> String {
            t.as_str().to_owned()
        }
        async fn token(t: AccessToken) -> String {
            t.expose().len().to_string()
        }
        let app = Router::new()
            .route("/p", get(handler))
            .route("/t", get(token))
            .route("/o", get(tenant));
        for path in ["/p", "/t", "/o"] {
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
