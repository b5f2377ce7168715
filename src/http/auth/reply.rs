//! Building `/auth` responses: JSON bodies with the cookies they set, and
//! `Cache-Control: no-store` on every response that carries tokens, sessions
//! or cookies.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cookie::Cookie;
use serde::Serialize;
use serde_json::json;

use crate::auth::{AuthError, Challenge, TokenSet};
use crate::http::ApiError;

/// Adds `Set-Cookie` for each cookie and `Cache-Control: no-store`.
pub(super) fn with_cookies(
    mut response: Response,
    cookies: impl IntoIterator<Item = Cookie<'static>>,
) -> Response {
    let headers = response.headers_mut();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    no_store(response)
}

pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `200 {"status":"SIGNED_IN","expires_in"}`.
pub(super) fn signed_in_body(tokens: &TokenSet) -> Response {
    Json(json!({"status": "SIGNED_IN", "expires_in": tokens.expires_in})).into_response()
}

/// `200 {"status":"CHALLENGE","challenge","session","parameters"}`, no cookies.
pub(super) fn challenge(challenge: &Challenge) -> Response {
    no_store(
        Json(json!({
            "status": "CHALLENGE",
            "challenge": challenge.name,
            "session": challenge.session,
            "parameters": challenge.parameters,
        }))
        .into_response(),
    )
}

/// A JSON body that must not be cached.
pub(super) fn json_no_store<T: Serialize>(body: &T) -> Response {
    no_store(Json(body).into_response())
}

/// `204 No Content`.
pub(super) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// An error that ends the session: the error plus cookies clearing everything.
pub(super) fn ending_session(
    err: AuthError,
    clear: impl IntoIterator<Item = Cookie<'static>>,
) -> Response {
    with_cookies(ApiError::from(err).into_response(), clear)
}
