//! Building and running the service: [`App::build`] binds the listener (port
//! 0 in tests), starts the embedded local Cognito in local mode, and wires the
//! state; [`App::run_until_stopped`] serves until shutdown, letting in-flight
//! requests finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use crate::cognito::CognitoClient;
use crate::config::{Profile, Settings};
use crate::jwks::{FetchError, Fetcher, KeyStore, KeyStoreOptions};
use crate::local_cognito::{self, LocalCognito};
use crate::metrics::Metrics;
use crate::proxy::Proxy;
use crate::state::AppState;
use crate::verify::TokenVerifier;

/// The largest JWKS document accepted.
const JWKS_MAX_BYTES: usize = 64 * 1024;
const JWKS_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the metrics listener may take to stop after the service has.
const METRICS_STOP_GRACE: Duration = Duration::from_secs(2);

/// Why the service could not start. Startup errors end the process; they are
/// never shown to a client.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the embedded local Cognito did not start: {0}")]
    LocalCognito(#[from] local_cognito::StartError),
    #[error(
        "the local Cognito's seed has no pool; add one to [local_cognito] in config/local.toml"
    )]
    NoSeed,
    #[error("cannot set up the JWKS client: {0}")]
    Jwks(#[from] FetchError),
    #[error("cannot set up the remote APIs: {0}")]
    Proxy(#[from] crate::proxy::BuildError),
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// A built, not yet running, service.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    router: Router,
    state: AppState,
    local_cognito: Option<LocalCognito>,
    keys_task: JoinHandle<()>,
    prune_task: JoinHandle<()>,
    /// The Prometheus listener, when `BFF_METRICS_LISTEN` is set.
    metrics_listener: Option<TcpListener>,
}

impl App {
    /// Starts what the service depends on and binds its listener.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_api(settings, Router::new()).await
    }

    /// As [`App::build`], and serves `api_routes` (paths relative to `/api`)
    /// behind the access-token guard, next to `/api/me`. Handlers take a
    /// verified [`Principal`](crate::auth::Principal); see [`crate::http::api`].
    pub async fn build_with_api(
        mut settings: Settings,
        api_routes: Router<AppState>,
    ) -> Result<Self, StartupError> {
        let local_cognito = match settings.profile {
            Profile::Local => Some(start_local_cognito(&mut settings).await?),
            Profile::Production => None,
        };
        let listener = bind(settings.listen).await?;
        let metrics_listener = match settings.metrics_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let metrics = Arc::new(Metrics::new());
        let fetcher = Fetcher::new(
            settings.tokens.jwks_url.clone(),
            JWKS_TIMEOUT,
            JWKS_MAX_BYTES,
        )?;
        let keys = KeyStore::with_metrics(
            fetcher,
            KeyStoreOptions {
                refresh_interval: settings.tokens.jwks_refresh_interval,
                ..KeyStoreOptions::default()
            },
            Arc::clone(&metrics),
        );
        let keys_task = keys.spawn_refresher();
        let cognito = CognitoClient::with_metrics(&settings.cognito, Arc::clone(&metrics));
        let verifier = Arc::new(TokenVerifier::new(&settings, Arc::clone(&keys)));
        let proxy = Arc::new(Proxy::new(
            &settings.upstreams,
            settings.rate_limits.trusted_proxies.clone(),
            Arc::clone(&metrics),
        )?);
        let state = AppState::new(settings, cognito, keys, verifier, metrics, proxy);
        let prune_task = state.limits.spawn_pruner();
        Ok(Self {
            listener,
            router: crate::http::router_with_api(state.clone(), api_routes),
            state,
            local_cognito,
            keys_task,
            prune_task,
            metrics_listener,
        })
    }

    /// The address the service listens on.
    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.settings.listen)
    }

    /// The address `GET /metrics` is served on, when `BFF_METRICS_LISTEN` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    /// The shared state (settings, clients).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The embedded local Cognito, in local mode.
    pub fn local_cognito(&self) -> Option<&LocalCognito> {
        self.local_cognito.as_ref()
    }

    /// Serves (and the metrics, when configured) until `shutdown` completes,
    /// then lets in-flight requests finish (at most the configured grace
    /// period), stops the metrics listener and the local Cognito.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let grace = self.state.settings.shutdown_grace;
        let (metrics_stop, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
        let metrics_task = self.metrics_listener.map(|listener| {
            tracing::info!(addr = ?listener.local_addr().ok(), "serving metrics at /metrics");
            tokio::spawn(crate::http::metrics::serve(
                listener,
                Arc::clone(&self.state.metrics),
                async move {
                    let _ = metrics_stopped.await;
                },
            ))
        });
        let result = serve(self.listener, self.router, shutdown, grace).await;
        let _ = metrics_stop.send(());
        if let Some(mut task) = metrics_task {
            // A scrape in flight may finish; a lingering scraper does not hold us up.
            match tokio::time::timeout(METRICS_STOP_GRACE, &mut task).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "the metrics listener failed"),
                Ok(Err(e)) => tracing::warn!(error = %e, "the metrics listener ended abnormally"),
                Ok(Ok(Ok(()))) => {}
                Err(_) => task.abort(),
            }
        }
        self.keys_task.abort();
        self.prune_task.abort();
        if let Some(lc) = self.local_cognito {
            lc.shutdown().await;
        }
        result.map_err(StartupError::Serve)
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

/// Serves `router` on `listener` until `shutdown`; then stops accepting and
/// waits up to `grace` for in-flight requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stopping_tx.send(());
    });
    let server = server.into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => result,
        () = async {
            // Only once shutdown began does the grace period count.
            let _ = stopping_rx.await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests did not finish in time");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// How the embedded local Cognito runs in local mode: the settings'
/// listen address, data dir and code lifetime, and the seed of the
/// `[local_cognito]` table read and checked. Loopback only.
pub fn local_cognito_options(settings: &Settings) -> Result<local_cognito::Options, StartupError> {
    let table = settings
        .local_cognito
        .seed
        .clone()
        .ok_or(StartupError::NoSeed)?;
    let seed: local_cognito::Seed = serde_json::from_value(table)
        .map_err(|e| local_cognito::StartError::InvalidSeed(e.to_string()))?;
    seed.validate()
        .map_err(local_cognito::StartError::InvalidSeed)?;
    Ok(local_cognito::Options {
        listen: settings.local_cognito.listen,
        data_dir: settings.local_cognito.data_dir.clone(),
        seed,
        code_ttl: settings.local_cognito.code_ttl,
        allow_remote: false,
    })
}

/// Starts the local Cognito and points the settings at it.
async fn start_local_cognito(settings: &mut Settings) -> Result<LocalCognito, StartupError> {
    let lc = LocalCognito::start(local_cognito_options(settings)?).await?;
    tracing::warn!(
        endpoint = %lc.endpoint_url(),
        "local mode: the embedded local Cognito is running; not for production"
    );
    let issuer = lc.issuer(&settings.cognito.user_pool_id);
    settings.cognito.endpoint_url = Url::parse(&lc.endpoint_url()).ok();
    settings.tokens.jwks_url = Url::parse(&format!("{issuer}/.well-known/jwks.json"))
        .unwrap_or_else(|_| settings.tokens.jwks_url.clone());
    settings.tokens.issuers = vec![issuer];
    Ok(lc)
}
