//! The client's address, as the rate limits key it.
//!
//! It is the socket peer, unless the peer is a trusted proxy
//! (`BFF_TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the right
//! (each proxy appends the address it received the request from), skipping
//! trusted proxies, and the first untrusted address is the client. The
//! left-most entries are whatever the client wrote, so they are never
//! believed on their own.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::state::AppState;

static X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The client address of a request (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Without connection info (a router driven in-process) every
        // request counts as coming from one unknown address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &state.settings.rate_limits.trusted_proxies,
        )))
    }
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    crate::config::is_trusted_proxy(proxies, ip)
}

/// One `X-Forwarded-For` entry: an address, possibly with a port.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client address for a request from `peer` with `headers`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted(peer, proxies) {
        return peer;
    }
    // Several X-Forwarded-For headers are one list, in order; walk it from
    // the right. Security: the walk stops at the first value it cannot read
    // (a header that is not visible ASCII, an entry that is not an address),
    // naming the last hop it could: whatever stands left of it was written
    // by someone no trusted proxy vouches for.
    let mut client = peer;
    for header in headers.get_all(X_FORWARDED_FOR).iter().rev() {
        let Ok(list) = header.to_str() else {
            return client;
        };
        for entry in list.rsplit(',') {
            match parse_entry(entry) {
                // A trusted proxy forwarded it: keep walking left.
                Some(ip) if trusted(ip, proxies) => client = ip,
                Some(ip) => return ip,
                None => return client,
            }
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(X_FORWARDED_FOR, v.parse().unwrap());
        }
        h
    }

    fn proxies() -> Vec<IpNet> {
        vec![
            "10.0.0.0/8".parse().unwrap(),
            "127.0.0.1/32".parse().unwrap(),
        ]
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let h = xff(&["198.51.100.7"]);
        assert_eq!(
            client_ip(ip("203.0.113.5"), &h, &proxies()),
            ip("203.0.113.5")
        );
        assert_eq!(client_ip(ip("203.0.113.5"), &h, &[]), ip("203.0.113.5"));
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        // Spoofed left-most entry, the real client, then an inner proxy.
        let h = xff(&["1.2.3.4, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &h, &proxies()),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn without_or_with_only_trusted_entries_the_nearest_hop_counts() {
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &proxies()),
            ip("10.0.0.2")
        );
        let h = xff(&["10.9.9.9, 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &proxies()), ip("10.9.9.9"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_hop_that_wrote_it() {
        let h = xff(&["198.51.100.7, nonsense, 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &proxies()), ip("10.1.1.1"));
    }

    #[test]
    fn a_header_that_is_not_ascii_stops_the_walk_too() {
        let mut h = xff(&["198.51.100.7"]);
        h.append(
            X_FORWARDED_FOR,
            axum::http::HeaderValue::from_bytes(b"203.0.113.\xff").unwrap(),
        );
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &proxies()), ip("10.0.0.2"));
    }

    #[test]
    fn ports_and_mapped_addresses_are_understood() {
        let h = xff(&["198.51.100.7:4711"]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &h, &proxies()),
            ip("198.51.100.7")
        );
        let h = xff(&["[2001:db8::1]:443"]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &h, &proxies()),
            ip("2001:db8::1")
        );
    }
}
