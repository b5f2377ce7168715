//! Cognito's errors, translated into the domain's.
//!
//! Cognito names its errors (`__type`), and the same name means different
//! things in different flows: `NotAuthorizedException` is a wrong password at
//! sign-in, a dead session at refresh and a revoked token at GetUser. So the
//! translation takes the [`Flow`] the call belongs to.

use std::time::Duration;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::auth::AuthError;

/// What the failed call was doing, which decides what an error means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Username and password (InitiateAuth USER_PASSWORD_AUTH).
    SignIn,
    /// Answering a challenge or setting up MFA with a challenge session.
    Challenge,
    /// Using the refresh token (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken, RevokeToken).
    Refresh,
    /// Calls authorised by an access token (GetUser, GlobalSignOut).
    AccessToken,
    /// Sign-up, confirmation codes and password reset.
    Account,
}

/// How long a throttled client is told to wait when Cognito gives no hint.
const THROTTLE_RETRY_AFTER: Duration = Duration::from_secs(1);
/// Cognito's lockout after repeated failed passwords starts around a second and
/// grows; a client is told to wait a little longer than the first step.
const LOCKOUT_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Translates an SDK error from operation `op` in `flow`. Logs what an
/// operator needs (never a token, password or code: Cognito's messages name
/// none of them, and the request is not logged).
pub(crate) fn from_sdk<E>(op: &'static str, flow: Flow, err: SdkError<E, HttpResponse>) -> AuthError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let e = service.err();
            let mapped = classify(e.code(), e.message(), flow, status);
            match &mapped {
                AuthError::Internal(_) | AuthError::UpstreamUnavailable(_) => tracing::error!(
                    cognito.operation = op,
                    cognito.error = e.code().unwrap_or("unknown"),
                    cognito.message = e.message().unwrap_or(""),
                    http.status = status,
                    "Cognito call failed"
                ),
                other => tracing::debug!(
                    cognito.operation = op,
                    cognito.error = e.code().unwrap_or("unknown"),
                    code = other.code(),
                    "Cognito refused the call"
                ),
            }
            mapped
        }
        SdkError::TimeoutError(_) => {
            tracing::warn!(cognito.operation = op, "Cognito call timed out");
            AuthError::UpstreamUnavailable(format!("{op}: timed out"))
        }
        SdkError::DispatchFailure(failure) => {
            tracing::warn!(cognito.operation = op, error = ?failure, "Cognito unreachable");
            AuthError::UpstreamUnavailable(format!("{op}: unreachable"))
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            tracing::warn!(
                cognito.operation = op,
                http.status = status,
                "Cognito sent an unreadable response"
            );
            // A bare HTTP 429 (e.g. from a proxy in front of Cognito) is still
            // throttling, whatever its body.
            if status == 429 {
                return AuthError::TooManyRequests {
                    retry_after: THROTTLE_RETRY_AFTER,
                };
            }
            AuthError::UpstreamUnavailable(format!("{op}: unreadable response"))
        }
        SdkError::ConstructionFailure(_) => {
            tracing::error!(cognito.operation = op, error = %aws_smithy_types::error::display::DisplayErrorContext(&err), "could not build the Cognito request");
            AuthError::Internal(format!("{op}: request construction failed"))
        }
        _ => {
            tracing::error!(cognito.operation = op, error = %aws_smithy_types::error::display::DisplayErrorContext(&err), "unexpected SDK error");
            AuthError::Internal(format!("{op}: unexpected SDK error"))
        }
    }
}

/// Cognito's error name, when the call failed with a service error.
pub(crate) fn service_code<E: ProvideErrorMetadata>(
    err: &SdkError<E, HttpResponse>,
) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// The pure translation of a Cognito error name (and message, for the few
/// names whose meaning depends on it) into a domain error.
pub fn classify(code: Option<&str>, message: Option<&str>, flow: Flow, status: u16) -> AuthError {
    let message = message.unwrap_or("");
    match code.unwrap_or("") {
        "NotAuthorizedException" => not_authorized(message, flow),
        "UserNotFoundException" => match flow {
            Flow::SignIn => AuthError::InvalidCredentials,
            Flow::Challenge => AuthError::InvalidSession,
            Flow::Refresh => AuthError::SessionExpired,
            Flow::AccessToken => AuthError::Unauthenticated,
            // Confirming a code for a user that does not exist: answer as for a
            // wrong code, so the route does not reveal who has an account.
            Flow::Account => AuthError::CodeMismatch,
        },
        "UserNotConfirmedException" => AuthError::UserNotConfirmed,
        "PasswordResetRequiredException" => AuthError::PasswordResetRequired,
        "UsernameExistsException" | "AliasExistsException" => AuthError::UsernameExists,
        "InvalidPasswordException" => AuthError::InvalidPassword(policy_reason(message)),
        "CodeMismatchException" | "EnableSoftwareTokenMFAException" => AuthError::CodeMismatch,
        "ExpiredCodeException" => match flow {
            // An expired challenge session is reported this way by some flows.
            Flow::Challenge if message.contains("session") => AuthError::InvalidSession,
            _ => AuthError::ExpiredCode,
        },
        "RefreshTokenReuseException" => AuthError::SessionExpired,
        "TooManyRequestsException"
        | "LimitExceededException"
        | "TooManyFailedAttemptsException"
        | "ThrottlingException" => AuthError::TooManyRequests {
            retry_after: THROTTLE_RETRY_AFTER,
        },
        "InvalidParameterException" | "SerializationException" | "ValidationException" => {
            // Cognito's text may quote the rejected value: keep it out of the body.
            AuthError::InvalidRequest("Cognito rejected a parameter of the request".to_owned())
        }
        "CodeDeliveryFailureException" | "InternalErrorException" | "ServiceUnavailable" => {
            AuthError::UpstreamUnavailable(code.unwrap_or_default().to_owned())
        }
        // Misconfiguration of the pool, the client, a trigger or the service:
        // nothing the caller can fix.
        "ResourceNotFoundException"
        | "InvalidUserPoolConfigurationException"
        | "InvalidLambdaResponseException"
        | "UnexpectedLambdaException"
        | "UserLambdaValidationException"
        | "InvalidSmsRoleAccessPolicyException"
        | "InvalidSmsRoleTrustRelationshipException"
        | "InvalidEmailRoleAccessPolicyException"
        | "InvalidOAuthFlowException"
        | "UnsupportedOperationException"
        | "UnsupportedTokenTypeException"
        | "UnauthorizedException"
        | "ForbiddenException"
        | "FeatureUnavailableInTierException"
        | "MFAMethodNotFoundException"
        | "SoftwareTokenMFANotFoundException"
        | "UserPoolAddOnNotEnabledException"
        | "UnknownOperationException" => {
            AuthError::Internal(format!("{}: {message}", code.unwrap_or_default()))
        }
        // HTTP 429 whatever the body says (a proxy or WAF in front of Cognito
        // may answer it without a Cognito error name).
        _ if status == 429 => AuthError::TooManyRequests {
            retry_after: THROTTLE_RETRY_AFTER,
        },
        other if status >= 500 => AuthError::UpstreamUnavailable(format!("{other} ({status})")),
        // An error without `__type` is not Cognito speaking (a proxy, a
        // truncated body): the upstream is failing, not the caller or us.
        "" => AuthError::UpstreamUnavailable(format!("untyped error ({status})")),
        other => AuthError::Internal(format!("unexpected Cognito error {other:?} ({status})")),
    }
}

fn not_authorized(message: &str, flow: Flow) -> AuthError {
    // API Reference, InitiateAuth: repeated wrong passwords lock the user out
    // temporarily with "Password attempts exceeded".
    if message.contains("attempts exceeded") {
        return AuthError::TooManyRequests {
            retry_after: LOCKOUT_RETRY_AFTER,
        };
    }
    // A wrong client secret is the service's misconfiguration, not the user's
    // mistake: 500 and an operator-facing log line, not "wrong password".
    let lower = message.to_ascii_lowercase();
    if lower.contains("secret hash")
        || lower.contains("secret_hash")
        || lower.contains("client secret")
    {
        return AuthError::Internal(format!("NotAuthorizedException: {message}"));
    }
    match flow {
        Flow::SignIn => AuthError::InvalidCredentials,
        Flow::Refresh => AuthError::SessionExpired,
        Flow::AccessToken => AuthError::Unauthenticated,
        Flow::Challenge if message.to_ascii_lowercase().contains("session") => {
            AuthError::InvalidSession
        }
        Flow::Challenge | Flow::Account => AuthError::InvalidCredentials,
    }
}

/// Cognito words policy failures as "Password did not conform with policy:
/// Password must have uppercase characters"; the part after the colon is
/// safe and useful to show.
fn policy_reason(message: &str) -> String {
    let reason = message
        .split_once(':')
        .map(|(_, r)| r.trim())
        .unwrap_or(message)
        .trim();
    if reason.is_empty() || reason.len() > 200 {
        "Password does not meet the policy".to_owned()
    } else {
        reason.to_owned()
    }
}
