//! ForgotPassword and ConfirmForgotPassword: codes in the inbox, single use,
//! expiry, mismatch, replacement, and no user enumeration.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::confirm_forgot_password::ConfirmForgotPasswordError;
use std::time::Duration;

async fn forgot(
    env: &Env,
    username: &str,
) -> aws_sdk_cognitoidentityprovider::operation::forgot_password::ForgotPasswordOutput {
    env.cognito
        .forgot_password()
        .client_id(CLIENT)
        .username(username)
        .send()
        .await
        .unwrap()
}

async fn confirm(
    env: &Env,
    username: &str,
    code: &str,
    password: &str,
) -> Result<(), ConfirmForgotPasswordError> {
    env.cognito
        .confirm_forgot_password()
        .client_id(CLIENT)
        .username(username)
        .confirmation_code(code)
        .password(password)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error())
}

fn other_code(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn forgot_password_sends_a_code_that_sets_a_new_password_once() {
    let env = start().await;
    let out = forgot(&env, DEMO).await;
    let d = out.code_delivery_details().unwrap();
    assert_eq!(d.destination(), Some("d***@e***"));
    assert_eq!(d.attribute_name(), Some("email"));
    let inbox = env.inbox(DEMO).await;
    assert_eq!(inbox[0]["kind"], "forgot_password");
    let code = inbox[0]["code"].as_str().unwrap().to_string();

    let err = confirm(&env, DEMO, other_code(&code), "New-Passw0rd!")
        .await
        .unwrap_err();
    assert!(err.is_code_mismatch_exception());
    assert_eq!(
        err.message(),
        Some("Invalid verification code provided, please try again.")
    );
    // A weak password is refused and the code stays usable.
    let err = confirm(&env, DEMO, &code, "weak").await.unwrap_err();
    assert!(err.is_invalid_password_exception());
    confirm(&env, DEMO, &code, "New-Passw0rd!").await.unwrap();
    env.sign_in(DEMO, "New-Passw0rd!").await;
    // Single use.
    let err = confirm(&env, DEMO, &code, "Other-Passw0rd!")
        .await
        .unwrap_err();
    assert!(err.is_expired_code_exception());
    // The old password is gone.
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", DEMO)
        .auth_parameters("PASSWORD", DEMO_PASSWORD)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn an_expired_reset_code_is_expired_code() {
    let mut options = options();
    options.code_ttl = Duration::from_millis(400);
    let env = start_with(options).await;
    forgot(&env, DEMO).await;
    let code = env.last_code(DEMO).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let err = confirm(&env, DEMO, &code, "New-Passw0rd!")
        .await
        .unwrap_err();
    assert!(err.is_expired_code_exception());
    assert_eq!(
        err.message(),
        Some("Invalid code provided, please request a code again.")
    );
}

#[tokio::test]
async fn a_newer_reset_code_invalidates_the_older_one() {
    let env = start().await;
    forgot(&env, DEMO).await;
    let first = env.last_code(DEMO).await;
    forgot(&env, DEMO).await;
    let second = env.last_code(DEMO).await;
    assert_eq!(env.inbox(DEMO).await.len(), 2);
    if first != second {
        let err = confirm(&env, DEMO, &first, "New-Passw0rd!")
            .await
            .unwrap_err();
        assert!(err.is_code_mismatch_exception());
    }
    confirm(&env, DEMO, &second, "New-Passw0rd!").await.unwrap();
}

#[tokio::test]
async fn forgot_password_for_an_unknown_user_looks_the_same_and_sends_nothing() {
    let env = start().await;
    let out = forgot(&env, "ghost").await;
    let d = out.code_delivery_details().unwrap();
    assert!(d.destination().unwrap().contains("***@"));
    assert_eq!(d.delivery_medium().unwrap().as_str(), "EMAIL");
    assert!(env.inbox("ghost").await.is_empty());
    let err = confirm(&env, "ghost", "123456", "New-Passw0rd!")
        .await
        .unwrap_err();
    assert!(err.is_code_mismatch_exception());
}

#[tokio::test]
async fn forgot_password_for_an_unknown_user_is_not_found_for_a_legacy_client() {
    let env = start().await;
    let err = env
        .cognito
        .forgot_password()
        .client_id(LEGACY_CLIENT)
        .username("ghost")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception());
}

#[tokio::test]
async fn forgot_password_with_a_secret_client_requires_the_secret_hash() {
    let env = start().await;
    let err = env
        .cognito
        .forgot_password()
        .client_id(SECRET_CLIENT)
        .username(DEMO)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    env.cognito
        .forgot_password()
        .client_id(SECRET_CLIENT)
        .username(DEMO)
        .secret_hash(secret_hash(SECRET, DEMO, SECRET_CLIENT))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_password_reset_lifts_the_lockout() {
    let env = start().await;
    for _ in 0..5 {
        let _ = env
            .cognito
            .initiate_auth()
            .client_id(CLIENT)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", DEMO)
            .auth_parameters("PASSWORD", "Wrong-Passw0rd!")
            .send()
            .await;
    }
    forgot(&env, DEMO).await;
    let code = env.last_code(DEMO).await;
    confirm(&env, DEMO, &code, "New-Passw0rd!").await.unwrap();
    env.sign_in(DEMO, "New-Passw0rd!").await;
}
