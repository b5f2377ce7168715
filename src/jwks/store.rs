//! The cached key set and the tasks that keep it fresh.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use jsonwebtoken::DecodingKey;
use tokio::task::JoinHandle;

use super::fetch::Fetcher;
use crate::metrics::Metrics;

/// The keys by `kid`.
pub type Keys = HashMap<String, DecodingKey>;

/// Timing of the key store.
#[derive(Debug, Clone, Copy)]
pub struct KeyStoreOptions {
    /// How often the set is refetched once loaded.
    pub refresh_interval: Duration,
    /// An unknown `kid` triggers at most one refetch per this window.
    pub refetch_cooldown: Duration,
    /// First wait after a failed initial load; doubles up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for KeyStoreOptions {
    fn default() -> Self {
        Self {
            refresh_interval: Duration::from_secs(3600),
            refetch_cooldown: Duration::from_secs(10),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// What an unknown-`kid` refetch found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefetchOutcome {
    /// The key is now known.
    Found,
    /// A fresh set does not have it either, or the fetch failed.
    NotFound,
    /// A refetch happened too recently; the set was not fetched again.
    CoolingDown,
}

/// The signing keys, shared by every request.
pub struct KeyStore {
    keys: ArcSwap<Keys>,
    /// Bumped after every store of a new set, so that what was verified
    /// against an older set (the verifier's cache) can tell it is stale.
    generation: AtomicU64,
    ready: AtomicBool,
    /// `None` for a fixed in-memory set ([`KeyStore::with_keys`]).
    fetcher: Option<Fetcher>,
    options: KeyStoreOptions,
    /// Serialises unknown-`kid` refetches and remembers the last one. Only
    /// this rare path waits on it; verification never does.
    last_refetch: tokio::sync::Mutex<Option<Instant>>,
    fetches: AtomicU64,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("url", &self.fetcher.as_ref().map(|f| f.url().as_str()))
            .field("kids", &self.keys.load().keys().collect::<Vec<_>>())
            .field("ready", &self.is_ready())
            .finish()
    }
}

impl KeyStore {
    /// An empty store; call [`KeyStore::spawn_refresher`] to load it.
    pub fn new(fetcher: Fetcher, options: KeyStoreOptions) -> Arc<Self> {
        Self::with_metrics(fetcher, options, Arc::new(Metrics::new()))
    }

    /// As [`KeyStore::new`], counting fetches by outcome in `metrics`.
    pub fn with_metrics(
        fetcher: Fetcher,
        options: KeyStoreOptions,
        metrics: Arc<Metrics>,
    ) -> Arc<Self> {
        Arc::new(Self {
            keys: ArcSwap::from_pointee(Keys::new()),
            generation: AtomicU64::new(0),
            ready: AtomicBool::new(false),
            fetcher: Some(fetcher),
            options,
            last_refetch: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
            metrics,
        })
    }

    /// A ready store holding a fixed, in-memory key set that is never
    /// fetched or refreshed: an unknown `kid` stays unknown
    /// ([`RefetchOutcome::NotFound`]). For benchmarks, embedding and tests
    /// that verify tokens without a JWKS endpoint; keys can come from
    /// [`crate::jwks::parse`].
    pub fn with_keys(keys: Keys) -> Arc<Self> {
        Arc::new(Self {
            keys: ArcSwap::from_pointee(keys),
            generation: AtomicU64::new(0),
            ready: AtomicBool::new(true),
            fetcher: None,
            options: KeyStoreOptions::default(),
            last_refetch: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
            metrics: Arc::new(Metrics::new()),
        })
    }

    /// True once a key set has been loaded.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The current key set (a reference count, no copy).
    pub fn snapshot(&self) -> Arc<Keys> {
        self.keys.load_full()
    }

    /// Changes whenever a new key set is stored. Read it *before*
    /// [`KeyStore::snapshot`]: a result derived from that snapshot is then
    /// never labelled with a newer generation than the keys it used.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// How many fetches were made (for metrics and tests).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    async fn fetch_and_store(&self) -> bool {
        let Some(fetcher) = &self.fetcher else {
            return false;
        };
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let result = fetcher.fetch().await;
        self.metrics.jwks_fetch(result.is_ok());
        match result {
            Ok(keys) => {
                tracing::debug!(kids = keys.len(), "signing keys loaded");
                self.keys.store(Arc::new(keys));
                // After the store: see `generation`.
                self.generation.fetch_add(1, Ordering::AcqRel);
                self.ready.store(true, Ordering::Release);
                true
            }
            Err(e) => {
                // Keep the last good set: a failing JWKS endpoint must not
                // sign everyone out.
                tracing::warn!(error = %e, url = %fetcher.url(), "fetching signing keys failed");
                false
            }
        }
    }

    /// Loads the keys now (retrying with backoff until it works), then keeps
    /// refreshing them in the background.
    pub fn spawn_refresher(self: &Arc<Self>) -> JoinHandle<()> {
        let store = Arc::clone(self);
        tokio::spawn(async move {
            if store.fetcher.is_none() {
                // A fixed set (`with_keys`): nothing to load or refresh.
                return;
            }
            let mut backoff = store.options.initial_backoff;
            while !store.fetch_and_store().await {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(store.options.max_backoff);
            }
            let mut interval = tokio::time::interval(store.options.refresh_interval);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval.tick().await;
            loop {
                interval.tick().await;
                store.fetch_and_store().await;
            }
        })
    }

    /// A token named `kid` that the set lacks: refetch once (shared by all
    /// concurrent callers), unless a refetch happened within the cool-down.
    pub async fn refetch_for(&self, kid: &str) -> RefetchOutcome {
        let mut last = self.last_refetch.lock().await;
        // Someone else's refetch, which we waited for, may have brought it.
        if self.keys.load().contains_key(kid) {
            return RefetchOutcome::Found;
        }
        if last.is_some_and(|t| t.elapsed() < self.options.refetch_cooldown) {
            return RefetchOutcome::CoolingDown;
        }
        *last = Some(Instant::now());
        self.fetch_and_store().await;
        if self.keys.load().contains_key(kid) {
            RefetchOutcome::Found
        } else {
            RefetchOutcome::NotFound
        }
    }
}
