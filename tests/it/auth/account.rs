//! Sign-up, confirmation codes and password reset end to end, with the codes
//! read from the local Cognito's inbox.

use serde_json::json;

use crate::helpers::{DEMO_USER, assert_problem, inbox, latest_code, local_app};

#[tokio::test]
async fn sign_up_then_confirm_with_the_emailed_code_then_sign_in() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let r = app
        .post_json("/auth/signup", json!({"username": "carol", "password": "Carol-Passw0rd!", "attributes": {"email": "carol@example.com", "name": "Carol"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["user_confirmed"], false);
    assert!(!body["user_sub"].as_str().unwrap().is_empty());
    assert_eq!(body["code_delivery"]["medium"], "EMAIL");
    assert_eq!(body["code_delivery"]["attribute"], "email");
    assert!(
        body["code_delivery"]["destination"]
            .as_str()
            .unwrap()
            .contains("***")
    );

    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "carol", "password": "Carol-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "user_not_confirmed").await;

    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": "carol", "code": "000000"}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "code_mismatch").await;

    let code = latest_code(&endpoint, "carol").await;
    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": "carol", "code": code}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "carol", "password": "Carol-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn sign_up_errors_map_to_username_exists_and_invalid_password() {
    let app = local_app(&[]).await;
    let r = app.post_json("/auth/signup", json!({"username": DEMO_USER, "password": "Other-Passw0rd!", "attributes": {"email": "x@example.com"}})).send().await.unwrap();
    assert_problem(r, 409, "username_exists").await;
    let r = app.post_json("/auth/signup", json!({"username": "dave", "password": "weakpass", "attributes": {"email": "d@example.com"}})).send().await.unwrap();
    let problem = assert_problem(r, 400, "invalid_password").await;
    assert!(!problem["detail"].as_str().unwrap().is_empty());
    assert!(!problem.to_string().contains("weakpass"));
    app.stop().await;
}

#[tokio::test]
async fn resend_code_sends_a_new_code_that_replaces_the_old_one() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    app.post_json("/auth/signup", json!({"username": "erin", "password": "Erin-Passw0rd!", "attributes": {"email": "erin@example.com"}})).send().await.unwrap();
    let old = latest_code(&endpoint, "erin").await;
    let r = app
        .post_json("/auth/resend-code", json!({"username": "erin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code_delivery"]["medium"], "EMAIL");
    let new = latest_code(&endpoint, "erin").await;
    assert_eq!(inbox(&endpoint, "erin").await.len(), 2);
    if old != new {
        let r = app
            .post_json(
                "/auth/confirm-signup",
                json!({"username": "erin", "code": old}),
            )
            .send()
            .await
            .unwrap();
        assert!(r.status() == 400, "the old code no longer works");
    }
    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": "erin", "code": new}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    app.stop().await;
}

#[tokio::test]
async fn forgot_password_then_confirm_sets_the_new_password() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let r = app
        .post_json("/auth/forgot-password", json!({"username": DEMO_USER}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let known: serde_json::Value = r.json().await.unwrap();
    assert!(known["code_delivery"]["destination"].is_string());

    let r = app
        .post_json(
            "/auth/confirm-forgot-password",
            json!({"username": DEMO_USER, "code": "000000", "password": "Reset-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "code_mismatch").await;

    let code = latest_code(&endpoint, DEMO_USER).await;
    let r = app
        .post_json(
            "/auth/confirm-forgot-password",
            json!({"username": DEMO_USER, "code": code, "password": "Reset-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .post_json(
            "/auth/confirm-forgot-password",
            json!({"username": DEMO_USER, "code": code, "password": "Again-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert!(r.status() == 400, "a code is single use");
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": "Reset-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn forgot_password_answers_an_unknown_user_with_the_same_shape() {
    let app = local_app(&[]).await;
    let r = app
        .post_json(
            "/auth/forgot-password",
            json!({"username": "nobody@example.com"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let delivery = body["code_delivery"].as_object().unwrap();
    assert_eq!(
        delivery.keys().collect::<Vec<_>>(),
        ["attribute", "destination", "medium"]
    );
    assert!(delivery["destination"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn an_expired_code_is_400_expired_code() {
    let app = local_app(&[("BFF_LOCAL_COGNITO_CODE_TTL_SECS", "1")]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    app.post_json("/auth/signup", json!({"username": "frank", "password": "Frank-Passw0rd!", "attributes": {"email": "frank@example.com"}})).send().await.unwrap();
    let code = latest_code(&endpoint, "frank").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": "frank", "code": code}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "expired_code").await;
    app.stop().await;
}
