//! Self-service password reset: ForgotPassword and ConfirmForgotPassword.

use serde::Deserialize;

use super::shapes::{DeliveryOut, Empty};
use super::signup::fake_delivery;
use super::{Ctx, check_secret_hash, client, deliver, pool_mut, req, user_key};
use crate::local_cognito::codes::{self, PendingCode};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::password::PasswordHash;
use crate::local_cognito::state::{UserStatus, now_ms};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForgotIn {
    client_id: Option<String>,
    secret_hash: Option<String>,
    username: Option<String>,
}

/// API Reference: ForgotPassword — with PreventUserExistenceErrors an unknown
/// user gets a plausible CodeDeliveryDetails and nothing is sent.
pub fn forgot_password(ctx: &Ctx<'_>, input: ForgotIn) -> Result<DeliveryOut, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?;
    let username = req(&input.username, "username")?.to_string();
    let ttl = u64::try_from(ctx.shared.limits().code_ttl.as_millis()).unwrap_or(u64::MAX);
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, client_id)?;
    check_secret_hash(&client, &username, input.secret_hash.as_deref())?;
    let pool = pool_mut(&mut state, &pool_id)?;
    let Some(user) = pool.users.get_mut(&user_key(&username)) else {
        tracing::info!(pool = %pool_id, "local cognito: password reset for an unknown user");
        return if client.prevent_user_existence_errors {
            Ok(DeliveryOut {
                code_delivery_details: fake_delivery(&username),
            })
        } else {
            Err(CognitoError::UserNotFound(
                "Username/client id combination not found.".into(),
            ))
        };
    };
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    if user.status == UserStatus::ForceChangePassword {
        return Err(CognitoError::NotAuthorized(
            "User password cannot be reset in the current state.".into(),
        ));
    }
    if user.email().is_none() || !user.email_verified() {
        return Err(CognitoError::InvalidParameter(
            "Cannot reset password for the user as there is no registered/verified email or phone_number".into(),
        ));
    }
    let code = PendingCode::new(now_ms(), ttl);
    user.reset_code = Some(code.clone());
    let user = user.clone();
    let delivery = deliver(&mut state, &pool_id, &user, "forgot_password", &code.code);
    Ok(DeliveryOut {
        code_delivery_details: delivery,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmForgotIn {
    client_id: Option<String>,
    secret_hash: Option<String>,
    username: Option<String>,
    confirmation_code: Option<String>,
    password: Option<String>,
}

/// API Reference: ConfirmForgotPassword — single-use code; CodeMismatch vs
/// ExpiredCode; the new password must meet the policy.
pub fn confirm_forgot_password(
    ctx: &Ctx<'_>,
    input: ConfirmForgotIn,
) -> Result<Empty, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?;
    let username = req(&input.username, "username")?.to_string();
    let code = req(&input.confirmation_code, "confirmationCode")?.to_string();
    let password = req(&input.password, "password")?.to_string();
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, client_id)?;
    check_secret_hash(&client, &username, input.secret_hash.as_deref())?;
    let pool = pool_mut(&mut state, &pool_id)?;
    let policy = pool.password_policy.clone();
    let Some(user) = pool.users.get_mut(&user_key(&username)) else {
        return Err(if client.prevent_user_existence_errors {
            codes::mismatch()
        } else {
            CognitoError::UserNotFound("Username/client id combination not found.".into())
        });
    };
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    codes::check(user.reset_code.as_ref(), &code, now_ms())?;
    policy.check(&password)?;
    user.reset_code = None;
    user.password = PasswordHash::new(&password);
    if user.status == UserStatus::ResetRequired {
        user.status = UserStatus::Confirmed;
    }
    user.failed_attempts = 0;
    user.locked_until_ms = None;
    user.modified_ms = now_ms();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: password reset confirmed");
    Ok(Empty {})
}
