//! Sign-in: InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH) and
//! RespondToAuthChallenge (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA,
//! MFA_SETUP), with lockout, explicit-flow and SECRET_HASH enforcement.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::shapes::AuthOut;
use super::{
    Ctx, check_secret_hash, check_writable, client, finish_sign_in, open_session, param, pool,
    pool_mut, req, take_session, user_key, validate_attributes,
};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::flows::{AuthFlow, ExplicitAuthFlow};
use crate::local_cognito::password::PasswordHash;
use crate::local_cognito::state::{Challenge, State, UserStatus, now_ms};
use crate::local_cognito::{tokens, totp};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateIn {
    auth_flow: Option<String>,
    auth_parameters: Option<BTreeMap<String, String>>,
    client_id: Option<String>,
}

/// API Reference: InitiateAuth.
pub fn initiate_auth(ctx: &Ctx<'_>, input: InitiateIn) -> Result<AuthOut, CognitoError> {
    let flow = req(&input.auth_flow, "authFlow")?;
    let client_id = req(&input.client_id, "clientId")?.to_string();
    let Some(flow) = AuthFlow::from_wire(flow) else {
        let names = AuthFlow::ALL.map(AuthFlow::wire);
        return Err(CognitoError::not_one_of(flow, "authFlow", &names));
    };
    let params = input.auth_parameters.unwrap_or_default();
    let mut state = ctx.shared.state();
    match flow {
        AuthFlow::UserPasswordAuth => user_password_auth(ctx, &mut state, &client_id, &params),
        AuthFlow::RefreshTokenAuth | AuthFlow::RefreshToken => {
            refresh_token_auth(ctx, &mut state, &client_id, &params)
        }
        other => {
            let (_, c) = client(&state, &client_id)?;
            let name = other.wire();
            if !c.allows(other.enabled_by()) {
                return Err(CognitoError::InvalidParameter(format!(
                    "{name} flow not enabled for this client"
                )));
            }
            Err(CognitoError::InvalidParameter(format!(
                "{name} is not supported by the local Cognito; use USER_PASSWORD_AUTH"
            )))
        }
    }
}

fn user_password_auth(
    ctx: &Ctx<'_>,
    state: &mut State,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> Result<AuthOut, CognitoError> {
    let (pool_id, client) = client(state, client_id)?;
    // API Reference: InitiateAuth — "USER_PASSWORD_AUTH flow not enabled for this client".
    if !client.allows(ExplicitAuthFlow::AllowUserPasswordAuth) {
        return Err(CognitoError::InvalidParameter(
            "USER_PASSWORD_AUTH flow not enabled for this client".into(),
        ));
    }
    let username = param(params, "USERNAME")?.to_string();
    let password = param(params, "PASSWORD")?.to_string();
    check_secret_hash(
        &client,
        &username,
        params.get("SECRET_HASH").map(String::as_str),
    )?;
    let limits = ctx.shared.limits();
    let now = now_ms();
    let key = user_key(&username);
    let pool = pool_mut(state, &pool_id)?;
    let Some(user) = pool.users.get_mut(&key) else {
        tracing::info!(pool = %pool_id, "local cognito: sign-in for an unknown user");
        return Err(if client.prevent_user_existence_errors {
            CognitoError::incorrect_credentials()
        } else {
            CognitoError::user_does_not_exist()
        });
    };
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    // Developer Guide: "User sign-in lockout" — after repeated failures,
    // every attempt (even with the right password) is refused for a while.
    if user.locked_until_ms.is_some_and(|until| until > now) {
        tracing::info!(pool = %pool_id, username = %user.username, "local cognito: sign-in refused, locked out");
        return Err(CognitoError::NotAuthorized(
            "Password attempts exceeded".into(),
        ));
    }
    if !user.password.verify(&password) {
        user.failed_attempts += 1;
        if user.failed_attempts >= limits.lockout_threshold {
            user.locked_until_ms = Some(now.saturating_add(
                u64::try_from(limits.lockout_window.as_millis()).unwrap_or(u64::MAX),
            ));
            user.failed_attempts = 0;
        }
        tracing::info!(pool = %pool_id, username = %user.username, "local cognito: wrong password");
        return Err(CognitoError::incorrect_credentials());
    }
    user.failed_attempts = 0;
    user.locked_until_ms = None;
    match user.status {
        UserStatus::Unconfirmed => {
            return Err(CognitoError::UserNotConfirmed(
                "User is not confirmed.".into(),
            ));
        }
        UserStatus::ResetRequired => {
            return Err(CognitoError::PasswordResetRequired(
                "Password reset required for the user".into(),
            ));
        }
        UserStatus::ForceChangePassword => {
            if user.temporary_password_expires_ms.is_some_and(|t| t <= now) {
                // API Reference: AdminCreateUser — temporary passwords expire.
                return Err(CognitoError::NotAuthorized(
                    "Temporary password has expired and must be reset by an administrator.".into(),
                ));
            }
            let user = user.clone();
            let required: Vec<String> = pool
                .required_attributes
                .iter()
                .filter(|r| !user.attributes.contains_key(*r))
                .map(|r| format!("userAttributes.{r}"))
                .collect();
            let session = open_session(
                ctx,
                state,
                &pool_id,
                client_id,
                &user,
                Challenge::NewPasswordRequired,
            );
            // Both parameters are JSON documents inside strings, as Cognito sends them.
            let params = BTreeMap::from([
                ("USER_ID_FOR_SRP", user.username.clone()),
                ("requiredAttributes", json_text(&required)?),
                ("userAttributes", json_text(&user.attributes)?),
            ]);
            return Ok(AuthOut::challenge(
                Challenge::NewPasswordRequired.wire(),
                session,
                params,
            ));
        }
        UserStatus::Confirmed => {}
    }
    finish_sign_in(ctx, state, &pool_id, client_id, &key)
}

/// Looks up a refresh token and checks it is usable by `client_id`.
pub fn usable_refresh_token(
    state: &State,
    token: &str,
    client_id: &str,
) -> Result<(String, crate::local_cognito::state::RefreshRecord), CognitoError> {
    let hash = tokens::hash_token(token);
    let record = state
        .refresh_tokens
        .get(&hash)
        .filter(|r| r.client_id == client_id)
        .ok_or_else(CognitoError::invalid_refresh_token)?
        .clone();
    let family = state
        .families
        .get(&record.origin_jti)
        .ok_or_else(CognitoError::invalid_refresh_token)?;
    if family.revoked {
        return Err(CognitoError::NotAuthorized(
            "Refresh Token has been revoked".into(),
        ));
    }
    if record.expires_ms <= now_ms() {
        return Err(CognitoError::NotAuthorized(
            "Refresh Token has expired".into(),
        ));
    }
    Ok((hash, record))
}

/// The user behind a refresh token: must still exist (same sub) and be enabled.
pub fn refresh_user(
    state: &State,
    record: &crate::local_cognito::state::RefreshRecord,
) -> Result<(String, String), CognitoError> {
    let pool = pool(state, &record.pool_id)?;
    let (key, user) = pool
        .users
        .iter()
        .find(|(_, u)| u.sub == record.sub)
        .ok_or_else(CognitoError::invalid_refresh_token)?;
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    Ok((key.clone(), user.username.clone()))
}

fn refresh_token_auth(
    ctx: &Ctx<'_>,
    state: &mut State,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> Result<AuthOut, CognitoError> {
    let (_, client) = client(state, client_id)?;
    if !client.allows(ExplicitAuthFlow::AllowRefreshTokenAuth) {
        return Err(CognitoError::InvalidParameter(
            "REFRESH_TOKEN_AUTH flow not enabled for this client".into(),
        ));
    }
    // Developer Guide: "Refresh token rotation" — a client with rotation
    // enabled refreshes only through GetTokensFromRefreshToken.
    if client.refresh_token_rotation {
        return Err(CognitoError::InvalidParameter(
            "Refresh token rotation is enabled for this client: use GetTokensFromRefreshToken"
                .into(),
        ));
    }
    let token = param(params, "REFRESH_TOKEN")?.to_string();
    let (_, record) = usable_refresh_token(state, &token, client_id)?;
    let (key, username) = refresh_user(state, &record)?;
    // The SECRET_HASH of a refresh is computed over the user's username (the
    // `username` claim / sub), not over an alias.
    check_secret_hash(
        &client,
        &username,
        params.get("SECRET_HASH").map(String::as_str),
    )?;
    let result = super::issue_tokens(
        ctx,
        state,
        &record.pool_id,
        client_id,
        &key,
        Some(&record.origin_jti),
    )?;
    tracing::info!(pool = %record.pool_id, username = %username, "local cognito: tokens refreshed");
    Ok(AuthOut::tokens(result))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondIn {
    client_id: Option<String>,
    challenge_name: Option<String>,
    session: Option<String>,
    challenge_responses: Option<BTreeMap<String, String>>,
}

/// API Reference: RespondToAuthChallenge.
pub fn respond_to_auth_challenge(ctx: &Ctx<'_>, input: RespondIn) -> Result<AuthOut, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?.to_string();
    let name = req(&input.challenge_name, "challengeName")?.to_string();
    let session_id = req(&input.session, "session")?.to_string();
    let responses = input.challenge_responses.unwrap_or_default();
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, &client_id)?;
    let username = param(&responses, "USERNAME")?.to_string();
    check_secret_hash(
        &client,
        &username,
        responses.get("SECRET_HASH").map(String::as_str),
    )?;
    // Validate before consuming, so a bad request does not burn the session.
    let session = state
        .sessions
        .get(&session_id)
        .filter(|s| s.expires_ms > now_ms() && s.client_id == client_id)
        .cloned()
        .ok_or_else(CognitoError::invalid_session)?;
    if session.challenge.wire() != name {
        return Err(CognitoError::InvalidParameter(format!(
            "Invalid challenge name {name}: the session expects {}",
            session.challenge.wire()
        )));
    }
    if user_key(&username) != session.user_key {
        return Err(CognitoError::NotAuthorized(
            "Invalid session for the user.".into(),
        ));
    }
    let pool = pool_mut(&mut state, &pool_id)?;
    let user = pool
        .users
        .get_mut(&session.user_key)
        .filter(|u| u.sub == session.sub)
        .ok_or_else(CognitoError::invalid_session)?;
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    match session.challenge {
        Challenge::NewPasswordRequired => {
            let new_password = param(&responses, "NEW_PASSWORD")?.to_string();
            let mut attrs = BTreeMap::new();
            for (k, v) in &responses {
                if let Some(name) = k.strip_prefix("userAttributes.") {
                    attrs.insert(name.to_string(), v.clone());
                }
            }
            let policy = pool.password_policy.clone();
            let required = pool.required_attributes.clone();
            validate_attributes(pool, &attrs)?;
            check_writable(&client, &attrs)?;
            policy.check(&new_password)?;
            let user = pool
                .users
                .get_mut(&session.user_key)
                .ok_or_else(CognitoError::invalid_session)?;
            for r in &required {
                if !user.attributes.contains_key(r) && !attrs.contains_key(r) {
                    return Err(CognitoError::InvalidParameter(format!(
                        "Missing required attribute {r}"
                    )));
                }
            }
            user.attributes.extend(attrs);
            user.password = PasswordHash::new(&new_password);
            user.status = UserStatus::Confirmed;
            user.temporary_password_expires_ms = None;
            user.modified_ms = now_ms();
            take_session(&mut state, &session_id)?;
            tracing::info!(pool = %pool_id, username = %username, "local cognito: new password set");
            finish_sign_in(ctx, &mut state, &pool_id, &client_id, &session.user_key)
        }
        Challenge::SoftwareTokenMfa => {
            let code = param(&responses, "SOFTWARE_TOKEN_MFA_CODE")?.to_string();
            let secret = user.totp_secret.clone().ok_or_else(|| {
                CognitoError::SoftwareTokenMfaNotFound(
                    "Software token MFA not enabled for the user".into(),
                )
            })?;
            if !totp::verify(&secret, &code) {
                tracing::info!(pool = %pool_id, username = %username, "local cognito: wrong TOTP code");
                return Err(CognitoError::CodeMismatch(
                    "Invalid code received for user".into(),
                ));
            }
            take_session(&mut state, &session_id)?;
            let result = super::issue_tokens(
                ctx,
                &mut state,
                &pool_id,
                &client_id,
                &session.user_key,
                None,
            )?;
            tracing::info!(pool = %pool_id, username = %username, "local cognito: signed in with MFA");
            Ok(AuthOut::tokens(result))
        }
        Challenge::MfaSetup => {
            if !session.setup_verified {
                return Err(CognitoError::InvalidParameter(
                    "Software token MFA has not been verified: call AssociateSoftwareToken and VerifySoftwareToken with this session first".into(),
                ));
            }
            take_session(&mut state, &session_id)?;
            let result = super::issue_tokens(
                ctx,
                &mut state,
                &pool_id,
                &client_id,
                &session.user_key,
                None,
            )?;
            tracing::info!(pool = %pool_id, username = %username, "local cognito: MFA set up, signed in");
            Ok(AuthOut::tokens(result))
        }
    }
}

fn json_text<T: serde::Serialize>(value: &T) -> Result<String, CognitoError> {
    serde_json::to_string(value).map_err(|e| CognitoError::Internal(format!("reply: {e}")))
}
