//! A bounded cache of verified access tokens, so that a token presented on
//! every request of a session is verified (RSA signature, JSON claims) once.
//!
//! Security properties, each relied on by [`super::TokenVerifier`]:
//! - Keyed by the full token: the map key is a keyed (per-process random)
//!   hash of the end of the token's signature, and a hit additionally requires a
//!   constant-time comparison of the whole token with the one stored, so a
//!   hash collision is only ever a miss, and timing does not reveal how much
//!   of a cached token a guess matched.
//! - Only successes go in; a refused token is verified in full every time.
//! - An entry is never served once `now > exp` (the leeway is left to the
//!   full verification, which then answers `token_expired`), nor after the
//!   key set changed (its generation differs: a removed or rotated key
//!   makes every token it verified go through full verification again).
//! - What depends on the request (the session binding of
//!   `BFF_ORG_ID_SOURCE=id_token`) is not cached: tenant resolution runs on
//!   every request.
//! - Bounded: `capacity` entries at most, in shards of a plain mutex that is
//!   held only for a map operation (never across an `.await`). A full shard
//!   first drops its expired entries, then an arbitrary one.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::Identity;

/// The default number of cached tokens: a token is ~1-2 KB, so at most a
/// few MB, enough for the active sessions of one instance within a token
/// lifetime.
pub const DEFAULT_CACHE_CAPACITY: usize = 4096;

const MAX_SHARDS: usize = 16;

/// What a verified token says, independent of the request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct VerifiedToken {
    /// Shared with every [`crate::auth::Principal`] built from this token.
    pub identity: Arc<Identity>,
    /// The sign-in the token belongs to (what sign-out revokes).
    pub origin_jti: Option<String>,
    /// The token's own id (what a session cookie is bound to).
    pub jti: Option<String>,
    /// When it was issued (0 when it does not say: sign-out everywhere
    /// then refuses it, failing closed).
    pub iat: u64,
    /// The configured tenant claim, when it is a string.
    pub org_claim: Option<Arc<str>>,
}

/// What a cached value tells the cache: the token's `exp` (seconds since
/// the epoch), after which it is never served.
pub trait Expiring {
    fn exp(&self) -> u64;
}

impl Expiring for VerifiedToken {
    fn exp(&self) -> u64 {
        self.identity.exp
    }
}

#[derive(Debug)]
struct Entry<V> {
    token: Box<str>,
    generation: u64,
    verified: Arc<V>,
}

/// One shard: entries by the keyed hash of the token's signature.
type Shard<V> = HashMap<u64, Arc<Entry<V>>>;

/// The cache of what tokens verified to (`V`: [`VerifiedToken`] in the
/// service; generic so that `benches/token_cache.rs` can compare it with
/// other caches on equal terms). `capacity == 0` disables it.
pub struct TokenCache<V> {
    shards: Box<[Mutex<Shard<V>>]>,
    per_shard: usize,
    hasher: RandomState,
}

impl<V> std::fmt::Debug for TokenCache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("shards", &self.shards.len())
            .field("per_shard", &self.per_shard)
            .finish_non_exhaustive()
    }
}

/// How many bytes of the token's end are hashed.
const HASHED_TAIL: usize = 24;

/// The part hashed: the token's last bytes, which are the end of its RSA
/// signature (144 random bits in base64url, unique per token). Only
/// verified tokens are ever stored, so a forged token that shares the tail
/// of a cached one finds that entry, fails the whole-token comparison and is
/// verified in full: a miss, never a hit. Hashing the tail rather than the
/// whole signature keeps the lookup cheap for the guard's every request.
fn hashed_part(token: &str) -> &[u8] {
    let bytes = token.as_bytes();
    &bytes[bytes.len().saturating_sub(HASHED_TAIL)..]
}

impl<V: Expiring> TokenCache<V> {
    pub fn new(capacity: usize) -> Self {
        let shards = capacity.clamp(1, MAX_SHARDS);
        Self {
            shards: (0..shards).map(|_| Mutex::new(HashMap::new())).collect(),
            // Rounded down: never more than `capacity` in all.
            per_shard: capacity / shards,
            hasher: RandomState::new(),
        }
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Shard<V>> {
        // `hash` is uniformly distributed; the high bits pick the shard.
        let i = ((hash >> 32) as usize) % self.shards.len();
        // A poisoned shard only means a panic elsewhere mid-insert; the map
        // itself is intact (no user code runs under the lock).
        self.shards[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The verified claims of `token`, when it was verified against key set
    /// `generation` and has not expired at `now` (seconds since the epoch).
    pub fn get(&self, token: &str, generation: u64, now: u64) -> Option<Arc<V>> {
        if self.per_shard == 0 {
            return None;
        }
        let hash = self.hasher.hash_one(hashed_part(token));
        let entry = self.shard(hash).get(&hash).cloned()?;
        // aws-lc's CRYPTO_memcmp: constant time in the contents (word-wide,
        // unlike a byte-at-a-time compare); lengths are not secret.
        let same_token = aws_lc_rs::constant_time::verify_slices_are_equal(
            entry.token.as_bytes(),
            token.as_bytes(),
        )
        .is_ok();
        if !same_token {
            return None;
        }
        if entry.generation != generation || now > entry.verified.exp() {
            // Stale: remove it (unless it was replaced meanwhile).
            let mut shard = self.shard(hash);
            if shard.get(&hash).is_some_and(|e| Arc::ptr_eq(e, &entry)) {
                shard.remove(&hash);
            }
            return None;
        }
        Some(Arc::clone(&entry.verified))
    }

    /// Remembers that `token` verified (against key set `generation`) to `verified`.
    pub fn insert(&self, token: &str, generation: u64, verified: Arc<V>, now: u64) {
        if self.per_shard == 0 || now > verified.exp() {
            return;
        }
        let hash = self.hasher.hash_one(hashed_part(token));
        let entry = Arc::new(Entry {
            token: token.into(),
            generation,
            verified,
        });
        let mut shard = self.shard(hash);
        if shard.len() >= self.per_shard && !shard.contains_key(&hash) {
            shard.retain(|_, e| e.verified.exp() >= now);
            if shard.len() >= self.per_shard
                && let Some(victim) = shard.keys().next().copied()
            {
                shard.remove(&victim);
            }
        }
        shard.insert(hash, entry);
    }

    /// How many tokens are cached.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .len()
            })
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets `token` (e.g. its session was signed out).
    pub fn remove(&self, token: &str) {
        if self.per_shard == 0 {
            return;
        }
        let hash = self.hasher.hash_one(hashed_part(token));
        let mut shard = self.shard(hash);
        if shard
            .get(&hash)
            .is_some_and(|e| e.token.as_bytes() == token.as_bytes())
        {
            shard.remove(&hash);
        }
    }

    /// Forgets every token.
    pub fn clear(&self) {
        for s in &self.shards {
            s.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified(exp: u64) -> Arc<VerifiedToken> {
        Arc::new(VerifiedToken {
            identity: Arc::new(Identity {
                sub: "s".into(),
                username: "u".into(),
                client_id: "c".into(),
                exp,
                groups: vec![],
                scopes: vec![],
            }),
            origin_jti: Some(format!("o-{exp}")),
            jti: None,
            iat: 0,
            org_claim: Some("org".into()),
        })
    }

    #[test]
    fn a_hit_needs_the_same_whole_token_the_same_generation_and_no_expiry() {
        let cache = TokenCache::new(16);
        cache.insert("h.p.sig", 1, verified(100), 50);
        assert!(cache.get("h.p.sig", 1, 50).is_some());
        assert!(cache.get("h.p.sig", 1, 100).is_some());
        // Same signature, other header or payload: a miss.
        assert!(cache.get("h.q.sig", 1, 50).is_none());
        assert!(cache.get("h.p.si", 1, 50).is_none());
        // Another key set: a miss, and the entry is gone.
        assert!(cache.get("h.p.sig", 2, 50).is_none());
        assert_eq!(cache.len(), 0);
        cache.insert("h.p.sig", 1, verified(100), 50);
        // Past exp: a miss, and the entry is gone.
        assert!(cache.get("h.p.sig", 1, 101).is_none());
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn an_expired_token_is_not_inserted() {
        let cache = TokenCache::new(16);
        cache.insert("a.b.c", 1, verified(10), 11);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_cache_is_bounded_and_drops_expired_entries_first() {
        let cache = TokenCache::new(64);
        for i in 0..10_000u64 {
            cache.insert(&format!("a.b.sig{i}"), 1, verified(1_000 + i % 2), 0);
        }
        assert!(cache.len() <= 64, "{}", cache.len());
        // At now = 1000 the odd-exp entries are alive; a full shard makes
        // room by dropping expired ones before live ones.
        let cache = TokenCache::new(1);
        cache.insert("live.b.c", 1, verified(2_000), 1_000);
        assert_eq!(cache.len(), 1);
        cache.insert("new.b.c", 1, verified(2_000), 1_000);
        assert_eq!(cache.len(), 1);
        assert!(cache.get("new.b.c", 1, 1_000).is_some());
    }

    #[test]
    fn remove_drops_only_that_token() {
        let cache = TokenCache::new(16);
        cache.insert("a.b.c", 1, verified(100), 0);
        cache.insert("d.e.f", 1, verified(200), 0);
        cache.remove("a.b.c");
        cache.remove("x.y.c");
        assert!(cache.get("a.b.c", 1, 0).is_none());
        assert!(cache.get("d.e.f", 1, 0).is_some());
    }

    #[test]
    fn capacity_zero_caches_nothing() {
        let cache = TokenCache::new(0);
        cache.insert("a.b.c", 1, verified(100), 0);
        assert!(cache.get("a.b.c", 1, 0).is_none());
        assert_eq!(cache.len(), 0);
    }
}
