//! The CSRF and CORS matrix: header, Origin, allowed origins, preflight.

use serde_json::json;

use crate::helpers::{assert_problem, offline_app};

const ALLOWED: &str = "https://app.example.com";

#[tokio::test]
async fn an_unsafe_auth_request_without_x_csrf_is_refused_before_any_work() {
    let app = offline_app(&[]).await;
    let r = app
        .client
        .post(app.url("/auth/signin"))
        .json(&json!({"username": "a", "password": "b"}))
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    // Even a body that would be invalid is refused for CSRF first.
    let r = app
        .client
        .post(app.url("/auth/signin"))
        .body("garbage")
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    app.stop().await;
}

#[tokio::test]
async fn x_csrf_must_be_exactly_one() {
    let app = offline_app(&[]).await;
    for value in ["0", "true", "01", ""] {
        let r = app
            .client
            .post(app.url("/auth/refresh"))
            .header("x-csrf", value)
            .send()
            .await
            .unwrap();
        assert_problem(r, 403, "csrf_rejected").await;
    }
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    app.stop().await;
}

#[tokio::test]
async fn a_foreign_or_null_origin_is_refused_and_the_own_origin_passes() {
    let app = offline_app(&[]).await;
    for origin in ["https://evil.example", "null", "http://127.0.0.1:1"] {
        let r = app
            .client
            .post(app.url("/auth/refresh"))
            .header("x-csrf", "1")
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_problem(r, 403, "csrf_rejected").await;
    }
    // The own origin (http://<Host>) passes the check: the refresh then fails
    // for want of a cookie, which is the route's own answer.
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn with_a_public_url_only_its_origin_is_own() {
    let app = offline_app(&[("BFF_PUBLIC_URL", "https://bff.example.com/base")]).await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("origin", app.base.clone())
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("origin", "https://bff.example.com")
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn safe_methods_and_bearer_api_calls_need_no_csrf_header() {
    let app = offline_app(&[]).await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A cookie-authenticated unsafe /api call needs the header...
    let r = app
        .client
        .post(app.url("/api/anything"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 403, "csrf_rejected").await;
    // ...a Bearer one does not (it then fails on its own merits, not on CSRF).
    let r = app
        .client
        .post(app.url("/api/anything"))
        .bearer_auth("x.y.z")
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn an_allowed_origin_gets_credentialed_cors_on_successes_and_errors() {
    let app = offline_app(&[("BFF_ALLOWED_ORIGINS", ALLOWED)]).await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], ALLOWED);
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    assert_problem(r, 401, "session_expired").await;

    // A CSRF refusal to an allowed origin is readable by it too.
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], ALLOWED);
    assert_problem(r, 403, "csrf_rejected").await;

    let r = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}

#[tokio::test]
async fn preflight_allows_content_type_and_x_csrf_for_allowed_origins_only() {
    let app = offline_app(&[("BFF_ALLOWED_ORIGINS", ALLOWED)]).await;
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/auth/signin"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-csrf")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], ALLOWED);
    assert_eq!(r.headers()["access-control-allow-credentials"], "true");
    let allowed = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed.contains("content-type") && allowed.contains("x-csrf"),
        "{allowed}"
    );

    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/auth/signin"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}

#[tokio::test]
async fn without_allowed_origins_there_are_no_cors_headers() {
    let app = offline_app(&[]).await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    app.stop().await;
}
