//! Fixtures for the fault tests: a Cognito stub on 127.0.0.1:0 that answers
//! every call with the fault it is set to (speaking just enough of the JSON
//! 1.1 protocol), and the service binary run as a child process with its log
//! in a file, so a test can grep it afterwards.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// What the stub answers.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Sleeps this long, then answers 500.
    Slow(Duration),
    /// This status and body; `error_type` goes in `x-amzn-ErrorType`.
    Answer {
        status: u16,
        body: &'static str,
        error_type: Option<&'static str>,
    },
}

impl Fault {
    /// Cognito's error framing for `name` with `status`.
    pub fn cognito_error(status: u16, name: &'static str) -> Self {
        let body: &'static str = Box::leak(
            serde_json::json!({"__type": name, "message": "stubbed failure"})
                .to_string()
                .into_boxed_str(),
        );
        Self::Answer {
            status,
            body,
            error_type: Some(name),
        }
    }

    pub fn raw(status: u16, body: &'static str) -> Self {
        Self::Answer {
            status,
            body,
            error_type: None,
        }
    }
}

struct StubState {
    fault: Mutex<Fault>,
    calls: AtomicUsize,
    /// Every X-Amz-Target seen, to check which operations were called.
    targets: Mutex<Vec<String>>,
}

/// A Cognito endpoint that fails as told.
pub struct CognitoStub {
    pub url: String,
    state: Arc<StubState>,
    task: tokio::task::JoinHandle<()>,
}

impl CognitoStub {
    pub async fn start(fault: Fault) -> Self {
        let state = Arc::new(StubState {
            fault: Mutex::new(fault),
            calls: AtomicUsize::new(0),
            targets: Mutex::new(Vec::new()),
        });
        let router = Router::new()
            .route("/", axum::routing::post(answer))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url: format!("http://{addr}"),
            state,
            task,
        }
    }

    pub fn set(&self, fault: Fault) {
        *self.state.fault.lock().unwrap() = fault;
    }

    /// Calls received so far (every SDK attempt counts).
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }

    pub fn targets(&self) -> Vec<String> {
        self.state.targets.lock().unwrap().clone()
    }
}

impl Drop for CognitoStub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(state): State<Arc<StubState>>, headers: HeaderMap, _body: Bytes) -> Response {
    state.calls.fetch_add(1, Ordering::SeqCst);
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    state.targets.lock().unwrap().push(target);
    let fault = state.fault.lock().unwrap().clone();
    match fault {
        Fault::Slow(d) => {
            tokio::time::sleep(d).await;
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Fault::Answer {
            status,
            body,
            error_type,
        } => {
            let mut r = (StatusCode::from_u16(status).unwrap(), body).into_response();
            r.headers_mut().insert(
                "content-type",
                "application/x-amz-json-1.1".parse().unwrap(),
            );
            if let Some(t) = error_type {
                r.headers_mut()
                    .insert("x-amzn-errortype", t.parse().unwrap());
            }
            r
        }
    }
}

/// A port that was free a moment ago (and refuses connections now).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The service binary, running with its log in a file.
pub struct Service {
    pub base: String,
    pub http: reqwest::Client,
    child: Child,
    log: tempfile::NamedTempFile,
}

impl Service {
    /// Starts the binary with exactly `env` (plus the config dir, a port and
    /// `RUST_LOG`), and waits until `/healthz` answers.
    pub async fn spawn(env: Vec<(String, String)>, rust_log: &str) -> Self {
        let log = tempfile::NamedTempFile::new().unwrap();
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cognito-bff"));
        cmd.env_clear()
            .env("BFF_CONFIG_DIR", crate::helpers::config_dir())
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::null())
            // A file, never a pipe that nobody drains.
            .stderr(log.reopen().unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("BFF_LISTEN", format!("127.0.0.1:{port}"));
        let child = cmd.spawn().unwrap();
        let service = Self {
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            child,
            log,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if service.healthz().await == Some(200) {
                return service;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the service did not start: {}", service.log());
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The process id (to read its memory from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub async fn healthz(&self) -> Option<u16> {
        self.http
            .get(self.url("/healthz"))
            .send()
            .await
            .ok()
            .map(|r| r.status().as_u16())
    }

    /// Asserts the process is alive and serving.
    pub async fn assert_serving(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "the process exited: {}",
            self.log()
        );
        assert_eq!(self.healthz().await, Some(200), "{}", self.log());
    }

    /// Everything the service logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap()
    }

    /// Asserts that none of `secrets` is in the log, and nothing panicked.
    pub fn assert_log_clean(&self, secrets: &[&str]) {
        let log = self.log();
        for secret in secrets {
            assert!(!log.contains(secret), "the log contains {secret:?}:\n{log}");
        }
        assert!(!log.contains("panicked"), "a panic was logged:\n{log}");
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
