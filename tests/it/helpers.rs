//! Shared fixtures: configuration sources, a JWKS server, and a running
//! service on 127.0.0.1:0 with a cookie-keeping HTTP client.

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
    /// The embedded local Cognito's endpoint, in local mode.
    pub local_cognito: Option<String>,
    pub base: String,
    /// `http://<metrics listener>`, when `BFF_METRICS_LISTEN` is set.
    pub metrics_base: Option<String>,
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
        let metrics_base = app.metrics_addr().map(|a| format!("http://{a}"));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until_stopped(async move {
            let _ = rx.await;
        }));
        Self {
            local_cognito,
            base: format!("http://{addr}"),
            metrics_base,
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

    /// `GET path` with the client's cookies.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// `GET path` with the client's cookies: 200 expected, the JSON body.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
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

/// The local profile with both listeners on port 0, plus `extra` variables.
pub async fn local_app(extra: &[(&str, &str)]) -> TestApp {
    let mut env: Vec<(String, String)> = [
        ("BFF_LISTEN", "127.0.0.1:0"),
        ("BFF_LOCAL_COGNITO_LISTEN", "127.0.0.1:0"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    TestApp::spawn(settings_from(env)).await
}

/// The shipped seed (`config/local.toml`).
pub fn shipped_seed() -> cognito_bff::local_cognito::Seed {
    cognito_bff::startup::local_cognito_options(&settings_from(Vec::new()))
        .expect("config/local.toml has a seed")
        .seed
}

/// A local Cognito of its own on 127.0.0.1:0, seeded like `cargo run`'s.
pub async fn standalone_cognito() -> cognito_bff::local_cognito::LocalCognito {
    cognito_bff::local_cognito::LocalCognito::start(cognito_bff::local_cognito::Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: None,
        seed: shipped_seed(),
        code_ttl: std::time::Duration::from_secs(3600),
        allow_remote: false,
    })
    .await
    .expect("local cognito starts")
}

/// The seeded pool and client.
pub const POOL: &str = "us-east-1_localdemo";
pub const CLIENT_ID: &str = "1oc41demo0c1ient0000000000";
pub const DEMO_USER: &str = "demo";
pub const DEMO_PASSWORD: &str = "Demo-Passw0rd!";

/// The production profile pointed at a local Cognito (endpoint, issuer, JWKS).
pub fn production_env_for(
    lc: &cognito_bff::local_cognito::LocalCognito,
    client_id: &str,
) -> Vec<(String, String)> {
    let issuer = lc.issuer(POOL);
    let mut env = production_env(&format!("{issuer}/.well-known/jwks.json"));
    env.retain(|(k, _)| !k.starts_with("BFF_COGNITO_"));
    env.extend(
        [
            ("BFF_COGNITO_REGION", "us-east-1".to_owned()),
            ("BFF_COGNITO_USER_POOL_ID", POOL.to_owned()),
            ("BFF_COGNITO_CLIENT_ID", client_id.to_owned()),
            ("BFF_COGNITO_ENDPOINT_URL", lc.endpoint_url()),
            ("BFF_ISSUER", issuer),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    env
}

/// An SDK client for admin calls against a local Cognito.
pub fn admin(endpoint: &str) -> aws_sdk_cognitoidentityprovider::Client {
    use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(config)
}

/// The codes the local Cognito "sent" to `username`, newest first.
pub async fn inbox(endpoint: &str, username: &str) -> Vec<serde_json::Value> {
    reqwest::get(format!("{endpoint}/_local/inbox?username={username}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The newest code sent to `username`.
pub async fn latest_code(endpoint: &str, username: &str) -> String {
    inbox(endpoint, username).await[0]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// How many times the local Cognito served `operation`.
pub async fn calls(endpoint: &str, operation: &str) -> u64 {
    let counts: serde_json::Value = reqwest::get(format!("{endpoint}/_local/calls"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    counts[operation].as_u64().unwrap_or(0)
}

/// The raw `Set-Cookie` headers of a response, parsed.
pub fn set_cookies(response: &reqwest::Response) -> Vec<cookie::Cookie<'static>> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| cookie::Cookie::parse(v.to_str().unwrap().to_owned()).unwrap())
        .collect()
}

/// The one cookie named `name` among `cookies`.
pub fn find<'a>(cookies: &'a [cookie::Cookie<'static>], name: &str) -> &'a cookie::Cookie<'static> {
    let mut matching = cookies.iter().filter(|c| c.name() == name);
    let c = matching
        .next()
        .unwrap_or_else(|| panic!("no cookie {name} in {cookies:?}"));
    assert!(matching.next().is_none(), "two cookies named {name}");
    c
}

/// A TOTP code for `secret` (base32) at `offset` steps from now.
pub fn totp_code(secret: &str, offset: i64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build_noncompliant();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate((now as i64 + offset * 30) as u64).to_string()
}

/// Creates `username` in the seeded pool with a temporary password
/// (`Temp-Passw0rd!`, so the first sign-in meets NEW_PASSWORD_REQUIRED) and,
/// when given, a `custom:org_id`.
pub async fn create_user(endpoint: &str, username: &str, org: Option<&str>) {
    use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
    let mut req = admin(endpoint)
        .admin_create_user()
        .user_pool_id(POOL)
        .username(username)
        .temporary_password("Temp-Passw0rd!")
        .message_action(MessageActionType::Suppress);
    if let Some(org) = org {
        req = req.user_attributes(
            AttributeType::builder()
                .name("custom:org_id")
                .value(org)
                .build()
                .unwrap(),
        );
    }
    req.send().await.unwrap();
}

/// As [`create_user`], then sets `password` as the permanent password.
pub async fn create_confirmed_user(
    endpoint: &str,
    username: &str,
    password: &str,
    org: Option<&str>,
) {
    create_user(endpoint, username, org).await;
    admin(endpoint)
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(username)
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

/// Signs `username` in through the service (200 expected); the cookies set.
pub async fn sign_in_as(
    app: &TestApp,
    username: &str,
    password: &str,
) -> Vec<cookie::Cookie<'static>> {
    let r = app
        .post_json(
            "/auth/signin",
            serde_json::json!({"username": username, "password": password}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    set_cookies(&r)
}

/// `name=value; ...` of `cookies`, as a browser sends them.
pub fn cookie_header(cookies: &[&cookie::Cookie<'static>]) -> String {
    cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A new app client of the seeded pool with refresh-token rotation (grace
/// 0) and USER_PASSWORD_AUTH; its id.
pub async fn rotating_client(endpoint: &str) -> String {
    use aws_sdk_cognitoidentityprovider::types::{
        ExplicitAuthFlowsType, FeatureType, RefreshTokenRotationType,
    };
    admin(endpoint)
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("rotating")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap()
}
