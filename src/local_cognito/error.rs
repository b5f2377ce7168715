//! The Cognito exceptions this emulator can raise, and how each one is framed
//! on the wire (`__type`, `message`, `x-amzn-ErrorType`, HTTP status), so the
//! real SDK yields the same typed errors it yields against AWS.

use http::StatusCode;

/// One Cognito exception. The payload is the `message` Cognito would send.
///
/// Messages the service depends on are Cognito's own, word for word (e.g.
/// "Incorrect username or password.", "Password attempts exceeded").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CognitoError {
    #[error("{0}")]
    NotAuthorized(String),
    #[error("{0}")]
    UserNotFound(String),
    #[error("{0}")]
    UserNotConfirmed(String),
    #[error("{0}")]
    PasswordResetRequired(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    InvalidPassword(String),
    #[error("{0}")]
    UsernameExists(String),
    #[error("{0}")]
    CodeMismatch(String),
    #[error("{0}")]
    ExpiredCode(String),
    #[error("{0}")]
    ResourceNotFound(String),
    #[error("{0}")]
    Serialization(String),
    #[error("{0}")]
    UnsupportedOperation(String),
    #[error("{0}")]
    UnsupportedTokenType(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    RefreshTokenReuse(String),
    #[error("{0}")]
    EnableSoftwareTokenMfa(String),
    #[error("{0}")]
    SoftwareTokenMfaNotFound(String),
    #[error("{0}")]
    InvalidUserPoolConfiguration(String),
    #[error("{0}")]
    UnsupportedUserState(String),
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    Internal(String),
}

impl CognitoError {
    /// The `__type` / `x-amzn-ErrorType` value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::NotAuthorized(_) => "NotAuthorizedException",
            Self::UserNotFound(_) => "UserNotFoundException",
            Self::UserNotConfirmed(_) => "UserNotConfirmedException",
            Self::PasswordResetRequired(_) => "PasswordResetRequiredException",
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::InvalidPassword(_) => "InvalidPasswordException",
            Self::UsernameExists(_) => "UsernameExistsException",
            Self::CodeMismatch(_) => "CodeMismatchException",
            Self::ExpiredCode(_) => "ExpiredCodeException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::Serialization(_) => "SerializationException",
            Self::UnsupportedOperation(_) => "UnsupportedOperationException",
            Self::UnsupportedTokenType(_) => "UnsupportedTokenTypeException",
            Self::Unauthorized(_) => "UnauthorizedException",
            Self::RefreshTokenReuse(_) => "RefreshTokenReuseException",
            Self::EnableSoftwareTokenMfa(_) => "EnableSoftwareTokenMFAException",
            Self::SoftwareTokenMfaNotFound(_) => "SoftwareTokenMFANotFoundException",
            Self::InvalidUserPoolConfiguration(_) => "InvalidUserPoolConfigurationException",
            Self::UnsupportedUserState(_) => "UnsupportedUserStateException",
            Self::LimitExceeded(_) => "LimitExceededException",
            Self::Internal(_) => "InternalErrorException",
        }
    }

    /// Cognito answers client errors with 400 and its own failures with 500
    /// (which the SDK retries, so only genuine internal failures use it).
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    // Constructors for the messages used in several places.

    /// API Reference: InitiateAuth — the one message for an unknown user (with
    /// PreventUserExistenceErrors) and a wrong password.
    pub fn incorrect_credentials() -> Self {
        Self::NotAuthorized("Incorrect username or password.".into())
    }

    pub fn user_disabled() -> Self {
        Self::NotAuthorized("User is disabled.".into())
    }

    pub fn user_does_not_exist() -> Self {
        Self::UserNotFound("User does not exist.".into())
    }

    pub fn invalid_session() -> Self {
        Self::NotAuthorized("Invalid session for the user, session is expired.".into())
    }

    pub fn invalid_access_token() -> Self {
        Self::NotAuthorized("Invalid Access Token".into())
    }

    pub fn invalid_refresh_token() -> Self {
        Self::NotAuthorized("Invalid Refresh Token".into())
    }

    pub fn pool_not_found(pool_id: &str) -> Self {
        Self::ResourceNotFound(format!("User pool {pool_id} does not exist."))
    }

    pub fn client_not_found(client_id: &str) -> Self {
        Self::ResourceNotFound(format!("User pool client {client_id} does not exist."))
    }

    /// AWS's wording for one failed constraint on a request member:
    /// `1 validation error detected: Value '<v>' at '<member>' failed to
    /// satisfy constraint: <constraint>`. `value` is `None` where AWS leaves
    /// it out (and wherever it could be a secret).
    pub fn constraint(
        value: Option<&str>,
        member: &str,
        constraint: impl std::fmt::Display,
    ) -> Self {
        let value = value.map(|v| format!(" '{v}'")).unwrap_or_default();
        Self::InvalidParameter(format!(
            "1 validation error detected: Value{value} at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    /// A member whose value is not one of `allowed`.
    pub fn not_one_of(value: &str, member: &str, allowed: &[&str]) -> Self {
        Self::constraint(
            Some(value),
            member,
            format_args!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        )
    }

    /// AWS's validation-error wording for a missing required member
    /// (`Value null`, unquoted).
    pub fn missing_member(member: &str) -> Self {
        Self::InvalidParameter(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))
    }
}
