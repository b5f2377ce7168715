//! Administrator user management: AdminCreateUser, AdminGetUser,
//! AdminDeleteUser, AdminSetUserPassword, AdminConfirmSignUp,
//! AdminDisableUser, AdminEnableUser, AdminResetUserPassword,
//! AdminUserGlobalSignOut, AdminUpdateUserAttributes.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::shapes::{
    AdminCreateUserOut, AdminGetUserOut, Empty, MfaSettings, UserType, attributes,
};
use super::signup::check_username;
use super::{
    AttributeIn, Ctx, admin_user, apply_attributes, attributes_in, deliver, pool_mut, req,
    sign_out_everywhere, user_key, validate_attributes,
};
use crate::local_cognito::codes::PendingCode;
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::ids;
use crate::local_cognito::password::PasswordHash;
use crate::local_cognito::state::{User, UserStatus, epoch_secs, now_ms};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserIn {
    user_pool_id: Option<String>,
    username: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateIn {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attributes: Option<Vec<AttributeIn>>,
    temporary_password: Option<String>,
    message_action: Option<String>,
}

/// API Reference: AdminCreateUser — the user starts in FORCE_CHANGE_PASSWORD
/// with a temporary password (given or generated) that expires after the
/// pool's TemporaryPasswordValidityDays; the invitation goes to the inbox
/// unless MessageAction is SUPPRESS; RESEND re-invites an existing user.
pub fn admin_create_user(
    ctx: &Ctx<'_>,
    input: CreateIn,
) -> Result<AdminCreateUserOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?.to_string();
    let username = req(&input.username, "username")?.to_string();
    check_username(&username)?;
    let action = input.message_action.as_deref();
    if let Some(a) = action
        && a != "RESEND"
        && a != "SUPPRESS"
    {
        return Err(CognitoError::not_one_of(
            a,
            "messageAction",
            &["RESEND", "SUPPRESS"],
        ));
    }
    let attrs = attributes_in(input.user_attributes)?;
    let now = now_ms();
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, &pool_id)?;
    if attrs.contains_key("sub") {
        return Err(CognitoError::InvalidParameter(
            "Cannot modify the non-mutable attribute sub".into(),
        ));
    }
    validate_attributes(pool, &attrs)?;
    let temp = match input.temporary_password {
        Some(p) => {
            pool.password_policy.check(&p)?;
            p
        }
        None => ids::temporary_password(),
    };
    let validity_ms = u64::from(pool.password_policy.temporary_password_validity_days) * 86_400_000;
    let key = user_key(&username);
    let user = if action == Some("RESEND") {
        let user = pool
            .users
            .get_mut(&key)
            .ok_or_else(CognitoError::user_does_not_exist)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(CognitoError::UnsupportedUserState(format!(
                "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                user.username
            )));
        }
        user.password = PasswordHash::new(&temp);
        user.temporary_password_expires_ms = Some(now + validity_ms);
        user.modified_ms = now;
        user.clone()
    } else {
        if pool.users.contains_key(&key) {
            return Err(CognitoError::UsernameExists(
                "User account already exists".into(),
            ));
        }
        let user = User {
            temporary_password_expires_ms: Some(now + validity_ms),
            ..User::new(
                &username,
                &temp,
                UserStatus::ForceChangePassword,
                attrs,
                now,
            )
        };
        pool.users.insert(key, user.clone());
        user
    };
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: user created by admin");
    if action != Some("SUPPRESS") && user.email().is_some() {
        // The invitation carries the temporary password; it only reaches the inbox.
        deliver_invite(&mut state, &pool_id, &user, &temp);
    }
    Ok(AdminCreateUserOut {
        user: UserType::of(&user),
    })
}

fn deliver_invite(
    state: &mut crate::local_cognito::state::State,
    pool_id: &str,
    user: &User,
    temp: &str,
) {
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: invitation sent (temporary password in the inbox)");
    state.inbox.push(crate::local_cognito::codes::InboxEntry {
        pool_id: pool_id.to_string(),
        username: user.username.clone(),
        kind: "invite".into(),
        code: temp.to_string(),
        destination: user.email().unwrap_or_default().to_string(),
        sent_at_ms: now_ms(),
    });
}

/// API Reference: AdminGetUser.
pub fn admin_get_user(ctx: &Ctx<'_>, input: UserIn) -> Result<AdminGetUserOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let user = admin_user(&mut state, pool_id, username)?;
    Ok(AdminGetUserOut {
        username: user.username.clone(),
        user_attributes: attributes(user, None),
        user_create_date: epoch_secs(user.created_ms),
        user_last_modified_date: epoch_secs(user.modified_ms),
        enabled: user.enabled,
        user_status: user.status.wire(),
        mfa: MfaSettings::of(user),
    })
}

/// API Reference: AdminDeleteUser — the user's tokens die with it.
pub fn admin_delete_user(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let user = pool_mut(&mut state, pool_id)?
        .users
        .remove(&user_key(username))
        .ok_or_else(CognitoError::user_does_not_exist)?;
    sign_out_everywhere(&mut state, pool_id, &user.sub);
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: user deleted");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetPasswordIn {
    user_pool_id: Option<String>,
    username: Option<String>,
    password: Option<String>,
    permanent: Option<bool>,
}

/// API Reference: AdminSetUserPassword — Permanent makes the user CONFIRMED,
/// otherwise FORCE_CHANGE_PASSWORD.
pub fn admin_set_user_password(ctx: &Ctx<'_>, input: SetPasswordIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let password = req(&input.password, "password")?.to_string();
    let now = now_ms();
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, pool_id)?;
    pool.password_policy.check(&password)?;
    let validity_ms = u64::from(pool.password_policy.temporary_password_validity_days) * 86_400_000;
    let user = pool
        .users
        .get_mut(&user_key(username))
        .ok_or_else(CognitoError::user_does_not_exist)?;
    user.password = PasswordHash::new(&password);
    if input.permanent.unwrap_or(false) {
        user.status = UserStatus::Confirmed;
        user.temporary_password_expires_ms = None;
    } else {
        user.status = UserStatus::ForceChangePassword;
        user.temporary_password_expires_ms = Some(now + validity_ms);
    }
    user.failed_attempts = 0;
    user.locked_until_ms = None;
    user.reset_code = None;
    user.modified_ms = now;
    tracing::info!(pool = %pool_id, username = %user.username, status = user.status.wire(), "local cognito: password set by admin");
    Ok(Empty {})
}

/// API Reference: AdminConfirmSignUp — only UNCONFIRMED users.
pub fn admin_confirm_sign_up(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let user = admin_user(&mut state, pool_id, username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::NotAuthorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.wire()
        )));
    }
    user.status = UserStatus::Confirmed;
    user.signup_code = None;
    user.modified_ms = now_ms();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: sign-up confirmed by admin");
    Ok(Empty {})
}

/// API Reference: AdminDisableUser — "Deactivates a user and revokes all
/// access tokens for the user."
pub fn admin_disable_user(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let user = admin_user(&mut state, pool_id, username)?;
    user.enabled = false;
    user.modified_ms = now_ms();
    let sub = user.sub.clone();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: user disabled");
    sign_out_everywhere(&mut state, pool_id, &sub);
    Ok(Empty {})
}

/// API Reference: AdminEnableUser.
pub fn admin_enable_user(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let user = admin_user(&mut state, pool_id, username)?;
    user.enabled = true;
    user.modified_ms = now_ms();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: user enabled");
    Ok(Empty {})
}

/// API Reference: AdminResetUserPassword — the current password stops
/// working (status RESET_REQUIRED) and a reset code is sent.
pub fn admin_reset_user_password(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?.to_string();
    let username = req(&input.username, "username")?;
    let ttl = u64::try_from(ctx.shared.limits().code_ttl.as_millis()).unwrap_or(u64::MAX);
    let mut state = ctx.shared.state();
    let user = admin_user(&mut state, &pool_id, username)?;
    if matches!(
        user.status,
        UserStatus::Unconfirmed | UserStatus::ForceChangePassword
    ) {
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
    user.status = UserStatus::ResetRequired;
    user.reset_code = Some(code.clone());
    user.modified_ms = now_ms();
    let user = user.clone();
    deliver(
        &mut state,
        &pool_id,
        &user,
        "admin_reset_password",
        &code.code,
    );
    Ok(Empty {})
}

/// API Reference: AdminUserGlobalSignOut.
pub fn admin_user_global_sign_out(ctx: &Ctx<'_>, input: UserIn) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let mut state = ctx.shared.state();
    let sub = admin_user(&mut state, pool_id, username)?.sub.clone();
    let n = sign_out_everywhere(&mut state, pool_id, &sub);
    tracing::info!(pool = %pool_id, username = %username, sessions = n, "local cognito: admin global sign-out");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAttributesIn {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attributes: Option<Vec<AttributeIn>>,
}

/// API Reference: AdminUpdateUserAttributes — changing the email marks it
/// unverified unless email_verified is set in the same call.
pub fn admin_update_user_attributes(
    ctx: &Ctx<'_>,
    input: UpdateAttributesIn,
) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    if input.user_attributes.is_none() {
        return Err(CognitoError::missing_member("userAttributes"));
    }
    let attrs = attributes_in(input.user_attributes)?;
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, pool_id)?;
    if attrs.contains_key("sub") {
        return Err(CognitoError::InvalidParameter(
            "Cannot modify the non-mutable attribute sub".into(),
        ));
    }
    validate_attributes(pool, &attrs)?;
    let user = pool
        .users
        .get_mut(&user_key(username))
        .ok_or_else(CognitoError::user_does_not_exist)?;
    apply_attributes(user, attrs);
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: attributes updated by admin");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAttributesIn {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attribute_names: Option<Vec<String>>,
}

/// API Reference: AdminDeleteUserAttributes — `sub` and the pool's required
/// attributes cannot be deleted; unknown names are a schema error.
pub fn admin_delete_user_attributes(
    ctx: &Ctx<'_>,
    input: DeleteAttributesIn,
) -> Result<Empty, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let username = req(&input.username, "username")?;
    let names = input
        .user_attribute_names
        .ok_or_else(|| CognitoError::missing_member("userAttributeNames"))?;
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, pool_id)?;
    let probe: BTreeMap<String, String> =
        names.iter().map(|n| (n.clone(), String::new())).collect();
    if probe.contains_key("sub") {
        return Err(CognitoError::InvalidParameter(
            "Cannot modify the non-mutable attribute sub".into(),
        ));
    }
    validate_attributes(pool, &probe)?;
    if let Some(required) = names.iter().find(|n| pool.required_attributes.contains(n)) {
        return Err(CognitoError::InvalidParameter(format!(
            "Attributes did not conform to the schema: {required}: The attribute is required"
        )));
    }
    let user = pool
        .users
        .get_mut(&user_key(username))
        .ok_or_else(CognitoError::user_does_not_exist)?;
    for name in &names {
        user.attributes.remove(name);
    }
    user.modified_ms = now_ms();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: attributes deleted by admin");
    Ok(Empty {})
}
