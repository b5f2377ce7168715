//! Fixtures for the guard tests: RSA test keys, a JWKS server whose key set
//! can be swapped (or made to fail) and that counts its fetches, a token
//! minter, and a spawner for the service on 127.0.0.1:0 in production mode
//! (no local Cognito).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::signature::KeyPair as _;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_bff::AppState;
use cognito_bff::config::{Sources, load};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value, json};

pub const REGION: &str = "eu-west-1";
pub const POOL: &str = "eu-west-1_GuardTest1";
pub const CLIENT_ID: &str = "guardtestclient0000000001";
pub const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_GuardTest1";
pub const OTHER_ISSUER: &str =
    "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_GuardTest1";
/// The access cookie's name in production (`BFF_COOKIE_SECURE` defaults to true).
pub const ACCESS_COOKIE: &str = "__Secure-access_token";

/// An RSA key pair as a Cognito pool would have one.
pub struct TestKey {
    pub kid: String,
    pub encoding: EncodingKey,
    /// The public JWK, as served in the key set.
    pub jwk: Value,
    /// The public key, DER (PKCS#1 RSAPublicKey): what an attacker would
    /// use as an HMAC secret in an algorithm-confusion attack.
    pub public_der: Vec<u8>,
}

impl TestKey {
    pub fn generate(kid: &str) -> Self {
        let pair =
            aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("RSA key");
        let pkcs8: Pkcs8V1Der<'static> = pair.as_der().expect("PKCS#8");
        // jsonwebtoken takes PKCS#1 DER or PEM; PKCS#8 goes in as PEM.
        let b64 = STANDARD.encode(pkcs8.as_ref());
        let body: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
            .collect();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            body.join("\n")
        );
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key");
        let public = pair.public_key();
        let n = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let e = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        Self {
            kid: kid.to_owned(),
            encoding,
            jwk: json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": n, "e": e}),
            public_der: public.as_ref().to_vec(),
        }
    }
}

/// The pool's current key, and the one it rotates to (generated once per run).
pub static KEY_A: LazyLock<TestKey> = LazyLock::new(|| TestKey::generate("kid-a"));
pub static KEY_B: LazyLock<TestKey> = LazyLock::new(|| TestKey::generate("kid-b"));
/// A key the pool never published, with the same kid as `KEY_A`.
pub static FORGER: LazyLock<TestKey> = LazyLock::new(|| TestKey::generate("kid-a"));

/// A JWKS endpoint on 127.0.0.1:0.
pub struct JwksServer {
    pub url: String,
    shared: Arc<JwksShared>,
    task: tokio::task::JoinHandle<()>,
}

struct JwksShared {
    /// `None`: answer 503.
    body: RwLock<Option<Value>>,
    /// When set, these bytes are served instead (garbage, oversized).
    raw: RwLock<Option<Vec<u8>>>,
    fetches: AtomicUsize,
}

impl JwksServer {
    /// Serves `keys`.
    pub async fn start(keys: &[&TestKey]) -> Self {
        let server = Self::failing().await;
        server.serve(keys);
        server
    }

    /// Answers 503 until [`JwksServer::serve`] is called.
    pub async fn failing() -> Self {
        let shared = Arc::new(JwksShared {
            body: RwLock::new(None),
            raw: RwLock::new(None),
            fetches: AtomicUsize::new(0),
        });
        let state = Arc::clone(&shared);
        let router = Router::new().route(
            "/jwks.json",
            axum::routing::get(move || {
                let state = Arc::clone(&state);
                async move {
                    state.fetches.fetch_add(1, Ordering::SeqCst);
                    let raw = state.raw.read().expect("lock").clone();
                    if let Some(raw) = raw {
                        return ([("content-type", "application/json")], raw).into_response();
                    }
                    let body = state.body.read().expect("lock").clone();
                    match body {
                        Some(body) => axum::Json(body).into_response(),
                        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind JWKS");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            url: format!("http://{addr}/jwks.json"),
            shared,
            task,
        }
    }

    /// Replaces the key set.
    pub fn serve(&self, keys: &[&TestKey]) {
        let set = json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
        *self.shared.raw.write().expect("lock") = None;
        *self.shared.body.write().expect("lock") = Some(set);
    }

    /// Serves exactly `bytes` (as JSON) until [`JwksServer::serve`] or
    /// [`JwksServer::fail`].
    #[allow(dead_code)]
    pub fn serve_raw(&self, bytes: Vec<u8>) {
        *self.shared.raw.write().expect("lock") = Some(bytes);
    }

    /// Answers 503 from now on.
    #[allow(dead_code)]
    pub fn fail(&self) {
        *self.shared.raw.write().expect("lock") = None;
        *self.shared.body.write().expect("lock") = None;
    }

    /// How many times the key set was requested.
    pub fn fetches(&self) -> usize {
        self.shared.fetches.load(Ordering::SeqCst)
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// An access token as Cognito issues it (with a pre-token-generation
/// `org_id` claim), to be tweaked and signed.
#[derive(Clone)]
pub struct Mint {
    pub header: Header,
    pub claims: Map<String, Value>,
}

impl Mint {
    pub fn access() -> Self {
        let now = now();
        let claims = json!({
            "sub": "5f1e0a2c-0000-4000-8000-00000000000a",
            "iss": ISSUER,
            "client_id": CLIENT_ID,
            "origin_jti": "origin-jti-1",
            "event_id": "event-1",
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin openid",
            "auth_time": now,
            "iat": now,
            "exp": now + 3600,
            "jti": "jti-1",
            "username": "alice",
            "cognito:groups": ["admins", "editors"],
            "org_id": "org-a",
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_A.kid.clone());
        Self {
            header,
            claims: claims.as_object().cloned().unwrap_or_default(),
        }
    }

    pub fn set(mut self, claim: &str, value: impl Into<Value>) -> Self {
        self.claims.insert(claim.to_owned(), value.into());
        self
    }

    pub fn without(mut self, claim: &str) -> Self {
        self.claims.remove(claim);
        self
    }

    pub fn kid(mut self, kid: Option<&str>) -> Self {
        self.header.kid = kid.map(str::to_owned);
        self
    }

    /// Signed with `key` (its kid goes in the header unless changed with `kid`).
    pub fn sign(&self, key: &TestKey) -> String {
        jsonwebtoken::encode(&self.header, &self.claims, &key.encoding).expect("sign")
    }

    /// Signed with HMAC-SHA256 keyed with `secret`, header `alg: HS256`.
    pub fn sign_hs256(&self, secret: &[u8]) -> String {
        let mut header = self.header.clone();
        header.alg = Algorithm::HS256;
        jsonwebtoken::encode(&header, &self.claims, &EncodingKey::from_secret(secret))
            .expect("sign")
    }

    /// `alg: none`, empty signature (jsonwebtoken cannot produce it).
    pub fn unsigned(&self) -> String {
        let header = json!({"alg": "none", "typ": "JWT", "kid": self.header.kid});
        let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("json"));
        let c = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self.claims).expect("json"));
        format!("{h}.{c}.")
    }
}

/// Environment of a production-profile service verifying tokens from `jwks`.
pub fn env(jwks: &JwksServer) -> Vec<(String, String)> {
    let key = STANDARD.encode(cognito_bff::config::generate_key());
    [
        ("BFF_PROFILE", "production"),
        ("BFF_COGNITO_REGION", REGION),
        ("BFF_COGNITO_USER_POOL_ID", POOL),
        ("BFF_COGNITO_CLIENT_ID", CLIENT_ID),
        // Nothing here calls Cognito; a closed port, should anything try.
        ("BFF_COGNITO_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("BFF_COOKIE_KEY", key.as_str()),
        ("BFF_ISSUER", ISSUER),
        ("BFF_JWKS_URL", jwks.url.as_str()),
        ("BFF_LISTEN", "127.0.0.1:0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Sets (or with `None` removes) one variable.
pub fn with(
    mut env: Vec<(String, String)>,
    name: &str,
    value: Option<&str>,
) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != name);
    if let Some(v) = value {
        env.push((name.to_owned(), v.to_owned()));
    }
    env
}

/// The service, running until dropped.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// A service with the default test environment, ready (keys loaded).
    pub async fn spawn(jwks: &JwksServer) -> Self {
        Self::spawn_with(env(jwks), Router::new(), true).await
    }

    /// A service with `env` and extra `/api` routes; waits until `/readyz`
    /// says ready when `ready`.
    pub async fn spawn_with(
        env: Vec<(String, String)>,
        api_routes: Router<AppState>,
        ready: bool,
    ) -> Self {
        let sources = Sources {
            config_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/config").into(),
            env,
        };
        let settings = load(&sources).expect("settings");
        let app = cognito_bff::App::build_with_api(settings, api_routes)
            .await
            .expect("build");
        let addr: SocketAddr = app.addr();
        let state = app.state().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let test_app = Self {
            base: format!("http://{addr}"),
            http: reqwest::Client::builder().build().expect("client"),
            state,
            stop: Some(stop),
        };
        if ready {
            test_app.wait_ready().await;
        }
        test_app
    }

    pub async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self.http.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the service did not become ready");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` with `Authorization: Bearer token`.
    pub async fn get_bearer(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .expect("request")
    }

    /// `GET path` with the access cookie set to `token`.
    pub async fn get_cookie(&self, path: &str, token: &str) -> reqwest::Response {
        self.get_with_cookie_header(path, &format!("{ACCESS_COOKIE}={token}"))
            .await
    }

    /// `GET path` with this exact `Cookie` header.
    pub async fn get_with_cookie_header(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request")
    }
}

/// Asserts an RFC 9457 problem with `status` and `code`, and that the body
/// does not echo `secret` (the token sent); returns the response headers.
pub async fn assert_problem(
    response: reqwest::Response,
    status: u16,
    code: &str,
    secret: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(response.status().as_u16(), status, "status");
    let headers = response.headers().clone();
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "content type"
    );
    let text = response.text().await.expect("body");
    if !secret.is_empty() {
        assert!(!text.contains(secret), "the body echoes the token");
    }
    let body: Value = serde_json::from_str(&text).expect("problem JSON");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    for field in ["type", "title", "detail"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
    headers
}

/// The `WWW-Authenticate` header of a 401.
pub fn www_authenticate(headers: &reqwest::header::HeaderMap) -> &str {
    headers
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
