//! The wire: one `POST /` endpoint speaking AWS JSON 1.1, dispatching on
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`, and Cognito's
//! error framing (HTTP 400, `{"__type","message"}`, `x-amzn-ErrorType`).
//! SigV4 signatures are not verified (this is an emulator), and public
//! operations need none.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, PoisonError};

use super::error::CognitoError;
use super::ops::{self, Ctx};
use super::shared::Shared;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

fn respond(status: StatusCode, body: &Value, error_type: Option<&str>) -> Response {
    let mut res = (status, body.to_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static(CONTENT_TYPE),
    );
    if let Ok(id) = HeaderValue::from_str(&super::ids::uuid()) {
        h.insert("x-amzn-requestid", id);
    }
    if let Some(t) = error_type.and_then(|t| HeaderValue::from_str(t).ok()) {
        h.insert("x-amzn-errortype", t);
    }
    res
}

/// Cognito's error response.
pub fn error_response(err: &CognitoError) -> Response {
    let t = err.type_name();
    respond(
        err.status(),
        &json!({"__type": t, "message": err.to_string()}),
        Some(t),
    )
}

/// The region of the SigV4 credential scope (`Credential=AKID/date/REGION/...`).
fn region(headers: &HeaderMap) -> String {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|auth| auth.split("Credential=").nth(1))
        .and_then(|cred| cred.split('/').nth(2))
        .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or("us-east-1")
        .to_string()
}

/// A request the local Cognito understood: a supported operation and its
/// input, a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRequest {
    pub operation: String,
    pub input: Value,
}

/// Why a request was refused before any operation ran: Cognito's error name
/// (`__type`) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    pub error_type: &'static str,
    pub message: String,
}

/// Parses the `X-Amz-Target` value and the body of a request as the local
/// Cognito does before dispatching it. Never panics, whatever the bytes
/// (the fuzz target `local_cognito_request` holds it to that).
pub fn parse_request(target: &str, body: &[u8]) -> Result<ParsedRequest, ProtocolError> {
    match parse(target, body) {
        Ok((_, _, input)) => Ok(ParsedRequest {
            operation: target
                .strip_prefix(TARGET_PREFIX)
                .unwrap_or(target)
                .to_owned(),
            input,
        }),
        Err(e) => Err(ProtocolError {
            error_type: e.type_name(),
            message: e.to_string(),
        }),
    }
}

/// The operation's handler, whether it mutates state, and its input.
fn parse(target: &str, body: &[u8]) -> Result<(ops::OpFn, bool, Value), CognitoError> {
    let op = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    let Some((handler, mutating)) = target.strip_prefix(TARGET_PREFIX).and_then(ops::lookup) else {
        let name = if op.is_empty() {
            "(missing X-Amz-Target)"
        } else {
            op
        };
        return Err(CognitoError::UnsupportedOperation(format!(
            "Operation {name} is not supported by the local Cognito"
        )));
    };
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                return Err(CognitoError::Serialization(
                    "Start of structure or map found where not expected.".into(),
                ));
            }
            Err(_) => {
                return Err(CognitoError::Serialization(
                    "Unable to parse the request body as JSON".into(),
                ));
            }
        }
    };
    Ok((handler, mutating, input))
}

/// `POST /`.
pub async fn handle(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let op = target
        .strip_prefix(TARGET_PREFIX)
        .unwrap_or(&target)
        .to_string();
    {
        let mut calls = shared.calls.lock().unwrap_or_else(PoisonError::into_inner);
        *calls
            .entry(if op.is_empty() {
                "<none>".into()
            } else {
                op.clone()
            })
            .or_insert(0) += 1;
    }
    let (handler, mutating, input) = match parse(&target, &body) {
        Ok(parsed) => parsed,
        Err(e) => {
            if matches!(e, CognitoError::UnsupportedOperation(_)) {
                tracing::info!(op = %op, "local cognito: unsupported operation");
            }
            return error_response(&e);
        }
    };
    let ctx = Ctx {
        shared: &shared,
        region: region(&headers),
    };
    let offset = shared.limits().clock_offset_ms;
    let result = super::state::with_clock_offset(offset, || handler(&ctx, input));
    if mutating {
        super::persist_now(&shared).await;
    }
    match result {
        Ok(v) => {
            tracing::debug!(op = %op, "local cognito: ok");
            respond(StatusCode::OK, &v, None)
        }
        Err(e) => {
            tracing::info!(op = %op, error = e.type_name(), "local cognito: error");
            error_response(&e)
        }
    }
}
