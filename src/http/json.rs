//! The JSON body extractor every route uses. It turns axum's rejections into
//! the contract's errors: 415 `invalid_request` for another media type, 413
//! `payload_too_large` past the body limit, 400 `invalid_request` otherwise.
//!
//! Security: a deserialization error names the field and what was expected,
//! never the value received (a password sent as a number must not come back).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// The largest body any route accepts.
pub const BODY_LIMIT: usize = 16 * 1024;

/// A JSON request body of type `T`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

/// A JSON body that may be absent (empty): `None` then.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub Option<T>);

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_json_media_type)
}

/// `application/json` or `application/<x>+json`, parameters ignored.
fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::Malformed("The request body could not be read.".into())
        }
    })
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let why = match inner.classify() {
            serde_json::error::Category::Data => data_error(&inner.to_string()),
            serde_json::error::Category::Eof => "the JSON ends early".to_owned(),
            _ => "the body is not valid JSON".to_owned(),
        };
        if path == "." || path.is_empty() {
            ApiError::Malformed(format!("Malformed body: {why}."))
        } else {
            ApiError::Malformed(format!("Malformed body at `{path}`: {why}."))
        }
    })
}

/// Keeps serde's words about fields (which name only field names), and
/// replaces those that quote the offending value with the expectation alone.
fn data_error(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    if message.starts_with("missing field")
        || message.starts_with("unknown field")
        || message.starts_with("duplicate field")
    {
        return message.to_owned();
    }
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => format!("expected {expected}"),
        None => "a value has the wrong type or shape".to_owned(),
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = read_body(req, state).await?;
        parse(&bytes).map(ApiJson)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&bytes).map(|v| OptionalJson(Some(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_error_names_the_expectation_but_not_the_value() {
        let err = parse::<std::collections::HashMap<String, String>>(br#"{"password": 12345678}"#)
            .err()
            .map(|e| e.problem().detail)
            .unwrap_or_default();
        assert!(err.contains("password"), "{err}");
        assert!(!err.contains("12345678"), "{err}");
    }
}
