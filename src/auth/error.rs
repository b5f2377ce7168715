//! Every way an authentication step can fail, as the contract names them.
//!
//! Each variant's doc says the HTTP status it becomes; the mapping itself is
//! in one place, `http::problem`. Variants carry no secrets: details are
//! safe to show (Cognito's password-policy reason) or are only logged.

use std::time::Duration;

/// A domain error. `code()` is the stable word SPAs switch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// 400 `invalid_request`: input Cognito (or the service) refused as malformed.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// 401 `invalid_credentials`: wrong username or password, unknown or
    /// disabled user; one body for all, so users cannot be enumerated.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// 401 `unauthenticated`: no usable access token.
    #[error("unauthenticated")]
    Unauthenticated,
    /// 401 `token_expired`: the access token expired; refresh and retry.
    #[error("access token expired")]
    TokenExpired,
    /// 401 `session_expired`: the refresh token is missing, invalid, revoked or expired.
    #[error("session expired")]
    SessionExpired,
    /// 403 `user_not_confirmed`: sign-up code not confirmed yet.
    #[error("user not confirmed")]
    UserNotConfirmed,
    /// 403 `password_reset_required`.
    #[error("password reset required")]
    PasswordResetRequired,
    /// 403 `missing_org`: a valid token without the tenant claim.
    #[error("token carries no tenant")]
    MissingOrg,
    /// 400 `attribute_not_allowed`: sign-up tried to set this attribute.
    #[error("attribute not allowed: {0}")]
    AttributeNotAllowed(String),
    /// 409 `username_exists`.
    #[error("username exists")]
    UsernameExists,
    /// 400 `invalid_password`: the policy's reason, as Cognito words it.
    #[error("invalid password: {0}")]
    InvalidPassword(String),
    /// 400 `code_mismatch`.
    #[error("code mismatch")]
    CodeMismatch,
    /// 400 `expired_code`.
    #[error("expired code")]
    ExpiredCode,
    /// 401 `invalid_session`: a challenge session that is unknown or expired.
    #[error("invalid challenge session")]
    InvalidSession,
    /// 429 `too_many_requests`, with `Retry-After`.
    #[error("too many requests")]
    TooManyRequests {
        /// How long the client should wait.
        retry_after: Duration,
    },
    /// 503 `upstream_unavailable`: Cognito unreachable, timing out or failing.
    #[error("upstream unavailable: {0}")]
    UpstreamUnavailable(String),
    /// 500 `internal`: misconfiguration or a bug; the reason is only logged.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AuthError {
    /// The contract's stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Unauthenticated => "unauthenticated",
            Self::TokenExpired => "token_expired",
            Self::SessionExpired => "session_expired",
            Self::UserNotConfirmed => "user_not_confirmed",
            Self::PasswordResetRequired => "password_reset_required",
            Self::MissingOrg => "missing_org",
            Self::AttributeNotAllowed(_) => "attribute_not_allowed",
            Self::UsernameExists => "username_exists",
            Self::InvalidPassword(_) => "invalid_password",
            Self::CodeMismatch => "code_mismatch",
            Self::ExpiredCode => "expired_code",
            Self::InvalidSession => "invalid_session",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::UpstreamUnavailable(_) => "upstream_unavailable",
            Self::Internal(_) => "internal",
        }
    }
}
