//! What this instance saw signed out, so that it stops honouring it at once.
//!
//! Cognito's RevokeToken and GlobalSignOut end the refresh token, but an
//! access token is a self-contained JWT: the guard verifies it locally and
//! would accept it until it expires. So sign-out records here:
//!
//! - the session (`origin_jti`, shared by every access token of one
//!   sign-in and its refreshes), refused until its tokens' last possible
//!   expiry;
//! - for "sign out everywhere", the user (`sub`) with a cut-off: every
//!   access token of that user issued at or before it is refused;
//! - the refresh token (by its SHA-256), so that a replayed refresh cookie
//!   is answered `session_expired` without asking Cognito again.
//!
//! Entries end when what they refuse would have expired anyway, so the maps
//! hold only live entries. They are bounded: when one is full, expired
//! entries go first, then the one closest to its end. The guard asks on
//! every request: an empty list costs one atomic load, and otherwise a read
//! lock held for one map lookup (never across an `.await`).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{PoisonError, RwLock};

/// How many entries each list keeps at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Cognito's longest access-token lifetime (one day), assumed for a session
/// signed out before this instance saw one of its tokens' lifetimes.
const LONGEST_ACCESS_LIFETIME_SECS: u64 = 86_400;

/// A SHA-256 digest (of a refresh token).
pub type TokenHash = [u8; 32];

/// The revoked sessions, users and refresh tokens of one instance.
#[derive(Debug)]
pub struct Revocations {
    /// `origin_jti` -> refused until (Unix seconds).
    sessions: Expiring<Box<str>, ()>,
    /// `sub` -> (cut-off `iat`, refused until).
    users: Expiring<Box<str>, u64>,
    /// Refresh-token digest -> known dead until.
    refresh_tokens: Expiring<TokenHash, ()>,
    /// Sessions plus users held: the guard's fast path when zero.
    guarded: AtomicUsize,
    /// The longest access-token lifetime seen (seconds), 0 before the first.
    access_lifetime: AtomicU64,
    /// Clock leeway of the verifier: a token lives that much past `exp`.
    leeway: u64,
}

impl Revocations {
    /// Empty lists of at most `capacity` entries each; `leeway` is the
    /// verifier's clock leeway in seconds.
    pub fn new(capacity: usize, leeway: u64) -> Self {
        Self {
            sessions: Expiring::new(capacity),
            users: Expiring::new(capacity),
            refresh_tokens: Expiring::new(capacity),
            guarded: AtomicUsize::new(0),
            access_lifetime: AtomicU64::new(0),
            leeway,
        }
    }

    /// Notes the lifetime of an access token this instance handed out, so
    /// that a revocation lasts as long as any token of the session can.
    pub fn note_access_lifetime(&self, secs: u64) {
        self.access_lifetime.fetch_max(secs, Ordering::Relaxed);
    }

    /// When a token issued now would stop being accepted anyway.
    fn horizon(&self, now: u64) -> u64 {
        let lifetime = match self.access_lifetime.load(Ordering::Relaxed) {
            0 => LONGEST_ACCESS_LIFETIME_SECS,
            secs => secs,
        };
        now.saturating_add(lifetime).saturating_add(self.leeway)
    }

    /// Refuses every access token of the sign-in `origin_jti` from now on.
    pub fn revoke_session(&self, origin_jti: &str, now: u64) {
        let until = self.horizon(now);
        self.sessions.insert(origin_jti.into(), (), until, now);
        self.recount();
    }

    /// Refuses every access token of user `sub` issued at or before `now`.
    pub fn revoke_user(&self, sub: &str, now: u64) {
        let until = self.horizon(now);
        self.users.insert(sub.into(), now, until, now);
        self.recount();
    }

    /// Remembers a refresh token as dead until `until`.
    pub fn revoke_refresh_token(&self, digest: TokenHash, until: u64, now: u64) {
        self.refresh_tokens.insert(digest, (), until, now);
    }

    /// True when the refresh token with this digest is known dead.
    pub fn refresh_token_revoked(&self, digest: &TokenHash, now: u64) -> bool {
        self.refresh_tokens.get(digest, now).is_some()
    }

    /// True when an access token of sign-in `origin_jti`, user `sub`,
    /// issued at `iat`, was signed out through this instance.
    pub fn access_revoked(&self, origin_jti: Option<&str>, sub: &str, iat: u64, now: u64) -> bool {
        if self.guarded.load(Ordering::Acquire) == 0 {
            return false;
        }
        if origin_jti.is_some_and(|jti| self.sessions.get(jti, now).is_some()) {
            return true;
        }
        self.users.get(sub, now).is_some_and(|cutoff| iat <= cutoff)
    }

    fn recount(&self) {
        let n = self.sessions.len() + self.users.len();
        self.guarded.store(n, Ordering::Release);
    }

    /// Entries held: (sessions, users, refresh tokens).
    pub fn len(&self) -> (usize, usize, usize) {
        (
            self.sessions.len(),
            self.users.len(),
            self.refresh_tokens.len(),
        )
    }
}

/// A bounded map whose entries end at a time of their own.
#[derive(Debug)]
struct Expiring<K, V> {
    map: RwLock<HashMap<K, (V, u64)>>,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V: Copy> Expiring<K, V> {
    fn new(capacity: usize) -> Self {
        Self {
            map: RwLock::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn insert(&self, key: K, value: V, until: u64, now: u64) {
        let mut map = self.map.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.retain(|_, (_, end)| *end >= now);
            if map.len() >= self.capacity {
                // Full of live entries: the one closest to its end goes.
                let soonest = map
                    .iter()
                    .min_by_key(|(_, (_, end))| *end)
                    .map(|(k, _)| k.clone());
                if let Some(k) = soonest {
                    map.remove(&k);
                }
            }
        }
        let entry = map.entry(key).or_insert((value, until));
        // A later revocation of the same key extends, never shortens, it.
        if until >= entry.1 {
            *entry = (value, until);
        }
    }

    fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q, now: u64) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let map = self.map.read().unwrap_or_else(PoisonError::into_inner);
        map.get(key)
            .filter(|(_, until)| now <= *until)
            .map(|(v, _)| *v)
    }

    fn len(&self) -> usize {
        self.map
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_session_is_refused_until_its_tokens_would_have_expired() {
        let r = Revocations::new(16, 30);
        r.note_access_lifetime(3600);
        assert!(!r.access_revoked(Some("j-1"), "s", 100, 1_000));
        r.revoke_session("j-1", 1_000);
        assert!(r.access_revoked(Some("j-1"), "s", 100, 1_000));
        assert!(r.access_revoked(Some("j-1"), "s", 100, 1_000 + 3600 + 30));
        assert!(!r.access_revoked(Some("j-1"), "s", 100, 1_000 + 3600 + 31));
        assert!(!r.access_revoked(Some("j-2"), "s", 100, 1_000));
        assert!(!r.access_revoked(None, "s", 100, 1_000));
    }

    #[test]
    fn a_user_signed_out_everywhere_loses_the_tokens_issued_up_to_then() {
        let r = Revocations::new(16, 0);
        r.revoke_user("sub-1", 500);
        assert!(r.access_revoked(Some("any"), "sub-1", 500, 600));
        assert!(r.access_revoked(None, "sub-1", 0, 600));
        assert!(!r.access_revoked(Some("any"), "sub-1", 501, 600));
        assert!(!r.access_revoked(Some("any"), "sub-2", 400, 600));
    }

    #[test]
    fn without_a_seen_lifetime_a_revocation_lasts_a_day() {
        let r = Revocations::new(16, 0);
        r.revoke_session("j", 0);
        assert!(r.access_revoked(Some("j"), "s", 0, 86_400));
        assert!(!r.access_revoked(Some("j"), "s", 0, 86_401));
    }

    #[test]
    fn the_lists_are_bounded_and_drop_expired_entries_first() {
        let r = Revocations::new(2, 0);
        r.note_access_lifetime(10);
        r.revoke_session("old", 0); // until 10
        r.revoke_session("a", 100); // until 110
        r.revoke_session("b", 100); // "old" has expired: it goes
        assert_eq!(r.len().0, 2);
        assert!(r.access_revoked(Some("a"), "s", 0, 100));
        assert!(r.access_revoked(Some("b"), "s", 0, 100));
        r.revoke_session("c", 105); // full of live ones: the soonest to end goes
        assert_eq!(r.len().0, 2);
        assert!(r.access_revoked(Some("c"), "s", 0, 105));
    }

    #[test]
    fn a_dead_refresh_token_is_remembered_until_its_end() {
        let r = Revocations::new(4, 0);
        r.revoke_refresh_token([1; 32], 50, 0);
        assert!(r.refresh_token_revoked(&[1; 32], 50));
        assert!(!r.refresh_token_revoked(&[1; 32], 51));
        assert!(!r.refresh_token_revoked(&[2; 32], 0));
        assert_eq!(r.len(), (0, 0, 1));
    }
}
