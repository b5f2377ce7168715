//! Bad input on every `/auth` route: always a 4xx problem+json naming the
//! field, never a 500, never the submitted secret in the body. The Cognito
//! endpoint refuses connections here, so anything reaching it would be a 503.

use serde_json::{Value, json};

use crate::helpers::{assert_problem, offline_app};

/// Every JSON route with a valid body.
pub(crate) fn routes() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/auth/signin",
            json!({"username": "alice", "password": "Passw0rd!"}),
        ),
        (
            "/auth/respond-challenge",
            json!({"username": "alice", "challenge": "NEW_PASSWORD_REQUIRED", "session": "s", "responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}}),
        ),
        ("/auth/mfa/associate", json!({"session": "s"})),
        (
            "/auth/mfa/verify",
            json!({"session": "s", "code": "123456"}),
        ),
        (
            "/auth/signup",
            json!({"username": "alice", "password": "Passw0rd!", "attributes": {"email": "a@example.com"}}),
        ),
        (
            "/auth/confirm-signup",
            json!({"username": "alice", "code": "123456"}),
        ),
        ("/auth/resend-code", json!({"username": "alice"})),
        ("/auth/forgot-password", json!({"username": "alice"})),
        (
            "/auth/confirm-forgot-password",
            json!({"username": "alice", "code": "123456", "password": "Passw0rd!"}),
        ),
    ]
}

#[tokio::test]
async fn malformed_json_on_every_route_is_400_invalid_request() {
    let app = offline_app(&[]).await;
    for (path, _) in routes() {
        for body in ["{", "[]", "null", "\"text\"", "{\"username\": }"] {
            let r = app
                .client
                .post(app.url(path))
                .header("x-csrf", "1")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_problem(r, 400, "invalid_request").await;
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn every_missing_field_is_named() {
    let app = offline_app(&[]).await;
    for (path, body) in routes() {
        for field in body.as_object().unwrap().keys() {
            if field == "attributes" || field == "responses" {
                continue; // optional
            }
            let mut partial = body.clone();
            partial.as_object_mut().unwrap().remove(field);
            let r = app.post_json(path, partial).send().await.unwrap();
            let problem = assert_problem(r, 400, "invalid_request").await;
            assert!(
                problem["detail"].as_str().unwrap().contains(field.as_str()),
                "{path} {field}: {problem}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_are_refused_without_echoing_values() {
    let app = offline_app(&[]).await;
    for (path, body) in routes() {
        for field in body.as_object().unwrap().keys() {
            let mut wrong = body.clone();
            wrong[field] = json!(31337424242u64);
            let r = app.post_json(path, wrong).send().await.unwrap();
            let problem = assert_problem(r, 400, "invalid_request").await;
            assert!(
                !problem.to_string().contains("31337424242"),
                "{path}: {problem}"
            );
        }
        let mut extra = body.clone();
        extra["is_admin"] = json!(true);
        let r = app.post_json(path, extra).send().await.unwrap();
        assert_problem(r, 400, "invalid_request").await;
    }
    app.stop().await;
}

#[tokio::test]
async fn empty_huge_and_control_character_values_are_refused() {
    let app = offline_app(&[]).await;
    let cases = [
        json!({"username": "", "password": "x"}),
        json!({"username": "alice", "password": ""}),
        json!({"username": "a".repeat(129), "password": "x"}),
        json!({"username": "al\r\nice", "password": "x"}),
        json!({"username": "alice\u{0000}", "password": "x"}),
        json!({"username": " alice", "password": "x"}),
        json!({"username": "alice", "password": "p".repeat(257)}),
    ];
    for body in cases {
        let r = app
            .post_json("/auth/signin", body.clone())
            .send()
            .await
            .unwrap();
        assert_problem(r, 400, "invalid_request").await;
    }
    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": "alice", "code": "1".repeat(65)}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "invalid_request").await;
    app.stop().await;
}

#[tokio::test]
async fn bodies_over_16_kib_are_413_and_other_media_types_415_on_every_route() {
    let app = offline_app(&[]).await;
    for (path, _) in routes() {
        let huge = json!({"username": "a".repeat(17 * 1024), "password": "x"});
        let r = app.post_json(path, huge).send().await.unwrap();
        assert_problem(r, 413, "payload_too_large").await;
        let r = app
            .client
            .post(app.url(path))
            .header("x-csrf", "1")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("username=alice")
            .send()
            .await
            .unwrap();
        assert_problem(r, 415, "invalid_request").await;
    }
    app.stop().await;
}

#[tokio::test]
async fn respond_challenge_refuses_unknown_challenges_and_reserved_responses() {
    let app = offline_app(&[]).await;
    let r = app
        .post_json(
            "/auth/respond-challenge",
            json!({"username": "a", "challenge": "CUSTOM_CHALLENGE", "session": "s"}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "invalid_request").await;
    for key in ["USERNAME", "SECRET_HASH"] {
        let r = app
            .post_json("/auth/respond-challenge", json!({"username": "a", "challenge": "SMS_MFA", "session": "s", "responses": {key: "x"}}))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(r, 400, "invalid_request").await;
        assert!(problem["detail"].as_str().unwrap().contains(key));
    }
    app.stop().await;
}

#[tokio::test]
async fn sign_up_refuses_attributes_outside_the_allow_list_naming_them() {
    let app = offline_app(&[]).await;
    for attr in ["custom:org_id", "email_verified", "custom:role"] {
        let r = app
            .post_json(
                "/auth/signup",
                json!({"username": "a", "password": "Passw0rd!", "attributes": {attr: "x"}}),
            )
            .send()
            .await
            .unwrap();
        let problem = assert_problem(r, 400, "attribute_not_allowed").await;
        assert!(
            problem["detail"].as_str().unwrap().contains(attr),
            "{problem}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_configured_allow_list_replaces_the_default() {
    let app = offline_app(&[("BFF_SIGNUP_ATTRIBUTES", "email,custom:team")]).await;
    let r = app
        .post_json(
            "/auth/signup",
            json!({"username": "a", "password": "Passw0rd!", "attributes": {"name": "x"}}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "attribute_not_allowed").await;
    // An allowed custom attribute passes validation and reaches Cognito
    // (unreachable here: 503).
    let r = app
        .post_json(
            "/auth/signup",
            json!({"username": "a", "password": "Passw0rd!", "attributes": {"custom:team": "x"}}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 503, "upstream_unavailable").await;
    app.stop().await;
}

#[tokio::test]
async fn an_unreachable_cognito_is_503_upstream_unavailable_on_every_route() {
    let app = offline_app(&[]).await;
    for (path, body) in routes() {
        let r = app.post_json(path, body).send().await.unwrap();
        let problem = assert_problem(r, 503, "upstream_unavailable").await;
        assert!(!problem.to_string().contains("Passw0rd"), "{problem}");
    }
    app.stop().await;
}

#[tokio::test]
async fn refresh_and_signout_without_a_cookie_answer_without_calling_cognito() {
    let app = offline_app(&[]).await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    let cleared: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_problem(r, 401, "session_expired").await;
    assert_eq!(
        cleared.len(),
        6,
        "every cookie of the service is cleared (access, its 3 chunks, refresh, session): {cleared:?}"
    );

    let r = app
        .client
        .post(app.url("/auth/signout"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers().get_all("set-cookie").iter().count(), 6);

    let r = app
        .client
        .post(app.url("/auth/signout"))
        .header("x-csrf", "1")
        .header("content-type", "application/json")
        .body(r#"{"everywhere": "yes"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "invalid_request").await;
    app.stop().await;
}

#[tokio::test]
async fn garbage_and_oversized_refresh_cookies_end_the_session_without_a_500() {
    let app = offline_app(&[]).await;
    let long = "A".repeat(6000);
    for value in [
        "garbage",
        "",
        "%%%",
        long.as_str(),
        "eyJhbGciOiJub25lIn0.e30.",
    ] {
        let r = app
            .client
            .post(app.url("/auth/refresh"))
            .header("x-csrf", "1")
            .header("cookie", format!("__Secure-refresh_token={value}"))
            .send()
            .await
            .unwrap();
        assert_problem(r, 401, "session_expired").await;
    }
    app.stop().await;
}
