//! The validated, typed settings the rest of the service reads.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Which way the service runs; see docs/CONTRACT.md, "Modes".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Starts the embedded local Cognito; not for production.
    Local,
    /// Real Cognito; every required setting must be present.
    Production,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Production => "production",
        }
    }
}

/// Where the tenant id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgIdSource {
    /// A claim of the access token (pre-token-generation V2).
    AccessToken,
    /// A claim of the verified id token, bound to the session cookie.
    IdToken,
}

impl OrgIdSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "access_token",
            Self::IdToken => "id_token",
        }
    }
}

/// How the service reaches Cognito.
#[derive(Debug, Clone)]
pub struct CognitoSettings {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// When set, every call that takes one carries SECRET_HASH.
    pub client_secret: Option<SecretString>,
    /// An emulator's endpoint; `None` means AWS.
    pub endpoint_url: Option<Url>,
    pub connect_timeout: Duration,
    /// Budget for one operation, retries included.
    pub operation_timeout: Duration,
    pub max_attempts: u32,
}

/// How access tokens are verified.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// Accepted `iss` values (the configured one, or both Cognito forms).
    pub issuers: Vec<String>,
    pub jwks_url: Url,
    /// How often the key set is refetched once loaded (the last good set is
    /// kept when a refetch fails).
    pub jwks_refresh_interval: Duration,
    pub org_id_claim: String,
    pub org_id_source: OrgIdSource,
    pub clock_leeway: Duration,
}

/// The cookie encryption keys: the current one encrypts, every one decrypts.
#[derive(Clone)]
pub struct CookieKeys {
    /// 64 bytes or more; the current key.
    pub current: Vec<u8>,
    /// Still accepted for decryption during a rotation.
    pub previous: Vec<Vec<u8>>,
    /// True when the key was generated for this process (local mode).
    pub generated: bool,
}

impl fmt::Debug for CookieKeys {
    // Security: keys never reach a log line or `check-config`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieKeys")
            .field("current", &"[REDACTED]")
            .field(
                "previous",
                &format_args!("[{} REDACTED]", self.previous.len()),
            )
            .field("generated", &self.generated)
            .finish()
    }
}

/// Everything the service needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Profile,
    pub listen: SocketAddr,
    pub cognito: CognitoSettings,
    pub tokens: TokenSettings,
    pub cookie_keys: CookieKeys,
    pub cookie_secure: bool,
    pub refresh_cookie_max_age: Duration,
    /// Exact origins (`scheme://host[:port]`) allowed cross-origin.
    pub allowed_origins: Vec<String>,
    pub public_url: Option<Url>,
    pub signup_attributes: Vec<String>,
    pub refresh_rotation: bool,
    pub request_timeout: Duration,
    pub shutdown_grace: Duration,
    /// JSON log lines (production) or human-readable ones (local).
    pub json_logs: bool,
    /// Static files served at `/` (GET and HEAD, any profile); without it
    /// local mode serves the demo page built into the binary.
    pub static_dir: Option<PathBuf>,
    pub rate_limits: RateLimitSettings,
    /// Where `GET /metrics` is served; `None`: not served.
    pub metrics_listen: Option<SocketAddr>,
    /// Remote APIs served under `/api` (`BFF_UPSTREAMS`); prefixes never
    /// overlap each other or the service's own routes.
    pub upstreams: Vec<Upstream>,
    pub local_cognito: LocalCognitoSettings,
}

/// A remote API behind the authenticated reverse proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The path prefix under `/api`, e.g. `/api/orders` (no trailing `/`).
    pub prefix: String,
    /// Where requests go: scheme, host, port, and a base path the forwarded
    /// path is appended to.
    pub url: Url,
    /// Forward `/api/orders/x` as `<base>/x` (default) rather than
    /// `<base>/api/orders/x`.
    pub strip_prefix: bool,
    /// Send `Authorization: Bearer <the verified access token>` (default).
    pub forward_token: bool,
    /// Refuse callers without a tenant (403 `missing_org`) before the
    /// upstream (default). Security: an upstream that scopes by `X-Org-Id`
    /// then never sees a request without one, which it might mistake for
    /// "every tenant"; turn it off for APIs that serve users without one.
    pub require_tenant: bool,
    /// From the request's arrival to the upstream's response headers
    /// (upload included); the response body then streams without a deadline.
    pub timeout: Duration,
    /// The largest request body forwarded (413 beyond).
    pub max_body_bytes: u64,
}

/// One token bucket: `per_minute` tokens a minute, at most `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// The limits on the routes that reach Cognito with a username or a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Per client address; `None`: off.
    pub per_ip: Option<RateLimit>,
    /// Per username (case-insensitive); `None`: off.
    pub per_username: Option<RateLimit>,
    /// Peers whose `X-Forwarded-For` is believed (load balancers, proxies).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Whether `ip` is one of `proxies` (`BFF_TRUSTED_PROXIES`): the one check,
/// for the client address of the rate limits and the forwarding headers of
/// the remote APIs alike.
pub fn is_trusted_proxy(proxies: &[ipnet::IpNet], ip: std::net::IpAddr) -> bool {
    proxies.iter().any(|net| net.contains(&ip))
}

/// Settings of the embedded local Cognito (local mode and `local-cognito`).
///
/// Not `local_cognito::Options` itself, on purpose: configuration depends on
/// nothing of the service and the local Cognito shares nothing with it, so
/// the two meet in exactly one place, `startup::local_cognito_options`, which
/// also reads the seed into the local Cognito's own types.
#[derive(Debug, Clone)]
pub struct LocalCognitoSettings {
    pub listen: SocketAddr,
    pub code_ttl: Duration,
    pub data_dir: Option<PathBuf>,
    /// The `[local_cognito]` table of `config/local.toml`, as written: pools,
    /// clients and users to create. The local Cognito reads it
    /// (`startup::local_cognito_options`); configuration does not know its shape.
    pub seed: Option<serde_json::Value>,
}
