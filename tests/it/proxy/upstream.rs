//! An upstream the tests start: it answers what it received (method, path,
//! query, headers, body size and text), streams events on demand, sleeps,
//! breaks mid-body, sets cookies, and echoes WebSocket messages. Every
//! request is counted, so a test can show one never arrived.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use futures_util::StreamExt as _;
use serde_json::json;
use tokio::sync::{Notify, mpsc};

/// What the upstream shares with the test.
#[derive(Default)]
pub struct Upstream {
    pub calls: AtomicUsize,
    /// `/events` sends its second event once this is notified.
    pub release: Notify,
    /// Signalled when a streamed response body is dropped (the caller went away).
    pub dropped: Notify,
}

/// A running upstream.
pub struct Running {
    pub base: String,
    pub state: Arc<Upstream>,
}

impl Running {
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }
}

/// Starts the HTTP upstream on 127.0.0.1:0.
pub async fn start() -> Running {
    let state = Arc::new(Upstream::default());
    let app = router(Arc::clone(&state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Running { base, state }
}

/// The upstream's routes, to serve over any transport.
pub fn router(state: Arc<Upstream>) -> Router {
    Router::new()
        .route("/events", any(events))
        .route("/slow", any(slow))
        .route("/broken", any(broken))
        .route("/cookies", any(cookies))
        .route("/{*path}", any(echo))
        .route("/", any(echo))
        .with_state(state)
}

fn headers_json(headers: &HeaderMap) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for name in headers.keys() {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        out.insert(name.as_str().to_owned(), json!(values.join(", ")));
    }
    serde_json::Value::Object(out)
}

/// Reads the body as a stream, counting bytes; keeps the text of small ones.
async fn echo(State(up): State<Arc<Upstream>>, req: Request) -> Response {
    up.calls.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut size = 0usize;
    let mut text = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        size += chunk.len();
        if text.len() < 65_536 {
            text.extend_from_slice(&chunk);
        }
    }
    axum::Json(json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "version": format!("{:?}", parts.version),
        "headers": headers_json(&parts.headers),
        "body_len": size,
        "body": String::from_utf8_lossy(&text),
    }))
    .into_response()
}

/// A body stream that tells the upstream when it is dropped.
struct Watched {
    rx: mpsc::Receiver<Result<Bytes, Infallible>>,
    up: Arc<Upstream>,
}

impl futures_util::Stream for Watched {
    type Item = Result<Bytes, Infallible>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.up.dropped.notify_one();
    }
}

/// Server-Sent Events: one event now, the next when the test releases it.
async fn events(State(up): State<Arc<Upstream>>) -> Response {
    up.calls.fetch_add(1, Ordering::SeqCst);
    let (tx, rx) = mpsc::channel(4);
    let waiter = Arc::clone(&up);
    tokio::spawn(async move {
        let _ = tx.send(Ok(Bytes::from_static(b"data: first\n\n"))).await;
        waiter.release.notified().await;
        let _ = tx.send(Ok(Bytes::from_static(b"data: second\n\n"))).await;
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(Body::from_stream(Watched { rx, up }))
        .unwrap()
}

async fn slow(State(up): State<Arc<Upstream>>) -> &'static str {
    up.calls.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(10)).await;
    "late"
}

/// Starts a body and then fails it: the connection is cut mid-body.
async fn broken(State(up): State<Arc<Upstream>>) -> Response {
    up.calls.fetch_add(1, Ordering::SeqCst);
    // The first part goes out (with the headers) before the failure.
    let stream = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok(Bytes::from_static(b"partial ")), 1)),
            1 => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((Err(std::io::Error::other("upstream broke")), 2))
            }
            _ => None,
        }
    });
    Response::builder()
        .header("content-length", "1000")
        .body(Body::from_stream(stream))
        .unwrap()
}

async fn cookies(State(up): State<Arc<Upstream>>) -> Response {
    up.calls.fetch_add(1, Ordering::SeqCst);
    Response::builder()
        .header("set-cookie", "access_token=stolen; Path=/api")
        .header("set-cookie", "__Secure-refresh_token=x; Path=/auth")
        .header("set-cookie", "cart=3; Path=/api/echo")
        .header("connection", "x-upstream-hop")
        .header("x-upstream-hop", "1")
        .header("x-kept", "yes")
        .body(Body::from("ok"))
        .unwrap()
}

/// A WebSocket echo server on 127.0.0.1:0 (every text or binary message
/// comes back); its `http://` base URL.
pub async fn start_websocket() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                while let Some(Ok(msg)) = ws.next().await {
                    if msg.is_text() || msg.is_binary() {
                        use futures_util::SinkExt as _;
                        if ws.send(msg).await.is_err() {
                            break;
                        }
                    }
                }
            });
        }
    });
    base
}
