//! The one place errors become HTTP responses: RFC 9457 problem+json bodies
//! `{"type","title","status","detail","code"}` with the contract's statuses.
//!
//! Security: `detail` is written here from the error variant, never copied
//! from a request, so no password, code or token can be echoed back; the
//! reasons of 500s and 503s go only to the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::AuthError;

/// An error at the HTTP boundary: a domain error, or a problem with the
/// request's framing that never reached the domain.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Whatever status the domain error maps to.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// 400 `invalid_request`: the body is not the JSON the route takes.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 415 `invalid_request`: a body that is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 413 `payload_too_large`: a body over 16 KiB.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 403 `csrf_rejected`: missing `X-CSRF: 1` or a foreign `Origin`.
    #[error("csrf rejected: {0}")]
    CsrfRejected(&'static str),
    /// 401 `unauthenticated` for a protected route called with no token at
    /// all (no access cookie, no Bearer). The body is that of
    /// `AuthError::Unauthenticated`; only `WWW-Authenticate` differs
    /// (RFC 6750 §3.1: no `error` when the request had no credentials).
    #[error("no access token")]
    MissingCredentials,
    /// 404 `not_found`: no such route.
    #[error("not found")]
    NotFound,
    /// 405 `method_not_allowed`: the route exists with another method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 503 `upstream_unavailable`: the request did not finish within the
    /// service's request timeout.
    #[error("request timed out")]
    Timeout,
    /// 502 `bad_gateway`, 504 `gateway_timeout` or 413 `payload_too_large`:
    /// a remote API could not be reached in time, or the body is over its limit.
    #[error(transparent)]
    Proxy(#[from] crate::proxy::ProxyError),
    /// 431 `invalid_request`: the `Cookie` header(s) are larger than the
    /// service reads (see [`super::middleware::MAX_COOKIE_BYTES`]).
    #[error("cookie header too large")]
    CookieHeaderTooLarge,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub code: &'static str,
}

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    /// Status, stable code, title and a client-safe detail.
    fn describe(&self) -> (StatusCode, &'static str, &'static str, String) {
        use AuthError as A;
        match self {
            Self::Malformed(why) => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid request",
                why.clone(),
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
                "Unsupported media type",
                "The body must be JSON, sent with `Content-Type: application/json`.".into(),
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Payload too large",
                "The body is larger than the 16 KiB this service accepts.".into(),
            ),
            Self::CsrfRejected(why) => (
                StatusCode::FORBIDDEN,
                "csrf_rejected",
                "CSRF check failed",
                (*why).into(),
            ),
            Self::MissingCredentials => Self::Auth(A::Unauthenticated).describe(),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "Not found",
                "There is no such route.".into(),
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "The route does not accept this method.".into(),
            ),
            Self::CookieHeaderTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "invalid_request",
                "Request header fields too large",
                "The Cookie header is larger than the 16 KiB this service reads; clear the site's cookies.".into(),
            ),
            Self::Proxy(e) => {
                use crate::proxy::ProxyError as P;
                match e {
                    P::Unreachable { .. } => (
                        StatusCode::BAD_GATEWAY,
                        "bad_gateway",
                        "Bad gateway",
                        "The API behind this path could not be reached.".into(),
                    ),
                    P::Timeout { .. } => (
                        StatusCode::GATEWAY_TIMEOUT,
                        "gateway_timeout",
                        "Gateway timeout",
                        "The API behind this path did not answer in time.".into(),
                    ),
                    P::BodyTooLarge { limit, .. } => (
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "Payload too large",
                        format!("The body is larger than the {limit} bytes this API accepts."),
                    ),
                }
            }
            Self::Timeout => (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream_unavailable",
                "Upstream unavailable",
                "The request took too long; try again later.".into(),
            ),
            Self::Auth(e) => {
                let (status, title, detail): (StatusCode, &str, String) = match e {
                    A::InvalidRequest(why) => (StatusCode::BAD_REQUEST, "Invalid request", why.clone()),
                    A::InvalidCredentials => (StatusCode::UNAUTHORIZED, "Invalid credentials", "The username or password is incorrect.".into()),
                    A::Unauthenticated => (StatusCode::UNAUTHORIZED, "Unauthenticated", "A valid access token is required.".into()),
                    A::TokenExpired => (StatusCode::UNAUTHORIZED, "Token expired", "The access token has expired; refresh the session with POST /auth/refresh.".into()),
                    A::SessionExpired => (StatusCode::UNAUTHORIZED, "Session expired", "The session has ended; sign in again.".into()),
                    A::UserNotConfirmed => (StatusCode::FORBIDDEN, "User not confirmed", "Confirm the sign-up code before signing in.".into()),
                    A::PasswordResetRequired => (StatusCode::FORBIDDEN, "Password reset required", "The password must be reset before signing in.".into()),
                    A::MissingOrg => (StatusCode::FORBIDDEN, "Missing organisation", "The token carries no tenant (organisation) id.".into()),
                    A::AttributeNotAllowed(name) => (StatusCode::BAD_REQUEST, "Attribute not allowed", format!("Sign-up may not set the attribute `{name}`.")),
                    A::UsernameExists => (StatusCode::CONFLICT, "Username exists", "An account with this username already exists.".into()),
                    A::InvalidPassword(reason) => (StatusCode::BAD_REQUEST, "Invalid password", reason.clone()),
                    A::CodeMismatch => (StatusCode::BAD_REQUEST, "Code mismatch", "The code is not valid.".into()),
                    A::ExpiredCode => (StatusCode::BAD_REQUEST, "Expired code", "The code has expired; request a new one.".into()),
                    A::InvalidSession => (StatusCode::UNAUTHORIZED, "Invalid session", "The challenge session is unknown or expired; sign in again.".into()),
                    A::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many requests", "Too many requests; retry after the time in Retry-After.".into()),
                    A::UpstreamUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "Upstream unavailable", "Cognito is unavailable; try again later.".into()),
                    A::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "An internal error occurred; the request id identifies it in the log.".into()),
                };
                (status, e.code(), title, detail)
            }
        }
    }

    /// The problem body this error becomes.
    pub fn problem(&self) -> Problem {
        let (status, code, title, detail) = self.describe();
        Problem {
            type_uri: format!("urn:cognito-bff:problem:{code}"),
            title,
            status: status.as_u16(),
            detail,
            code,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Self::Auth(AuthError::Internal(reason)) = &self {
            tracing::error!(reason = %reason, "internal error");
        }
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self {
            Self::Auth(AuthError::TooManyRequests { retry_after }) => {
                // Whole seconds, rounded up, at least 1.
                let secs =
                    (retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1);
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    headers.insert(header::RETRY_AFTER, v);
                }
            }
            Self::MissingCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            // RFC 6750 §3.1: credentials were sent and refused.
            Self::Auth(AuthError::Unauthenticated) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            Self::Auth(AuthError::TokenExpired) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\", error_description=\"The access token expired\""),
                );
            }
            _ => {}
        }
        response
    }
}
