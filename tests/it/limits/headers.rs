//! Security headers on every response: successes, errors and 404s alike.

use crate::helpers::offline_app;

fn assert_security_headers(response: &reqwest::Response) {
    let h = response.headers();
    assert_eq!(
        h["x-content-type-options"],
        "nosniff",
        "{:?}",
        response.url()
    );
    assert_eq!(h["referrer-policy"], "no-referrer", "{:?}", response.url());
    assert_eq!(h["x-frame-options"], "DENY", "{:?}", response.url());
}

#[tokio::test]
async fn success_error_and_not_found_responses_carry_the_security_headers() {
    let app = offline_app(&[]).await;
    // A success.
    let ok = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_security_headers(&ok);
    // An error (CSRF refusal, before any work).
    let refused = app
        .client
        .post(app.url("/auth/signin"))
        .json(&serde_json::json!({"username": "u", "password": "p"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_security_headers(&refused);
    // A 401 from the guard.
    let unauthenticated = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_security_headers(&unauthenticated);
    // A 404.
    let missing = app.client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_security_headers(&missing);
    app.stop().await;
}
