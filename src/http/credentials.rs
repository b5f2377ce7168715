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
//!   from a sibling path or subdomain), empty or non-UTF-8 values and values
//!   longer than [`MAX_TOKEN_LEN`] are refused as unusable, before any
//!   parsing of the token: they end as 401, never 500. A value with
//!   characters no JWT has is refused by the verifier before it parses
//!   anything (after its cache lookup, which only ever matches a token it
//!   verified in full), so the cached path does not look at every byte twice.

use std::ops::Range;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use memchr::memchr;

use crate::cookies::scan;
use crate::verify::MAX_TOKEN_LEN;

/// How a request presents its token (and so how it is authenticated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthenticatedBy {
    /// `Authorization: Bearer`.
    Bearer,
    /// The access cookie.
    Cookie,
}

/// The token a request presents, and how. Borrowed from the request's
/// headers: finding it copies nothing.
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    scheme: AuthenticatedBy,
    header: &'a HeaderValue,
    range: (usize, usize),
    token: &'a str,
}

impl std::fmt::Debug for Credentials<'_> {
    // Security: a token never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}([REDACTED])", self.scheme)
    }
}

impl<'a> Credentials<'a> {
    /// The token of `header[range]`, when it is usable (see [`usable`]).
    fn new(
        scheme: AuthenticatedBy,
        header: &'a HeaderValue,
        range: Range<usize>,
    ) -> Result<Self, NoCredentials> {
        let token = usable(&header.as_bytes()[range.clone()])?;
        Ok(Self {
            scheme,
            header,
            range: (range.start, range.end),
            token,
        })
    }

    /// The token itself.
    pub fn token(&self) -> &'a str {
        self.token
    }

    /// How it was presented.
    pub fn scheme(&self) -> AuthenticatedBy {
        self.scheme
    }

    /// The token, kept for the rest of the request without a copy (the
    /// header value shares the request's buffer).
    pub fn keep(&self) -> AccessToken {
        AccessToken(Kept::InHeader {
            header: self.header.clone(),
            start: self.range.0,
            end: self.range.1,
        })
    }
}

/// The verified access token of a request, for handlers that call Cognito
/// on the user's behalf (GetUser). Its `Debug` never shows the token.
#[derive(Clone)]
pub struct AccessToken(Kept);

#[derive(Clone)]
enum Kept {
    /// `header[start..end]`, checked to be a usable token when found.
    InHeader {
        header: HeaderValue,
        start: usize,
        end: usize,
    },
    /// Joined from numbered cookies.
    Joined(Arc<str>),
}

impl AccessToken {
    /// A token that was put together from several cookies.
    pub fn joined(token: String) -> Self {
        Self(Kept::Joined(token.into()))
    }

    /// The token, to pass to Cognito. Never log it.
    pub fn expose(&self) -> &str {
        match &self.0 {
            // The range was checked to be an ASCII token when it was found;
            // the fallback (an empty token, refused by Cognito) is unreachable.
            Kept::InHeader { header, start, end } => header
                .as_bytes()
                .get(*start..*end)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Kept::Joined(token) => token,
        }
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken([REDACTED])")
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
        return Ok(token);
    }
    match cookie_value(headers, access_cookie)? {
        Some((header, range)) => Credentials::new(AuthenticatedBy::Cookie, header, range),
        None => Err(NoCredentials::Missing),
    }
}

/// The token of an `Authorization: Bearer` header (scheme matched without
/// regard to case), `None` when there is no Bearer Authorization header.
/// The CSRF check asks it too: only a usable Bearer token spares the CSRF
/// header.
pub fn bearer(headers: &HeaderMap) -> Result<Option<Credentials<'_>>, NoCredentials> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(NoCredentials::Unusable("several Authorization headers"));
    }
    let bytes = value.as_bytes();
    let scheme_end = memchr(b' ', bytes).unwrap_or(bytes.len());
    if !bytes[..scheme_end].eq_ignore_ascii_case(b"bearer") {
        return Ok(None);
    }
    let start = bytes[scheme_end..]
        .iter()
        .position(|b| *b != b' ')
        .map_or(bytes.len(), |i| scheme_end + i);
    Credentials::new(AuthenticatedBy::Bearer, value, start..bytes.len()).map(Some)
}

/// Where the value of cookie `name` is (once at most): the header value and
/// the range of the value in it, `None` when absent or empty.
///
/// Read with the service's one cookie scanner ([`crate::cookies::scan`]),
/// which sees every occurrence (`CookieJar` keeps one of several same-named
/// cookies silently) and never needs the whole header to be UTF-8: a
/// duplicate must be seen to be refused, and a non-UTF-8 byte in somebody
/// else's cookie must not hide ours.
fn cookie_value<'a>(
    headers: &'a HeaderMap,
    name: &str,
) -> Result<Option<(&'a HeaderValue, Range<usize>)>, NoCredentials> {
    let mut found = scan::occurrences(headers, name);
    let first = found.next();
    if found.next().is_some() {
        return Err(NoCredentials::Unusable("several access cookies"));
    }
    Ok(first.filter(|(_, range)| !range.is_empty()))
}

/// The access token of a request whose token was split into numbered
/// cookies (`chunk_names`, in order): the chunks joined, `None` when the
/// first is absent. Each chunk must appear once; a gap ends the token.
pub fn chunked_cookie_token(
    headers: &HeaderMap,
    chunk_names: &[&str],
) -> Result<Option<AccessToken>, NoCredentials> {
    let mut token = Vec::new();
    for name in chunk_names {
        match cookie_value(headers, name)? {
            Some((header, range)) => token.extend_from_slice(&header.as_bytes()[range]),
            None => break,
        }
    }
    if token.is_empty() {
        return Ok(None);
    }
    usable(&token)?;
    let token =
        String::from_utf8(token).map_err(|_| NoCredentials::Unusable("token is not UTF-8"))?;
    Ok(Some(AccessToken::joined(token)))
}

/// A token worth looking at: not empty, not longer than [`MAX_TOKEN_LEN`], UTF-8.
fn usable(token: &[u8]) -> Result<&str, NoCredentials> {
    if token.is_empty() {
        return Err(NoCredentials::Unusable("empty token"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(NoCredentials::Unusable("token too long"));
    }
    std::str::from_utf8(token).map_err(|_| NoCredentials::Unusable("token is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "__Secure-access_token";

    fn found(h: &HeaderMap) -> Result<(AuthenticatedBy, &str), NoCredentials> {
        credentials(h, NAME).map(|c| (c.scheme(), c.token()))
    }

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
            assert_eq!(found(&h), Ok((AuthenticatedBy::Bearer, "a.b.c")), "{v}");
        }
    }

    #[test]
    fn bearer_wins_over_the_cookie_and_other_schemes_are_ignored() {
        let h = headers(&[
            ("authorization", b"Bearer x.y.z"),
            ("cookie", b"__Secure-access_token=a.b.c"),
        ]);
        assert_eq!(found(&h), Ok((AuthenticatedBy::Bearer, "x.y.z")));
        let h = headers(&[
            ("authorization", b"Basic dXNlcjpwdw=="),
            ("cookie", b"__Secure-access_token=a.b.c"),
        ]);
        assert_eq!(found(&h), Ok((AuthenticatedBy::Cookie, "a.b.c")));
    }

    #[test]
    fn the_access_cookie_is_found_among_others_in_any_cookie_header() {
        let h = headers(&[
            ("cookie", b"a=1; b=2"),
            ("cookie", b"x=\xff; __Secure-access_token=a.b.c"),
        ]);
        assert_eq!(found(&h), Ok((AuthenticatedBy::Cookie, "a.b.c")));
    }

    #[test]
    fn nothing_sent_is_missing() {
        assert_eq!(found(&HeaderMap::new()), Err(NoCredentials::Missing));
        let h = headers(&[("cookie", b"access_token=a.b.c; __Secure-access_token=")]);
        assert_eq!(found(&h), Err(NoCredentials::Missing));
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
            vec![("cookie", b"__Secure-access_token=a.\xff")],
            vec![("cookie", long.as_bytes())],
            vec![("authorization", b"Bearer")],
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
