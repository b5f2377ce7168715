//! Where a protected request's access token comes from: the access cookie,
//! or `Authorization: Bearer <token>`.
//!
//! Pure functions over the request headers, so the guard and the CSRF check
//! agree on how a request is authenticated.
//!
//! Security decisions, made here:
//! - A `Bearer` Authorization header, when present, is the only credential
//!   looked at: a request that claims Bearer authentication (and therefore
//!   skips the CSRF header) is never authenticated by an ambient cookie.
//! - Other Authorization schemes (e.g. Basic added by a staging proxy) are
//!   not ours and are ignored.
//! - Several Authorization headers, several access cookies (cookie tossing
//!   from a sibling path or subdomain), values that cannot be a JWT and
//!   values longer than [`MAX_TOKEN_LEN`] are refused as unusable,
//!   before any parsing of the token: they end as 401, never 500.

use axum::http::{HeaderMap, header};

use crate::verify::MAX_TOKEN_LEN;

/// The token a request presents, and how.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Credentials<'a> {
    /// From `Authorization: Bearer`.
    Bearer(&'a str),
    /// From the access cookie.
    Cookie(&'a str),
}

impl std::fmt::Debug for Credentials<'_> {
    // Security: a token never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Self::Cookie(_) => f.write_str("Cookie([REDACTED])"),
        }
    }
}

impl<'a> Credentials<'a> {
    /// The token itself.
    pub fn token(&self) -> &'a str {
        match self {
            Self::Bearer(t) | Self::Cookie(t) => t,
        }
    }

    /// True for `Authorization: Bearer` (which needs no CSRF header).
    pub fn is_bearer(&self) -> bool {
        matches!(self, Self::Bearer(_))
    }
}

/// Why a request has no usable token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCredentials {
    /// Nothing was sent (RFC 6750: `WWW-Authenticate: Bearer`, no error).
    Missing,
    /// Something was sent but cannot be a token; the reason is for the log.
    Unusable(&'static str),
}

/// The access token of a request: Bearer first, else the cookie named
/// `access_cookie`.
pub fn credentials<'a>(
    headers: &'a HeaderMap,
    access_cookie: &str,
) -> Result<Credentials<'a>, NoCredentials> {
    if let Some(token) = bearer(headers)? {
        return Ok(Credentials::Bearer(token));
    }
    cookie_token(headers, access_cookie)?
        .map(Credentials::Cookie)
        .ok_or(NoCredentials::Missing)
}

/// The token of an `Authorization: Bearer` header (scheme matched without
/// regard to case), `None` when there is no Bearer Authorization header.
pub fn bearer(headers: &HeaderMap) -> Result<Option<&str>, NoCredentials> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(NoCredentials::Unusable("several Authorization headers"));
    }
    let value = value
        .to_str()
        .map_err(|_| NoCredentials::Unusable("Authorization header is not visible ASCII"))?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    usable(rest.trim_start_matches(' ')).map(Some)
}

/// The value of the access cookie, `None` when absent or empty.
///
/// The `Cookie` header is split by hand rather than with `CookieJar` (which
/// keeps one of several same-named cookies silently) or `cookie::Cookie`
/// (which needs the whole header to be UTF-8): a duplicate must be seen to
/// be refused, and a non-UTF-8 byte in somebody else's cookie must not hide
/// ours. The grammar is `name=value` pairs joined by `;` (RFC 6265 §4.2.1);
/// no allocation.
fn cookie_token<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, NoCredentials> {
    cookie_token_raw(headers, name)?.map(usable).transpose()
}

/// The value of cookie `name` (once at most), UTF-8, `None` when absent or empty.
fn cookie_token_raw<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<Option<&'a str>, NoCredentials> {
    let mut found: Option<&'a [u8]> = None;
    for header in headers.get_all(header::COOKIE) {
        for pair in header.as_bytes().split(|b| *b == b';') {
            let pair = pair.trim_ascii();
            let Some(eq) = pair.iter().position(|b| *b == b'=') else {
                continue;
            };
            if pair[..eq].trim_ascii() != name.as_bytes() {
                continue;
            }
            if found.is_some() {
                return Err(NoCredentials::Unusable("several access cookies"));
            }
            found = Some(pair[eq + 1..].trim_ascii());
        }
    }
    match found {
        None | Some(b"") => Ok(None),
        Some(value) => std::str::from_utf8(value)
            .map(Some)
            .map_err(|_| NoCredentials::Unusable("access cookie is not UTF-8")),
    }
}

/// The access token of a request whose token was split into numbered
/// cookies (`chunk_names`, in order): the chunks joined, `None` when the
/// first is absent. Each chunk must appear once; a gap ends the token.
pub fn chunked_cookie_token(
    headers: &HeaderMap,
    chunk_names: &[&str],
) -> Result<Option<String>, NoCredentials> {
    let mut token = String::new();
    for name in chunk_names {
        match cookie_token_raw(headers, name)? {
            Some(part) => token.push_str(part),
            None => break,
        }
    }
    if token.is_empty() {
        return Ok(None);
    }
    usable(&token)?;
    Ok(Some(token))
}

/// The bytes of a JWS compact serialisation: base64url and `.`. A table, as
/// every byte of every token on every request goes through it.
static JWT_CHARS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.';
        b += 1;
    }
    t
};

/// A JWS compact serialisation is three base64url parts joined by dots;
/// anything with other characters, or too long, is not worth parsing.
fn usable(token: &str) -> Result<&str, NoCredentials> {
    if token.is_empty() {
        return Err(NoCredentials::Unusable("empty token"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(NoCredentials::Unusable("token too long"));
    }
    if !token.bytes().all(|b| JWT_CHARS[usize::from(b)]) {
        return Err(NoCredentials::Unusable(
            "token has characters a JWT cannot have",
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const NAME: &str = "__Secure-access_token";

    fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_bytes(v).expect("value"),
            );
        }
        h
    }

    #[test]
    fn a_bearer_token_is_found_whatever_the_case_of_the_scheme() {
        for v in ["Bearer a.b.c", "bearer a.b.c", "BEARER  a.b.c"] {
            let h = headers(&[("authorization", v.as_bytes())]);
            assert_eq!(
                credentials(&h, NAME),
                Ok(Credentials::Bearer("a.b.c")),
                "{v}"
            );
        }
    }

    #[test]
    fn bearer_wins_over_the_cookie_and_other_schemes_are_ignored() {
        let h = headers(&[
            ("authorization", b"Bearer x.y.z"),
            ("cookie", b"__Secure-access_token=a.b.c"),
        ]);
        assert_eq!(credentials(&h, NAME), Ok(Credentials::Bearer("x.y.z")));
        let h = headers(&[
            ("authorization", b"Basic dXNlcjpwdw=="),
            ("cookie", b"__Secure-access_token=a.b.c"),
        ]);
        assert_eq!(credentials(&h, NAME), Ok(Credentials::Cookie("a.b.c")));
    }

    #[test]
    fn the_access_cookie_is_found_among_others_in_any_cookie_header() {
        let h = headers(&[
            ("cookie", b"a=1; b=2"),
            ("cookie", b"x=\xff; __Secure-access_token=a.b.c"),
        ]);
        assert_eq!(credentials(&h, NAME), Ok(Credentials::Cookie("a.b.c")));
    }

    #[test]
    fn nothing_sent_is_missing() {
        assert_eq!(
            credentials(&HeaderMap::new(), NAME),
            Err(NoCredentials::Missing)
        );
        let h = headers(&[("cookie", b"access_token=a.b.c; __Secure-access_token=")]);
        assert_eq!(credentials(&h, NAME), Err(NoCredentials::Missing));
    }

    #[test]
    fn duplicates_garbage_and_oversized_values_are_unusable() {
        let long = format!("__Secure-access_token={}", "a".repeat(MAX_TOKEN_LEN + 1));
        let cases: Vec<Vec<(&str, &[u8])>> = vec![
            vec![(
                "cookie",
                b"__Secure-access_token=a.b.c; __Secure-access_token=a.b.c",
            )],
            vec![
                ("cookie", b"__Secure-access_token=a.b.c"),
                ("cookie", b"__Secure-access_token=d.e.f"),
            ],
            vec![("cookie", b"__Secure-access_token=\"a.b.c\"")],
            vec![("cookie", b"__Secure-access_token=a b")],
            vec![("cookie", b"__Secure-access_token=a.\xff")],
            vec![("cookie", long.as_bytes())],
            vec![("authorization", b"Bearer")],
            vec![("authorization", b"Bearer a.b.c extra")],
            vec![
                ("authorization", b"Bearer a.b.c"),
                ("authorization", b"Bearer a.b.c"),
            ],
        ];
        for case in cases {
            let h = headers(&case);
            assert!(
                matches!(credentials(&h, NAME), Err(NoCredentials::Unusable(_))),
                "{case:?}"
            );
        }
    }
}
