//! Software-token MFA: enrolment with an access token, SOFTWARE_TOKEN_MFA
//! sign-in with real RFC 6238 codes, and the MFA_SETUP challenge chain of a
//! pool where MFA is required.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, MessageActionType, SoftwareTokenMfaSettingsType,
    VerifySoftwareTokenResponseType,
};

async fn password_auth(
    env: &Env,
    client: &str,
    username: &str,
    password: &str,
) -> InitiateAuthOutput {
    env.cognito
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .unwrap()
}

/// Enrols TOTP for the demo user and returns the secret.
async fn enrol_demo(env: &Env) -> String {
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = tokens.access_token().unwrap();
    let secret = env
        .cognito
        .associate_software_token()
        .access_token(access)
        .send()
        .await
        .unwrap()
        .secret_code()
        .unwrap()
        .to_string();
    let out = env
        .cognito
        .verify_software_token()
        .access_token(access)
        .user_code(totp_now(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.status(),
        Some(&VerifySoftwareTokenResponseType::Success)
    );
    env.cognito
        .set_user_mfa_preference()
        .access_token(access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    secret
}

#[tokio::test]
async fn an_enrolled_user_signs_in_with_a_real_totp_code() {
    let env = start().await;
    let secret = enrol_demo(&env).await;
    let got = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    assert_eq!(got.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));

    let out = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD).await;
    assert_eq!(
        out.challenge_name(),
        Some(&ChallengeNameType::SoftwareTokenMfa)
    );
    let session = out.session().unwrap();
    let wrong = if totp_now(&secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(session)
        .challenge_responses("USERNAME", DEMO)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", wrong)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_code_mismatch_exception());
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(session)
        .challenge_responses("USERNAME", DEMO)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_now(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(
        claims(out.authentication_result().unwrap().access_token().unwrap())["username"],
        DEMO
    );
}

#[tokio::test]
async fn a_code_from_one_step_away_is_accepted_and_from_far_away_is_not() {
    let env = start().await;
    let secret = enrol_demo(&env).await;
    // Start early in a 30 s step, so "one step away" means the same to both sides.
    let into_step = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 30;
    if into_step >= 28 {
        tokio::time::sleep(std::time::Duration::from_secs(30 - into_step)).await;
    }
    for (steps, ok) in [(-1, true), (1, true), (-4, false), (4, false)] {
        let out = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD).await;
        let res = env
            .cognito
            .respond_to_auth_challenge()
            .client_id(CLIENT)
            .challenge_name(ChallengeNameType::SoftwareTokenMfa)
            .session(out.session().unwrap())
            .challenge_responses("USERNAME", DEMO)
            .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_at_offset(&secret, steps))
            .send()
            .await;
        // A code far away could collide with the current one by chance (1e-6).
        if ok {
            assert!(res.is_ok(), "step {steps}");
        } else if totp_at_offset(&secret, steps) != totp_now(&secret) {
            assert!(
                res.unwrap_err()
                    .into_service_error()
                    .is_code_mismatch_exception(),
                "step {steps}"
            );
        }
    }
}

#[tokio::test]
async fn verify_software_token_with_a_wrong_code_fails_like_cognito() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = tokens.access_token().unwrap();
    let secret = env
        .cognito
        .associate_software_token()
        .access_token(access)
        .send()
        .await
        .unwrap()
        .secret_code()
        .unwrap()
        .to_string();
    let wrong = if totp_now(&secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = env
        .cognito
        .verify_software_token()
        .access_token(access)
        .user_code(wrong)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_enable_software_token_mfa_exception());
    assert_eq!(
        err.message(),
        Some("Code mismatch and fail enable Software Token MFA")
    );
}

#[tokio::test]
async fn mfa_cannot_be_enabled_before_the_token_is_verified() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let err = env
        .cognito
        .set_user_mfa_preference()
        .access_token(tokens.access_token().unwrap())
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn disabling_the_mfa_preference_signs_in_without_a_challenge() {
    let env = start().await;
    let secret = enrol_demo(&env).await;
    let out = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD).await;
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(CLIENT)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(out.session().unwrap())
        .challenge_responses("USERNAME", DEMO)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_now(&secret))
        .send()
        .await
        .unwrap();
    let access = out
        .authentication_result()
        .unwrap()
        .access_token()
        .unwrap()
        .to_string();
    env.cognito
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder()
                .enabled(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = password_auth(&env, CLIENT, DEMO, DEMO_PASSWORD).await;
    assert!(out.challenge_name().is_none());
    assert!(out.authentication_result().is_some());
}

#[tokio::test]
async fn a_required_mfa_pool_walks_new_password_then_mfa_setup_then_mfa() {
    let env = start().await;
    env.cognito
        .admin_create_user()
        .user_pool_id(MFA_POOL)
        .username("bob")
        .user_attributes(attr("email", "bob@example.com"))
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let out = password_auth(&env, MFA_CLIENT, "bob", "Temp-Passw0rd!").await;
    assert_eq!(
        out.challenge_name(),
        Some(&ChallengeNameType::NewPasswordRequired)
    );
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(MFA_CLIENT)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(out.session().unwrap())
        .challenge_responses("USERNAME", "bob")
        .challenge_responses("NEW_PASSWORD", DEMO_PASSWORD)
        .send()
        .await
        .unwrap();
    assert_eq!(out.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    let session = out.session().unwrap().to_string();

    // Responding before the token is set up is refused.
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(MFA_CLIENT)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(&session)
        .challenge_responses("USERNAME", "bob")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());

    let assoc = env
        .cognito
        .associate_software_token()
        .session(&session)
        .send()
        .await
        .unwrap();
    let secret = assoc.secret_code().unwrap().to_string();
    let session2 = assoc.session().unwrap().to_string();
    assert_ne!(session, session2);
    // The old session is gone.
    let err = env
        .cognito
        .verify_software_token()
        .session(&session)
        .user_code(totp_now(&secret))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());

    let verified = env
        .cognito
        .verify_software_token()
        .session(&session2)
        .user_code(totp_now(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(
        verified.status(),
        Some(&VerifySoftwareTokenResponseType::Success)
    );
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(MFA_CLIENT)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(verified.session().unwrap())
        .challenge_responses("USERNAME", "bob")
        .send()
        .await
        .unwrap();
    assert!(out.authentication_result().is_some());

    // From now on the user gets SOFTWARE_TOKEN_MFA.
    let out = password_auth(&env, MFA_CLIENT, "bob", DEMO_PASSWORD).await;
    assert_eq!(
        out.challenge_name(),
        Some(&ChallengeNameType::SoftwareTokenMfa)
    );
    let out = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(MFA_CLIENT)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(out.session().unwrap())
        .challenge_responses("USERNAME", "bob")
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", totp_now(&secret))
        .send()
        .await
        .unwrap();
    assert!(out.authentication_result().is_some());
}

#[tokio::test]
async fn a_seeded_user_of_a_required_mfa_pool_must_set_up_mfa() {
    let env = start().await;
    let out = password_auth(&env, MFA_CLIENT, "alice", DEMO_PASSWORD).await;
    assert_eq!(out.challenge_name(), Some(&ChallengeNameType::MfaSetup));
    assert!(out.authentication_result().is_none());
    assert!(out.challenge_parameters().unwrap()["MFAS_CAN_SETUP"].contains("SOFTWARE_TOKEN_MFA"));
}

#[tokio::test]
async fn a_challenge_response_for_another_user_is_refused() {
    let env = start().await;
    env.create_confirmed_user(
        MFA_POOL,
        "carol",
        DEMO_PASSWORD,
        &[("email", "carol@example.com")],
    )
    .await;
    let out = password_auth(&env, MFA_CLIENT, "carol", DEMO_PASSWORD).await;
    let err = env
        .cognito
        .associate_software_token()
        .session("not-a-session")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    let err = env
        .cognito
        .respond_to_auth_challenge()
        .client_id(MFA_CLIENT)
        .challenge_name(ChallengeNameType::MfaSetup)
        .session(out.session().unwrap())
        .challenge_responses("USERNAME", "alice")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
}
