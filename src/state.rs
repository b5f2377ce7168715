//! The state every handler shares: one `Arc`, so the clone axum makes for
//! every handler call and middleware is a single reference-count increment.

use std::sync::Arc;

use crate::auth::{SessionPolicy, Sessions};
use crate::cognito::CognitoClient;
use crate::config::Settings;
use crate::cookies::Cookies;
use crate::jwks::KeyStore;
use crate::limits::RateLimits;
use crate::metrics::Metrics;
use crate::proxy::Proxy;
use crate::verify::TokenVerifier;

/// Shared application state; its parts are read through `Deref` (`state.settings`).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Debug)]
pub struct Shared {
    pub settings: Arc<Settings>,
    /// Signing in, sessions and accounts, over Cognito.
    pub sessions: Sessions<CognitoClient>,
    pub keys: Arc<KeyStore>,
    /// Verifies `/api` access tokens against `keys`.
    pub verifier: Arc<TokenVerifier>,
    pub cookies: Arc<Cookies>,
    /// The issuer label of TOTP `otpauth://` URIs.
    pub totp_issuer: Arc<str>,
    /// Prometheus metrics (served when `BFF_METRICS_LISTEN` is set).
    pub metrics: Arc<Metrics>,
    /// Per-address and per-username limits on the routes that reach Cognito.
    pub limits: Arc<RateLimits>,
    /// The remote APIs (`BFF_UPSTREAMS`) and the client that reaches them.
    pub proxy: Arc<Proxy>,
}

impl AppState {
    /// Wires the state from settings and the adapters built at startup
    /// (which record into `metrics`).
    pub fn new(
        settings: Settings,
        cognito: CognitoClient,
        keys: Arc<KeyStore>,
        verifier: Arc<TokenVerifier>,
        metrics: Arc<Metrics>,
        proxy: Arc<Proxy>,
    ) -> Self {
        let limits = Arc::new(RateLimits::new(&settings.rate_limits, Arc::clone(&metrics)));
        let sessions = Sessions::new(
            cognito,
            SessionPolicy {
                rotation: settings.refresh_rotation,
                refresh_lifetime: settings.refresh_cookie_max_age,
                writable_attributes: settings.signup_attributes.clone(),
            },
            // Shared with the guard: a sign-out refuses the session's tokens.
            Arc::clone(verifier.revocations()),
        );
        let cookies = Arc::new(Cookies::new(&settings));
        let totp_issuer: Arc<str> = settings
            .public_url
            .as_ref()
            .and_then(|u| u.host_str())
            .unwrap_or("cognito-bff")
            .into();
        Self(Arc::new(Shared {
            settings: Arc::new(settings),
            sessions,
            keys,
            verifier,
            cookies,
            totp_issuer,
            metrics,
            limits,
            proxy,
        }))
    }
}
