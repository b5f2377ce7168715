//! Sign-in and the challenges Cognito may ask for before issuing tokens:
//! NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, SMS_MFA, SELECT_MFA_TYPE and
//! MFA_SETUP (TOTP association and verification).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{input, reply, session};
use crate::auth::{AuthError, AuthOutcome};
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, ApiJson};
use crate::state::AppState;

const MAX_RESPONSES: usize = 16;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignIn {
    username: String,
    password: String,
}

/// `POST /auth/signin`.
pub(super) async fn signin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    let password = input::password("password", &body.password)?;
    state.limits.check(ip, Some(username))?;
    let outcome = state.sessions.sign_in(username, password).await?;
    finish(&state, username, outcome).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RespondChallenge {
    username: String,
    challenge: String,
    session: String,
    #[serde(default)]
    responses: BTreeMap<String, String>,
}

/// `POST /auth/respond-challenge`.
pub(super) async fn respond_challenge(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RespondChallenge>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    let session = input::session(&body.session)?;
    if body.responses.len() > MAX_RESPONSES {
        return Err(AuthError::InvalidRequest("`responses` has too many entries.".into()).into());
    }
    for (key, value) in &body.responses {
        input::text("responses key", key, 64)?;
        // Values include new passwords: checked, never echoed.
        input::text("responses value", value, input::ATTRIBUTE_MAX)?;
    }
    // Before the rate limits: a malformed answer costs nothing.
    state
        .sessions
        .check_responses(&body.challenge, body.responses.keys().map(String::as_str))?;
    state.limits.check(ip, Some(username))?;
    let outcome = state
        .sessions
        .respond(username, &body.challenge, session, body.responses)
        .await?;
    finish(&state, username, outcome).await
}

/// Tokens become cookies; a challenge is handed to the client.
async fn finish(
    state: &AppState,
    username: &str,
    outcome: AuthOutcome,
) -> Result<Response, ApiError> {
    match outcome {
        AuthOutcome::SignedIn(tokens) => session::establish(state, &tokens, username).await,
        AuthOutcome::Challenge(challenge) => Ok(reply::challenge(&challenge)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MfaAssociate {
    session: String,
    /// Optional: the account name shown in the authenticator app.
    #[serde(default)]
    username: Option<String>,
}

/// `POST /auth/mfa/associate`: a TOTP secret for an MFA_SETUP challenge.
pub(super) async fn mfa_associate(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<MfaAssociate>,
) -> Result<Response, ApiError> {
    let session = input::session(&body.session)?;
    let account = match &body.username {
        Some(u) => input::username(u)?,
        None => "account",
    };
    state.limits.check(ip, None)?;
    let setup = state.sessions.associate_totp(session).await?;
    let uri = otpauth_uri(&state.totp_issuer, account, &setup.secret_code)?;
    Ok(reply::json_no_store(&json!({
        "secret_code": setup.secret_code,
        "otpauth_uri": uri,
        "session": setup.session.as_deref().unwrap_or(session),
    })))
}

/// The `otpauth://` URI authenticator apps scan, built by totp-rs.
fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> Result<String, AuthError> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32).map_err(|_| {
        AuthError::Internal("Cognito returned a TOTP secret that is not base32".into())
    })?;
    // The otpauth label is `issuer:account`; a ':' inside either would break it.
    let clean = |s: &str| s.replace(':', "_");
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(clean(issuer)))
        .with_account_name(clean(account))
        .build_noncompliant()
        .to_url()
        .map_err(|e| AuthError::Internal(format!("otpauth URI: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MfaVerify {
    session: String,
    code: String,
}

/// `POST /auth/mfa/verify`: checks the first TOTP code; returns the session
/// for `respond-challenge` with `MFA_SETUP`.
pub(super) async fn mfa_verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<MfaVerify>,
) -> Result<Response, ApiError> {
    let session = input::session(&body.session)?;
    let code = input::code(&body.code)?;
    // No username in the body: the code guesses count against the address.
    state.limits.check(ip, None)?;
    let next = state.sessions.verify_totp(session, code).await?;
    Ok(reply::json_no_store(
        &json!({ "session": next.as_deref().unwrap_or(session) }),
    ))
}
