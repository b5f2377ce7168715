//! Turns the merged raw layers into [`Settings`], collecting every problem
//! instead of stopping at the first, so an operator fixes them in one go.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use secrecy::SecretString;
use url::Url;

use super::ConfigError;
use super::problems::Problems;
use super::raw::RawSettings;
use super::settings::{
    CognitoSettings, CookieKeys, LocalCognitoSettings, OrgIdSource, Profile, RateLimit,
    RateLimitSettings, Settings, TokenSettings,
};

/// The shortest cookie key accepted: 64 bytes, as the `cookie` crate's key
/// derivation (AES-256-GCM encryption half + signing half) requires.
pub(crate) const MIN_COOKIE_KEY_BYTES: usize = 64;
/// The largest clock leeway the contract allows.
const MAX_LEEWAY_SECS: u64 = 300;
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_LOCAL_COGNITO_LISTEN: &str = "127.0.0.1:9229";
const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9100";

pub(super) fn validate(raw: RawSettings, profile: Profile) -> Result<Settings, ConfigError> {
    let mut p = Problems::default();
    let production = profile == Profile::Production;
    let local_cognito = local(&mut p, &raw, profile);
    let listen = listen(&mut p, &raw, production, local_cognito.listen);
    let cognito = cognito(&mut p, &raw, production, local_cognito.seed.as_ref());
    let tokens = tokens(&mut p, &raw, production, &cognito);
    let (cookie_keys, cookie_secure, refresh_cookie_max_age) = cookies(&mut p, &raw, production);
    let web = web(&mut p, &raw, production);
    let signup_attributes = signup_attributes(&mut p, &raw, &tokens.org_id_claim);
    let rate_limits = rate_limits(&mut p, &raw);
    let upstreams = super::upstreams::upstreams(&mut p, raw.upstreams.as_ref());
    let metrics_listen = non_empty(raw.metrics_listen.clone()).map(|addr| {
        socket_addr(
            &mut p,
            "METRICS_LISTEN",
            Some(&addr),
            DEFAULT_METRICS_LISTEN,
        )
    });

    if !p.is_empty() {
        return Err(ConfigError {
            problems: p.into_lines(),
        });
    }
    // Every `None` below was reported as a problem above.
    let (Some(cognito), Some(tokens)) = (cognito.finish(), tokens.finish()) else {
        return Err(ConfigError::single("incomplete Cognito settings"));
    };
    Ok(Settings {
        profile,
        listen,
        cognito,
        tokens,
        cookie_keys,
        cookie_secure,
        refresh_cookie_max_age,
        allowed_origins: web.allowed_origins,
        public_url: web.public_url,
        signup_attributes,
        refresh_rotation: web.refresh_rotation,
        request_timeout: web.request_timeout,
        shutdown_grace: web.shutdown_grace,
        json_logs: web.json_logs,
        static_dir: web.static_dir,
        rate_limits,
        metrics_listen,
        upstreams,
        local_cognito,
    })
}

/// `BFF_LISTEN`. Local mode (a seeded demo user, a generated cookie key)
/// serves this machine only: a host whose pool id went missing must not
/// serve it to the network.
fn listen(p: &mut Problems, raw: &RawSettings, production: bool, local: SocketAddr) -> SocketAddr {
    let listen = socket_addr(p, "LISTEN", raw.listen.as_deref(), DEFAULT_LISTEN);
    if !production {
        for (var, addr) in [("LISTEN", listen), ("LOCAL_COGNITO_LISTEN", local)] {
            if !addr.ip().is_loopback() {
                p.push(
                    var,
                    format_args!(
                        "`{addr}` is not a loopback address; local mode (the embedded local Cognito and its demo user) listens on 127.0.0.1 or [::1] only. To serve the network, configure a user pool and set BFF_PROFILE=production"
                    ),
                );
            }
        }
    }
    listen
}

/// The embedded local Cognito: listener, code lifetime, data dir and the
/// `[local_cognito]` seed table.
fn local(p: &mut Problems, raw: &RawSettings, profile: Profile) -> LocalCognitoSettings {
    LocalCognitoSettings {
        listen: socket_addr(
            p,
            "LOCAL_COGNITO_LISTEN",
            raw.local_cognito_listen.as_deref(),
            DEFAULT_LOCAL_COGNITO_LISTEN,
        ),
        code_ttl: Duration::from_secs(number(
            p,
            "LOCAL_COGNITO_CODE_TTL_SECS",
            raw.local_cognito_code_ttl_secs.clone(),
            3600,
        )),
        data_dir: non_empty(raw.local_cognito_data_dir.clone()).map(PathBuf::from),
        seed: local_seed(p, raw, profile),
    }
}

/// The Cognito settings found, some possibly missing (each reported).
struct CognitoParts {
    region: Option<String>,
    pool_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    endpoint_url: Option<Url>,
    connect_timeout: Duration,
    operation_timeout: Duration,
    max_attempts: u32,
}

impl CognitoParts {
    fn finish(self) -> Option<CognitoSettings> {
        Some(CognitoSettings {
            region: self.region?,
            user_pool_id: self.pool_id?,
            client_id: self.client_id?,
            client_secret: self.client_secret,
            endpoint_url: self.endpoint_url,
            connect_timeout: self.connect_timeout,
            operation_timeout: self.operation_timeout,
            max_attempts: self.max_attempts,
        })
    }
}

/// Region, pool, app client (in local mode named by the seed's first pool
/// and client unless set), secret, endpoint and timeouts.
fn cognito(
    p: &mut Problems,
    raw: &RawSettings,
    production: bool,
    seed: Option<&serde_json::Value>,
) -> CognitoParts {
    // Security: a pool id that is set but blank (an empty variable from a
    // deployment template) must not fall back to local mode and its demo
    // user; it is a mistake to report.
    if raw
        .cognito_user_pool_id
        .as_deref()
        .is_some_and(|v| v.trim().is_empty())
    {
        p.push(
            "COGNITO_USER_POOL_ID",
            "is set but blank; set the pool id, or unset the variable for local mode",
        );
    }
    // The seed's first pool and client name what local mode talks to. (The
    // seed is the local Cognito's to read in full: `local_cognito::Seed`.)
    let from_seed = |pointer: &str| {
        seed.filter(|_| !production)
            .and_then(|s| s.pointer(pointer))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let pool_id = non_empty(raw.cognito_user_pool_id.clone()).or_else(|| from_seed("/pools/0/id"));
    let client_id =
        non_empty(raw.cognito_client_id.clone()).or_else(|| from_seed("/pools/0/clients/0/id"));
    let region = non_empty(raw.cognito_region.clone()).or_else(|| {
        (!production)
            .then(|| pool_id.as_deref().and_then(region_of_pool))
            .flatten()
    });
    let client_secret = non_empty(raw.cognito_client_secret.clone())
        .or_else(|| from_seed("/pools/0/clients/0/secret"))
        .map(SecretString::from);

    let region = require(p, "COGNITO_REGION", region, |r| {
        is_region(r)
            .then_some(())
            .ok_or("is not an AWS region name like `eu-west-1`")
    });
    let pool_id = require(
        p,
        "COGNITO_USER_POOL_ID",
        pool_id,
        |id| match region_of_pool(id) {
            None => Err("is not a user pool id like `eu-west-1_AbCdEf123`"),
            Some(_) => Ok(()),
        },
    );
    if let (Some(region), Some(pool_id)) = (&region, &pool_id)
        && region_of_pool(pool_id).as_deref() != Some(region.as_str())
    {
        p.push(
            "COGNITO_USER_POOL_ID",
            format_args!("belongs to another region than BFF_COGNITO_REGION=`{region}`"),
        );
    }
    let client_id = require(p, "COGNITO_CLIENT_ID", client_id, |id| {
        let ok = (1..=128).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '_');
        ok.then_some(())
            .ok_or("is not an app client id (letters and digits)")
    });
    let endpoint_url = non_empty(raw.cognito_endpoint_url.clone())
        .and_then(|u| http_url(p, "COGNITO_ENDPOINT_URL", &u));
    if production {
        plain_http_refused(p, "COGNITO_ENDPOINT_URL", endpoint_url.as_ref());
    }
    let max_attempts = number(
        p,
        "COGNITO_MAX_ATTEMPTS",
        raw.cognito_max_attempts.clone(),
        3,
    );
    if !(1..=10).contains(&max_attempts) {
        p.push("COGNITO_MAX_ATTEMPTS", "must be between 1 and 10");
    }
    CognitoParts {
        region,
        pool_id,
        client_id,
        client_secret,
        endpoint_url,
        connect_timeout: millis(
            p,
            "COGNITO_CONNECT_TIMEOUT_MS",
            raw.cognito_connect_timeout_ms.clone(),
            2_000,
        ),
        operation_timeout: millis(
            p,
            "COGNITO_TIMEOUT_MS",
            raw.cognito_timeout_ms.clone(),
            5_000,
        ),
        max_attempts,
    }
}

/// The token settings found, the issuer and key URL possibly missing.
struct TokenParts {
    issuers: Option<Vec<String>>,
    jwks_url: Option<Url>,
    jwks_refresh_interval: Duration,
    org_id_claim: String,
    org_id_source: OrgIdSource,
    clock_leeway: Duration,
}

impl TokenParts {
    fn finish(self) -> Option<TokenSettings> {
        Some(TokenSettings {
            issuers: self.issuers?,
            jwks_url: self.jwks_url?,
            jwks_refresh_interval: self.jwks_refresh_interval,
            org_id_claim: self.org_id_claim,
            org_id_source: self.org_id_source,
            clock_leeway: self.clock_leeway,
        })
    }
}

/// Issuer (the configured one, or both forms Cognito uses for the pool),
/// keys, tenant claim and source, clock leeway.
fn tokens(
    p: &mut Problems,
    raw: &RawSettings,
    production: bool,
    cognito: &CognitoParts,
) -> TokenParts {
    let issuers = match non_empty(raw.issuer.clone()) {
        Some(iss) => {
            http_url(p, "ISSUER", &iss).map(|_| vec![iss.trim_end_matches('/').to_owned()])
        }
        None => match (&cognito.region, &cognito.pool_id) {
            (Some(r), Some(id)) => Some(vec![
                format!("https://cognito-idp.{r}.amazonaws.com/{id}"),
                format!("https://issuer-cognito-idp.{r}.amazonaws.com/{id}"),
            ]),
            _ => None,
        },
    };
    let jwks_url = match non_empty(raw.jwks_url.clone()) {
        Some(u) => http_url(p, "JWKS_URL", &u)
            .filter(|url| !production || plain_http_refused(p, "JWKS_URL", Some(url))),
        None => issuers
            .as_ref()
            .and_then(|i| i.first())
            .and_then(|iss| Url::parse(&format!("{iss}/.well-known/jwks.json")).ok()),
    };
    let jwks_refresh_secs = number(
        p,
        "JWKS_REFRESH_INTERVAL_SECS",
        raw.jwks_refresh_interval_secs.clone(),
        3600,
    );
    if !(1..=86_400).contains(&jwks_refresh_secs) {
        p.push("JWKS_REFRESH_INTERVAL_SECS", "must be between 1 and 86400");
    }
    let org_id_source = match raw.org_id_source.as_deref().map(str::trim) {
        None | Some("") | Some("access_token") => OrgIdSource::AccessToken,
        Some("id_token") => OrgIdSource::IdToken,
        Some(other) => {
            p.push(
                "ORG_ID_SOURCE",
                format_args!("`{other}` is neither `access_token` nor `id_token`"),
            );
            OrgIdSource::AccessToken
        }
    };
    let leeway = number(p, "CLOCK_LEEWAY_SECS", raw.clock_leeway_secs.clone(), 30);
    if leeway > MAX_LEEWAY_SECS {
        p.push(
            "CLOCK_LEEWAY_SECS",
            format_args!("{leeway} is more than the allowed {MAX_LEEWAY_SECS}"),
        );
    }
    TokenParts {
        issuers,
        jwks_url,
        jwks_refresh_interval: Duration::from_secs(jwks_refresh_secs),
        org_id_claim: non_empty(raw.org_id_claim.clone()).unwrap_or_else(|| "org_id".to_owned()),
        org_id_source,
        clock_leeway: Duration::from_secs(leeway),
    }
}

/// Cookie keys, `Secure`, and the refresh cookie's lifetime.
fn cookies(p: &mut Problems, raw: &RawSettings, production: bool) -> (CookieKeys, bool, Duration) {
    let keys = cookie_keys(
        p,
        raw.cookie_key.clone(),
        raw.cookie_keys_previous.clone(),
        production,
    );
    let secure = boolean(p, "COOKIE_SECURE", raw.cookie_secure.clone(), true);
    if production && !secure {
        p.push(
            "COOKIE_SECURE",
            "is `false`; production sends cookies only with `Secure` (browsers treat http://localhost as secure, so local tests need no exception)",
        );
    }
    let refresh_days = number(
        p,
        "REFRESH_COOKIE_MAX_AGE_DAYS",
        raw.refresh_cookie_max_age_days.clone(),
        30,
    );
    if !(1..=3650).contains(&refresh_days) {
        p.push("REFRESH_COOKIE_MAX_AGE_DAYS", "must be between 1 and 3650");
    }
    (keys, secure, Duration::from_secs(refresh_days * 86_400))
}

/// What the web side needs: origins, public URL, timeouts, logs, static files.
struct Web {
    allowed_origins: Vec<String>,
    public_url: Option<Url>,
    refresh_rotation: bool,
    request_timeout: Duration,
    shutdown_grace: Duration,
    json_logs: bool,
    static_dir: Option<PathBuf>,
}

fn web(p: &mut Problems, raw: &RawSettings, production: bool) -> Web {
    let allowed_origins = raw
        .allowed_origins
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| origin(p, &o, production))
        .collect();
    let public_url = non_empty(raw.public_url.clone()).and_then(|u| http_url(p, "PUBLIC_URL", &u));
    let json_logs = match raw.log_format.as_deref() {
        None => production,
        Some("json") => true,
        Some("pretty" | "text") => false,
        Some(other) => {
            p.push(
                "LOG_FORMAT",
                format_args!("`{other}` is neither `json` nor `pretty`"),
            );
            production
        }
    };
    let static_dir = non_empty(raw.static_dir.clone()).map(PathBuf::from);
    if let Some(dir) = &static_dir
        && !dir.is_dir()
    {
        p.push(
            "STATIC_DIR",
            format_args!("`{}` is not a directory", dir.display()),
        );
    }
    Web {
        allowed_origins,
        public_url,
        refresh_rotation: boolean(p, "REFRESH_ROTATION", raw.refresh_rotation.clone(), false),
        request_timeout: millis(
            p,
            "REQUEST_TIMEOUT_MS",
            raw.request_timeout_ms.clone(),
            15_000,
        ),
        shutdown_grace: Duration::from_secs(number(
            p,
            "SHUTDOWN_GRACE_SECS",
            raw.shutdown_grace_secs.clone(),
            20,
        )),
        json_logs,
        static_dir,
    }
}

/// `BFF_SIGNUP_ATTRIBUTES`: attribute names, never the tenant attribute.
fn signup_attributes(p: &mut Problems, raw: &RawSettings, org_id_claim: &str) -> Vec<String> {
    let attributes = raw
        .signup_attributes
        .clone()
        .unwrap_or_else(|| vec!["email".into(), "name".into(), "phone_number".into()]);
    for attr in &attributes {
        if !attr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_:-".contains(c))
        {
            p.push(
                "SIGNUP_ATTRIBUTES",
                format_args!("`{attr}` is not an attribute name"),
            );
        } else if super::is_tenant_attribute(attr, org_id_claim) {
            // Security: a tenant is never chosen by its user.
            p.push(
                "SIGNUP_ATTRIBUTES",
                format_args!(
                    "`{attr}` is the tenant attribute (BFF_ORG_ID_CLAIM); users may never set it"
                ),
            );
        }
    }
    attributes
}

/// The per-address and per-username limits and the trusted proxies.
fn rate_limits(p: &mut Problems, raw: &RawSettings) -> RateLimitSettings {
    RateLimitSettings {
        per_ip: rate_limit(
            p,
            "RATE_LIMIT_PER_IP",
            raw.rate_limit_per_ip_per_min.clone(),
            raw.rate_limit_per_ip_burst.clone(),
            60,
        ),
        per_username: rate_limit(
            p,
            "RATE_LIMIT_PER_USERNAME",
            raw.rate_limit_per_username_per_min.clone(),
            raw.rate_limit_per_username_burst.clone(),
            10,
        ),
        trusted_proxies: raw
            .trusted_proxies
            .clone()
            .unwrap_or_default()
            .iter()
            .filter_map(|c| cidr(p, c))
            .collect(),
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn require(
    p: &mut Problems,
    var: &str,
    value: Option<String>,
    check: impl FnOnce(&str) -> Result<(), &'static str>,
) -> Option<String> {
    match value {
        None => {
            p.push(var, "is required");
            None
        }
        Some(v) => match check(&v) {
            Ok(()) => Some(v),
            Err(why) => {
                p.push(var, format_args!("`{v}` {why}"));
                None
            }
        },
    }
}

fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `eu-west-1_AbC123` -> `eu-west-1`.
pub(crate) fn region_of_pool(pool_id: &str) -> Option<String> {
    let (region, suffix) = pool_id.split_once('_')?;
    (is_region(region) && !suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| region.to_owned())
}

fn socket_addr(p: &mut Problems, var: &str, value: Option<&str>, default: &str) -> SocketAddr {
    let text = value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(default);
    text.parse().unwrap_or_else(|_| {
        p.push(
            var,
            format_args!("`{text}` is not an address:port like `{default}`"),
        );
        SocketAddr::from(([127, 0, 0, 1], 0))
    })
}

fn http_url(p: &mut Problems, var: &str, value: &str) -> Option<Url> {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
        Ok(_) => {
            p.push(var, format_args!("`{value}` is not an http(s) URL"));
            None
        }
        Err(e) => {
            p.push(var, format_args!("`{value}` is not a valid URL ({e})"));
            None
        }
    }
}

fn number<T: std::str::FromStr + Copy>(
    p: &mut Problems,
    var: &str,
    value: Option<String>,
    default: T,
) -> T {
    match non_empty(value) {
        None => default,
        Some(text) => text.parse().unwrap_or_else(|_| {
            p.push(var, format_args!("`{text}` is not a whole number"));
            default
        }),
    }
}

/// The most a limit may be set to (per minute or burst).
const MAX_RATE: u32 = 1_000_000;

/// `<var>_PER_MIN` (0 turns the limit off) and `<var>_BURST` (the bucket's
/// size; by default the per-minute number).
fn rate_limit(
    p: &mut Problems,
    var: &str,
    per_min: Option<String>,
    burst: Option<String>,
    default: u32,
) -> Option<RateLimit> {
    let per_min_var = format!("{var}_PER_MIN");
    let burst_var = format!("{var}_BURST");
    let per_minute: u32 = number(p, &per_min_var, per_min, default);
    if per_minute > MAX_RATE {
        p.push(&per_min_var, format_args!("must be at most {MAX_RATE}"));
    }
    let burst: u32 = number(p, &burst_var, burst, per_minute);
    if per_minute > 0 && !(1..=MAX_RATE).contains(&burst) {
        p.push(&burst_var, format_args!("must be between 1 and {MAX_RATE}"));
    }
    (per_minute > 0).then_some(RateLimit { per_minute, burst })
}

/// A trusted proxy: a CIDR (`10.0.0.0/8`) or a single address.
fn cidr(p: &mut Problems, value: &str) -> Option<ipnet::IpNet> {
    value
        .parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| {
            value
                .parse::<std::net::IpAddr>()
                .ok()
                .map(ipnet::IpNet::from)
        })
        .map(|net| net.trunc())
        .or_else(|| {
            p.push(
                "TRUSTED_PROXIES",
                format_args!("`{value}` is not a CIDR like `10.0.0.0/8` or an IP address"),
            );
            None
        })
}

fn boolean(p: &mut Problems, var: &str, value: Option<String>, default: bool) -> bool {
    match non_empty(value).as_deref() {
        None => default,
        Some("true") => true,
        Some("false") => false,
        Some(other) => {
            p.push(var, format_args!("`{other}` is neither `true` nor `false`"));
            default
        }
    }
}

fn millis(p: &mut Problems, var: &str, value: Option<String>, default: u64) -> Duration {
    let ms = number(p, var, value, default);
    if ms == 0 {
        p.push(var, "must be more than 0");
    }
    Duration::from_millis(ms)
}

/// True when `url` is https or on a loopback host; otherwise reports it
/// (production): tokens, keys and credentials never cross a network in clear.
fn plain_http_refused(p: &mut Problems, var: &str, url: Option<&Url>) -> bool {
    let Some(url) = url else { return true };
    if url.scheme() == "https" || is_loopback_host(url) {
        return true;
    }
    p.push(
        var,
        format_args!(
            "`{url}` is plain http; production requires https (plain http only on a loopback host)"
        ),
    );
    false
}

/// `localhost`, `127.x.y.z` or `[::1]`.
fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An allowed origin must be exactly `scheme://host[:port]`: browsers send
/// it that way, and comparing anything looser would let look-alikes in.
/// Production takes https origins only (and plain http on a loopback host).
fn origin(p: &mut Problems, value: &str, production: bool) -> Option<String> {
    if value == "*" {
        p.push(
            "ALLOWED_ORIGINS",
            "`*` cannot be used with credentials; list the origins",
        );
        return None;
    }
    let url = http_url(p, "ALLOWED_ORIGINS", value)?;
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        p.push(
            "ALLOWED_ORIGINS",
            format_args!("`{value}` is not an origin (scheme://host[:port], no path)"),
        );
        return None;
    }
    if production && !plain_http_refused(p, "ALLOWED_ORIGINS", Some(&url)) {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// A fresh random cookie key of [`MIN_COOKIE_KEY_BYTES`] (local mode, when
/// none is configured).
pub fn generate_key() -> Vec<u8> {
    let mut key = vec![0u8; MIN_COOKIE_KEY_BYTES];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut key);
    key
}

fn decode_key(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    [&STANDARD, &URL_SAFE, &URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .or_else(|| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(text)
                .ok()
        })
}

fn cookie_keys(
    p: &mut Problems,
    current: Option<String>,
    previous: Option<Vec<String>>,
    production: bool,
) -> CookieKeys {
    let mut check = |var: &str, text: &str| -> Option<Vec<u8>> {
        match decode_key(text) {
            None => {
                p.push(var, "is not valid base64");
                None
            }
            Some(bytes) if bytes.len() < MIN_COOKIE_KEY_BYTES => {
                p.push(
                    var,
                    format_args!(
                        "decodes to {} bytes; at least {MIN_COOKIE_KEY_BYTES} are required",
                        bytes.len()
                    ),
                );
                None
            }
            Some(bytes) => Some(bytes),
        }
    };
    let previous = previous
        .unwrap_or_default()
        .iter()
        .filter_map(|k| check("COOKIE_KEYS_PREVIOUS", k))
        .collect();
    match non_empty(current) {
        Some(text) => CookieKeys {
            current: check("COOKIE_KEY", &text).unwrap_or_default(),
            previous,
            generated: false,
        },
        None if production => {
            p.push("COOKIE_KEY", "is required in production (base64, at least 64 bytes; e.g. `openssl rand -base64 64`)");
            CookieKeys {
                current: Vec::new(),
                previous,
                generated: false,
            }
        }
        // Local mode: a fresh key per start; sessions end with the process.
        None => CookieKeys {
            current: generate_key(),
            previous,
            generated: true,
        },
    }
}

/// The `[local_cognito]` table as written (local profile only), as JSON.
fn local_seed(p: &mut Problems, raw: &RawSettings, profile: Profile) -> Option<serde_json::Value> {
    let value = raw.local_cognito.clone()?;
    if profile == Profile::Production {
        return None;
    }
    match value.deserialize::<serde_json::Value>() {
        Ok(seed) => Some(seed),
        Err(e) => {
            p.push("LOCAL_COGNITO (the [local_cognito] table)", e);
            None
        }
    }
}
