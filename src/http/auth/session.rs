//! The session's life: establishing it (cookies from tokens), refreshing it
//! (one Cognito call shared by concurrent refreshes) and ending it.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::reply;
use crate::auth::{AuthError, RefreshSession, TokenSet};
use crate::config::OrgIdSource;
use crate::http::{ApiError, OptionalJson};
use crate::state::AppState;

/// The few access-token claims the service reads right after Cognito issued
/// the token in this same request (over the SDK's TLS connection), to name the
/// session's user. Nothing is authorised from them here; `/api` verifies.
#[derive(Deserialize)]
struct IssuedClaims {
    username: Option<String>,
}

fn cognito_username(tokens: &TokenSet, fallback: &str) -> String {
    jsonwebtoken::dangerous::insecure_decode_claims::<IssuedClaims>(&tokens.access_token)
        .ok()
        .and_then(|c| c.username)
        .unwrap_or_else(|| fallback.to_owned())
}

/// Sets the access cookie, the refresh cookie when Cognito issued a refresh
/// token and the session cookie in id-token tenant mode; answers `{"status":"SIGNED_IN","expires_in"}`.
pub(super) async fn establish(
    state: &AppState,
    tokens: &TokenSet,
    username: &str,
) -> Result<Response, ApiError> {
    let username = cognito_username(tokens, username);
    let lifetime = Duration::from_secs(tokens.expires_in);
    let mut cookies = state.cookies.access(&tokens.access_token, lifetime)?;
    // Tenant from the id token: verified, then bound to this access token's
    // sign-in in the encrypted session cookie (no cookies without a tenant).
    if state.settings.tokens.org_id_source == OrgIdSource::IdToken {
        let binding = state.verifier.session_binding(tokens).await?;
        cookies.push(state.cookies.session(&binding, lifetime));
    }
    if let Some(refresh_token) = &tokens.refresh_token {
        cookies.push(state.cookies.refresh(&RefreshSession {
            username,
            refresh_token: refresh_token.clone(),
        }));
    }
    Ok(reply::with_cookies(reply::signed_in_body(tokens), cookies))
}

/// The single-flight key of a refresh token: its SHA-256, so the map never
/// holds the token itself.
fn flight_key(refresh_token: &str) -> [u8; 32] {
    Sha256::digest(refresh_token.as_bytes()).into()
}

/// `POST /auth/refresh`: a new access cookie from the refresh cookie.
pub(super) async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let clear = || state.cookies.clear_all();
    let Some((session, stale_key)) = state.cookies.read_refresh(&headers) else {
        return reply::ending_session(AuthError::SessionExpired, clear());
    };
    let cognito = state.cognito.clone();
    let rotate = state.settings.refresh_rotation;
    let (result, joined) = state
        .refresh_flight
        .run(flight_key(&session.refresh_token), || {
            let session = session.clone();
            async move {
                cognito
                    .refresh(&session.username, &session.refresh_token, rotate)
                    .await
            }
        })
        .await;
    if joined {
        state.metrics.refresh_joined();
        tracing::debug!("refresh joined a concurrent one");
    }
    match result {
        Ok(mut tokens) => {
            // Keep the session's refresh cookie unless Cognito rotated the
            // token or the cookie was sealed with a previous key.
            if tokens.refresh_token.is_none() && stale_key {
                tokens.refresh_token = Some(session.refresh_token.clone());
            } else if !stale_key
                && tokens.refresh_token.as_deref() == Some(session.refresh_token.as_str())
            {
                tokens.refresh_token = None;
            }
            match establish(&state, &tokens, &session.username).await {
                Ok(response) => response,
                Err(e) => axum::response::IntoResponse::into_response(e),
            }
        }
        // The refresh token is dead: end the session everywhere it lives.
        Err(AuthError::SessionExpired) => reply::ending_session(AuthError::SessionExpired, clear()),
        // Cognito is down or throttling: keep the cookies, the session may recover.
        Err(other) => axum::response::IntoResponse::into_response(ApiError::from(other)),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct SignOut {
    #[serde(default)]
    everywhere: bool,
}

/// `POST /auth/signout`: revokes the refresh token (and with
/// `{"everywhere": true}` signs the user out of every device), then clears
/// every cookie of the service. Revocation is best effort: a failure is
/// logged and the cookies are cleared all the same.
pub(super) async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<SignOut>,
) -> Response {
    let everywhere = body.unwrap_or_default().everywhere;
    if let Some((session, _)) = state.cookies.read_refresh(&headers) {
        // A refresh result lingering for this token must not outlive the session.
        state
            .refresh_flight
            .forget(&flight_key(&session.refresh_token));
        if everywhere {
            // /auth never receives the access cookie (Path=/api): get a fresh
            // access token from the refresh token to call GlobalSignOut with.
            match state
                .cognito
                .refresh(&session.username, &session.refresh_token, false)
                .await
            {
                Ok(tokens) => {
                    if let Err(e) = state.cognito.global_sign_out(&tokens.access_token).await {
                        tracing::warn!(error = %e, "global sign-out failed");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "global sign-out: the session could not be refreshed")
                }
            }
        }
        if let Err(e) = state.cognito.revoke(&session.refresh_token).await {
            tracing::warn!(error = %e, "revoking the refresh token failed; cookies cleared anyway");
        }
    }
    reply::with_cookies(reply::no_content(), state.cookies.clear_all())
}
