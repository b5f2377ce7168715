//! What crosses the proxy in each direction, header by header.
//!
//! Upstream-bound: hop-by-hop headers (RFC 9110 §7.6.1: the fixed list and
//! every name the `Connection` header lists) stop here; so do `Cookie` (the
//! service's cookies never leave it), `Authorization`, `Host`, and every
//! identity and forwarding header the caller sent: they are written anew
//! from what the guard verified and what the connection says, so that a
//! caller cannot claim another user, tenant or address (anti-spoofing).
//!
//! Browser-bound: hop-by-hop headers stop here too, and an upstream
//! `Set-Cookie` that would shadow one of the service's cookies is dropped.

use std::fmt::Write as _;
use std::net::IpAddr;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::body::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::cookies::CookieNames;

/// The verified subject (`sub`) of the caller.
pub static X_USER_SUB: HeaderName = HeaderName::from_static("x-user-sub");
/// The verified username of the caller.
pub static X_USER_NAME: HeaderName = HeaderName::from_static("x-user-name");
/// The caller's tenant, when the token has one (absent otherwise).
pub static X_ORG_ID: HeaderName = HeaderName::from_static("x-org-id");

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
static PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");

/// The hop-by-hop headers of RFC 9110 §7.6.1 (and the obsolete
/// `Proxy-Connection`).
fn is_hop_by_hop(name: &HeaderName) -> bool {
    name == header::CONNECTION
        || name == header::PROXY_AUTHENTICATE
        || name == header::PROXY_AUTHORIZATION
        || name == header::TE
        || name == header::TRAILER
        || name == header::TRANSFER_ENCODING
        || name == header::UPGRADE
        || name == KEEP_ALIVE
        || name == PROXY_CONNECTION
}

/// Removes the headers `doomed` picks, and those the `Connection` header
/// lists. One pass over the names present, then a removal per header found
/// (usually two or three), rather than a lookup per name that could be there:
/// this runs twice on every proxied request.
fn strip(headers: &mut HeaderMap, doomed: impl Fn(&HeaderName) -> bool) {
    let mut gone: Vec<HeaderName> = Vec::with_capacity(4);
    for name in headers.keys() {
        if doomed(name) {
            gone.push(name.clone());
        }
    }
    if gone.contains(&header::CONNECTION) {
        for value in headers.get_all(header::CONNECTION) {
            let Ok(value) = value.to_str() else { continue };
            for token in value.split(',') {
                if let Ok(name) = HeaderName::from_bytes(token.trim().as_bytes()) {
                    gone.push(name);
                }
            }
        }
    }
    for name in gone {
        headers.remove(name);
    }
}

/// Upstream-bound: hop-by-hop, and what the proxy writes itself.
fn dropped_upstream(name: &HeaderName) -> bool {
    is_hop_by_hop(name)
        || name == header::COOKIE
        || name == header::AUTHORIZATION
        || name == header::HOST
        || name == header::FORWARDED
        || name == X_FORWARDED_FOR
        || name == X_FORWARDED_PROTO
        || name == X_FORWARDED_HOST
        || name == X_USER_SUB
        || name == X_USER_NAME
        || name == X_ORG_ID
}

/// `ip` in decimal (IPv4: without the formatting machinery; this runs on
/// every proxied request).
fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                if octet >= 100 {
                    out.push(char::from(b'0' + octet / 100));
                }
                if octet >= 10 {
                    out.push(char::from(b'0' + octet / 10 % 10));
                }
                out.push(char::from(b'0' + octet % 10));
            }
        }
        IpAddr::V6(v6) => {
            let _ = write!(out, "{v6}");
        }
    }
}

/// Who the caller is, as the guard verified it.
#[derive(Clone, Copy)]
pub struct Caller<'a> {
    pub sub: &'a str,
    pub username: &'a str,
    pub org_id: Option<&'a str>,
    /// The verified access token (never logged).
    pub token: &'a str,
}

impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("sub", &self.sub)
            .field("username", &self.username)
            .field("org_id", &self.org_id)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Where the request came from, for the forwarding headers.
#[derive(Debug, Clone, Copy)]
pub struct Hop {
    /// The socket peer (`None` when unknown: a router driven in-process).
    pub peer: Option<IpAddr>,
    /// Whether the peer is a trusted proxy (`BFF_TRUSTED_PROXIES`), whose
    /// forwarding headers are then extended rather than replaced.
    pub trusted: bool,
}

/// Every value of header `name`, joined with `, `; `None` when absent or
/// not text.
fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut out = String::new();
    for v in headers.get_all(name) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(v.to_str().ok()?);
    }
    (!out.is_empty()).then_some(out)
}

/// The upstream-bound headers, rewritten in place.
///
/// On every proxied request: a handful of small allocations (the forwarding
/// values), the header map's own work, and no copy of the token beyond the
/// `Bearer` value itself.
pub fn to_upstream(
    headers: &mut HeaderMap,
    caller: &Caller<'_>,
    forward_token: bool,
    hop: Hop,
    websocket: bool,
) {
    // What the last hop said, read before anything is removed; a peer's
    // forwarding headers count only when it is a trusted proxy.
    let host = headers.get(header::HOST).cloned();
    let trusted = |name: &HeaderName| hop.trusted.then(|| joined(headers, name)).flatten();
    let chain_in = trusted(&X_FORWARDED_FOR);
    let proto_in = trusted(&X_FORWARDED_PROTO);
    let host_in = trusted(&X_FORWARDED_HOST);
    let forwarded_in = trusted(&header::FORWARDED);

    strip(headers, dropped_upstream);

    if websocket {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    }
    if forward_token {
        let mut bearer = String::with_capacity(7 + caller.token.len());
        bearer.push_str("Bearer ");
        bearer.push_str(caller.token);
        if let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(bearer)) {
            headers.insert(header::AUTHORIZATION, v);
        }
    }
    headers.insert(X_USER_SUB.clone(), text_value(caller.sub));
    headers.insert(X_USER_NAME.clone(), text_value(caller.username));
    if let Some(org) = caller.org_id {
        headers.insert(X_ORG_ID.clone(), text_value(org));
    }

    let peer = hop.peer.map(|ip| ip.to_canonical());
    let chain = match (chain_in, peer) {
        (Some(mut chain), Some(peer)) => {
            chain.push_str(", ");
            push_ip(&mut chain, peer);
            Some(chain)
        }
        (None, Some(peer)) => {
            let mut chain = String::with_capacity(15);
            push_ip(&mut chain, peer);
            Some(chain)
        }
        (chain, None) => chain,
    };
    if let Some(v) = chain.and_then(|c| HeaderValue::from_maybe_shared(Bytes::from(c)).ok()) {
        headers.insert(X_FORWARDED_FOR.clone(), v);
    }
    let https = proto_in.as_deref() == Some("https");
    let proto = match proto_in.and_then(|p| HeaderValue::from_maybe_shared(Bytes::from(p)).ok()) {
        Some(v) => v,
        None => HeaderValue::from_static("http"),
    };
    headers.insert(X_FORWARDED_PROTO.clone(), proto);
    let forwarded_host: Option<HeaderValue> = match host_in {
        Some(h) => HeaderValue::from_maybe_shared(Bytes::from(h)).ok(),
        None => host,
    };

    // RFC 7239: this hop's element, after the trusted ones before it.
    let mut value = forwarded_in.unwrap_or_default();
    value.reserve(64);
    if !value.is_empty() {
        value.push_str(", ");
    }
    match peer {
        Some(ip @ IpAddr::V4(_)) => {
            value.push_str("for=");
            push_ip(&mut value, ip);
            value.push(';');
        }
        Some(ip @ IpAddr::V6(_)) => {
            value.push_str("for=\"[");
            push_ip(&mut value, ip);
            value.push_str("]\";");
        }
        None => {}
    }
    if let Some(h) = forwarded_host.as_ref().and_then(|h| h.to_str().ok()) {
        if is_token(h) {
            value.push_str("host=");
            value.push_str(h);
        } else {
            value.push_str("host=\"");
            value.extend(h.chars().filter(|c| *c != '"' && *c != '\\'));
            value.push('"');
        }
        value.push(';');
    }
    value.push_str(if https { "proto=https" } else { "proto=http" });
    if let Ok(v) = HeaderValue::from_maybe_shared(Bytes::from(value)) {
        headers.insert(header::FORWARDED, v);
    }
    if let Some(h) = forwarded_host {
        headers.insert(X_FORWARDED_HOST.clone(), h);
    }
}

/// RFC 7230 `token` characters (a Forwarded value that needs no quotes).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:".contains(&b))
}

/// A header value for an identity: as is when it is printable ASCII,
/// otherwise percent-encoded UTF-8 (a username may be any Unicode).
fn text_value(s: &str) -> HeaderValue {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b))
        && let Ok(v) = HeaderValue::from_str(s)
    {
        return v;
    }
    /// Kept as is: letters, digits and what usernames and emails use.
    const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'@')
        .remove(b'+');
    let out = utf8_percent_encode(s, ENCODED).to_string();
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The browser-bound headers, rewritten in place. `upgraded`: a 101
/// answer, which keeps its `Connection: upgrade` and `Upgrade`.
pub fn to_browser(headers: &mut HeaderMap, upgraded: bool) {
    let upgrade = headers.get(header::UPGRADE).cloned();
    strip(headers, is_hop_by_hop);
    if upgraded && let Some(u) = upgrade {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, u);
    }
    // Security: a cookie of the upstream's with one of the service's names
    // (in either the `Secure` or the plain spelling) could shadow the real
    // one for its path; it is dropped, the upstream's other cookies pass.
    let reserved = [CookieNames::new(true), CookieNames::new(false)];
    let shadows = |value: &HeaderValue| {
        let name = value
            .as_bytes()
            .split(|&b| b == b'=')
            .next()
            .map(<[u8]>::trim_ascii)
            .unwrap_or_default();
        reserved.iter().any(|names| {
            std::iter::once(names.access)
                .chain(names.access_chunks)
                .chain([names.refresh, names.session])
                .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
        })
    };
    if headers.get_all(header::SET_COOKIE).iter().any(shadows) {
        let kept: Vec<HeaderValue> = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter(|v| !shadows(v))
            .cloned()
            .collect();
        headers.remove(header::SET_COOKIE);
        for v in kept {
            headers.append(header::SET_COOKIE, v);
        }
        tracing::warn!("an upstream tried to set one of the service's cookies; dropped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> Caller<'static> {
        Caller {
            sub: "sub-1",
            username: "alice",
            org_id: Some("acme"),
            token: "tok.en.sig",
        }
    }

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn an_untrusted_peer_cannot_extend_the_forwarding_chain() {
        let mut h = map(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=6.6.6.6"),
            ("host", "bff.example"),
        ]);
        let hop = Hop {
            peer: Some("10.0.0.9".parse().unwrap()),
            trusted: false,
        };
        to_upstream(&mut h, &caller(), true, hop, false);
        assert_eq!(h["x-forwarded-for"], "10.0.0.9");
        assert_eq!(h["forwarded"], "for=10.0.0.9;host=bff.example;proto=http");
        assert_eq!(h["x-forwarded-host"], "bff.example");
    }

    #[test]
    fn a_trusted_peer_extends_the_chain_and_keeps_its_proto() {
        let mut h = map(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=203.0.113.7;proto=https"),
            ("host", "bff.example"),
        ]);
        let hop = Hop {
            peer: Some("::ffff:10.0.0.2".parse().unwrap()),
            trusted: true,
        };
        to_upstream(&mut h, &caller(), true, hop, false);
        assert_eq!(h["x-forwarded-for"], "203.0.113.7, 10.0.0.2");
        assert_eq!(h["x-forwarded-proto"], "https");
        assert_eq!(
            h["forwarded"],
            "for=203.0.113.7;proto=https, for=10.0.0.2;host=bff.example;proto=https"
        );
        let v6 = Hop {
            peer: Some("2001:db8::1".parse().unwrap()),
            trusted: false,
        };
        let mut h = map(&[("host", "bff.example")]);
        to_upstream(&mut h, &caller(), true, v6, false);
        assert!(
            h["forwarded"]
                .to_str()
                .unwrap()
                .starts_with("for=\"[2001:db8::1]\";")
        );
    }

    #[test]
    fn identities_outside_printable_ascii_are_percent_encoded() {
        let mut h = HeaderMap::new();
        let who = Caller {
            username: "zoë\r\nx-org-id: evil",
            ..caller()
        };
        to_upstream(
            &mut h,
            &who,
            false,
            Hop {
                peer: None,
                trusted: false,
            },
            false,
        );
        assert_eq!(h["x-user-name"], "zo%C3%AB%0D%0Ax-org-id%3A%20evil");
        assert_eq!(h.get_all("x-org-id").iter().count(), 1);
        assert!(h.get("authorization").is_none(), "forward_token off");
    }

    #[test]
    fn connection_listed_headers_are_hop_by_hop() {
        let mut h = map(&[
            ("connection", "close, x-secret-hop"),
            ("x-secret-hop", "1"),
            ("te", "gzip"),
        ]);
        to_browser(&mut h, false);
        assert!(h.is_empty(), "{h:?}");
    }

    #[test]
    fn only_the_shadowing_cookies_are_dropped() {
        let mut h = map(&[
            ("set-cookie", "__Secure-access_token=x; Path=/api/orders"),
            ("set-cookie", "REFRESH_TOKEN=y"),
            ("set-cookie", "__Secure-access_token.1=z"),
            ("set-cookie", "cart=3; Path=/api/orders"),
        ]);
        to_browser(&mut h, false);
        let left: Vec<_> = h.get_all("set-cookie").iter().collect();
        assert_eq!(left, ["cart=3; Path=/api/orders"]);
    }
}
