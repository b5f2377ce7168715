//! The state every handler shares: one `Arc`, so the clone axum makes for
//! every handler call and middleware is a single reference-count increment.

use std::sync::Arc;

use crate::auth::{AuthError, SingleFlight, TokenSet};
use crate::cognito::CognitoClient;
use crate::config::Settings;
use crate::cookies::Cookies;
use crate::jwks::KeyStore;
use crate::limits::RateLimits;
use crate::metrics::Metrics;
use crate::verify::TokenVerifier;

/// Concurrent refreshes of one refresh token share one Cognito call.
pub type RefreshFlight = SingleFlight<[u8; 32], Result<TokenSet, AuthError>>;

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
    pub cognito: CognitoClient,
    pub keys: Arc<KeyStore>,
    /// Verifies `/api` access tokens against `keys`.
    pub verifier: Arc<TokenVerifier>,
    pub cookies: Arc<Cookies>,
    pub refresh_flight: Arc<RefreshFlight>,
    /// The issuer label of TOTP `otpauth://` URIs.
    pub totp_issuer: Arc<str>,
    /// Prometheus metrics (served when `BFF_METRICS_LISTEN` is set).
    pub metrics: Arc<Metrics>,
    /// Per-address and per-username limits on the routes that reach Cognito.
    pub limits: Arc<RateLimits>,
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
    ) -> Self {
        let limits = Arc::new(RateLimits::new(&settings.rate_limits, Arc::clone(&metrics)));
        let cookies = Arc::new(Cookies::new(&settings));
        let totp_issuer: Arc<str> = settings
            .public_url
            .as_ref()
            .and_then(|u| u.host_str())
            .unwrap_or("cognito-bff")
            .into();
        Self(Arc::new(Shared {
            settings: Arc::new(settings),
            cognito,
            keys,
            verifier,
            cookies,
            // Results linger briefly for requests already on their way.
            refresh_flight: Arc::new(SingleFlight::new(std::time::Duration::from_secs(2))),
            totp_issuer,
            metrics,
            limits,
        }))
    }
}
