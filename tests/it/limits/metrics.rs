//! Prometheus metrics on their own listener: series names and labels after
//! real traffic against the local Cognito.

use serde_json::json;

use crate::helpers::{DEMO_PASSWORD, DEMO_USER, local_app, offline_app};

async fn scrape(base: &str) -> String {
    let r = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    r.text().await.unwrap()
}

/// The value of the sample line starting with `series` (name and labels).
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no sample {series} in:\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test]
async fn the_metrics_listener_reports_requests_cognito_jwks_limits_and_joins() {
    let app = local_app(&[
        ("BFF_METRICS_LISTEN", "127.0.0.1:0"),
        ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "3"),
    ])
    .await;
    let metrics = app.metrics_base.clone().expect("metrics listener");
    app.wait_ready().await;

    // Sign in (Cognito ok), read the API, then a wrong password (Cognito error).
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": "Wrong-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Concurrent refreshes of one session join one Cognito call.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            tokio::spawn(
                app.client
                    .post(app.url("/auth/refresh"))
                    .header("x-csrf", "1")
                    .send(),
            )
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().status(), 200);
    }
    // A username past its limit.
    for _ in 0..4 {
        app.post_json(
            "/auth/signin",
            json!({"username": "ghost", "password": "Any-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    }
    // A raw path no route matches.
    let r = app
        .client
        .get(app.url("/no/such/path-4711"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    let text = scrape(&metrics).await;
    assert_eq!(
        value(
            &text,
            r#"bff_http_requests_total{route="/auth/signin",method="POST",status="200"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &text,
            r#"bff_http_requests_total{route="/auth/signin",method="POST",status="429"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &text,
            r#"bff_http_requests_total{route="/api/me",method="GET",status="200"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            &text,
            r#"bff_http_requests_total{route="/auth/refresh",method="POST",status="200"}"#
        ),
        8.0
    );
    assert!(
        value(
            &text,
            r#"bff_http_requests_total{route="unmatched",method="GET",status="404"}"#
        ) >= 1.0
    );
    assert!(!text.contains("4711"), "raw paths never become labels");
    assert!(!text.contains("ghost"), "usernames never become labels");
    assert!(
        value(
            &text,
            r#"bff_cognito_request_duration_seconds_count{operation="InitiateAuth",outcome="ok"}"#
        ) >= 2.0,
        "sign-in and refresh"
    );
    assert!(
        value(
            &text,
            r#"bff_cognito_request_duration_seconds_count{operation="InitiateAuth",outcome="error"}"#
        ) >= 1.0
    );
    assert!(
        value(
            &text,
            r#"bff_cognito_request_duration_seconds_bucket{operation="InitiateAuth",outcome="ok",le="+Inf"}"#
        ) >= 2.0,
        "a histogram"
    );
    assert!(value(&text, r#"bff_jwks_fetches_total{outcome="ok"}"#) >= 1.0);
    assert_eq!(
        value(&text, r#"bff_rate_limit_rejections_total{kind="username"}"#),
        1.0
    );
    assert!(value(&text, "bff_refresh_joins_total") >= 1.0);

    // Only /metrics is served there.
    let r = reqwest::get(format!("{metrics}/")).await.unwrap();
    assert_eq!(r.status(), 404);
    // And the listener stops with the service.
    app.stop().await;
    assert!(reqwest::get(format!("{metrics}/metrics")).await.is_err());
}

#[tokio::test]
async fn ip_rejections_and_failed_jwks_fetches_are_counted() {
    let app = offline_app(&[
        ("BFF_METRICS_LISTEN", "127.0.0.1:0"),
        ("BFF_COGNITO_MAX_ATTEMPTS", "1"),
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "1"),
    ])
    .await;
    let metrics = app.metrics_base.clone().expect("metrics listener");
    for _ in 0..3 {
        app.post_json("/auth/forgot-password", json!({"username": "u"}))
            .send()
            .await
            .unwrap();
    }
    // The JWKS endpoint refuses connections: the first fetch fails at once.
    let mut text = scrape(&metrics).await;
    for _ in 0..50 {
        if text.contains(r#"bff_jwks_fetches_total{outcome="error"}"#) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        text = scrape(&metrics).await;
    }
    assert_eq!(
        value(&text, r#"bff_rate_limit_rejections_total{kind="ip"}"#),
        2.0
    );
    assert!(value(&text, r#"bff_jwks_fetches_total{outcome="error"}"#) >= 1.0);
    assert_eq!(
        value(
            &text,
            r#"bff_cognito_request_duration_seconds_count{operation="ForgotPassword",outcome="error"}"#
        ),
        1.0
    );
    app.stop().await;
}

#[tokio::test]
async fn no_metrics_listener_unless_configured() {
    let app = offline_app(&[]).await;
    assert!(app.metrics_base.is_none());
    app.stop().await;
}
