//! Shared fixtures: configuration sources, a JWKS server, and a running
//! service on 127.0.0.1:0 with a cookie-keeping HTTP client.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::routing::get;
use base64::Engine as _;
use cognito_bff::App;
use cognito_bff::config::{Settings, Sources, load};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The repository's `config/` directory.
pub fn config_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
}

/// Configuration sources: the shipped files plus exactly these variables.
pub fn sources(env: &[(&str, &str)]) -> Sources {
    Sources {
        config_dir: config_dir(),
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// A valid production cookie key (base64 of 64 bytes).
pub fn cookie_key() -> String {
    base64::engine::general_purpose::STANDARD.encode([7u8; 64])
}

/// A production environment whose Cognito endpoint refuses connections,
/// for tests that must fail before (or at) the Cognito call.
pub async fn offline_app(extra: &[(&str, &str)]) -> TestApp {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    TestApp::spawn(settings_from(env)).await
}

/// A complete production environment; `jwks_url` is where keys are fetched.
pub fn production_env(jwks_url: &str) -> Vec<(String, String)> {
    [
        ("BFF_PROFILE", "production"),
        ("BFF_LISTEN", "127.0.0.1:0"),
        ("BFF_COGNITO_REGION", "eu-west-1"),
        ("BFF_COGNITO_USER_POOL_ID", "eu-west-1_TestPool1"),
        ("BFF_COGNITO_CLIENT_ID", "testclient123"),
        ("BFF_COGNITO_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("BFF_JWKS_URL", jwks_url),
        ("BFF_COOKIE_KEY", &cookie_key()),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// Loads settings from the shipped files and `env`.
pub fn settings_from(env: Vec<(String, String)>) -> Settings {
    load(&Sources {
        config_dir: config_dir(),
        env,
    })
    .expect("valid test configuration")
}

/// A JWKS endpoint on 127.0.0.1:0 serving one freshly generated RSA key.
pub struct JwksServer {
    pub url: String,
    pub fetches: Arc<AtomicU64>,
    _task: JoinHandle<()>,
}

impl JwksServer {
    pub async fn start() -> Self {
        use aws_lc_rs::rsa::{KeyPair, KeySize};
        use aws_lc_rs::signature::KeyPair as _;
        let key = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let public = key.public_key();
        let jwks = serde_json::json!({"keys": [{
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": "test-key-1",
            "n": b64.encode(public.modulus().big_endian_without_leading_zero()),
            "e": b64.encode(public.exponent().big_endian_without_leading_zero()),
        }]});
        let fetches = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&fetches);
        let app = Router::new().route(
            "/jwks.json",
            get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                let body = jwks.clone();
                async move { axum::Json(body) }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            url: format!("http://{addr}/jwks.json"),
            fetches,
            _task: task,
        }
    }
}

/// A running service and a client that keeps cookies.
pub struct TestApp {
    pub addr: SocketAddr,
    /// The embedded local Cognito's endpoint, in local mode.
    pub local_cognito: Option<String>,
    pub base: String,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    pub task: Option<JoinHandle<Result<(), cognito_bff::startup::StartupError>>>,
}

impl TestApp {
    /// Builds and runs the service with `settings` (listen on port 0).
    pub async fn spawn(settings: Settings) -> Self {
        let app = App::build(settings).await.expect("app builds");
        let addr = app.addr();
        let local_cognito = app.local_cognito().map(|lc| lc.endpoint_url());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = rx.await;
        }));
        Self {
            addr,
            local_cognito,
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// A POST with `X-CSRF: 1` and a JSON body, as the SPA sends it.
    pub fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(path))
            .header("x-csrf", "1")
            .json(&body)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Polls `/readyz` until it answers 200 (or panics after ~5 s).
    pub async fn wait_ready(&self) {
        for _ in 0..100 {
            let r = self.client.get(self.url("/readyz")).send().await.unwrap();
            if r.status() == 200 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("service never became ready");
    }

    /// Triggers graceful shutdown and waits for the server to stop.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// Asserts a problem+json response and returns its body.
pub async fn assert_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}
