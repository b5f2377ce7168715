//! Every error code of the contract: its status and its problem+json shape.

use cognito_bff::proxy::ProxyError;
use std::time::Duration;

use axum::response::IntoResponse;
use cognito_bff::auth::AuthError;
use cognito_bff::http::ApiError;
use http_body_util::BodyExt;

async fn render(err: ApiError) -> (u16, axum::http::HeaderMap, serde_json::Value) {
    let response = err.into_response();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn every_contract_error_code_has_its_status_and_a_problem_json_body() {
    let cases: Vec<(ApiError, u16, &str)> = vec![
        (
            AuthError::InvalidRequest("bad".into()).into(),
            400,
            "invalid_request",
        ),
        (ApiError::Malformed("bad".into()), 400, "invalid_request"),
        (ApiError::UnsupportedMediaType, 415, "invalid_request"),
        (
            AuthError::InvalidCredentials.into(),
            401,
            "invalid_credentials",
        ),
        (AuthError::Unauthenticated.into(), 401, "unauthenticated"),
        (AuthError::TokenExpired.into(), 401, "token_expired"),
        (AuthError::SessionExpired.into(), 401, "session_expired"),
        (
            AuthError::UserNotConfirmed.into(),
            403,
            "user_not_confirmed",
        ),
        (
            AuthError::PasswordResetRequired.into(),
            403,
            "password_reset_required",
        ),
        (AuthError::MissingOrg.into(), 403, "missing_org"),
        (ApiError::CsrfRejected("no header"), 403, "csrf_rejected"),
        (
            AuthError::AttributeNotAllowed("custom:org_id".into()).into(),
            400,
            "attribute_not_allowed",
        ),
        (AuthError::UsernameExists.into(), 409, "username_exists"),
        (
            AuthError::InvalidPassword("Password not long enough".into()).into(),
            400,
            "invalid_password",
        ),
        (AuthError::CodeMismatch.into(), 400, "code_mismatch"),
        (AuthError::ExpiredCode.into(), 400, "expired_code"),
        (AuthError::InvalidSession.into(), 401, "invalid_session"),
        (
            AuthError::TooManyRequests {
                retry_after: Duration::from_secs(7),
            }
            .into(),
            429,
            "too_many_requests",
        ),
        (ApiError::PayloadTooLarge, 413, "payload_too_large"),
        (
            AuthError::UpstreamUnavailable("InternalErrorException".into()).into(),
            503,
            "upstream_unavailable",
        ),
        (
            AuthError::Internal("ResourceNotFoundException: pool gone".into()).into(),
            500,
            "internal",
        ),
        (
            ProxyError::Unreachable {
                upstream: "/api/orders".into(),
                reason: "connection refused".into(),
            }
            .into(),
            502,
            "bad_gateway",
        ),
        (
            ProxyError::Timeout {
                upstream: "/api/orders".into(),
                timeout: Duration::from_secs(3),
            }
            .into(),
            504,
            "gateway_timeout",
        ),
        (
            ProxyError::BodyTooLarge {
                upstream: "/api/orders".into(),
                limit: 10,
            }
            .into(),
            413,
            "payload_too_large",
        ),
    ];
    for (err, status, code) in cases {
        let (got, headers, body) = render(err).await;
        assert_eq!(got, status, "{code}");
        assert_eq!(
            headers["content-type"], "application/problem+json",
            "{code}"
        );
        assert_eq!(body["code"], code);
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:cognito-bff:problem:{code}"));
        assert!(!body["title"].as_str().unwrap().is_empty());
        assert!(!body["detail"].as_str().unwrap().is_empty());
        assert_eq!(
            body.as_object().unwrap().len(),
            5,
            "exactly type, title, status, detail, code"
        );
    }
}

#[tokio::test]
async fn too_many_requests_carries_retry_after() {
    let (_, headers, _) = render(
        AuthError::TooManyRequests {
            retry_after: Duration::from_secs(7),
        }
        .into(),
    )
    .await;
    assert_eq!(headers["retry-after"], "7");
}

#[tokio::test]
async fn unauthenticated_and_token_expired_carry_www_authenticate_bearer() {
    for err in [AuthError::Unauthenticated, AuthError::TokenExpired] {
        let (_, headers, _) = render(err.into()).await;
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
    }
}

#[tokio::test]
async fn internal_and_upstream_reasons_stay_out_of_the_body() {
    let (_, _, body) =
        render(AuthError::Internal("ResourceNotFoundException: pool gone".into()).into()).await;
    assert!(!body.to_string().contains("pool gone"), "{body}");
    let (_, _, body) =
        render(AuthError::UpstreamUnavailable("InitiateAuth: unreachable".into()).into()).await;
    assert!(!body.to_string().contains("InitiateAuth"), "{body}");
}

#[test]
fn cognito_exceptions_map_to_the_contract_codes_by_flow() {
    use cognito_bff::cognito::{Flow, classify};
    let code = |name: &str, message: &str, flow: Flow| {
        classify(Some(name), Some(message), flow, 400).code()
    };
    assert_eq!(
        code(
            "NotAuthorizedException",
            "Incorrect username or password.",
            Flow::SignIn
        ),
        "invalid_credentials"
    );
    assert_eq!(
        code(
            "UserNotFoundException",
            "User does not exist.",
            Flow::SignIn
        ),
        "invalid_credentials"
    );
    assert_eq!(
        code("NotAuthorizedException", "User is disabled.", Flow::SignIn),
        "invalid_credentials"
    );
    assert_eq!(
        code(
            "NotAuthorizedException",
            "Password attempts exceeded",
            Flow::SignIn
        ),
        "too_many_requests"
    );
    assert_eq!(
        code(
            "NotAuthorizedException",
            "Refresh Token has been revoked",
            Flow::Refresh
        ),
        "session_expired"
    );
    assert_eq!(
        code("RefreshTokenReuseException", "", Flow::Refresh),
        "session_expired"
    );
    assert_eq!(
        code(
            "NotAuthorizedException",
            "Access Token has been revoked",
            Flow::AccessToken
        ),
        "unauthenticated"
    );
    assert_eq!(
        code(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
            Flow::Challenge
        ),
        "invalid_session"
    );
    assert_eq!(
        code("UserNotConfirmedException", "", Flow::SignIn),
        "user_not_confirmed"
    );
    assert_eq!(
        code("PasswordResetRequiredException", "", Flow::SignIn),
        "password_reset_required"
    );
    assert_eq!(
        code("UsernameExistsException", "", Flow::Account),
        "username_exists"
    );
    assert_eq!(
        code(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
            Flow::Account
        ),
        "invalid_password"
    );
    assert_eq!(
        code("CodeMismatchException", "", Flow::Account),
        "code_mismatch"
    );
    assert_eq!(
        code("ExpiredCodeException", "", Flow::Account),
        "expired_code"
    );
    assert_eq!(
        code("UserNotFoundException", "", Flow::Account),
        "code_mismatch"
    );
    assert_eq!(
        code("TooManyRequestsException", "", Flow::SignIn),
        "too_many_requests"
    );
    assert_eq!(
        code("LimitExceededException", "", Flow::Account),
        "too_many_requests"
    );
    assert_eq!(
        code("InvalidParameterException", "", Flow::Account),
        "invalid_request"
    );
    assert_eq!(
        code("InternalErrorException", "", Flow::SignIn),
        "upstream_unavailable"
    );
    assert_eq!(
        code("ResourceNotFoundException", "", Flow::SignIn),
        "internal"
    );
    assert_eq!(
        code("InvalidUserPoolConfigurationException", "", Flow::SignIn),
        "internal"
    );
    assert_eq!(
        classify(Some("SomethingNew"), None, Flow::SignIn, 502).code(),
        "upstream_unavailable"
    );
    // Untyped errors (no `__type`, e.g. a proxy's page) and HTTP 429.
    assert_eq!(
        classify(None, None, Flow::SignIn, 400).code(),
        "upstream_unavailable"
    );
    assert_eq!(
        classify(None, None, Flow::Refresh, 429).code(),
        "too_many_requests"
    );
    assert_eq!(
        classify(Some("SomethingNew"), None, Flow::SignIn, 400).code(),
        "internal"
    );
    match classify(
        Some("InvalidPasswordException"),
        Some("Password did not conform with policy: Password must have symbol characters"),
        Flow::Account,
        400,
    ) {
        AuthError::InvalidPassword(reason) => {
            assert_eq!(reason, "Password must have symbol characters")
        }
        other => panic!("{other:?}"),
    }
}
