//! Administrator user operations and the NEW_PASSWORD_REQUIRED challenge of
//! users they create.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, MessageActionType, UserStatusType,
};
use std::time::Duration;

async fn start_new_password_challenge(env: &Env, username: &str, temp: &str) -> String {
    let out = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", temp)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    assert!(out.authentication_result().is_none());
    let params = out.challenge_parameters().unwrap();
    assert_eq!(params["USER_ID_FOR_SRP"], username);
    let attrs: serde_json::Value = serde_json::from_str(&params["userAttributes"]).unwrap();
    assert_eq!(attrs["email"], format!("{username}@example.com"));
    let required: serde_json::Value = serde_json::from_str(&params["requiredAttributes"]).unwrap();
    assert!(required.as_array().unwrap().is_empty());
    out.session().unwrap().to_string()
}

#[tokio::test]
async fn admin_create_user_starts_in_force_change_password_and_invites() {
    let env = start().await;
    let out = env
        .cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("invited")
        .user_attributes(attr("email", "invited@example.com"))
        .user_attributes(attr("custom:org_id", "org-x"))
        .temporary_password("Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    let user = out.user().unwrap();
    assert_eq!(
        user.user_status(),
        Some(&UserStatusType::ForceChangePassword)
    );
    assert!(user.enabled());
    let inbox = env.inbox("invited").await;
    assert_eq!(inbox[0]["kind"], "invite");
    assert_eq!(inbox[0]["code"], "Temp-Passw0rd!");

    let session = start_new_password_challenge(&env, "invited", "Temp-Passw0rd!").await;
    // A weak new password is refused and the session survives for a retry.
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(&session)
        .challenge_responses("USERNAME", "invited")
        .challenge_responses("NEW_PASSWORD", "weak")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_password_exception());
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(&session)
        .challenge_responses("USERNAME", "invited")
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd!")
        .send()
        .await
        .unwrap();
    let tokens = out.authentication_result().unwrap();
    assert_eq!(claims(tokens.access_token().unwrap())["org_id"], "org-x");
    // Sessions are single use.
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(&session)
        .challenge_responses("USERNAME", "invited")
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd!")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    env.sign_in("invited", "Brand-New-Passw0rd!").await;
    let got = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username("invited")
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_status(), Some(&UserStatusType::Confirmed));
}

#[tokio::test]
async fn an_expired_challenge_session_is_not_authorized() {
    let env = start().await;
    env.lc.set_session_ttl(Duration::from_millis(300));
    env.cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("late")
        .user_attributes(attr("email", "late@example.com"))
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let session = start_new_password_challenge(&env, "late", "Temp-Passw0rd!").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(&session)
        .challenge_responses("USERNAME", "late")
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd!")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    assert_eq!(
        err.message(),
        Some("Invalid session for the user, session is expired.")
    );
}

#[tokio::test]
async fn admin_create_user_suppressed_sends_nothing_and_duplicates_are_refused() {
    let env = start().await;
    env.cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("quiet")
        .user_attributes(attr("email", "quiet@example.com"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    assert!(env.inbox("quiet").await.is_empty());
    let err = env
        .cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("quiet")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_username_exists_exception());
    // RESEND re-invites with a new temporary password.
    env.cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("quiet")
        .message_action(MessageActionType::Resend)
        .send()
        .await
        .unwrap();
    let inbox = env.inbox("quiet").await;
    assert_eq!(inbox.len(), 1);
    let temp = inbox[0]["code"].as_str().unwrap();
    start_new_password_challenge(&env, "quiet", temp).await;
}

#[tokio::test]
async fn admin_create_user_checks_the_temporary_password_and_the_pool() {
    let env = start().await;
    let err = env
        .cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("weak")
        .temporary_password("weak")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_password_exception());
    let err = env
        .cognito
        .admin_create_user()
        .user_pool_id("us-east-1_nope")
        .username("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception());
}

#[tokio::test]
async fn admin_get_user_describes_the_user_and_unknown_users_are_not_found() {
    let env = start().await;
    let got = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    assert_eq!(got.username(), DEMO);
    assert!(got.enabled());
    assert_eq!(got.user_status(), Some(&UserStatusType::Confirmed));
    assert!(
        got.user_attributes()
            .iter()
            .any(|a| a.name() == "custom:org_id" && a.value() == Some("org-demo"))
    );
    assert!(got.user_create_date().is_some());
    let err = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username("nobody")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception());
}

#[tokio::test]
async fn admin_delete_user_removes_the_user_and_its_tokens() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.cognito
        .admin_delete_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    let err = env
        .cognito
        .get_user()
        .access_token(tokens.access_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception() || err.is_user_not_found_exception());
    let err = env
        .cognito
        .admin_delete_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_user_not_found_exception());
}

#[tokio::test]
async fn admin_set_user_password_permanent_or_temporary() {
    let env = start().await;
    env.cognito
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(DEMO)
        .password("Another-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    env.sign_in(DEMO, "Another-Passw0rd!").await;
    env.cognito
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(DEMO)
        .password("Temporary-Passw0rd!")
        .permanent(false)
        .send()
        .await
        .unwrap();
    let got = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.user_status(),
        Some(&UserStatusType::ForceChangePassword)
    );
    let err = env
        .cognito
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(DEMO)
        .password("short")
        .permanent(true)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_password_exception());
}

#[tokio::test]
async fn admin_confirm_sign_up_confirms_an_unconfirmed_user_only() {
    let env = start().await;
    env.cognito
        .sign_up()
        .client_id(CLIENT)
        .username("toconfirm")
        .password(DEMO_PASSWORD)
        .send()
        .await
        .unwrap();
    env.cognito
        .admin_confirm_sign_up()
        .user_pool_id(POOL)
        .username("toconfirm")
        .send()
        .await
        .unwrap();
    env.sign_in("toconfirm", DEMO_PASSWORD).await;
    let err = env
        .cognito
        .admin_confirm_sign_up()
        .user_pool_id(POOL)
        .username("toconfirm")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    assert_eq!(
        err.message(),
        Some("User cannot be confirmed. Current status is CONFIRMED")
    );
}

#[tokio::test]
async fn admin_reset_user_password_requires_a_reset_before_sign_in() {
    let env = start().await;
    env.cognito
        .admin_reset_user_password()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", DEMO)
        .auth_parameters("PASSWORD", DEMO_PASSWORD)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_password_reset_required_exception());
    let inbox = env.inbox(DEMO).await;
    assert_eq!(inbox[0]["kind"], "admin_reset_password");
    env.cognito
        .confirm_forgot_password()
        .client_id(CLIENT)
        .username(DEMO)
        .confirmation_code(inbox[0]["code"].as_str().unwrap())
        .password("Reset-Passw0rd!")
        .send()
        .await
        .unwrap();
    env.sign_in(DEMO, "Reset-Passw0rd!").await;
}

#[tokio::test]
async fn admin_update_user_attributes_shows_in_the_next_tokens() {
    let env = start().await;
    env.cognito
        .admin_update_user_attributes()
        .user_pool_id(POOL)
        .username(DEMO)
        .user_attributes(attr("custom:org_id", "org-other"))
        .user_attributes(attr("name", "Demo User"))
        .send()
        .await
        .unwrap();
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["org_id"], "org-other");
    assert_eq!(id["name"], "Demo User");
    let err = env
        .cognito
        .admin_update_user_attributes()
        .user_pool_id(POOL)
        .username(DEMO)
        .user_attributes(attr("custom:unknown", "x"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
    // Changing the email un-verifies it.
    env.cognito
        .admin_update_user_attributes()
        .user_pool_id(POOL)
        .username(DEMO)
        .user_attributes(attr("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    let got = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    assert!(
        got.user_attributes()
            .iter()
            .any(|a| a.name() == "email_verified" && a.value() == Some("false"))
    );
}
