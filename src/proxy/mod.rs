//! The authenticated reverse proxy: remote APIs (`BFF_UPSTREAMS`) served
//! under `/api` behind the same guard as the service's own routes, so that
//! APIs in any language that expect `Authorization: Bearer` get the cookie
//! session's verified token and identity without ever seeing a cookie.
//!
//! The web layer verifies the caller and hands over the request; this
//! module rewrites its headers ([`headers`]), streams it to the upstream
//! over a pooled hyper client (HTTP/1.1, and HTTP/2 by ALPN over https), and
//! streams the answer back. Nothing is buffered: bodies go frame by frame
//! both ways, WebSocket upgrades become a byte tunnel ([`tunnel`]), and a
//! caller that goes away drops the upstream call with it.

mod client;
pub mod headers;
mod tunnel;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Request, Response, StatusCode, Uri, header};
use http_body::Body;
use http_body_util::{BodyExt as _, Limited};
use hyper::body::{Bytes, Incoming};
use ipnet::IpNet;

use crate::config::Upstream;
use crate::metrics::{Metrics, UpstreamSeries};
pub use headers::{Caller, Hop};

/// Why a request could not be forwarded. Each variant's doc says the
/// status the web layer answers.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// 502 `bad_gateway`: no connection to the upstream, or it closed or
    /// reset the connection before answering.
    #[error("upstream {upstream} unreachable: {reason}")]
    Unreachable { upstream: Arc<str>, reason: String },
    /// 504 `gateway_timeout`: no response headers within the upstream's timeout.
    #[error("upstream {upstream} did not answer within {timeout:?}")]
    Timeout {
        upstream: Arc<str>,
        timeout: Duration,
    },
    /// 413 `payload_too_large`: the request body is larger than the
    /// upstream's `max_body_bytes`.
    #[error("request body over {limit} bytes for upstream {upstream}")]
    BodyTooLarge { upstream: Arc<str>, limit: u64 },
}

/// Why the proxy could not be built (start-up).
#[derive(Debug, thiserror::Error)]
#[error("upstream client: {0}")]
pub struct BuildError(String);

/// One upstream, ready to forward to.
#[derive(Debug)]
struct Target {
    settings: Upstream,
    /// The prefix, as the metrics label.
    name: Arc<str>,
    series: UpstreamSeries,
    /// The base URL's path without its trailing `/`.
    base_path: String,
    scheme: Scheme,
    authority: Authority,
}

/// The remote APIs and the client that reaches them.
#[derive(Debug)]
pub struct Proxy {
    targets: Box<[Target]>,
    client: client::UpstreamClient,
    trusted_proxies: Vec<IpNet>,
}

/// Any error a body may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body the upstream gets: the caller's, capped at `max_body_bytes`.
pub type OutBody = Limited<http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>>;

impl Proxy {
    pub fn new(
        upstreams: &[Upstream],
        trusted_proxies: Vec<IpNet>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, BuildError> {
        let targets = upstreams
            .iter()
            .map(|u| {
                let authority = match (u.url.host_str(), u.url.port()) {
                    (Some(host), Some(port)) => format!("{host}:{port}"),
                    (Some(host), None) => host.to_owned(),
                    (None, _) => String::new(),
                };
                let name: Arc<str> = u.prefix.as_str().into();
                Ok(Target {
                    series: metrics.upstream(&name),
                    name,
                    base_path: u.url.path().trim_end_matches('/').to_owned(),
                    scheme: if u.url.scheme() == "https" {
                        Scheme::HTTPS
                    } else {
                        Scheme::HTTP
                    },
                    authority: authority
                        .parse()
                        .map_err(|e| BuildError(format!("{}: the URL's host: {e}", u.prefix)))?,
                    settings: u.clone(),
                })
            })
            .collect::<Result<_, BuildError>>()?;
        Ok(Self {
            targets,
            client: client::build()?,
            trusted_proxies,
        })
    }

    /// The upstreams' prefixes, by index.
    pub fn prefixes(&self) -> impl Iterator<Item = (usize, &str)> {
        self.targets
            .iter()
            .enumerate()
            .map(|(i, t)| (i, t.settings.prefix.as_str()))
    }

    /// Whether upstream `index` refuses callers without a tenant.
    pub fn requires_tenant(&self, index: usize) -> bool {
        self.targets
            .get(index)
            .is_none_or(|t| t.settings.require_tenant)
    }

    /// Whether `peer` is a trusted proxy, whose forwarding headers count.
    pub fn hop(&self, peer: Option<IpAddr>) -> Hop {
        let trusted = peer.is_some_and(|ip| {
            let ip = ip.to_canonical();
            crate::config::is_trusted_proxy(&self.trusted_proxies, ip)
        });
        Hop { peer, trusted }
    }

    /// Forwards `req` (already verified as `caller`) to upstream `index`
    /// and returns its answer, streaming. A WebSocket upgrade (`websocket`)
    /// is forwarded as such and, once the upstream agrees (101), tunnelled.
    pub async fn forward<B>(
        &self,
        index: usize,
        mut req: Request<B>,
        caller: &Caller<'_>,
        hop: Hop,
        websocket: bool,
    ) -> Result<Response<Incoming>, ProxyError>
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let Some(target) = self.targets.get(index) else {
            // The web layer only mounts indexes from `prefixes`.
            return Err(ProxyError::Unreachable {
                upstream: "?".into(),
                reason: "no such upstream".into(),
            });
        };
        let started = Instant::now();
        let limit = target.settings.max_body_bytes;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            target.series.record("too_large", None);
            return Err(ProxyError::BodyTooLarge {
                upstream: Arc::clone(&target.name),
                limit,
            });
        }
        let client_upgrade = websocket.then(|| hyper::upgrade::on(&mut req));
        let (mut parts, body) = req.into_parts();
        parts.uri = Self::upstream_uri(target, &parts.uri);
        parts.version = http::Version::HTTP_11;
        headers::to_upstream(
            &mut parts.headers,
            caller,
            target.settings.forward_token,
            hop,
            websocket,
        );
        let body: OutBody = Limited::new(
            body.map_err(Into::into).boxed_unsync(),
            usize::try_from(limit).unwrap_or(usize::MAX),
        );
        let sent = tokio::time::timeout(
            target.settings.timeout,
            self.client.request(Request::from_parts(parts, body)),
        )
        .await;
        let mut response = match sent {
            Err(_) => {
                target.series.record("timeout", None);
                return Err(ProxyError::Timeout {
                    upstream: Arc::clone(&target.name),
                    timeout: target.settings.timeout,
                });
            }
            Ok(Err(e)) => {
                if client::body_too_large(&e) {
                    target.series.record("too_large", None);
                    return Err(ProxyError::BodyTooLarge {
                        upstream: Arc::clone(&target.name),
                        limit,
                    });
                }
                target.series.record("unreachable", None);
                return Err(ProxyError::Unreachable {
                    upstream: Arc::clone(&target.name),
                    reason: client::describe(&e),
                });
            }
            Ok(Ok(response)) => response,
        };
        target
            .series
            .record(status_class(response.status()), Some(started.elapsed()));
        let upgraded = response.status() == StatusCode::SWITCHING_PROTOCOLS;
        match (client_upgrade, upgraded) {
            (Some(client_side), true) => {
                let upstream_side = hyper::upgrade::on(&mut response);
                tunnel::spawn(Arc::clone(&target.name), client_side, upstream_side);
            }
            (None, true) => {
                // Only WebSocket upgrades are tunnelled: a 101 to anything
                // else would leave the caller with a dead connection.
                target.series.record("unreachable", None);
                return Err(ProxyError::Unreachable {
                    upstream: Arc::clone(&target.name),
                    reason: "switched protocols without an upgrade request".into(),
                });
            }
            _ => {}
        }
        headers::to_browser(response.headers_mut(), upgraded);
        Ok(response)
    }

    /// `<base>/<path after the prefix>?<query>` (or the whole path when the
    /// prefix is kept). The path is forwarded as it arrived, still encoded.
    fn upstream_uri(target: &Target, uri: &Uri) -> Uri {
        let path = uri.path();
        let rest = if target.settings.strip_prefix {
            path.strip_prefix(target.settings.prefix.as_str())
                .unwrap_or(path)
        } else {
            path
        };
        let query = uri.query();
        let mut out = String::with_capacity(
            target.base_path.len() + rest.len() + 2 + query.map_or(0, str::len),
        );
        out.push_str(&target.base_path);
        if rest.is_empty() {
            out.push('/');
        } else {
            out.push_str(rest);
        }
        if let Some(q) = query {
            out.push('?');
            out.push_str(q);
        }
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(target.scheme.clone());
        parts.authority = Some(target.authority.clone());
        // Every part came from a valid URI; the fallback (the base path
        // alone) is unreachable.
        parts.path_and_query = Some(
            PathAndQuery::from_maybe_shared(Bytes::from(out))
                .unwrap_or_else(|_| PathAndQuery::from_static("/")),
        );
        Uri::from_parts(parts).unwrap_or_default()
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// Whether a request asks for a WebSocket upgrade (HTTP/1.1 `Upgrade:
/// websocket` with `Connection: upgrade`).
pub fn is_websocket_upgrade<B>(req: &Request<B>) -> bool {
    let has_token = |name: header::HeaderName, token: &str| {
        req.headers().get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    req.version() == http::Version::HTTP_11
        && has_token(header::CONNECTION, "upgrade")
        && has_token(header::UPGRADE, "websocket")
}
