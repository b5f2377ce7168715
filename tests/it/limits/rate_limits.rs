//! Rate limits through HTTP: per client address, per username, and which
//! address counts (X-Forwarded-For only from trusted proxies, read from the
//! right).

use serde_json::json;

use crate::helpers::{TestApp, assert_problem, offline_app};

/// One Cognito attempt, so refused connections answer at once.
const FAST: (&str, &str) = ("BFF_COGNITO_MAX_ATTEMPTS", "1");

async fn sign_in(app: &TestApp, username: &str, xff: Option<&str>) -> reqwest::Response {
    let mut request = app.post_json(
        "/auth/signin",
        json!({"username": username, "password": "Some-Passw0rd!"}),
    );
    if let Some(xff) = xff {
        request = request.header("x-forwarded-for", xff);
    }
    request.send().await.unwrap()
}

/// A request that passed the limits reached (the refused) Cognito.
fn passed(r: &reqwest::Response) {
    assert_eq!(r.status(), 503, "reached Cognito, not limited");
}

async fn assert_limited(r: reqwest::Response) {
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in whole seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = assert_problem(r, 429, "too_many_requests").await;
    assert!(!body.to_string().contains("Some-Passw0rd!"));
}

#[tokio::test]
async fn one_address_past_its_burst_gets_429_with_retry_after_and_other_routes_are_not_limited() {
    let app = offline_app(&[
        FAST,
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "3"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    for i in 0..3 {
        passed(&sign_in(&app, &format!("user{i}"), None).await);
    }
    assert_limited(sign_in(&app, "user9", None).await).await;
    // The bucket is the address's, across the limited routes.
    let r = app
        .post_json("/auth/forgot-password", json!({"username": "other"}))
        .send()
        .await
        .unwrap();
    assert_limited(r).await;
    // Not limited: health, the API, refresh.
    for _ in 0..5 {
        let r = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = app.client.get(app.url("/api/me")).send().await.unwrap();
        assert_eq!(r.status(), 401);
        let r = app
            .client
            .post(app.url("/auth/refresh"))
            .header("x-csrf", "1")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    app.stop().await;
}

#[tokio::test]
async fn malformed_requests_do_not_use_up_the_limit() {
    let app = offline_app(&[FAST, ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "2")]).await;
    for _ in 0..5 {
        let r = app
            .post_json("/auth/signin", json!({"username": "u"}))
            .send()
            .await
            .unwrap();
        assert_problem(r, 400, "invalid_request").await;
    }
    passed(&sign_in(&app, "u", None).await);
    app.stop().await;
}

#[tokio::test]
async fn one_username_is_limited_across_addresses_case_insensitively() {
    let app = offline_app(&[
        FAST,
        ("BFF_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "100"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "2"),
    ])
    .await;
    passed(&sign_in(&app, "alice", Some("198.51.100.1")).await);
    passed(&sign_in(&app, "Alice", Some("198.51.100.2")).await);
    assert_limited(sign_in(&app, "ALICE", Some("198.51.100.3")).await).await;
    // The same username on another limited route shares the bucket.
    let r = app
        .post_json("/auth/resend-code", json!({"username": "alice"}))
        .header("x-forwarded-for", "198.51.100.4")
        .send()
        .await
        .unwrap();
    assert_limited(r).await;
    // Another user from the same address is not affected.
    passed(&sign_in(&app, "bob", Some("198.51.100.3")).await);
    app.stop().await;
}

#[tokio::test]
async fn forwarded_addresses_from_trusted_proxies_are_separate_clients() {
    let app = offline_app(&[
        FAST,
        ("BFF_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "1"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    passed(&sign_in(&app, "u", Some("198.51.100.1")).await);
    passed(&sign_in(&app, "u", Some("198.51.100.2")).await);
    assert_limited(sign_in(&app, "u", Some("198.51.100.1")).await).await;
    app.stop().await;
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_when_the_peer_is_not_a_trusted_proxy() {
    let app = offline_app(&[
        FAST,
        ("BFF_TRUSTED_PROXIES", "10.0.0.0/8"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "2"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    passed(&sign_in(&app, "u", Some("198.51.100.1")).await);
    passed(&sign_in(&app, "u", Some("198.51.100.2")).await);
    assert_limited(sign_in(&app, "u", Some("198.51.100.3")).await).await;
    app.stop().await;
}

#[tokio::test]
async fn a_spoofed_left_most_forwarded_entry_does_not_evade_the_limit() {
    let app = offline_app(&[
        FAST,
        ("BFF_TRUSTED_PROXIES", "127.0.0.1/32"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "2"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    // The client writes a new first entry each time; the proxy appends the
    // address it really saw.
    passed(&sign_in(&app, "u", Some("1.1.1.1, 198.51.100.9")).await);
    passed(&sign_in(&app, "u", Some("2.2.2.2, 198.51.100.9")).await);
    assert_limited(sign_in(&app, "u", Some("3.3.3.3, 198.51.100.9")).await).await;
    app.stop().await;
}

#[tokio::test]
async fn zero_turns_the_limits_off() {
    let app = offline_app(&[
        FAST,
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "0"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
    ])
    .await;
    for _ in 0..15 {
        passed(&sign_in(&app, "u", None).await);
    }
    app.stop().await;
}
