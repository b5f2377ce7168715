//! Refresh and sign-out cannot be used to make the service call Cognito
//! without end: both are rate-limited per address and per session, and a
//! refresh token this instance saw revoked is answered without asking
//! Cognito. `X-Forwarded-For` cannot be used to pick one's own address.

use std::time::Duration;

use reqwest::header::HeaderValue;
use serde_json::json;

use super::{assert_clears_every_cookie, cookie_header, post_with_cookies, sign_in};
use crate::helpers::{DEMO_PASSWORD, DEMO_USER, assert_problem, calls, find, local_app};

#[tokio::test]
async fn a_replayed_refresh_cookie_is_rate_limited_per_session() {
    // One Cognito refresh per session and minute; no per-address limit.
    let app = local_app(&[
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "0"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "1"),
    ])
    .await;
    let endpoint = app.local_cognito.clone().unwrap();
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let refresh = cookie_header(&[find(&cookies, "refresh_token")]);
    let r = post_with_cookies(&app, "/auth/refresh", refresh.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Past the ~2 s during which concurrent refreshes share one result.
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let r = post_with_cookies(&app, "/auth/refresh", refresh.clone())
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("retry-after").is_some());
    assert!(
        crate::helpers::set_cookies(&r).is_empty(),
        "throttled: the session lives on"
    );
    assert_problem(r, 429, "too_many_requests").await;
    // Sign-in + one refresh (both InitiateAuth): the replay never reached Cognito.
    assert_eq!(calls(&endpoint, "InitiateAuth").await, 2);
    // Sign-out is limited too: the cookies go, Cognito is not called.
    let r = post_with_cookies(&app, "/auth/signout", refresh)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_clears_every_cookie(&r);
    assert_problem(r, 429, "too_many_requests").await;
    assert_eq!(calls(&endpoint, "RevokeToken").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_refresh_token_this_instance_saw_revoked_is_refused_without_calling_cognito() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let refresh = cookie_header(&[find(&cookies, "refresh_token")]);
    let r = post_with_cookies(&app, "/auth/signout", refresh.clone())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(calls(&endpoint, "RevokeToken").await, 1);
    for _ in 0..3 {
        let r = post_with_cookies(&app, "/auth/refresh", refresh.clone())
            .send()
            .await
            .unwrap();
        assert_clears_every_cookie(&r);
        assert_problem(r, 401, "session_expired").await;
        let r = post_with_cookies(&app, "/auth/signout", refresh.clone())
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        assert_clears_every_cookie(&r);
    }
    // Only the sign-in reached InitiateAuth; only the first sign-out RevokeToken.
    assert_eq!(calls(&endpoint, "InitiateAuth").await, 1);
    assert_eq!(calls(&endpoint, "RevokeToken").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn an_unreadable_forwarded_for_value_stops_the_walk_at_the_trusted_proxy() {
    // The service believes 127.0.0.1 (the test's proxy); one sign-in a
    // minute per address.
    let app = local_app(&[
        ("BFF_TRUSTED_PROXIES", "127.0.0.1"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "1"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    let attempt = |claimed: &str| {
        reqwest::Client::new()
            .post(app.url("/auth/signin"))
            .header("x-csrf", "1")
            .header("x-forwarded-for", claimed)
            // Appended after the client's own header: not visible ASCII.
            .header(
                "x-forwarded-for",
                HeaderValue::from_bytes(b"198.51.100.\xff").unwrap(),
            )
            .json(&json!({"username": DEMO_USER, "password": "wrong-Passw0rd!"}))
            .send()
    };
    let r = attempt("203.0.113.1").await.unwrap();
    assert_problem(r, 401, "invalid_credentials").await;
    // Another address claimed on the left changes nothing: both requests
    // come from the proxy as far as the service can tell.
    let r = attempt("203.0.113.2").await.unwrap();
    assert_problem(r, 429, "too_many_requests").await;
    app.stop().await;
}
