//! Streaming both ways: Server-Sent Events, WebSocket, and a large upload
//! through the service binary with its memory watched.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use super::echo_app;
use super::upstream;
use super::{DEMO_PASSWORD, DEMO_USER, signed_in, signed_in_binary};
use crate::helpers::{TestApp, set_cookies};

#[tokio::test]
async fn server_sent_events_reach_the_browser_before_the_stream_ends() {
    let (up, app) = echo_app().await;
    let r = app.get("/api/echo/events").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut stream = r.bytes_stream();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the first event was held back until the stream ended")
        .unwrap()
        .unwrap();
    assert_eq!(&first[..], b"data: first\n\n");
    up.state.release.notify_one();
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!(&second[..], b"data: second\n\n");
    assert!(
        stream.next().await.is_none(),
        "the stream ends with the upstream's"
    );
}

/// The access cookie of a signed-in client, as a `Cookie` header value.
async fn access_cookie(app: &TestApp) -> String {
    let r = app
        .post_json(
            "/auth/signin",
            serde_json::json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&r);
    let access = crate::helpers::find(&cookies, "access_token");
    format!("access_token={}", access.value())
}

fn ws_request(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = app.url(path).replacen("http://", "ws://", 1);
    let mut req = url.into_client_request().unwrap();
    for (k, v) in headers {
        let name: http::HeaderName = k.parse().unwrap();
        req.headers_mut().insert(name, v.parse().unwrap());
    }
    req
}

#[tokio::test]
async fn a_websocket_is_proxied_with_the_cookie_from_the_services_own_origin() {
    let ws = upstream::start_websocket().await;
    let app = signed_in(&format!("/api/ws={ws}"), &[]).await;
    let cookie = access_cookie(&app).await;
    let origin = app.base.clone();
    let req = ws_request(
        &app,
        "/api/ws/chat",
        &[("cookie", &cookie), ("origin", &origin)],
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(response.status(), 101);
    for text in ["hello", "through the proxy"] {
        socket.send(Message::text(text)).await.unwrap();
        let echoed = socket.next().await.unwrap().unwrap();
        assert_eq!(echoed.into_text().unwrap().as_str(), text);
    }
    socket
        .send(Message::binary(vec![0u8, 1, 2, 255]))
        .await
        .unwrap();
    let echoed = socket.next().await.unwrap().unwrap();
    assert_eq!(echoed.into_data().as_ref(), [0u8, 1, 2, 255]);
    socket.close(None).await.unwrap();
}

#[tokio::test]
async fn a_cookie_websocket_from_a_foreign_or_missing_origin_is_refused() {
    let ws = upstream::start_websocket().await;
    let app = signed_in(&format!("/api/ws={ws}"), &[]).await;
    let cookie = access_cookie(&app).await;
    for headers in [
        vec![
            ("cookie", cookie.as_str()),
            ("origin", "https://evil.example"),
        ],
        vec![("cookie", cookie.as_str()), ("origin", "null")],
        vec![("cookie", cookie.as_str())],
    ] {
        let err = tokio_tungstenite::connect_async(ws_request(&app, "/api/ws", &headers))
            .await
            .expect_err("a hijackable WebSocket was accepted");
        match err {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                assert_eq!(response.status(), 403, "{headers:?}");
                let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
                assert!(body.contains("csrf_rejected"), "{body}");
            }
            other => panic!("{other:?}"),
        }
    }
    // Without a session there is no upgrade either.
    let err = tokio_tungstenite::connect_async(ws_request(
        &app,
        "/api/ws",
        &[("origin", app.base.as_str())],
    ))
    .await
    .expect_err("an anonymous WebSocket was accepted");
    assert!(
        matches!(&err, tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 401),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_bearer_websocket_needs_no_origin() {
    let ws = upstream::start_websocket().await;
    let app = signed_in(&format!("/api/ws={ws}"), &[]).await;
    let cookie = access_cookie(&app).await;
    let token = cookie.trim_start_matches("access_token=").to_owned();
    let bearer = format!("Bearer {token}");
    let req = ws_request(&app, "/api/ws", &[("authorization", &bearer)]);
    let (mut socket, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    socket.send(Message::text("ping")).await.unwrap();
    let echoed = socket.next().await.unwrap().unwrap();
    assert_eq!(echoed.into_text().unwrap().as_str(), "ping");
}

/// The peak resident memory of a process, in KiB (`VmHWM`).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[tokio::test]
async fn a_100_mb_upload_streams_through_the_service_with_flat_memory() {
    let up = upstream::start().await;
    let upstreams = format!(
        r#"[{{prefix="/api/echo", url="{}", max_body_bytes=200000000}}]"#,
        up.base
    );
    let (service, client) = signed_in_binary(&upstreams, &[]).await;
    // Warm up: one small request through the proxy, then measure.
    let r = client
        .get(service.url("/api/echo/warm"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let before = peak_rss_kib(service.pid());
    const CHUNK: usize = 64 * 1024;
    const TOTAL: usize = 100 * 1024 * 1024;
    let chunks = futures_util::stream::iter(
        (0..TOTAL / CHUNK).map(|i| Ok::<_, std::io::Error>(vec![(i % 251) as u8; CHUNK])),
    );
    let r = client
        .post(service.url("/api/echo/upload"))
        .header("x-csrf", "1")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: serde_json::Value = r.json().await.unwrap();
    assert_eq!(got["body_len"], TOTAL);
    let after = peak_rss_kib(service.pid());
    let grown_mib = (after.saturating_sub(before)) as f64 / 1024.0;
    assert!(
        grown_mib < 8.0,
        "the service's peak RSS grew by {grown_mib:.1} MiB for a 100 MiB upload ({before} -> {after} KiB)"
    );
}
