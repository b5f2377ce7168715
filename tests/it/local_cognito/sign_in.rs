//! InitiateAuth(USER_PASSWORD_AUTH): credentials, SECRET_HASH, explicit auth
//! flows, user existence, user states and lockout.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use std::time::Duration;

async fn password_auth(
    env: &Env,
    client: &str,
    username: &str,
    password: &str,
    secret_hash: Option<String>,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    InitiateAuthError,
> {
    let mut req = env
        .cognito
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password);
    if let Some(h) = secret_hash {
        req = req.auth_parameters("SECRET_HASH", h);
    }
    req.send().await.map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn sign_in_with_the_right_password_returns_tokens() {
    let env = start().await;
    let out = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD, None)
        .await
        .unwrap();
    let tokens = out.authentication_result().unwrap();
    assert_eq!(tokens.token_type(), Some("Bearer"));
    assert_eq!(tokens.expires_in(), 3600);
    assert!(
        tokens.access_token().is_some()
            && tokens.id_token().is_some()
            && tokens.refresh_token().is_some()
    );
}

#[tokio::test]
async fn usernames_are_case_insensitive() {
    let env = start().await;
    let tokens = env.sign_in("DeMo", DEMO_PASSWORD).await;
    assert_eq!(claims(tokens.access_token().unwrap())["username"], DEMO);
}

#[tokio::test]
async fn sign_in_with_a_wrong_password_is_not_authorized() {
    let env = start().await;
    let err = password_auth(&env, CLIENT, DEMO, "Wrong-Passw0rd!", None)
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Incorrect username or password."));
}

#[tokio::test]
async fn an_unknown_user_gets_the_wrong_password_error_when_existence_errors_are_prevented() {
    let env = start().await;
    let err = password_auth(&env, CLIENT, "nobody", DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Incorrect username or password."));
}

#[tokio::test]
async fn an_unknown_user_is_user_not_found_for_a_legacy_client() {
    let env = start().await;
    let err = password_auth(&env, LEGACY_CLIENT, "nobody", DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_user_not_found_exception());
}

#[tokio::test]
async fn an_unknown_client_is_resource_not_found() {
    let env = start().await;
    let err = password_auth(
        &env,
        "nosuchclient00000000000000",
        DEMO,
        DEMO_PASSWORD,
        None,
    )
    .await
    .unwrap_err();
    assert!(err.is_resource_not_found_exception());
}

#[tokio::test]
async fn a_client_without_user_password_auth_refuses_the_flow() {
    let env = start().await;
    let err = password_auth(&env, SRP_CLIENT, DEMO, DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_invalid_parameter_exception());
    assert_eq!(
        err.message(),
        Some("USER_PASSWORD_AUTH flow not enabled for this client")
    );
}

#[tokio::test]
async fn a_client_with_a_secret_requires_secret_hash() {
    let env = start().await;
    let err = password_auth(&env, SECRET_CLIENT, DEMO, DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert!(
        err.message()
            .unwrap()
            .contains("SECRET_HASH was not received")
    );
}

#[tokio::test]
async fn a_wrong_secret_hash_is_not_authorized() {
    let env = start().await;
    let wrong = secret_hash("not-the-secret", DEMO, SECRET_CLIENT);
    let err = password_auth(&env, SECRET_CLIENT, DEMO, DEMO_PASSWORD, Some(wrong))
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(
        err.message(),
        Some(format!("Unable to verify secret hash for client {SECRET_CLIENT}").as_str())
    );
    // A hash computed for another username does not pass either.
    let other_user = secret_hash(SECRET, "someone", SECRET_CLIENT);
    let err = password_auth(&env, SECRET_CLIENT, DEMO, DEMO_PASSWORD, Some(other_user))
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn the_right_secret_hash_signs_in() {
    let env = start().await;
    let tokens = env.sign_in_with(SECRET_CLIENT, DEMO, DEMO_PASSWORD).await;
    assert_eq!(
        claims(tokens.access_token().unwrap())["client_id"],
        SECRET_CLIENT
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in() {
    let env = start().await;
    env.cognito
        .admin_disable_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    let err = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("User is disabled."));
    env.cognito
        .admin_enable_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    env.sign_in(DEMO, DEMO_PASSWORD).await;
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_user_out_for_a_while() {
    let env = start().await;
    env.lc.set_lockout_policy(5, Duration::from_millis(1500));
    for _ in 0..5 {
        let err = password_auth(&env, CLIENT, DEMO, "Wrong-Passw0rd!", None)
            .await
            .unwrap_err();
        assert_eq!(err.message(), Some("Incorrect username or password."));
    }
    // Even the right password is refused during the lockout.
    let err = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD, None)
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Password attempts exceeded"));
    tokio::time::sleep(Duration::from_millis(1600)).await;
    env.sign_in(DEMO, DEMO_PASSWORD).await;
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let env = start().await;
    for _ in 0..4 {
        password_auth(&env, CLIENT, DEMO, "Wrong-Passw0rd!", None)
            .await
            .unwrap_err();
    }
    env.sign_in(DEMO, DEMO_PASSWORD).await;
    for _ in 0..4 {
        password_auth(&env, CLIENT, DEMO, "Wrong-Passw0rd!", None)
            .await
            .unwrap_err();
    }
    env.sign_in(DEMO, DEMO_PASSWORD).await;
}

#[tokio::test]
async fn an_unsupported_flow_is_refused_with_invalid_parameter() {
    let env = start().await;
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", DEMO)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn missing_auth_parameters_are_invalid_parameter() {
    let env = start().await;
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", DEMO)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
    assert_eq!(err.message(), Some("Missing required parameter PASSWORD"));
}
