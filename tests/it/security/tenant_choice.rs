//! A tenant is never chosen by its user: a NEW_PASSWORD_REQUIRED answer
//! cannot carry the tenant attribute (or any key its challenge does not
//! take), sign-up cannot set it, and start-up refuses an allow-list that
//! would let it through.

use serde_json::json;

use super::sign_in;
use crate::helpers::{assert_problem, calls, create_user, local_app, offline_app, sources};

#[tokio::test]
async fn a_new_password_answer_cannot_choose_the_tenant_and_cognito_is_not_called() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    create_user(&endpoint, "newbie", Some("acme")).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "newbie", "password": "Temp-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    let challenge: serde_json::Value = r.json().await.unwrap();
    assert_eq!(challenge["challenge"], "NEW_PASSWORD_REQUIRED");
    let session = challenge["session"].as_str().unwrap().to_owned();
    for key in [
        "userAttributes.custom:org_id",
        "userAttributes.org_id",
        "userAttributes.CUSTOM:ORG_ID",
    ] {
        let r = app
            .post_json(
                "/auth/respond-challenge",
                json!({"username": "newbie", "challenge": "NEW_PASSWORD_REQUIRED", "session": session,
                       "responses": {"NEW_PASSWORD": "Brand-New-Passw0rd!", key: "victim-org"}}),
            )
            .send()
            .await
            .unwrap();
        let problem = assert_problem(r, 400, "invalid_request").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(key), "{detail}");
        assert!(
            !detail.contains("Brand-New") && !detail.contains("victim"),
            "{detail}"
        );
    }
    assert_eq!(calls(&endpoint, "RespondToAuthChallenge").await, 0);

    // An allow-listed attribute goes through; the tenant stays acme.
    let r = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": "newbie", "challenge": "NEW_PASSWORD_REQUIRED", "session": session,
                   "responses": {"NEW_PASSWORD": "Brand-New-Passw0rd!", "userAttributes.name": "New Bie"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me = app.get_json("/api/me").await;
    assert_eq!(me["org_id"], "acme", "{me}");
    app.stop().await;
}

#[tokio::test]
async fn each_challenge_takes_only_its_own_response_keys() {
    // Cognito is unreachable: a key that passes the check ends at 503, one
    // that does not is 400 before any call.
    let app = offline_app(&[]).await;
    let answer = |challenge: &str, key: &str| {
        app.post_json(
            "/auth/respond-challenge",
            json!({"username": "a", "challenge": challenge, "session": "s", "responses": {key: "x"}}),
        )
        .send()
    };
    for (challenge, key) in [
        ("NEW_PASSWORD_REQUIRED", "NEW_PASSWORD"),
        ("NEW_PASSWORD_REQUIRED", "userAttributes.email"),
        ("SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA_CODE"),
        ("SMS_MFA", "SMS_MFA_CODE"),
        ("EMAIL_OTP", "EMAIL_OTP_CODE"),
        ("SELECT_MFA_TYPE", "ANSWER"),
    ] {
        let r = answer(challenge, key).await.unwrap();
        assert_problem(r, 503, "upstream_unavailable").await;
    }
    for (challenge, key) in [
        ("SOFTWARE_TOKEN_MFA", "NEW_PASSWORD"),
        ("SOFTWARE_TOKEN_MFA", "userAttributes.email"),
        ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA_CODE"),
        ("NEW_PASSWORD_REQUIRED", "userAttributes.custom:role"),
        ("NEW_PASSWORD_REQUIRED", "userAttributes.email_verified"),
        ("SMS_MFA", "DEVICE_KEY"),
        ("MFA_SETUP", "SOFTWARE_TOKEN_MFA_CODE"),
        ("SELECT_MFA_TYPE", "USERNAME"),
    ] {
        let r = answer(challenge, key).await.unwrap();
        let problem = assert_problem(r, 400, "invalid_request").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(key),
            "{challenge} {key}: {problem}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn sign_up_never_sets_the_tenant_and_start_up_refuses_an_allow_list_with_it() {
    let app = offline_app(&[("BFF_SIGNUP_ATTRIBUTES", "email")]).await;
    let r = app
        .post_json(
            "/auth/signup",
            json!({"username": "m", "password": "Mallory-Passw0rd!", "attributes": {"custom:org_id": "victim"}}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "attribute_not_allowed").await;
    app.stop().await;
    for (list, claim) in [
        ("email,custom:org_id", "org_id"),
        ("email,org_id", "org_id"),
        ("custom:tenant", "custom:tenant"),
    ] {
        let err = cognito_bff::config::load(&sources(&[
            ("BFF_SIGNUP_ATTRIBUTES", list),
            ("BFF_ORG_ID_CLAIM", claim),
        ]))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("BFF_SIGNUP_ATTRIBUTES") && text.contains("tenant"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn the_seeded_client_cannot_write_the_tenant_so_a_user_cannot_either() {
    // The README's warning, end to end: a signed-in user holds an access
    // token of the app client and could call Cognito directly.
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let cookies = sign_in(&app, "demo", "Demo-Passw0rd!").await;
    let access = crate::helpers::find(&cookies, "access_token")
        .value()
        .to_owned();
    let err = crate::helpers::admin(&endpoint)
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("custom:org_id")
                .value("victim-org")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    app.stop().await;
}
