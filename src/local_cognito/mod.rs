//! The embedded local Cognito: a strict, Cognito-compatible server (AWS JSON
//! 1.1 over HTTP) built into the binary, so the service can run and be tested
//! with no AWS account. The service reaches it only through the real
//! `aws-sdk-cognitoidentityprovider` client, pointed at [`LocalCognito::endpoint_url`].
//!
//! It shares nothing with the rest of the crate; this file is its public API.
//!
//! Besides the Cognito API (`POST /`), the listener serves
//! `GET /<pool_id>/.well-known/jwks.json` and `.../openid-configuration`,
//! `GET /_local/inbox?username=<u>` (messages "sent", newest first) and
//! `GET /_local/calls` (calls per operation since start).
//!
//! Signing keys: with a data dir they are generated once and kept in it;
//! without one, every instance of the process shares one generated pair
//! (RSA generation is slow in debug builds). Tokens of one instance are
//! still refused by another, whose issuer (port) differs.

mod codes;
mod error;
mod flows;
mod ids;
mod ops;
mod password;
mod persist;
mod protocol;
mod routes;
mod seed;
mod shared;
mod state;
mod tokens;
mod totp;

pub use protocol::{ParsedRequest, ProtocolError, parse_request};
pub use seed::{Seed, SeedClient, SeedPool, SeedUser};

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use shared::Shared;
use state::{Limits, State};

/// How to run it.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Keep state and signing keys in this directory across restarts.
    pub data_dir: Option<PathBuf>,
    /// Pools, clients and users to create (idempotently) at start.
    pub seed: Seed,
    /// Lifetime of confirmation and password-reset codes.
    pub code_ttl: Duration,
    /// Listen on a non-loopback address and answer any `Host`. Off by
    /// default: the server holds users and signs tokens, so it serves only
    /// this machine, and checks `Host` against DNS rebinding (a web page
    /// whose name resolves to 127.0.0.1 reaching it from the browser).
    pub allow_remote: bool,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("local cognito: cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("local cognito: cannot use data dir {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("local cognito: corrupt state file {path}: {reason}")]
    CorruptState { path: PathBuf, reason: String },
    #[error("local cognito: invalid seed: {0}")]
    InvalidSeed(String),
    #[error("local cognito: cannot create signing keys: {0}")]
    Keys(String),
    #[error(
        "local cognito: {0} is not a loopback address; the local Cognito serves this machine only (`local-cognito --allow-remote` to serve a network on purpose)"
    )]
    NotLoopback(SocketAddr),
}

/// A running server. Dropping it without [`LocalCognito::shutdown`] aborts
/// the server task (state already written after each operation is kept).
#[derive(Debug)]
pub struct LocalCognito {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// `http://host:port` for an address (unspecified IPs become loopback).
fn base_url(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            format!("http://{}:{}", Ipv4Addr::LOCALHOST, addr.port())
        }
        IpAddr::V4(ip) => format!("http://{ip}:{}", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("http://[{}]:{}", Ipv6Addr::LOCALHOST, addr.port())
        }
        IpAddr::V6(ip) => format!("http://[{ip}]:{}", addr.port()),
    }
}

/// Writes the current state to the data dir, if there is one.
pub(crate) async fn persist_now(shared: &Arc<Shared>) {
    let Some(persister) = &shared.persister else {
        return;
    };
    let snapshot = {
        let mut st = shared.state();
        st.prune(state::now_ms());
        st.generation += 1;
        persist::Persister::snapshot(&shared.keys, &st).map(|bytes| (st.generation, bytes))
    };
    let (generation, bytes) = match snapshot {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "local cognito: cannot serialize state");
            return;
        }
    };
    let _ = persister;
    let shared = Arc::clone(shared);
    let written = tokio::task::spawn_blocking(move || {
        shared
            .persister
            .as_ref()
            .map(|p| p.write(generation, &bytes))
            .unwrap_or(Ok(()))
    })
    .await;
    match written {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "local cognito: cannot write state"),
        Err(e) => tracing::error!(error = %e, "local cognito: state writer failed"),
    }
}

impl LocalCognito {
    /// Binds (port 0 is fine), loads the data dir, seeds idempotently and
    /// spawns the server.
    pub async fn start(options: Options) -> Result<LocalCognito, StartError> {
        if !options.allow_remote && !options.listen.ip().is_loopback() {
            return Err(StartError::NotLoopback(options.listen));
        }
        options.seed.validate().map_err(StartError::InvalidSeed)?;
        let (persister, loaded) = match &options.data_dir {
            None => (None, None),
            Some(dir) => {
                let dir = dir.clone();
                let opened = tokio::task::spawn_blocking(move || persist::Persister::open(&dir))
                    .await
                    .map_err(|e| StartError::Keys(e.to_string()))?;
                match opened {
                    Ok((p, loaded)) => (Some(p), loaded),
                    Err(persist::LoadError::Io { path, source }) => {
                        return Err(StartError::DataDir { path, source });
                    }
                    Err(persist::LoadError::Corrupt { path, reason }) => {
                        return Err(StartError::CorruptState { path, reason });
                    }
                }
            }
        };
        let (keys, mut st) = match loaded {
            Some(l) => (l.keys, l.state),
            None => {
                let generate = if options.data_dir.is_some() {
                    tokens::Keys::generate
                } else {
                    tokens::Keys::process_shared
                };
                let keys = tokio::task::spawn_blocking(generate)
                    .await
                    .map_err(|e| StartError::Keys(e.to_string()))?
                    .map_err(|e| StartError::Keys(e.to_string()))?;
                (keys, State::default())
            }
        };
        options.seed.apply(&mut st, state::now_ms());

        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: options.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: options.listen,
            source,
        })?;
        let limits = Limits {
            code_ttl: options.code_ttl,
            ..Limits::default()
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(st),
            limits: Mutex::new(limits),
            keys,
            base_url: base_url(addr),
            calls: Mutex::new(Default::default()),
            persister,
        });
        persist_now(&shared).await;

        let app = routes::router(Arc::clone(&shared), !options.allow_remote);
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "local cognito: server error");
            }
        });
        tracing::info!(addr = %addr, data_dir = ?options.data_dir, "local cognito: listening (not for production)");
        Ok(LocalCognito {
            addr,
            shared,
            stop: Some(stop_tx),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What to give the SDK's `endpoint_url`: `http://127.0.0.1:PORT`.
    pub fn endpoint_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The `iss` of a pool's tokens: `http://127.0.0.1:PORT/<pool_id>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        self.shared.issuer(pool_id)
    }

    /// Changes the sign-in lockout: after `threshold` consecutive wrong
    /// passwords, sign-in is refused for `window` (defaults: 5, 15 minutes).
    pub fn set_lockout_policy(&self, threshold: u32, window: Duration) {
        let mut l = self
            .shared
            .limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        l.lockout_threshold = threshold.max(1);
        l.lockout_window = window;
    }

    /// Changes how long challenge sessions live (default 3 minutes).
    pub fn set_session_ttl(&self, ttl: Duration) {
        let mut l = self
            .shared
            .limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        l.session_ttl = ttl;
    }

    /// Test knob: shifts the emulator's clock by `secs` (negative = the past)
    /// for the operations that follow, e.g. to mint tokens that are already
    /// expired. Default 0.
    pub fn set_clock_offset_secs(&self, secs: i64) {
        let mut l = self
            .shared
            .limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        l.clock_offset_ms = secs.saturating_mul(1000);
    }

    /// Stops accepting requests, lets in-flight ones finish, and flushes the
    /// state to the data dir.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        persist_now(&self.shared).await;
        tracing::info!(addr = %self.addr, "local cognito: stopped");
    }
}

impl Drop for LocalCognito {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
