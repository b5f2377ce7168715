//! Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode.

use serde::Deserialize;

use super::shapes::{CodeDeliveryDetails, DeliveryOut, Empty, SignUpOut};
use super::{
    AttributeIn, Ctx, attributes_in, check_secret_hash, check_writable, client, deliver, pool_mut,
    req, user_key, validate_attributes,
};
use crate::local_cognito::codes::{self, PendingCode};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::state::{User, UserStatus, now_ms};

/// Cognito's username pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`: no whitespace or controls.
pub fn check_username(username: &str) -> Result<(), CognitoError> {
    if username
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
        || username.chars().count() > 128
    {
        return Err(CognitoError::InvalidParameter(
            "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+".into(),
        ));
    }
    Ok(())
}

/// A plausible CodeDeliveryDetails for an unknown user, so responses do not
/// reveal whether the user exists (PreventUserExistenceErrors = ENABLED).
pub fn fake_delivery(username: &str) -> CodeDeliveryDetails {
    let first = username.chars().next().unwrap_or('u');
    CodeDeliveryDetails::email(format!("{first}***@e***"))
}

fn code_ttl_ms(ctx: &Ctx<'_>) -> u64 {
    u64::try_from(ctx.shared.limits().code_ttl.as_millis()).unwrap_or(u64::MAX)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpIn {
    client_id: Option<String>,
    secret_hash: Option<String>,
    username: Option<String>,
    password: Option<String>,
    user_attributes: Option<Vec<AttributeIn>>,
}

/// API Reference: SignUp.
pub fn sign_up(ctx: &Ctx<'_>, input: SignUpIn) -> Result<SignUpOut, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?;
    let username = req(&input.username, "username")?.to_string();
    let password = req(&input.password, "password")?.to_string();
    check_username(&username)?;
    let attrs = attributes_in(input.user_attributes)?;
    let ttl = code_ttl_ms(ctx);
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, client_id)?;
    check_secret_hash(&client, &username, input.secret_hash.as_deref())?;
    let pool = pool_mut(&mut state, &pool_id)?;
    if attrs.contains_key("sub")
        || attrs.contains_key("email_verified")
        || attrs.contains_key("phone_number_verified")
    {
        return Err(CognitoError::NotAuthorized(
            "A client attempted to write unauthorized attribute".into(),
        ));
    }
    validate_attributes(pool, &attrs)?;
    check_writable(&client, &attrs)?;
    for required in &pool.required_attributes {
        if !attrs.contains_key(required) {
            return Err(CognitoError::InvalidParameter(format!(
                "Attributes did not conform to the schema: {required}: The attribute is required"
            )));
        }
    }
    let key = user_key(&username);
    if pool.users.contains_key(&key) {
        return Err(CognitoError::UsernameExists("User already exists".into()));
    }
    pool.password_policy.check(&password)?;
    let now = now_ms();
    let has_email = attrs.contains_key("email");
    let mut user = User::new(&username, &password, UserStatus::Unconfirmed, attrs, now);
    let sub = user.sub.clone();
    let code = has_email.then(|| PendingCode::new(now, ttl));
    user.signup_code.clone_from(&code);
    pool.users.insert(key, user.clone());
    tracing::info!(pool = %pool_id, username = %username, "local cognito: user signed up");
    let delivery = code.map(|code| deliver(&mut state, &pool_id, &user, "signup", &code.code));
    Ok(SignUpOut {
        user_confirmed: false,
        user_sub: sub,
        code_delivery_details: delivery,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmIn {
    client_id: Option<String>,
    secret_hash: Option<String>,
    username: Option<String>,
    confirmation_code: Option<String>,
}

/// API Reference: ConfirmSignUp — single-use code; CodeMismatchException for a
/// wrong code, ExpiredCodeException for an expired one.
pub fn confirm_sign_up(ctx: &Ctx<'_>, input: ConfirmIn) -> Result<Empty, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?;
    let username = req(&input.username, "username")?.to_string();
    let code = req(&input.confirmation_code, "confirmationCode")?.to_string();
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, client_id)?;
    check_secret_hash(&client, &username, input.secret_hash.as_deref())?;
    let pool = pool_mut(&mut state, &pool_id)?;
    let Some(user) = pool.users.get_mut(&user_key(&username)) else {
        return Err(if client.prevent_user_existence_errors {
            codes::mismatch()
        } else {
            CognitoError::UserNotFound("Username/client id combination not found.".into())
        });
    };
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::NotAuthorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.wire()
        )));
    }
    codes::check(user.signup_code.as_ref(), &code, now_ms())?;
    user.signup_code = None;
    user.status = UserStatus::Confirmed;
    user.attributes
        .insert("email_verified".into(), "true".into());
    user.modified_ms = now_ms();
    tracing::info!(pool = %pool_id, username = %user.username, "local cognito: sign-up confirmed");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResendIn {
    client_id: Option<String>,
    secret_hash: Option<String>,
    username: Option<String>,
}

/// API Reference: ResendConfirmationCode — a new code replaces the old one.
pub fn resend_confirmation_code(
    ctx: &Ctx<'_>,
    input: ResendIn,
) -> Result<DeliveryOut, CognitoError> {
    let client_id = req(&input.client_id, "clientId")?;
    let username = req(&input.username, "username")?.to_string();
    let ttl = code_ttl_ms(ctx);
    let mut state = ctx.shared.state();
    let (pool_id, client) = client(&state, client_id)?;
    check_secret_hash(&client, &username, input.secret_hash.as_deref())?;
    let pool = pool_mut(&mut state, &pool_id)?;
    let Some(user) = pool.users.get_mut(&user_key(&username)) else {
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
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::InvalidParameter(
            "User is already confirmed.".into(),
        ));
    }
    if user.email().is_none() {
        return Err(CognitoError::InvalidParameter(
            "Auto verification not turned on.".into(),
        ));
    }
    let code = PendingCode::new(now_ms(), ttl);
    user.signup_code = Some(code.clone());
    let user = user.clone();
    let delivery = deliver(&mut state, &pool_id, &user, "resend", &code.code);
    Ok(DeliveryOut {
        code_delivery_details: delivery,
    })
}
