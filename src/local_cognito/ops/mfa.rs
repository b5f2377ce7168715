//! Software-token (TOTP) MFA: AssociateSoftwareToken and VerifySoftwareToken
//! (with an access token, or with an MFA_SETUP challenge session), and
//! SetUserMFAPreference.

use serde::Deserialize;

use super::shapes::{AssociateOut, Empty, VerifyOut};
use super::{Ctx, caller, pool_mut, req};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::state::{Challenge, Session, State, now_ms};
use crate::local_cognito::{ids, totp};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateIn {
    access_token: Option<String>,
    session: Option<String>,
}

/// A live MFA_SETUP session (not consumed).
fn setup_session(state: &State, id: &str) -> Result<Session, CognitoError> {
    let s = state
        .sessions
        .get(id)
        .filter(|s| s.expires_ms > now_ms())
        .cloned()
        .ok_or_else(CognitoError::invalid_session)?;
    if s.challenge != Challenge::MfaSetup {
        return Err(CognitoError::NotAuthorized(
            "Invalid session for the user, the session is not for MFA setup.".into(),
        ));
    }
    Ok(s)
}

/// Replaces a session by a fresh one carrying `session`'s data.
fn reissue(state: &mut State, old: &str, session: Session) -> String {
    state.sessions.remove(old);
    let id = ids::session();
    state.sessions.insert(id.clone(), session);
    id
}

/// API Reference: AssociateSoftwareToken — exactly one of AccessToken / Session.
pub fn associate_software_token(
    ctx: &Ctx<'_>,
    input: AssociateIn,
) -> Result<AssociateOut, CognitoError> {
    let secret = totp::new_secret();
    let mut state = ctx.shared.state();
    match (input.access_token.as_deref(), input.session.as_deref()) {
        (Some(token), None) => {
            let c = caller(ctx, &state, token)?;
            let pool = pool_mut(&mut state, &c.pool_id)?;
            if !pool.software_token_mfa {
                return Err(CognitoError::InvalidParameter(
                    "Software token MFA is not enabled for this user pool".into(),
                ));
            }
            let user = pool
                .users
                .get_mut(&c.user_key)
                .ok_or_else(CognitoError::user_does_not_exist)?;
            user.totp_pending = Some(secret.clone());
            tracing::info!(pool = %c.pool_id, username = %user.username, "local cognito: software token associated");
            Ok(AssociateOut {
                secret_code: secret,
                session: None,
            })
        }
        (None, Some(session_id)) => {
            let mut s = setup_session(&state, session_id)?;
            s.setup_secret = Some(secret.clone());
            s.setup_verified = false;
            s.expires_ms = now_ms().saturating_add(
                u64::try_from(ctx.shared.limits().session_ttl.as_millis()).unwrap_or(u64::MAX),
            );
            let new_id = reissue(&mut state, session_id, s);
            Ok(AssociateOut {
                secret_code: secret,
                session: Some(new_id),
            })
        }
        _ => Err(CognitoError::InvalidParameter(
            "Exactly one of AccessToken or Session must be provided".into(),
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyIn {
    access_token: Option<String>,
    session: Option<String>,
    user_code: Option<String>,
}

/// API Reference: VerifySoftwareToken — a wrong code fails with
/// EnableSoftwareTokenMFAException "Code mismatch and fail enable Software Token MFA".
pub fn verify_software_token(ctx: &Ctx<'_>, input: VerifyIn) -> Result<VerifyOut, CognitoError> {
    let code = req(&input.user_code, "userCode")?.to_string();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(CognitoError::InvalidParameter(
            "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+ and length 6".into(),
        ));
    }
    let mismatch = || {
        CognitoError::EnableSoftwareTokenMfa(
            "Code mismatch and fail enable Software Token MFA".into(),
        )
    };
    let mut state = ctx.shared.state();
    match (input.access_token.as_deref(), input.session.as_deref()) {
        (Some(token), None) => {
            let c = caller(ctx, &state, token)?;
            let pool = pool_mut(&mut state, &c.pool_id)?;
            let user = pool
                .users
                .get_mut(&c.user_key)
                .ok_or_else(CognitoError::user_does_not_exist)?;
            let pending = user.totp_pending.clone().ok_or_else(|| {
                CognitoError::SoftwareTokenMfaNotFound(
                    "Software token is not associated: call AssociateSoftwareToken first".into(),
                )
            })?;
            if !totp::verify(&pending, &code) {
                return Err(mismatch());
            }
            user.totp_secret = Some(pending);
            user.totp_pending = None;
            user.modified_ms = now_ms();
            tracing::info!(pool = %c.pool_id, username = %user.username, "local cognito: software token verified");
            Ok(VerifyOut {
                status: "SUCCESS",
                session: None,
            })
        }
        (None, Some(session_id)) => {
            let mut s = setup_session(&state, session_id)?;
            let secret = s.setup_secret.clone().ok_or_else(|| {
                CognitoError::SoftwareTokenMfaNotFound(
                    "Software token is not associated: call AssociateSoftwareToken first".into(),
                )
            })?;
            if !totp::verify(&secret, &code) {
                return Err(mismatch());
            }
            let pool = pool_mut(&mut state, &s.pool_id)?;
            let user = pool
                .users
                .get_mut(&s.user_key)
                .filter(|u| u.sub == s.sub)
                .ok_or_else(CognitoError::invalid_session)?;
            // Set up under a required-MFA sign-in: the token is the user's factor.
            user.totp_secret = Some(secret);
            user.totp_pending = None;
            user.totp_enabled = true;
            user.totp_preferred = true;
            user.modified_ms = now_ms();
            tracing::info!(pool = %s.pool_id, username = %user.username, "local cognito: software token verified (MFA setup)");
            s.setup_verified = true;
            let new_id = reissue(&mut state, session_id, s);
            Ok(VerifyOut {
                status: "SUCCESS",
                session: Some(new_id),
            })
        }
        _ => Err(CognitoError::InvalidParameter(
            "Exactly one of AccessToken or Session must be provided".into(),
        )),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettingsIn {
    enabled: Option<bool>,
    preferred_mfa: Option<bool>,
}

#[derive(Deserialize)]
pub struct PreferenceIn {
    #[serde(rename = "AccessToken")]
    access_token: Option<String>,
    #[serde(rename = "SoftwareTokenMfaSettings")]
    software_token: Option<MfaSettingsIn>,
    #[serde(rename = "SMSMfaSettings")]
    sms: Option<MfaSettingsIn>,
    #[serde(rename = "EmailMfaSettings")]
    email: Option<MfaSettingsIn>,
}

/// API Reference: SetUserMFAPreference (software token only; SMS and email
/// MFA are not emulated and cannot be enabled).
pub fn set_user_mfa_preference(ctx: &Ctx<'_>, input: PreferenceIn) -> Result<Empty, CognitoError> {
    let token = req(&input.access_token, "accessToken")?;
    if input.sms.as_ref().and_then(|s| s.enabled).unwrap_or(false) {
        return Err(CognitoError::InvalidParameter(
            "User does not have delivery config set to turn on SMS_MFA".into(),
        ));
    }
    if input
        .email
        .as_ref()
        .and_then(|s| s.enabled)
        .unwrap_or(false)
    {
        return Err(CognitoError::InvalidParameter(
            "Email MFA is not supported by the local Cognito".into(),
        ));
    }
    let mut state = ctx.shared.state();
    let c = caller(ctx, &state, token)?;
    let pool = pool_mut(&mut state, &c.pool_id)?;
    let user = pool
        .users
        .get_mut(&c.user_key)
        .ok_or_else(CognitoError::user_does_not_exist)?;
    if let Some(settings) = input.software_token {
        if let Some(enabled) = settings.enabled {
            if enabled && user.totp_secret.is_none() {
                return Err(CognitoError::InvalidParameter(
                    "User has not verified software token mfa".into(),
                ));
            }
            user.totp_enabled = enabled;
            if !enabled {
                user.totp_preferred = false;
            }
        }
        if let Some(preferred) = settings.preferred_mfa {
            if preferred && !user.totp_enabled {
                return Err(CognitoError::InvalidParameter(
                    "Cannot set a disabled MFA method as preferred".into(),
                ));
            }
            user.totp_preferred = preferred;
        }
        user.modified_ms = now_ms();
    }
    tracing::info!(pool = %c.pool_id, username = %user.username, totp_enabled = user.totp_enabled, "local cognito: MFA preference set");
    Ok(Empty {})
}
