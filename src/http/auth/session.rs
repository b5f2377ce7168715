//! The session's life: establishing it (cookies from tokens), refreshing it
//! (one Cognito call shared by concurrent refreshes) and ending it.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::reply;
use crate::auth::{AuthError, RefreshSession, TokenHash, TokenSet};
use crate::config::OrgIdSource;
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, OptionalJson};
use crate::state::AppState;

/// The few access-token claims the service reads right after Cognito issued
/// the token in this same request (over the SDK's TLS connection), to name the
/// session's user and sign-in. Nothing is authorised from them here; `/api`
/// verifies.
#[derive(Deserialize, Default)]
struct IssuedClaims {
    username: Option<String>,
    sub: Option<String>,
    origin_jti: Option<String>,
}

fn issued_claims(tokens: &TokenSet) -> IssuedClaims {
    jsonwebtoken::dangerous::insecure_decode_claims::<IssuedClaims>(&tokens.access_token)
        .unwrap_or_default()
}

/// Sets the access cookie, the refresh cookie when Cognito issued a refresh
/// token and the session cookie in id-token tenant mode; answers `{"status":"SIGNED_IN","expires_in"}`.
pub(super) async fn establish(
    state: &AppState,
    tokens: &TokenSet,
    username: &str,
) -> Result<Response, ApiError> {
    let claims = issued_claims(tokens);
    let lifetime = Duration::from_secs(tokens.expires_in);
    let mut cookies = state.cookies.access(&tokens.access_token, lifetime)?;
    // A revocation must outlast every token of the session it revokes.
    state
        .verifier
        .revocations()
        .note_access_lifetime(tokens.expires_in);
    // Tenant from the id token: verified, then bound to this very access
    // token in the encrypted session cookie.
    if state.settings.tokens.org_id_source == OrgIdSource::IdToken {
        let binding = state.verifier.session_binding(tokens).await?;
        cookies.push(state.cookies.session(&binding, lifetime));
    }
    if let Some(refresh_token) = &tokens.refresh_token {
        cookies.push(state.cookies.refresh(&RefreshSession {
            username: claims.username.unwrap_or_else(|| username.to_owned()),
            refresh_token: refresh_token.clone(),
            origin_jti: claims.origin_jti,
        }));
    }
    Ok(reply::with_cookies(reply::signed_in_body(tokens), cookies))
}

/// The digest a refresh token is known by (single flight, rate limits,
/// revocations): its SHA-256, so no map ever holds the token itself.
fn digest(refresh_token: &str) -> TokenHash {
    Sha256::digest(refresh_token.as_bytes()).into()
}

/// The session of the request's refresh cookie and its digest.
fn read_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Option<(RefreshSession, bool, TokenHash)> {
    let (session, stale_key) = state.cookies.read_refresh(headers)?;
    let digest = digest(&session.refresh_token);
    Some((session, stale_key, digest))
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// Remembers a refresh token as dead for as long as its cookie could live,
/// so that a replay of it is answered without asking Cognito.
fn remember_dead(state: &AppState, digest: TokenHash) {
    let now = now();
    let until = now.saturating_add(state.settings.refresh_cookie_max_age.as_secs());
    state
        .verifier
        .revocations()
        .revoke_refresh_token(digest, until, now);
}

/// `POST /auth/refresh`: a new access cookie from the refresh cookie.
///
/// Concurrent refreshes of one session share one Cognito call, and its
/// result for about two seconds after it completes (tabs racing with the
/// same cookie get the same new cookies). Only that one call takes from the
/// rate limits.
pub(super) async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let clear = || state.cookies.clear_all();
    let Some((session, stale_key, digest)) = read_session(&state, &headers) else {
        return reply::ending_session(AuthError::SessionExpired, clear());
    };
    // Signed out (or found dead) before: no need to ask Cognito again.
    if state
        .verifier
        .revocations()
        .refresh_token_revoked(&digest, now())
    {
        return reply::ending_session(AuthError::SessionExpired, clear());
    }
    let (result, joined) = state
        .refresh_flight
        .run(digest, || {
            let state = state.clone();
            let session = session.clone();
            async move {
                state.limits.check_session(ip, &digest)?;
                state
                    .cognito
                    .refresh(
                        &session.username,
                        &session.refresh_token,
                        state.settings.refresh_rotation,
                    )
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
            establish(&state, &tokens, &session.username)
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
        // The refresh token is dead: end the session everywhere it lives.
        Err(AuthError::SessionExpired) => {
            remember_dead(&state, digest);
            reply::ending_session(AuthError::SessionExpired, clear())
        }
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

/// `POST /auth/signout`: ends the session and clears every cookie of the
/// service, whatever happens.
///
/// The session's access tokens are refused by this instance's guard at
/// once (they would otherwise pass until they expire), and its refresh
/// token is revoked at Cognito (best effort: a failure is logged). With
/// `{"everywhere": true}` the user is signed out of every device
/// (GlobalSignOut); when that fails the answer is the problem, not 204.
pub(super) async fn signout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<SignOut>,
) -> Response {
    let everywhere = body.unwrap_or_default().everywhere;
    let cleared = |response: Response| reply::with_cookies(response, state.cookies.clear_all());
    let Some((session, _, digest)) = read_session(&state, &headers) else {
        return cleared(reply::no_content());
    };
    // A refresh result lingering for this token must not outlive the session.
    state.refresh_flight.forget(&digest);
    let revocations = state.verifier.revocations();
    let known_dead = revocations.refresh_token_revoked(&digest, now());
    // Whatever Cognito says next, this instance honours the session no more.
    if let Some(origin_jti) = &session.origin_jti {
        state.verifier.revoke_session(origin_jti);
    }
    remember_dead(&state, digest);
    if known_dead && !everywhere {
        return cleared(reply::no_content());
    }
    if let Err(e) = state.limits.check_session(ip, &digest) {
        return cleared(ApiError::from(e).into_response());
    }
    if everywhere {
        if let Err(e) = sign_out_everywhere(&state, &session).await {
            tracing::warn!(error = %e, "sign-out everywhere failed; cookies cleared");
            return cleared(ApiError::from(e).into_response());
        }
    } else if let Err(e) = state.cognito.revoke(&session.refresh_token).await {
        tracing::warn!(error = %e, "revoking the refresh token failed; cookies cleared anyway");
    }
    cleared(reply::no_content())
}

/// GlobalSignOut for the session's user. `/auth` never receives the access
/// cookie (Path=/api): a fresh access token comes from the refresh token,
/// by the flow the app client allows (rotation or not). GlobalSignOut also
/// revokes every refresh token of the user, this one included.
async fn sign_out_everywhere(state: &AppState, session: &RefreshSession) -> Result<(), AuthError> {
    let tokens = state
        .cognito
        .refresh(
            &session.username,
            &session.refresh_token,
            state.settings.refresh_rotation,
        )
        .await?;
    state.cognito.global_sign_out(&tokens.access_token).await?;
    if let Some(sub) = issued_claims(&tokens).sub {
        state.verifier.revoke_user(&sub);
    }
    Ok(())
}
