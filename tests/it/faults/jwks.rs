//! The JWKS endpoint failing: down at start (not ready, recovers by itself),
//! down later (the last good keys are kept), garbage and oversized documents
//! (refused, the previous set kept). Tokens are minted as the guard tests do.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::guard::fixtures::{JwksServer, KEY_A, KEY_B, Mint, TestApp, env, with};

/// A document over the 64 KiB cap that is otherwise a valid key set (KEY_B).
fn oversized() -> Vec<u8> {
    serde_json::to_vec(&json!({
        "keys": [KEY_B.jwk.clone()],
        "padding": "x".repeat(70 * 1024),
    }))
    .unwrap()
}

/// The refused documents: not JSON, not a key set, no usable key, too large.
fn bad_documents() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("garbage", b"{this is not json".to_vec()),
        ("html", b"<html>maintenance</html>".to_vec()),
        ("not a key set", br#"{"keys": "none"}"#.to_vec()),
        ("no keys", br#"{"keys": []}"#.to_vec()),
        (
            "no usable key",
            br#"{"keys": [{"kty": "EC", "kid": "x", "crv": "P-256", "x": "AA", "y": "AA"}]}"#
                .to_vec(),
        ),
        ("oversized", oversized()),
    ]
}

async fn readyz(app: &TestApp) -> u16 {
    app.http
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Waits until the JWKS server has been asked `n` more times than `from`.
async fn wait_fetches(jwks: &JwksServer, from: usize, n: usize) {
    let started = Instant::now();
    while jwks.fetches() < from + n {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "only {} fetches",
            jwks.fetches() - from
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the store take in what it fetched.
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn down_at_start_the_service_is_not_ready_and_recovers_by_itself() {
    let jwks = JwksServer::failing().await;
    let app = TestApp::spawn_with(env(&jwks), axum::Router::new(), false).await;
    // Several failed attempts (retried with backoff), still not ready, still serving.
    wait_fetches(&jwks, 0, 3).await;
    assert_eq!(readyz(&app).await, 503);
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // The JWKS comes back: ready without any restart or request.
    jwks.serve(&[&KEY_A]);
    app.wait_ready().await;
    let token = Mint::access().sign(&KEY_A);
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
}

#[tokio::test]
async fn garbage_or_oversized_documents_at_start_never_make_the_service_ready() {
    let jwks = JwksServer::failing().await;
    let app = TestApp::spawn_with(env(&jwks), axum::Router::new(), false).await;
    // (A few of them: the start-up backoff doubles after each failure.)
    for (what, doc) in bad_documents()
        .into_iter()
        .filter(|(w, _)| ["garbage", "no keys", "oversized"].contains(w))
    {
        jwks.serve_raw(doc);
        let before = jwks.fetches();
        wait_fetches(&jwks, before, 1).await;
        assert_eq!(readyz(&app).await, 503, "{what}");
    }
    jwks.serve(&[&KEY_A]);
    app.wait_ready().await;
}

#[tokio::test]
async fn a_failing_refresh_keeps_the_last_good_keys() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let env = with(env(&jwks), "BFF_JWKS_REFRESH_INTERVAL_SECS", Some("1"));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let token = Mint::access().sign(&KEY_A);
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);

    // Down: two failed periodic refreshes later, the keys still verify.
    jwks.fail();
    let before = jwks.fetches();
    wait_fetches(&jwks, before, 2).await;
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
    assert_eq!(readyz(&app).await, 200);

    // Garbage and oversized documents are refused the same way.
    for (what, doc) in bad_documents() {
        jwks.serve_raw(doc);
        let before = jwks.fetches();
        wait_fetches(&jwks, before, 1).await;
        assert_eq!(
            app.get_bearer("/api/me", &token).await.status(),
            200,
            "{what}"
        );
        assert_eq!(readyz(&app).await, 200, "{what}");
    }
    // The oversized document carried KEY_B: it was not taken in.
    let token_b = Mint::access().kid(Some(&KEY_B.kid)).sign(&KEY_B);
    assert_eq!(app.get_bearer("/api/me", &token_b).await.status(), 401);

    // A good document again: the next refresh adopts it.
    jwks.serve(&[&KEY_B]);
    let before = jwks.fetches();
    wait_fetches(&jwks, before, 1).await;
    assert_eq!(app.get_bearer("/api/me", &token_b).await.status(), 200);
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 401);
}

#[tokio::test]
async fn the_refresh_interval_is_validated() {
    for bad in ["0", "86401", "soon"] {
        let jwks = JwksServer::failing().await;
        let env = with(env(&jwks), "BFF_JWKS_REFRESH_INTERVAL_SECS", Some(bad));
        let err = cognito_bff::config::load(&cognito_bff::config::Sources {
            config_dir: crate::helpers::config_dir(),
            env,
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("BFF_JWKS_REFRESH_INTERVAL_SECS"),
            "{bad}: {err}"
        );
    }
}
