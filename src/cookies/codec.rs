//! Building the service's `Set-Cookie` values and reading its cookies back.
//!
//! Encryption is the `cookie` crate's private jar: AES-256-GCM with a random
//! nonce, the cookie's name as associated data (a value cannot be moved to
//! another cookie), keyed from `BFF_COOKIE_KEY`. Reading tries the current key
//! and then each of `BFF_COOKIE_KEYS_PREVIOUS`, so keys rotate without signing
//! anyone out; a cookie that no key opens is treated as absent.

use std::time::Duration;

use cookie::{Cookie, CookieJar, Key, SameSite};
use http::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::names::{API_PATH, AUTH_PATH, CookieNames};
use super::scan::cookie_values;
use crate::auth::{AuthError, MAX_TOKEN_LEN, RefreshSession, SessionBinding};
use crate::config::Settings;

/// The cookie factory and reader, built once from the settings.
#[derive(Clone)]
pub struct Cookies {
    names: CookieNames,
    secure: bool,
    /// The current key first; it alone encrypts.
    keys: Vec<Key>,
    refresh_max_age: Duration,
    /// How much longer than its token an access or session cookie lives.
    overlap: Duration,
}

impl std::fmt::Debug for Cookies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cookies")
            .field("names", &self.names)
            .field("secure", &self.secure)
            .field("keys", &format_args!("[{} REDACTED]", self.keys.len()))
            .finish()
    }
}

impl Cookies {
    /// From the validated settings (keys are at least 64 bytes there).
    pub fn new(settings: &Settings) -> Self {
        let keys = std::iter::once(&settings.cookie_keys.current)
            .chain(settings.cookie_keys.previous.iter())
            // Validation guarantees 64+ bytes; a shorter key is skipped, never a panic.
            .filter_map(|k| Key::try_from(k.as_slice()).ok())
            .collect();
        Self {
            names: CookieNames::new(settings.cookie_secure),
            secure: settings.cookie_secure,
            keys,
            refresh_max_age: settings.refresh_cookie_max_age,
            // The browser keeps the cookie past the token's `exp` plus the
            // verifier's leeway, so that an SPA calling with an expired token
            // is told `token_expired` (refresh, then retry) rather than
            // `unauthenticated` (sign in again).
            overlap: settings.tokens.clock_leeway + ACCESS_COOKIE_OVERLAP,
        }
    }

    /// The names in use.
    pub fn names(&self) -> CookieNames {
        self.names
    }

    fn base(
        &self,
        name: &'static str,
        value: String,
        path: &'static str,
        same_site: SameSite,
        max_age: Duration,
    ) -> Cookie<'static> {
        Cookie::build((name, value))
            .path(path)
            .http_only(true)
            .secure(self.secure)
            .same_site(same_site)
            .max_age(cookie::time::Duration::seconds(
                i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX),
            ))
            .build()
    }

    fn seal<T: Serialize>(&self, name: &'static str, payload: &T) -> String {
        let plain = serde_json::to_string(payload).unwrap_or_default();
        let mut jar = CookieJar::new();
        if let Some(key) = self.keys.first() {
            jar.private_mut(key).add(Cookie::new(name, plain));
        }
        jar.get(name)
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    }

    /// Decrypts with the first key that opens the value; the flag says
    /// whether that was a previous key (the cookie should be re-sealed).
    fn open<T: DeserializeOwned>(&self, name: &'static str, value: &str) -> Option<(T, bool)> {
        let jar = CookieJar::new();
        self.keys.iter().enumerate().find_map(|(i, key)| {
            let plain = jar
                .private(key)
                .decrypt(Cookie::new(name, value.to_owned()))?;
            serde_json::from_str(plain.value()).ok().map(|v| (v, i > 0))
        })
    }

    /// The access cookie: the token as issued, `Path=/api`, `SameSite=Lax`,
    /// living a little longer than the token (see [`ACCESS_COOKIE_OVERLAP`]).
    /// A token too large for one cookie is split into the numbered chunk
    /// cookies (and the single cookie cleared, as are unused chunks, so the
    /// guard never mixes two tokens). A token larger than the guard accepts
    /// is refused here: its cookies would never work.
    pub fn access(
        &self,
        token: &str,
        lifetime: Duration,
    ) -> Result<Vec<Cookie<'static>>, AuthError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::Internal(format!(
                "Cognito issued an access token of {} bytes; the guard accepts at most {MAX_TOKEN_LEN}",
                token.len()
            )));
        }
        let lifetime = lifetime + self.overlap;
        let cookie = |name, value: &str, age| {
            self.base(name, value.to_owned(), API_PATH, SameSite::Lax, age)
        };
        if self.names.access.len() + token.len() <= COOKIE_BUDGET {
            return Ok(vec![cookie(self.names.access, token, lifetime)]);
        }
        let longest = self
            .names
            .access_chunks
            .iter()
            .map(|n| n.len())
            .max()
            .unwrap_or(0);
        let parts = split_ascii(token, COOKIE_BUDGET - longest)
            .filter(|parts| parts.len() <= self.names.access_chunks.len())
            .ok_or_else(|| {
                AuthError::Internal(format!(
                    "access token of {} bytes does not fit the cookies",
                    token.len()
                ))
            })?;
        let mut cookies = vec![cookie(self.names.access, "", Duration::ZERO)];
        for (i, name) in self.names.access_chunks.iter().enumerate() {
            cookies.push(match parts.get(i) {
                Some(part) => cookie(name, part, lifetime),
                None => cookie(name, "", Duration::ZERO),
            });
        }
        Ok(cookies)
    }

    /// The refresh cookie: encrypted, `Path=/auth`, `SameSite=Strict` (only
    /// the SPA's own pages can trigger a refresh or sign-out with it).
    pub fn refresh(&self, session: &RefreshSession) -> Cookie<'static> {
        let value = self.seal(self.names.refresh, session);
        self.base(
            self.names.refresh,
            value,
            AUTH_PATH,
            SameSite::Strict,
            self.refresh_max_age,
        )
    }

    /// The session cookie (id-token tenant mode): encrypted, like the access
    /// cookie otherwise (its lifetime included).
    pub fn session(&self, binding: &SessionBinding, lifetime: Duration) -> Cookie<'static> {
        let value = self.seal(self.names.session, binding);
        self.base(
            self.names.session,
            value,
            API_PATH,
            SameSite::Lax,
            lifetime + self.overlap,
        )
    }

    /// Cookies that delete every cookie of the service: same names and paths,
    /// empty values, `Max-Age=0` (access, its chunks, refresh, session).
    pub fn clear_all(&self) -> Vec<Cookie<'static>> {
        let api = |name| self.base(name, String::new(), API_PATH, SameSite::Lax, Duration::ZERO);
        let mut cookies = vec![api(self.names.access)];
        cookies.extend(self.names.access_chunks.iter().map(|n| api(n)));
        cookies.push(self.base(
            self.names.refresh,
            String::new(),
            AUTH_PATH,
            SameSite::Strict,
            Duration::ZERO,
        ));
        cookies.push(api(self.names.session));
        cookies
    }

    /// The refresh session from the request's cookies, if one decrypts. With
    /// several cookies of that name, the first authentic one wins: a forged or
    /// planted one cannot decrypt.
    /// The flag is true when a previous key opened it: the caller re-issues
    /// it under the current key, so retiring the old key later signs no one out.
    pub fn read_refresh(&self, headers: &HeaderMap) -> Option<(RefreshSession, bool)> {
        cookie_values(headers, self.names.refresh).find_map(|v| self.open(self.names.refresh, v))
    }

    /// The session binding from the request's cookies, if one decrypts.
    pub fn read_session(&self, headers: &HeaderMap) -> Option<SessionBinding> {
        cookie_values(headers, self.names.session)
            .find_map(|v| self.open(self.names.session, v))
            .map(|(binding, _)| binding)
    }

    /// Encrypts a refresh session as the cookie value (benchmarks, tests).
    pub fn seal_refresh(&self, session: &RefreshSession) -> String {
        self.seal(self.names.refresh, session)
    }

    /// Decrypts a refresh cookie value (benchmarks, tests).
    pub fn open_refresh(&self, value: &str) -> Option<RefreshSession> {
        self.open(self.names.refresh, value)
            .map(|(session, _)| session)
    }
}

/// How much longer than the access token its cookie lives, beyond the
/// verifier's clock leeway.
pub const ACCESS_COOKIE_OVERLAP: Duration = Duration::from_secs(300);

/// What a browser keeps of one cookie: RFC 6265 asks for at least 4096
/// bytes of name, value and attributes; the attributes take under 100.
const COOKIE_BUDGET: usize = 3900;

/// `text` in pieces of at most `size` bytes, or `None` when it is not ASCII
/// (a JWT always is).
fn split_ascii(text: &str, size: usize) -> Option<Vec<&str>> {
    if !text.is_ascii() || size == 0 {
        return None;
    }
    Some(
        text.as_bytes()
            .chunks(size)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect(),
    )
}
