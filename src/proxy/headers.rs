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

use std::net::IpAddr;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

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
fn hop_by_hop() -> [&'static HeaderName; 9] {
    [
        &header::CONNECTION,
        &KEEP_ALIVE,
        &header::PROXY_AUTHENTICATE,
        &header::PROXY_AUTHORIZATION,
        &header::TE,
        &header::TRAILER,
        &header::TRANSFER_ENCODING,
        &header::UPGRADE,
        &PROXY_CONNECTION,
    ]
}

/// Removes the hop-by-hop headers and those `Connection` names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let listed: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in listed {
        headers.remove(name);
    }
    for name in hop_by_hop() {
        headers.remove(name);
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

/// The upstream-bound headers, rewritten in place.
pub fn to_upstream(
    headers: &mut HeaderMap,
    caller: &Caller<'_>,
    forward_token: bool,
    hop: Hop,
    websocket: bool,
) {
    // Read what the last hop said before anything is removed.
    let host = headers.get(header::HOST).cloned();
    let incoming = |name: &HeaderName| -> Option<String> {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str())
            .collect::<Result<_, _>>()
            .ok()?;
        (!values.is_empty()).then(|| values.join(", "))
    };
    let trusted = |name: &HeaderName| if hop.trusted { incoming(name) } else { None };
    let chain_for = trusted(&X_FORWARDED_FOR);
    let proto = trusted(&X_FORWARDED_PROTO).unwrap_or_else(|| "http".to_owned());
    let forwarded_host = trusted(&X_FORWARDED_HOST).or_else(|| {
        host.as_ref()
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
    });
    let forwarded = trusted(&header::FORWARDED);

    strip_hop_by_hop(headers);
    for name in [
        &header::COOKIE,
        &header::AUTHORIZATION,
        &header::HOST,
        &header::FORWARDED,
        &X_FORWARDED_FOR,
        &X_FORWARDED_PROTO,
        &X_FORWARDED_HOST,
        &X_USER_SUB,
        &X_USER_NAME,
        &X_ORG_ID,
    ] {
        headers.remove(name);
    }

    if websocket {
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    }
    if forward_token && let Ok(v) = HeaderValue::from_str(&format!("Bearer {}", caller.token)) {
        headers.insert(header::AUTHORIZATION, v);
    }
    headers.insert(X_USER_SUB.clone(), text_value(caller.sub));
    headers.insert(X_USER_NAME.clone(), text_value(caller.username));
    if let Some(org) = caller.org_id {
        headers.insert(X_ORG_ID.clone(), text_value(org));
    }

    let peer = hop.peer.map(|ip| ip.to_canonical());
    let chain = match (chain_for, peer) {
        (Some(chain), Some(peer)) => Some(format!("{chain}, {peer}")),
        (None, Some(peer)) => Some(peer.to_string()),
        (chain, None) => chain,
    };
    if let Some(v) = chain.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(X_FORWARDED_FOR.clone(), v);
    }
    if let Ok(v) = HeaderValue::from_str(&proto) {
        headers.insert(X_FORWARDED_PROTO.clone(), v);
    }
    if let Some(v) = forwarded_host
        .as_deref()
        .and_then(|h| HeaderValue::from_str(h).ok())
    {
        headers.insert(X_FORWARDED_HOST.clone(), v);
    }
    // RFC 7239: this hop's element, after the trusted ones before it.
    let mut element = Vec::new();
    if let Some(peer) = peer {
        element.push(match peer {
            IpAddr::V4(v4) => format!("for={v4}"),
            IpAddr::V6(v6) => format!("for=\"[{v6}]\""),
        });
    }
    if let Some(h) = forwarded_host.as_deref().filter(|h| is_token(h)) {
        element.push(format!("host={h}"));
    } else if let Some(h) = forwarded_host.as_deref() {
        element.push(format!("host=\"{}\"", h.replace(['"', '\\'], "")));
    }
    element.push(format!(
        "proto={}",
        if proto == "https" { "https" } else { "http" }
    ));
    let this_hop = element.join(";");
    let value = match forwarded {
        Some(before) => format!("{before}, {this_hop}"),
        None => this_hop,
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.insert(header::FORWARDED.clone(), v);
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
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@+".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The browser-bound headers, rewritten in place. `upgraded`: a 101
/// answer, which keeps its `Connection: upgrade` and `Upgrade`.
pub fn to_browser(headers: &mut HeaderMap, upgraded: bool) {
    let upgrade = headers.get(header::UPGRADE).cloned();
    strip_hop_by_hop(headers);
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
