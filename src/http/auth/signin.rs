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
use crate::config::is_tenant_attribute;
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, ApiJson};
use crate::state::AppState;

/// Challenges the service passes through to Cognito, each with the
/// ChallengeResponses keys it takes (besides `USERNAME` and `SECRET_HASH`,
/// which the service adds itself).
const CHALLENGES: [(&str, &[&str]); 6] = [
    ("NEW_PASSWORD_REQUIRED", &["NEW_PASSWORD"]),
    ("SOFTWARE_TOKEN_MFA", &["SOFTWARE_TOKEN_MFA_CODE"]),
    ("SMS_MFA", &["SMS_MFA_CODE"]),
    ("EMAIL_OTP", &["EMAIL_OTP_CODE"]),
    ("SELECT_MFA_TYPE", &["ANSWER"]),
    ("MFA_SETUP", &[]),
];
/// The one challenge whose answer may carry `userAttributes.<name>`.
const ATTRIBUTES_CHALLENGE: &str = "NEW_PASSWORD_REQUIRED";
const MAX_RESPONSES: usize = 16;

/// Refuses a response key the challenge does not take.
///
/// Security: a ChallengeResponses entry is forwarded to Cognito as is, and
/// `userAttributes.<name>` in a NEW_PASSWORD_REQUIRED answer writes that
/// attribute of the user. Only attributes a user may set at sign-up are
/// let through, and never the tenant attribute: a user never chooses their
/// own tenant. Cognito's USERNAME and SECRET_HASH come from the service.
fn check_response_key(
    state: &AppState,
    challenge: &str,
    keys: &[&str],
    key: &str,
) -> Result<(), AuthError> {
    if keys.contains(&key) {
        return Ok(());
    }
    let shown: String = key.chars().filter(|c| !c.is_control()).take(64).collect();
    if key == "USERNAME" || key == "SECRET_HASH" {
        return Err(AuthError::InvalidRequest(format!(
            "`responses.{shown}` is added by the service; leave it out."
        )));
    }
    if challenge == ATTRIBUTES_CHALLENGE
        && let Some(attribute) = key.strip_prefix("userAttributes.")
    {
        let allowed = state
            .settings
            .signup_attributes
            .iter()
            .any(|a| a == attribute)
            && !is_tenant_attribute(attribute, &state.settings.tokens.org_id_claim);
        if allowed {
            return Ok(());
        }
        return Err(AuthError::InvalidRequest(format!(
            "`responses.{shown}`: this attribute cannot be set here."
        )));
    }
    Err(AuthError::InvalidRequest(format!(
        "`responses.{shown}` is not an answer to {challenge}."
    )))
}

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
    let outcome = state.cognito.sign_in(username, password).await?;
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
    let Some((challenge, keys)) = CHALLENGES
        .iter()
        .find(|(name, _)| *name == body.challenge.as_str())
    else {
        let names: Vec<&str> = CHALLENGES.iter().map(|(name, _)| *name).collect();
        return Err(AuthError::InvalidRequest(format!(
            "`challenge` must be one of {}.",
            names.join(", ")
        ))
        .into());
    };
    if body.responses.len() > MAX_RESPONSES {
        return Err(AuthError::InvalidRequest("`responses` has too many entries.".into()).into());
    }
    for (key, value) in &body.responses {
        input::text("responses key", key, 64)?;
        check_response_key(&state, challenge, keys, key)?;
        // Values include new passwords: checked, never echoed.
        input::text("responses value", value, input::ATTRIBUTE_MAX)?;
    }
    state.limits.check(ip, Some(username))?;
    let outcome = state
        .cognito
        .respond_to_challenge(username, &body.challenge, session, body.responses)
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
    let setup = state.cognito.associate_totp(session).await?;
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
    let next = state.cognito.verify_totp(session, code).await?;
    Ok(reply::json_no_store(
        &json!({ "session": next.as_deref().unwrap_or(session) }),
    ))
}
