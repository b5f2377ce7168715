//! Account routes: sign-up (with an attribute allow-list), confirmation
//! codes and password reset. Code requests answer alike for unknown users,
//! so the routes cannot be used to find out who has an account.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{input, reply};
use crate::auth::{AuthError, CodeDelivery};
use crate::http::client_ip::ClientIp;
use crate::http::{ApiError, ApiJson};
use crate::state::AppState;

const MAX_ATTRIBUTES: usize = 32;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignUp {
    username: String,
    password: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

/// `POST /auth/signup`.
pub(super) async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<SignUp>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    let password = input::password("password", &body.password)?;
    if body.attributes.len() > MAX_ATTRIBUTES {
        return Err(AuthError::InvalidRequest("`attributes` has too many entries.".into()).into());
    }
    for value in body.attributes.values() {
        input::text("attribute value", value, input::ATTRIBUTE_MAX)?;
    }
    state.limits.check(ip, Some(username))?;
    // Only the attributes a user may set (never the tenant): `Sessions::sign_up`.
    let result = state
        .sessions
        .sign_up(username, password, body.attributes)
        .await?;
    Ok(reply::json_no_store(&result))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Confirm {
    username: String,
    code: String,
}

/// `POST /auth/confirm-signup`.
pub(super) async fn confirm_signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Confirm>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    let code = input::code(&body.code)?;
    state.limits.check(ip, Some(username))?;
    state.sessions.confirm_sign_up(username, code).await?;
    Ok(reply::no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Username {
    username: String,
}

fn delivery_reply(delivery: CodeDelivery) -> Response {
    reply::json_no_store(&json!({ "code_delivery": delivery }))
}

/// `POST /auth/resend-code`.
pub(super) async fn resend_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Username>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    state.limits.check(ip, Some(username))?;
    Ok(delivery_reply(state.sessions.resend_code(username).await?))
}

/// `POST /auth/forgot-password`: the same answer for unknown users.
pub(super) async fn forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Username>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    state.limits.check(ip, Some(username))?;
    Ok(delivery_reply(
        state.sessions.forgot_password(username).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfirmForgot {
    username: String,
    code: String,
    password: String,
}

/// `POST /auth/confirm-forgot-password`.
pub(super) async fn confirm_forgot_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<ConfirmForgot>,
) -> Result<Response, ApiError> {
    let username = input::username(&body.username)?;
    let code = input::code(&body.code)?;
    let password = input::password("password", &body.password)?;
    state.limits.check(ip, Some(username))?;
    state
        .sessions
        .confirm_forgot_password(username, code, password)
        .await?;
    Ok(reply::no_content())
}
