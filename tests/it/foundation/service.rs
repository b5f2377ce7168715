//! The running service: health, readiness, request ids, routing errors, the
//! body limit and graceful shutdown.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use cognito_bff::http::{ApiJson, BODY_LIMIT, OptionalJson};
use tokio::net::TcpListener;

use crate::helpers::{JwksServer, TestApp, assert_problem, production_env, settings_from};

async fn production_app() -> (TestApp, JwksServer) {
    let jwks = JwksServer::start().await;
    let app = TestApp::spawn(settings_from(production_env(&jwks.url))).await;
    (app, jwks)
}

#[tokio::test]
async fn healthz_answers_200_while_the_process_serves() {
    let (app, _jwks) = production_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["status"], "ok");
    app.stop().await;
}

#[tokio::test]
async fn readyz_turns_200_once_the_signing_keys_are_loaded() {
    let (app, jwks) = production_app().await;
    app.wait_ready().await;
    assert!(jwks.fetches.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    app.stop().await;
}

#[tokio::test]
async fn readyz_is_503_while_the_signing_keys_cannot_be_fetched() {
    // Port 9 (discard) refuses connections here.
    let app = TestApp::spawn(settings_from(production_env(
        "http://127.0.0.1:9/jwks.json",
    )))
    .await;
    let r = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "liveness does not depend on the keys");
    app.stop().await;
}

#[tokio::test]
async fn a_request_id_is_returned_as_sent_or_generated_when_absent_or_unsafe() {
    let (app, _jwks) = production_app().await;
    let r = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "abc-123.XYZ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123.XYZ");

    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    let generated = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");

    let long = "a".repeat(300);
    for unsafe_id in [long.as_str(), "has space", "quote\"d"] {
        let r = app
            .client
            .get(app.url("/healthz"))
            .header("x-request-id", unsafe_id)
            .send()
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, unsafe_id);
        assert_eq!(id.len(), 36);
    }
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_problem_json() {
    let (app, _jwks) = production_app().await;
    let r = app.client.get(app.url("/nope")).send().await.unwrap();
    assert_problem(r, 404, "not_found").await;
    let r = app.client.post(app.url("/healthz")).send().await.unwrap();
    assert_problem(r, 405, "method_not_allowed").await;
    app.stop().await;
}

/// A router with the service's JSON extractor and body limit, to exercise
/// their rejections on their own.
fn echo_router() -> Router {
    Router::new()
        .route(
            "/echo",
            post(
                |ApiJson(v): ApiJson<std::collections::BTreeMap<String, String>>| async move {
                    axum::Json(v)
                },
            ),
        )
        .route(
            "/optional",
            post(|OptionalJson(v): OptionalJson<serde_json::Value>| async move { axum::Json(v) }),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn serve_router(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn json_bodies_over_16_kib_are_413_and_malformed_ones_400_and_other_types_415() {
    let base = serve_router(echo_router()).await;
    let client = reqwest::Client::new();
    let big = format!("{{\"k\":\"{}\"}}", "x".repeat(BODY_LIMIT));
    let r = client
        .post(format!("{base}/echo"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(r, 413, "payload_too_large").await;

    let fits = format!("{{\"k\":\"{}\"}}", "x".repeat(BODY_LIMIT - 20));
    let r = client
        .post(format!("{base}/echo"))
        .header("content-type", "application/json")
        .body(fits)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = client
        .post(format!("{base}/echo"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(r, 400, "invalid_request").await;

    let r = client
        .post(format!("{base}/echo"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(r, 415, "invalid_request").await;

    let r = client
        .post(format!("{base}/echo"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(r, 415, "invalid_request").await;

    let r = client
        .post(format!("{base}/echo"))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"password": 987654321}"#)
        .send()
        .await
        .unwrap();
    let body = assert_problem(r, 400, "invalid_request").await;
    assert!(body["detail"].as_str().unwrap().contains("password"));
    assert!(
        !body.to_string().contains("987654321"),
        "the value is never echoed: {body}"
    );
}

#[tokio::test]
async fn an_optional_body_may_be_empty_but_not_of_another_type() {
    let base = serve_router(echo_router()).await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/optional"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "null");
    let r = client
        .post(format!("{base}/optional"))
        .header("content-type", "text/plain")
        .body("hi")
        .send()
        .await
        .unwrap();
    assert_problem(r, 415, "invalid_request").await;
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish_and_refuses_new_ones() {
    let router = Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            "done"
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cognito_bff::startup::serve(
        listener,
        router,
        async move {
            let _ = rx.await;
        },
        Duration::from_secs(5),
    ));
    let in_flight = tokio::spawn(async move {
        reqwest::get(format!("http://{addr}/slow"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(()).unwrap();
    assert_eq!(in_flight.await.unwrap(), "done");
    server.await.unwrap().unwrap();
    let refused = reqwest::Client::new()
        .get(format!("http://{addr}/slow"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "the listener is closed after shutdown");
}

#[tokio::test]
async fn shutdown_gives_up_on_requests_that_outlast_the_grace_period() {
    let router = Router::new().route("/stuck", get(std::future::pending::<&'static str>));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cognito_bff::startup::serve(
        listener,
        router,
        async move {
            let _ = rx.await;
        },
        Duration::from_millis(200),
    ));
    let _stuck = tokio::spawn(reqwest::get(format!("http://{addr}/stuck")));
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("stops after the grace period")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn cookies_and_authorization_headers_never_reach_the_log() {
    let jwks = JwksServer::start().await;
    // A file, not a pipe: trace logging would fill a pipe nobody reads yet.
    let log_file = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cognito-bff"));
    cmd.env_clear()
        .env("BFF_CONFIG_DIR", crate::helpers::config_dir())
        .env("RUST_LOG", "trace")
        .stdout(std::process::Stdio::null())
        .stderr(log_file.reopen().unwrap());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for (k, v) in production_env(&jwks.url) {
        cmd.env(k, v);
    }
    cmd.env("BFF_LISTEN", format!("127.0.0.1:{port}"));
    let mut child = cmd.spawn().unwrap();
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let mut served = false;
    for _ in 0..100 {
        if let Ok(r) = client
            .get(&url)
            .header("cookie", "access_token=SECRET-COOKIE-VALUE")
            .header("authorization", "Bearer SECRET-BEARER-VALUE")
            .send()
            .await
        {
            assert_eq!(r.status(), 200);
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served);
    child.kill().unwrap();
    child.wait().unwrap();
    let log = std::fs::read_to_string(log_file.path()).unwrap();
    assert!(
        log.contains("request finished"),
        "the request was logged: {log}"
    );
    assert!(!log.contains("SECRET-COOKIE-VALUE"), "{log}");
    assert!(!log.contains("SECRET-BEARER-VALUE"), "{log}");
}
