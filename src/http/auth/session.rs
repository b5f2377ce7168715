//! The session's life: establishing it (cookies from tokens), refreshing it
//! (one Cognito call shared by concurrent refreshes) and ending it.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::reply;
use crate::auth::{AuthError, TokenSet};
use crate::config::OrgIdSource;
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, OptionalJson};
use crate::state::AppState;

/// Sets the access cookie, the refresh cookie when the provider issued a
/// refresh token and the session cookie in id-token tenant mode; answers
/// `{"status":"SIGNED_IN","expires_in"}`.
pub(super) async fn establish(
    state: &AppState,
    tokens: &TokenSet,
    username: &str,
) -> Result<Response, ApiError> {
    let lifetime = Duration::from_secs(tokens.expires_in);
    let mut cookies = state.cookies.access(&tokens.access_token, lifetime)?;
    state.sessions.handed_out(tokens);
    // Tenant from the id token: verified, then bound to this very access
    // token in the encrypted session cookie.
    if state.settings.tokens.org_id_source == OrgIdSource::IdToken {
        let binding = state.verifier.session_binding(tokens).await?;
        cookies.push(state.cookies.session(&binding, lifetime));
    }
    if let Some(session) = state.sessions.session_of(tokens, username) {
        cookies.push(state.cookies.refresh(&session));
    }
    Ok(reply::with_cookies(reply::signed_in_body(tokens), cookies))
}

/// `POST /auth/refresh`: a new access cookie from the refresh cookie (see
/// `Sessions::refresh` for the sharing of concurrent refreshes, the rate
/// limits and refresh tokens known dead).
pub(super) async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let clear = || state.cookies.clear_all();
    let Some((session, stale_key)) = state.cookies.read_refresh(&headers) else {
        return reply::ending_session(AuthError::SessionExpired, clear());
    };
    let digest = session.digest();
    let result = state
        .sessions
        .refresh(&session, || state.limits.check_session(ip, &digest))
        .await;
    match result {
        Ok(refreshed) => {
            if refreshed.joined {
                state.metrics.refresh_joined();
                tracing::debug!("refresh joined a concurrent one");
            }
            let mut tokens = refreshed.tokens;
            // Keep the session's refresh cookie unless Cognito rotated the
            // token or the cookie was sealed with a previous key.
            if tokens.refresh_token.is_none() && stale_key {
                tokens.refresh_token = Some(session.refresh_token.clone());
                tokens.issued.origin_jti = tokens.issued.origin_jti.or(session.origin_jti);
            } else if !stale_key
                && tokens.refresh_token.as_deref() == Some(session.refresh_token.as_str())
            {
                tokens.refresh_token = None;
            }
            establish(&state, &tokens, &session.username)
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
        // The refresh token is dead: end the session everywhere it lives.
        Err(AuthError::SessionExpired) => reply::ending_session(AuthError::SessionExpired, clear()),
        // Cognito is down or throttling: keep the cookies, the session may recover.
        Err(other) => ApiError::from(other).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct SignOut {
    #[serde(default)]
    everywhere: bool,
}

/// `POST /auth/signout`: ends the session (`Sessions::sign_out`) and clears
/// every cookie of the service, whatever happens; a sign-out that could not
/// be carried out (everywhere, or throttled) answers its problem.
pub(super) async fn signout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<SignOut>,
) -> Response {
    let everywhere = body.unwrap_or_default().everywhere;
    let result = match state.cookies.read_refresh(&headers) {
        None => Ok(()),
        Some((session, _)) => {
            let digest = session.digest();
            state
                .sessions
                .sign_out(&session, everywhere, || {
                    state.limits.check_session(ip, &digest)
                })
                .await
        }
    };
    let response = match result {
        Ok(()) => reply::no_content(),
        Err(e) => {
            tracing::warn!(error = %e, "sign-out could not be carried out; cookies cleared");
            ApiError::from(e).into_response()
        }
    };
    reply::with_cookies(response, state.cookies.clear_all())
}
