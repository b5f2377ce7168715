//! Rate limits on the routes that reach Cognito: one token bucket per
//! client address, plus one per username (sign-in, challenges, sign-up,
//! confirmation, code requests, password reset) or one per session, keyed
//! by the refresh token's digest (refresh and sign-out, so that a replayed
//! cookie cannot make the service call Cognito without end). The session
//! buckets take the per-username settings.
//!
//! Handlers call [`RateLimits::check`] after parsing and checking their body
//! (the body is read once; malformed requests cost nothing and reach no
//! one), right before the Cognito call.
//!
//! Limits are per instance: behind a load balancer with N instances a client
//! can make up to N times the configured rate.
//!
//! Memory is bounded: buckets that are full again are dropped every
//! [`PRUNE_EVERY`], and at once when more than [`MAX_KEYS`] are held.
//! Usernames and tokens are never stored: the key is a salted hash of the
//! lower-cased name or of the token's digest (the salt is random per process).

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;

use crate::auth::AuthError;
use crate::config::{RateLimit, RateLimitSettings};
use crate::metrics::{LimitKind, Metrics};

/// How often buckets that have refilled are dropped.
pub const PRUNE_EVERY: Duration = Duration::from_secs(30);
/// Past this many keys in one limiter, pruning runs on the spot.
pub const MAX_KEYS: usize = 100_000;

/// The key of an address: IPv4 as is, IPv6 by its /64 (one subscriber's
/// prefix, which one host can rotate through freely).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct IpKey(IpAddr);

impl IpKey {
    fn new(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                Self(IpAddr::V6(Ipv6Addr::new(
                    s[0], s[1], s[2], s[3], 0, 0, 0, 0,
                )))
            }
        }
    }
}

/// A salted hash of a lower-cased username or of a refresh token's digest.
type UserKey = [u8; 16];

struct Limiter<K: std::hash::Hash + Eq + Clone> {
    buckets: DefaultKeyedRateLimiter<K>,
}

impl<K: std::hash::Hash + Eq + Clone> Limiter<K> {
    fn new(limit: &RateLimit) -> Option<Self> {
        let per_min = NonZeroU32::new(limit.per_minute)?;
        let burst = NonZeroU32::new(limit.burst).unwrap_or(per_min);
        Some(Self {
            buckets: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_min).allow_burst(burst)),
        })
    }

    /// `Err(wait)` when `key` has no token left.
    fn check(&self, key: &K, clock: &DefaultClock) -> Result<(), Duration> {
        if self.buckets.len() > MAX_KEYS {
            self.prune();
        }
        self.buckets
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(clock.now()))
    }

    fn prune(&self) {
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}

/// The per-address and per-username limits of one instance.
pub struct RateLimits {
    per_ip: Option<Limiter<IpKey>>,
    per_username: Option<Limiter<UserKey>>,
    per_session: Option<Limiter<UserKey>>,
    salt: [u8; 16],
    clock: DefaultClock,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("per_ip", &self.per_ip.is_some())
            .field("per_username", &self.per_username.is_some())
            .finish_non_exhaustive()
    }
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings, metrics: Arc<Metrics>) -> Self {
        Self {
            per_ip: settings.per_ip.as_ref().and_then(Limiter::new),
            per_username: settings.per_username.as_ref().and_then(Limiter::new),
            per_session: settings.per_username.as_ref().and_then(Limiter::new),
            salt: rand::random(),
            clock: DefaultClock::default(),
            metrics,
        }
    }

    fn user_key(&self, username: &str) -> UserKey {
        self.salted(username.to_lowercase().as_bytes())
    }

    fn salted(&self, bytes: &[u8]) -> UserKey {
        let mut hash = Sha256::new();
        hash.update(self.salt);
        hash.update(bytes);
        let digest = hash.finalize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        key
    }

    /// Takes a token from the client's bucket, then from the username's
    /// (when there is one). A refused request is 429 `too_many_requests`
    /// with the wait, in whole seconds rounded up, as `Retry-After`.
    pub fn check(&self, client: IpAddr, username: Option<&str>) -> Result<(), AuthError> {
        if let Some(limiter) = &self.per_ip
            && let Err(wait) = limiter.check(&IpKey::new(client), &self.clock)
        {
            return Err(self.refuse(LimitKind::Ip, wait));
        }
        if let (Some(limiter), Some(username)) = (&self.per_username, username)
            && let Err(wait) = limiter.check(&self.user_key(username), &self.clock)
        {
            return Err(self.refuse(LimitKind::Username, wait));
        }
        Ok(())
    }

    /// Takes a token from the client's bucket, then from the session's
    /// (`token_digest`: the SHA-256 of its refresh token). As [`Self::check`].
    pub fn check_session(&self, client: IpAddr, token_digest: &[u8; 32]) -> Result<(), AuthError> {
        if let Some(limiter) = &self.per_ip
            && let Err(wait) = limiter.check(&IpKey::new(client), &self.clock)
        {
            return Err(self.refuse(LimitKind::Ip, wait));
        }
        if let Some(limiter) = &self.per_session
            && let Err(wait) = limiter.check(&self.salted(token_digest), &self.clock)
        {
            return Err(self.refuse(LimitKind::Session, wait));
        }
        Ok(())
    }

    fn refuse(&self, kind: LimitKind, wait: Duration) -> AuthError {
        self.metrics.rate_limited(kind);
        tracing::info!(limit = kind.as_str(), "request refused by a rate limit");
        AuthError::TooManyRequests {
            retry_after: whole_seconds(wait),
        }
    }

    /// Drops buckets that have refilled (they are as good as new).
    pub fn prune(&self) {
        if let Some(l) = &self.per_ip {
            l.prune();
        }
        if let Some(l) = &self.per_username {
            l.prune();
        }
        if let Some(l) = &self.per_session {
            l.prune();
        }
    }

    /// Prunes every [`PRUNE_EVERY`] while the limits are in use; ends by
    /// itself once they are dropped.
    pub fn spawn_pruner(self: &Arc<Self>) -> JoinHandle<()> {
        let weak: Weak<Self> = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(PRUNE_EVERY);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval.tick().await;
            loop {
                interval.tick().await;
                match weak.upgrade() {
                    Some(limits) => limits.prune(),
                    None => break,
                }
            }
        })
    }

    /// Buckets held (addresses, usernames), for tests.
    pub fn len(&self) -> (usize, usize) {
        (
            self.per_ip.as_ref().map_or(0, |l| l.buckets.len()),
            self.per_username.as_ref().map_or(0, |l| l.buckets.len()),
        )
    }
}

/// `wait` in whole seconds, rounded up, at least 1.
fn whole_seconds(wait: Duration) -> Duration {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    Duration::from_secs(secs.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(ip: (u32, u32), user: (u32, u32)) -> RateLimits {
        let limit = |(per_minute, burst)| RateLimit { per_minute, burst };
        RateLimits::new(
            &RateLimitSettings {
                per_ip: Some(limit(ip)),
                per_username: Some(limit(user)),
                trusted_proxies: Vec::new(),
            },
            Arc::new(Metrics::new()),
        )
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_request_past_the_burst_waits_whole_seconds() {
        let l = limits((60, 3), (100, 100));
        for _ in 0..3 {
            l.check(ip("192.0.2.1"), None).unwrap();
        }
        match l.check(ip("192.0.2.1"), None) {
            Err(AuthError::TooManyRequests { retry_after }) => {
                assert!(retry_after >= Duration::from_secs(1));
                assert_eq!(retry_after.subsec_nanos(), 0);
            }
            other => panic!("{other:?}"),
        }
        // Another address has its own bucket.
        l.check(ip("192.0.2.2"), None).unwrap();
    }

    #[test]
    fn usernames_are_keyed_case_insensitively() {
        let l = limits((1000, 1000), (10, 2));
        l.check(ip("192.0.2.1"), Some("Alice")).unwrap();
        l.check(ip("192.0.2.2"), Some("alice")).unwrap();
        assert!(l.check(ip("192.0.2.3"), Some("ALICE")).is_err());
        l.check(ip("192.0.2.3"), Some("bob")).unwrap();
    }

    #[test]
    fn sessions_have_buckets_of_their_own_beside_the_address() {
        let l = limits((1000, 1000), (10, 2));
        l.check_session(ip("192.0.2.1"), &[1; 32]).unwrap();
        l.check_session(ip("192.0.2.2"), &[1; 32]).unwrap();
        assert!(l.check_session(ip("192.0.2.3"), &[1; 32]).is_err());
        l.check_session(ip("192.0.2.3"), &[2; 32]).unwrap();
        // The username buckets are apart from the session buckets.
        l.check(ip("192.0.2.3"), Some("alice")).unwrap();
        let tight = limits((60, 1), (100, 100));
        tight.check(ip("192.0.2.1"), None).unwrap();
        assert!(tight.check_session(ip("192.0.2.1"), &[3; 32]).is_err());
    }

    #[test]
    fn an_ipv6_client_is_keyed_by_its_64_prefix_and_mapped_v4_as_v4() {
        let l = limits((60, 1), (100, 100));
        l.check(ip("2001:db8:1:2::1"), None).unwrap();
        assert!(l.check(ip("2001:db8:1:2::ffff"), None).is_err());
        l.check(ip("2001:db8:1:3::1"), None).unwrap();
        l.check(ip("192.0.2.9"), None).unwrap();
        assert!(l.check(ip("::ffff:192.0.2.9"), None).is_err());
    }

    #[test]
    fn zero_disables_a_limit() {
        let l = RateLimits::new(
            &RateLimitSettings {
                per_ip: Some(RateLimit {
                    per_minute: 0,
                    burst: 0,
                }),
                per_username: None,
                trusted_proxies: Vec::new(),
            },
            Arc::new(Metrics::new()),
        );
        for _ in 0..1000 {
            l.check(ip("192.0.2.1"), Some("u")).unwrap();
        }
        assert_eq!(l.len(), (0, 0));
    }

    #[test]
    fn rounding_up() {
        assert_eq!(whole_seconds(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(
            whole_seconds(Duration::from_millis(1001)),
            Duration::from_secs(2)
        );
        assert_eq!(
            whole_seconds(Duration::from_secs(3)),
            Duration::from_secs(3)
        );
    }
}
