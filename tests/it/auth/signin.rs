//! Sign-in end to end against the local Cognito, through the real SDK: the
//! cookies and every attribute of them, errors without user enumeration, and
//! the challenges (new password, TOTP setup, TOTP sign-in).

use serde_json::json;

use crate::helpers::{
    DEMO_PASSWORD, DEMO_USER, POOL, TestApp, admin, assert_problem, create_user, find, local_app,
    production_env_for, set_cookies, settings_from, standalone_cognito, totp_code,
};

#[tokio::test]
async fn sign_in_sets_secure_access_and_refresh_cookies_with_the_contract_attributes() {
    let lc = standalone_cognito().await;
    let client_id = crate::helpers::shipped_seed().pools[0].clients[0]
        .id
        .clone();
    let app = TestApp::spawn(settings_from(production_env_for(&lc, &client_id))).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 2, "access and refresh only: {cookies:?}");

    let access = find(&cookies, "__Secure-access_token");
    assert_eq!(access.path(), Some("/api"));
    assert_eq!(access.http_only(), Some(true));
    assert_eq!(access.secure(), Some(true));
    assert_eq!(access.same_site(), Some(cookie::SameSite::Lax));
    // The token's lifetime, plus the clock leeway (30 s) and 5 minutes: the
    // browser still sends an expired token, so the SPA hears `token_expired`.
    assert_eq!(
        access.max_age(),
        Some(cookie::time::Duration::seconds(3600 + 30 + 300))
    );
    assert_eq!(access.domain(), None);
    assert_eq!(
        access.value().split('.').count(),
        3,
        "the access token as issued (a JWT)"
    );

    let refresh = find(&cookies, "__Secure-refresh_token");
    assert_eq!(refresh.path(), Some("/auth"));
    assert_eq!(refresh.http_only(), Some(true));
    assert_eq!(refresh.secure(), Some(true));
    assert_eq!(refresh.same_site(), Some(cookie::SameSite::Strict));
    assert_eq!(refresh.max_age(), Some(cookie::time::Duration::days(30)));
    assert_eq!(refresh.domain(), None);
    assert!(
        refresh.value().len() < 4096,
        "fits a browser cookie: {}",
        refresh.value().len()
    );
    assert!(
        !refresh.value().starts_with("eyJ"),
        "encrypted, not the token"
    );

    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body, json!({"status": "SIGNED_IN", "expires_in": 3600}));
    app.stop().await;
    lc.shutdown().await;
}

#[tokio::test]
async fn with_cookie_secure_false_the_names_lose_the_prefix_and_the_secure_attribute() {
    let app = local_app(&[]).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    assert_eq!(find(&cookies, "access_token").secure(), None);
    assert_eq!(find(&cookies, "refresh_token").secure(), None);
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = local_app(&[]).await;
    let wrong = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": "Wrong-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert!(set_cookies(&wrong).is_empty());
    let wrong = assert_problem(wrong, 401, "invalid_credentials").await;
    let unknown = app
        .post_json(
            "/auth/signin",
            json!({"username": "nobody-here", "password": "Wrong-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    let unknown = assert_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown, "no user enumeration");
    assert!(!wrong.to_string().contains("Wrong-Passw0rd!"));
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_user_gets_invalid_credentials() {
    let app = local_app(&[]).await;
    let cognito = admin(app.local_cognito.as_deref().unwrap());
    cognito
        .admin_disable_user()
        .user_pool_id(POOL)
        .username(DEMO_USER)
        .send()
        .await
        .unwrap();
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "invalid_credentials").await;
    app.stop().await;
}

#[tokio::test]
async fn a_user_whose_password_must_be_reset_gets_403_password_reset_required() {
    let app = local_app(&[]).await;
    let cognito = admin(app.local_cognito.as_deref().unwrap());
    cognito
        .admin_reset_user_password()
        .user_pool_id(POOL)
        .username(DEMO_USER)
        .send()
        .await
        .unwrap();
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "password_reset_required").await;
    app.stop().await;
}

#[tokio::test]
async fn the_new_password_challenge_returns_a_session_without_cookies_then_signs_in() {
    let app = local_app(&[]).await;
    create_user(
        app.local_cognito.as_deref().unwrap(),
        "newbie",
        Some("org-new"),
    )
    .await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "newbie", "password": "Temp-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        set_cookies(&r).is_empty(),
        "no cookies before the challenge is answered"
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "CHALLENGE");
    assert_eq!(body["challenge"], "NEW_PASSWORD_REQUIRED");
    assert!(body["parameters"].is_object());
    let session = body["session"].as_str().unwrap().to_owned();

    let weak = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": "newbie", "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "responses": {"NEW_PASSWORD": "short"}}),
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(weak, 400, "invalid_password").await;
    assert!(!problem.to_string().contains("short\""), "{problem}");

    let r = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": "newbie", "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "responses": {"NEW_PASSWORD": "Brand-New-Passw0rd!"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    find(&cookies, "access_token");
    find(&cookies, "refresh_token");
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "SIGNED_IN"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_challenge_session_is_401_invalid_session() {
    let app = local_app(&[]).await;
    let r = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": DEMO_USER, "challenge": "NEW_PASSWORD_REQUIRED", "session": "not-a-session", "responses": {"NEW_PASSWORD": "Brand-New-Passw0rd!"}}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "invalid_session").await;
    app.stop().await;
}

#[tokio::test]
async fn a_chain_of_new_password_then_totp_setup_then_totp_sign_in_works() {
    let app = local_app(&[("BFF_PUBLIC_URL", "https://bff.example.com")]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    admin(&endpoint)
        .set_user_pool_mfa_config()
        .user_pool_id(POOL)
        .software_token_mfa_configuration(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaConfigType::builder()
                .enabled(true)
                .build(),
        )
        .mfa_configuration(aws_sdk_cognitoidentityprovider::types::UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
    create_user(&endpoint, "mfa-user", Some("org-new")).await;

    let body: serde_json::Value = app
        .post_json(
            "/auth/signin",
            json!({"username": "mfa-user", "password": "Temp-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["challenge"], "NEW_PASSWORD_REQUIRED");
    let r = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": "mfa-user", "challenge": "NEW_PASSWORD_REQUIRED", "session": body["session"], "responses": {"NEW_PASSWORD": "Brand-New-Passw0rd!"}}),
        )
        .send().await.unwrap();
    assert!(set_cookies(&r).is_empty());
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "CHALLENGE");
    assert_eq!(body["challenge"], "MFA_SETUP");

    let assoc = app
        .post_json(
            "/auth/mfa/associate",
            json!({"session": body["session"], "username": "mfa-user"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(assoc.status(), 200);
    assert_eq!(assoc.headers()["cache-control"], "no-store");
    let assoc: serde_json::Value = assoc.json().await.unwrap();
    let secret = assoc["secret_code"].as_str().unwrap().to_owned();
    let uri = assoc["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/bff.example.com:mfa-user?"),
        "{uri}"
    );
    assert!(
        uri.contains(&format!("secret={secret}")) && uri.contains("issuer=bff.example.com"),
        "{uri}"
    );

    let wrong = app
        .post_json(
            "/auth/mfa/verify",
            json!({"session": assoc["session"], "code": "000000"}),
        )
        .send()
        .await
        .unwrap();
    // A wrong code may or may not consume the session at Cognito; it is a mismatch either way.
    assert_problem(wrong, 400, "code_mismatch").await;

    // Restart the setup after the failed attempt, as an SPA would on error.
    let body: serde_json::Value = app
        .post_json(
            "/auth/signin",
            json!({"username": "mfa-user", "password": "Brand-New-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["challenge"], "MFA_SETUP");
    let assoc: serde_json::Value = app
        .post_json("/auth/mfa/associate", json!({"session": body["session"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = assoc["secret_code"].as_str().unwrap().to_owned();
    let verified = app
        .post_json(
            "/auth/mfa/verify",
            json!({"session": assoc["session"], "code": totp_code(&secret, 0)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    let verified: serde_json::Value = verified.json().await.unwrap();
    let r = app
        .post_json("/auth/respond-challenge", json!({"username": "mfa-user", "challenge": "MFA_SETUP", "session": verified["session"]}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    find(&set_cookies(&r), "access_token");

    // Next sign-in asks for a TOTP code.
    let body: serde_json::Value = app
        .post_json(
            "/auth/signin",
            json!({"username": "mfa-user", "password": "Brand-New-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["challenge"], "SOFTWARE_TOKEN_MFA");
    let wrong = app
        .post_json("/auth/respond-challenge", json!({"username": "mfa-user", "challenge": "SOFTWARE_TOKEN_MFA", "session": body["session"], "responses": {"SOFTWARE_TOKEN_MFA_CODE": "000000"}}))
        .send().await.unwrap();
    assert_problem(wrong, 400, "code_mismatch").await;
    let body: serde_json::Value = app
        .post_json(
            "/auth/signin",
            json!({"username": "mfa-user", "password": "Brand-New-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = app
        .post_json("/auth/respond-challenge", json!({"username": "mfa-user", "challenge": "SOFTWARE_TOKEN_MFA", "session": body["session"], "responses": {"SOFTWARE_TOKEN_MFA_CODE": totp_code(&secret, 1)}}))
        .send().await.unwrap();
    assert_eq!(r.status(), 200);
    find(&set_cookies(&r), "refresh_token");
    app.stop().await;
}
