//! SignUp, ConfirmSignUp and ResendConfirmationCode: password policy, codes
//! (single use, expiry, mismatch, replacement) and the inbox.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use std::time::Duration;

async fn sign_up(
    env: &Env,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpOutput,
    aws_sdk_cognitoidentityprovider::operation::sign_up::SignUpError,
> {
    env.cognito
        .sign_up()
        .client_id(CLIENT)
        .username(username)
        .password(password)
        .user_attributes(attr("email", &format!("{username}@example.com")))
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

async fn confirm(
    env: &Env,
    username: &str,
    code: &str,
) -> Result<(), aws_sdk_cognitoidentityprovider::operation::confirm_sign_up::ConfirmSignUpError> {
    env.cognito
        .confirm_sign_up()
        .client_id(CLIENT)
        .username(username)
        .confirmation_code(code)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn sign_up_then_confirm_with_the_inbox_code_then_sign_in() {
    let env = start().await;
    let out = sign_up(&env, "newbie", DEMO_PASSWORD).await.unwrap();
    assert!(!out.user_confirmed());
    assert!(!out.user_sub().is_empty());
    let delivery = out.code_delivery_details().unwrap();
    assert_eq!(delivery.destination(), Some("n***@e***"));
    assert_eq!(delivery.delivery_medium().unwrap().as_str(), "EMAIL");
    assert_eq!(delivery.attribute_name(), Some("email"));

    let inbox = env.inbox("newbie").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["username"], "newbie");
    assert_eq!(inbox[0]["kind"], "signup");
    assert_eq!(inbox[0]["destination"], "newbie@example.com");
    let code = inbox[0]["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(
        time::OffsetDateTime::parse(
            inbox[0]["sent_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );

    confirm(&env, "newbie", code).await.unwrap();
    let tokens = env.sign_in("newbie", DEMO_PASSWORD).await;
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["sub"], out.user_sub());
}

#[tokio::test]
async fn an_unconfirmed_user_cannot_sign_in() {
    let env = start().await;
    sign_up(&env, "pending", DEMO_PASSWORD).await.unwrap();
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "pending")
        .auth_parameters("PASSWORD", DEMO_PASSWORD)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_confirmed_exception());
}

#[tokio::test]
async fn sign_up_enforces_the_default_password_policy_with_cognitos_reasons() {
    let env = start().await;
    for (password, reason) in [
        ("Sh0rt!", "Password not long enough"),
        ("NOLOWER-123!", "Password must have lowercase characters"),
        ("noupper-123!", "Password must have uppercase characters"),
        ("NoDigits-here!", "Password must have numeric characters"),
        ("NoSymbols123", "Password must have symbol characters"),
    ] {
        let err = sign_up(&env, "weak", password).await.unwrap_err();
        assert!(err.is_invalid_password_exception(), "{password}");
        assert_eq!(
            err.message(),
            Some(format!("Password did not conform with policy: {reason}").as_str())
        );
    }
}

#[tokio::test]
async fn signing_up_an_existing_username_is_username_exists() {
    let env = start().await;
    let err = sign_up(&env, "DEMO", DEMO_PASSWORD).await.unwrap_err();
    assert!(err.is_username_exists_exception());
    assert_eq!(err.message(), Some("User already exists"));
}

#[tokio::test]
async fn sign_up_rejects_attributes_outside_the_schema() {
    let env = start().await;
    let err = env
        .cognito
        .sign_up()
        .client_id(CLIENT)
        .username("x")
        .password(DEMO_PASSWORD)
        .user_attributes(attr("custom:nope", "1"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
    // Clients cannot self-verify.
    let err = env
        .cognito
        .sign_up()
        .client_id(CLIENT)
        .username("x")
        .password(DEMO_PASSWORD)
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn sign_up_with_a_secret_client_requires_the_secret_hash() {
    let env = start().await;
    let err = env
        .cognito
        .sign_up()
        .client_id(SECRET_CLIENT)
        .username("sec")
        .password(DEMO_PASSWORD)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    env.cognito
        .sign_up()
        .client_id(SECRET_CLIENT)
        .username("sec")
        .password(DEMO_PASSWORD)
        .secret_hash(secret_hash(SECRET, "sec", SECRET_CLIENT))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_wrong_confirmation_code_is_code_mismatch() {
    let env = start().await;
    sign_up(&env, "wrongcode", DEMO_PASSWORD).await.unwrap();
    let code = env.last_code("wrongcode").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = confirm(&env, "wrongcode", wrong).await.unwrap_err();
    assert!(err.is_code_mismatch_exception());
    assert_eq!(
        err.message(),
        Some("Invalid verification code provided, please try again.")
    );
    confirm(&env, "wrongcode", &code).await.unwrap();
    // Single use: the user is confirmed now.
    let err = confirm(&env, "wrongcode", &code).await.unwrap_err();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn an_expired_confirmation_code_is_expired_code() {
    let mut options = options();
    options.code_ttl = Duration::from_millis(500);
    let env = start_with(options).await;
    sign_up(&env, "slow", DEMO_PASSWORD).await.unwrap();
    let code = env.last_code("slow").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let err = confirm(&env, "slow", &code).await.unwrap_err();
    assert!(err.is_expired_code_exception());
    assert_eq!(
        err.message(),
        Some("Invalid code provided, please request a code again.")
    );
}

#[tokio::test]
async fn a_resent_code_replaces_the_older_one() {
    let env = start().await;
    sign_up(&env, "resend", DEMO_PASSWORD).await.unwrap();
    let first = env.last_code("resend").await;
    let out = env
        .cognito
        .resend_confirmation_code()
        .client_id(CLIENT)
        .username("resend")
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.code_delivery_details().unwrap().destination(),
        Some("r***@e***")
    );
    let inbox = env.inbox("resend").await;
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[0]["kind"], "resend", "newest first");
    let second = inbox[0]["code"].as_str().unwrap().to_string();
    if first != second {
        let err = confirm(&env, "resend", &first).await.unwrap_err();
        assert!(err.is_code_mismatch_exception());
    }
    confirm(&env, "resend", &second).await.unwrap();
}

#[tokio::test]
async fn resending_to_a_confirmed_user_is_invalid_parameter() {
    let env = start().await;
    let err = env
        .cognito
        .resend_confirmation_code()
        .client_id(CLIENT)
        .username(DEMO)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn confirming_an_unknown_user_does_not_reveal_it() {
    let env = start().await;
    let err = confirm(&env, "ghost", "123456").await.unwrap_err();
    assert!(err.is_code_mismatch_exception());
    let out = env
        .cognito
        .resend_confirmation_code()
        .client_id(CLIENT)
        .username("ghost")
        .send()
        .await
        .unwrap();
    assert!(out.code_delivery_details().is_some());
    assert!(env.inbox("ghost").await.is_empty());
}
