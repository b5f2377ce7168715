//! Token lifecycle: GetUser (the access-token check the service relies on),
//! UpdateUserAttributes, GetTokensFromRefreshToken (with rotation),
//! GlobalSignOut and RevokeToken.

use serde::Deserialize;
use serde_json::Value;

use super::auth::{refresh_user, usable_refresh_token};
use super::shapes::{Empty, GetUserOut, MfaSettings, RefreshOut, UpdateAttributesOut, attributes};
use super::{
    AttributeIn, Ctx, apply_attributes, attributes_in, caller, check_writable, client,
    client_secret_matches, issue_tokens, pool, pool_mut, req, sign_out_everywhere,
    validate_attributes,
};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::flows::ExplicitAuthFlow;
use crate::local_cognito::state::{RefreshRecord, now_ms};
use crate::local_cognito::tokens;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenIn {
    access_token: Option<String>,
}

/// API Reference: GetUser.
pub fn get_user(ctx: &Ctx<'_>, input: AccessTokenIn) -> Result<GetUserOut, CognitoError> {
    let token = req(&input.access_token, "accessToken")?;
    let state = ctx.shared.state();
    let c = caller(ctx, &state, token)?;
    let pool = pool(&state, &c.pool_id)?;
    let user = pool
        .users
        .get(&c.user_key)
        .ok_or_else(CognitoError::user_does_not_exist)?;
    // Only what the token's app client may read (ReadAttributes).
    let client = pool.clients.get(c.client_id());
    Ok(GetUserOut {
        username: user.username.clone(),
        user_attributes: attributes(user, client),
        mfa: MfaSettings::of(user),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAttributesIn {
    access_token: Option<String>,
    user_attributes: Option<Vec<AttributeIn>>,
}

/// API Reference: UpdateUserAttributes — a user changes their own
/// attributes with their access token. Security: limited to the token's
/// app client's WriteAttributes, so a client that leaves the tenant
/// attribute out of them stops users from moving themselves to another
/// tenant. (No verification code is sent for a changed email; it is
/// marked unverified.)
pub fn update_user_attributes(
    ctx: &Ctx<'_>,
    input: UpdateAttributesIn,
) -> Result<UpdateAttributesOut, CognitoError> {
    let token = req(&input.access_token, "accessToken")?;
    if input.user_attributes.is_none() {
        return Err(CognitoError::missing_member("userAttributes"));
    }
    let attrs = attributes_in(input.user_attributes)?;
    let mut state = ctx.shared.state();
    let c = caller(ctx, &state, token)?;
    let pool = pool_mut(&mut state, &c.pool_id)?;
    let client = pool
        .clients
        .get(c.client_id())
        .ok_or_else(CognitoError::invalid_access_token)?;
    if attrs.contains_key("sub")
        || attrs.contains_key("email_verified")
        || attrs.contains_key("phone_number_verified")
    {
        return Err(CognitoError::NotAuthorized(
            "A client attempted to write unauthorized attribute".into(),
        ));
    }
    validate_attributes(pool, &attrs)?;
    check_writable(client, &attrs)?;
    let user = pool
        .users
        .get_mut(&c.user_key)
        .ok_or_else(CognitoError::user_does_not_exist)?;
    apply_attributes(user, attrs);
    tracing::info!(pool = %c.pool_id, user_key = %c.user_key, "local cognito: attributes updated by the user");
    Ok(UpdateAttributesOut {
        code_delivery_details_list: Vec::new(),
    })
}

/// API Reference: GlobalSignOut — revokes the caller's refresh tokens and
/// every access/id token issued before the call.
pub fn global_sign_out(ctx: &Ctx<'_>, input: AccessTokenIn) -> Result<Empty, CognitoError> {
    let token = req(&input.access_token, "accessToken")?;
    let mut state = ctx.shared.state();
    let c = caller(ctx, &state, token)?;
    let sub = c
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let n = sign_out_everywhere(&mut state, &c.pool_id, &sub);
    tracing::info!(pool = %c.pool_id, user_key = %c.user_key, sessions = n, "local cognito: global sign-out");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RefreshIn {
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// API Reference: GetTokensFromRefreshToken. With rotation enabled on the
/// client it returns a new refresh token; the old one keeps working for
/// RetryGracePeriodSeconds, then fails with RefreshTokenReuseException.
pub fn get_tokens_from_refresh_token(
    ctx: &Ctx<'_>,
    input: RefreshIn,
) -> Result<RefreshOut, CognitoError> {
    let token = req(&input.refresh_token, "refreshToken")?;
    let client_id = req(&input.client_id, "clientId")?;
    let mut state = ctx.shared.state();
    let (_, client) = client(&state, client_id)?;
    if client.secret.is_some() && !client_secret_matches(&client, input.client_secret.as_deref()) {
        return Err(CognitoError::NotAuthorized(format!(
            "Unable to verify secret hash for client {client_id}"
        )));
    }
    if !client.allows(ExplicitAuthFlow::AllowRefreshTokenAuth) {
        return Err(CognitoError::InvalidParameter(
            "REFRESH_TOKEN_AUTH flow not enabled for this client".into(),
        ));
    }
    let (hash, record) = usable_refresh_token(&state, token, client_id)?;
    let now = now_ms();
    if let Some(rotated) = record.rotated_at_ms
        && now > rotated + client.retry_grace_period_secs * 1000
    {
        return Err(CognitoError::RefreshTokenReuse(
            "Refresh token has already been used and rotated".into(),
        ));
    }
    let (key, username) = refresh_user(&state, &record)?;
    let mut result = issue_tokens(
        ctx,
        &mut state,
        &record.pool_id,
        client_id,
        &key,
        Some(&record.origin_jti),
    )?;
    if client.refresh_token_rotation {
        let new_token = tokens::new_refresh_token();
        let expires_ms = now.saturating_add(client.refresh_validity.secs().saturating_mul(1000));
        state.refresh_tokens.insert(
            tokens::hash_token(&new_token),
            RefreshRecord {
                origin_jti: record.origin_jti.clone(),
                pool_id: record.pool_id.clone(),
                client_id: client_id.to_string(),
                sub: record.sub.clone(),
                expires_ms,
                rotated_at_ms: None,
            },
        );
        if let Some(old) = state.refresh_tokens.get_mut(&hash) {
            old.rotated_at_ms.get_or_insert(now);
        }
        if let Some(f) = state.families.get_mut(&record.origin_jti) {
            f.expires_ms = f.expires_ms.max(expires_ms);
        }
        result.refresh_token = Some(new_token);
    }
    tracing::info!(pool = %record.pool_id, username = %username, rotated = client.refresh_token_rotation, "local cognito: tokens refreshed");
    Ok(RefreshOut {
        authentication_result: result,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeIn {
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// API Reference: RevokeToken — revokes a refresh token and every access
/// token minted from it (the whole `origin_jti` family). Access or id tokens
/// are UnsupportedTokenTypeException; a client with a secret must send it.
pub fn revoke_token(ctx: &Ctx<'_>, input: RevokeIn) -> Result<Empty, CognitoError> {
    let token = req(&input.token, "token")?;
    let client_id = req(&input.client_id, "clientId")?;
    let mut state = ctx.shared.state();
    let (_, client) = client(&state, client_id)?;
    if !client_secret_matches(&client, input.client_secret.as_deref()) {
        return Err(CognitoError::Unauthorized(
            "Client authentication failed: a valid ClientSecret is required for this client".into(),
        ));
    }
    if !client.enable_token_revocation {
        return Err(CognitoError::UnsupportedOperation(
            "Token revocation is not enabled for this client".into(),
        ));
    }
    if tokens::is_jws(token) {
        return Err(CognitoError::UnsupportedTokenType(
            "Unsupported token type".into(),
        ));
    }
    let hash = tokens::hash_token(token);
    let Some(record) = state.refresh_tokens.get(&hash).cloned() else {
        // RFC 7009 §2.2: an invalid or already revoked token is not an error.
        return Ok(Empty {});
    };
    if record.client_id != client_id {
        return Err(CognitoError::Unauthorized(
            "The token was not issued to this client".into(),
        ));
    }
    if let Some(f) = state.families.get_mut(&record.origin_jti) {
        f.revoked = true;
    }
    tracing::info!(pool = %record.pool_id, "local cognito: refresh token revoked");
    Ok(Empty {})
}
