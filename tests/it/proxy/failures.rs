//! An upstream that is down, slow, breaks mid-body, or gets too much.

use std::time::Duration;

use futures_util::StreamExt as _;

use super::echo_app;
use super::signed_in;
use super::upstream;
use crate::faults::fixtures::free_port;
use crate::helpers::assert_problem;

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_problem() {
    let port = free_port();
    let app = signed_in(&format!("/api/down=http://127.0.0.1:{port}"), &[]).await;
    let r = app.get("/api/down/x").await;
    let body = assert_problem(r, 502, "bad_gateway").await;
    assert!(
        !body["detail"].as_str().unwrap().contains("127.0.0.1"),
        "the detail names the upstream's address: {body}"
    );
}

#[tokio::test]
async fn an_upstream_that_does_not_answer_in_time_is_a_504_problem() {
    let up = upstream::start().await;
    let upstreams = format!(
        r#"[{{prefix="/api/echo", url="{}", timeout_ms=300}}]"#,
        up.base
    );
    let app = signed_in(&upstreams, &[]).await;
    let started = std::time::Instant::now();
    let r = app.get("/api/echo/slow").await;
    assert_problem(r, 504, "gateway_timeout").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout was not applied"
    );
}

#[tokio::test]
async fn a_body_over_the_upstreams_limit_is_refused_with_413() {
    let up = upstream::start().await;
    let upstreams = format!(
        r#"[{{prefix="/api/echo", url="{}", max_body_bytes=1000}}]"#,
        up.base
    );
    let app = signed_in(&upstreams, &[]).await;
    // Declared by Content-Length: refused before the upstream is called.
    let r = app
        .client
        .post(app.url("/api/echo/upload"))
        .header("x-csrf", "1")
        .body(vec![b'x'; 1001])
        .send()
        .await
        .unwrap();
    assert_problem(r, 413, "payload_too_large").await;
    assert_eq!(up.calls(), 0);
    // Streamed without a length: cut at the limit.
    let chunks =
        futures_util::stream::iter((0..4).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 400])));
    let r = app
        .client
        .post(app.url("/api/echo/upload"))
        .header("x-csrf", "1")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_problem(r, 413, "payload_too_large").await;
    // At the limit: forwarded whole.
    let r = app
        .client
        .post(app.url("/api/echo/upload"))
        .header("x-csrf", "1")
        .body(vec![b'z'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: serde_json::Value = r.json().await.unwrap();
    assert_eq!(got["body_len"], 1000);
}

#[tokio::test]
async fn an_upstream_that_breaks_mid_body_breaks_the_response_not_the_service() {
    let (_up, app) = echo_app().await;
    let r = app.get("/api/echo/broken").await;
    assert_eq!(r.status(), 200, "the headers had arrived");
    assert!(
        r.bytes().await.is_err(),
        "a cut body must not look complete"
    );
    let me = app.get_json("/api/me").await;
    assert_eq!(me["username"], super::DEMO_USER);
}

#[tokio::test]
async fn a_caller_that_goes_away_ends_the_upstream_stream() {
    let (up, app) = echo_app().await;
    let r = app.get("/api/echo/events").await;
    let mut stream = r.bytes_stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(&first[..], b"data: first\n\n");
    drop(stream);
    tokio::time::timeout(Duration::from_secs(5), up.state.dropped.notified())
        .await
        .expect("the upstream's stream was not dropped after the caller left");
}
