//! Prometheus metrics: one registry per service instance (so several apps in
//! one process, as in the tests, do not mix their numbers), recorded always
//! (a few atomic operations) by the adapters and the edge middleware. The
//! listener that serves them (`BFF_METRICS_LISTEN`, `GET /metrics`) is
//! `http::metrics`. No web types here: the route label is a shared string
//! the web layer hands in (`http::route_names`), so labelling a request
//! allocates nothing.
//!
//! Series (labels are bounded: routes are matched route templates, never raw
//! paths; operations are the SDK's operation names):
//!
//! | series | type | labels |
//! |---|---|---|
//! | `bff_http_requests_total` | counter | `route`, `method`, `status` |
//! | `bff_cognito_request_duration_seconds` | histogram | `operation`, `outcome` (`ok`/`error`) |
//! | `bff_jwks_fetches_total` | counter | `outcome` (`ok`/`error`) |
//! | `bff_rate_limit_rejections_total` | counter | `kind` (`ip`/`username`/`session`) |
//! | `bff_refresh_joins_total` | counter | |
//! | `bff_upstream_requests_total` | counter | `upstream` (its prefix), `class` (`2xx`..`5xx`, `unreachable`, `timeout`, `too_large`) |
//! | `bff_upstream_response_seconds` | histogram | `upstream`: time to the response headers |
//!
//! Security: no label ever carries a username, an address, a token or a raw path.

use std::fmt;
use std::time::Duration;

use std::sync::Arc;

use http::StatusCode;
use prometheus_client::encoding::prometheus_text::encode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: RouteLabel,
    method: &'static str,
    status: u16,
}

/// A matched route template, shared (an `Arc`): labelling a request costs
/// no allocation.
#[derive(Clone, Debug)]
struct RouteLabel(Option<Arc<str>>);

impl RouteLabel {
    fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("unmatched")
    }
}

impl PartialEq for RouteLabel {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RouteLabel {}

impl std::hash::Hash for RouteLabel {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for RouteLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), fmt::Error> {
        fmt::Write::write_str(encoder, self.as_str())
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CognitoLabels {
    operation: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamLabels {
    upstream: Arc<str>,
    class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamOnly {
    upstream: Arc<str>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// The outcome classes of a forwarded request.
const UPSTREAM_CLASSES: [&str; 8] = [
    "1xx",
    "2xx",
    "3xx",
    "4xx",
    "5xx",
    "unreachable",
    "timeout",
    "too_large",
];

/// One remote API's series (see [`Metrics::upstream`]).
#[derive(Debug, Clone)]
pub struct UpstreamSeries {
    counts: [Counter; 8],
    latency: Histogram,
}

impl UpstreamSeries {
    /// One forwarded request of `class` (one of the classes above) and,
    /// when the upstream answered, the time to its response headers.
    pub fn record(&self, class: &str, elapsed: Option<Duration>) {
        if let Some(i) = UPSTREAM_CLASSES.iter().position(|c| *c == class) {
            self.counts[i].inc();
        }
        if let Some(elapsed) = elapsed {
            self.latency.observe(elapsed.as_secs_f64());
        }
    }
}

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    Ip,
    Username,
    /// Per refresh token (refresh and sign-out).
    Session,
}

impl LimitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::Username => "username",
            Self::Session => "session",
        }
    }
}

fn latency_histogram() -> Histogram {
    // 5 ms .. ~10 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    cognito: Family<CognitoLabels, Histogram, fn() -> Histogram>,
    jwks_fetches: Family<OutcomeLabels, Counter>,
    rate_limited: Family<KindLabels, Counter>,
    refresh_joins: Counter,
    upstream_requests: Family<UpstreamLabels, Counter>,
    upstream_latency: Family<UpstreamOnly, Histogram, fn() -> Histogram>,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "bff_http_requests",
            "HTTP requests answered, by matched route, method and status",
            requests.clone(),
        );
        let cognito = Family::<CognitoLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "bff_cognito_request_duration_seconds",
            "Latency of Cognito operations (retries included), by operation and outcome",
            cognito.clone(),
        );
        let jwks_fetches = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "bff_jwks_fetches",
            "Fetches of the signing keys (JWKS), by outcome",
            jwks_fetches.clone(),
        );
        let rate_limited = Family::<KindLabels, Counter>::default();
        registry.register(
            "bff_rate_limit_rejections",
            "Requests refused by the service's rate limits, by limit kind",
            rate_limited.clone(),
        );
        let refresh_joins = Counter::default();
        registry.register(
            "bff_refresh_joins",
            "Refreshes that joined a concurrent refresh of the same session instead of calling Cognito",
            refresh_joins.clone(),
        );
        let upstream_requests = Family::<UpstreamLabels, Counter>::default();
        registry.register(
            "bff_upstream_requests",
            "Requests forwarded to a remote API, by upstream and outcome class",
            upstream_requests.clone(),
        );
        let upstream_latency =
            Family::<UpstreamOnly, Histogram, fn() -> Histogram>::new_with_constructor(
                latency_histogram,
            );
        registry.register(
            "bff_upstream_response_seconds",
            "Time from forwarding a request to the remote API's response headers, by upstream",
            upstream_latency.clone(),
        );
        Self {
            registry,
            upstream_requests,
            upstream_latency,
            requests,
            cognito,
            jwks_fetches,
            rate_limited,
            refresh_joins,
        }
    }

    /// One answered HTTP request; `route` is the matched route template
    /// (`None`: no route matched, labelled `unmatched`).
    pub fn http_request(&self, route: Option<Arc<str>>, method: &http::Method, status: StatusCode) {
        self.requests
            .get_or_create(&RequestLabels {
                route: RouteLabel(route),
                method: method_label(method),
                status: status.as_u16(),
            })
            .inc();
    }

    /// One Cognito operation, retries included.
    pub fn cognito_call(&self, operation: &str, ok: bool, elapsed: Duration) {
        self.cognito
            .get_or_create(&CognitoLabels {
                operation: operation.to_owned(),
                outcome: if ok { "ok" } else { "error" },
            })
            .observe(elapsed.as_secs_f64());
    }

    /// One JWKS fetch.
    pub fn jwks_fetch(&self, ok: bool) {
        self.jwks_fetches
            .get_or_create(&OutcomeLabels {
                outcome: if ok { "ok" } else { "error" },
            })
            .inc();
    }

    /// One request refused by a rate limit.
    pub fn rate_limited(&self, kind: LimitKind) {
        self.rate_limited
            .get_or_create(&KindLabels {
                kind: kind.as_str(),
            })
            .inc();
    }

    /// The series of remote API `upstream`, resolved once so that a
    /// forwarded request records without a label lookup (each class starts
    /// at 0, so every upstream's series exist before its first request).
    pub fn upstream(&self, upstream: &Arc<str>) -> UpstreamSeries {
        let count = |class: &'static str| {
            self.upstream_requests
                .get_or_create(&UpstreamLabels {
                    upstream: Arc::clone(upstream),
                    class,
                })
                .clone()
        };
        UpstreamSeries {
            counts: UPSTREAM_CLASSES.map(count),
            latency: self
                .upstream_latency
                .get_or_create(&UpstreamOnly {
                    upstream: Arc::clone(upstream),
                })
                .clone(),
        }
    }

    /// One refresh that joined another's Cognito call.
    pub fn refresh_joined(&self) {
        self.refresh_joins.inc();
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("encoding the metrics failed");
        }
        out
    }
}

/// Methods outside the usual set share one label value, so a client cannot
/// grow the series count with invented methods.
fn method_label(method: &http::Method) -> &'static str {
    match *method {
        http::Method::GET => "GET",
        http::Method::POST => "POST",
        http::Method::PUT => "PUT",
        http::Method::PATCH => "PATCH",
        http::Method::DELETE => "DELETE",
        http::Method::HEAD => "HEAD",
        http::Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_series_is_rendered_with_its_labels() {
        let m = Metrics::new();
        m.http_request(Some("/api/me".into()), &http::Method::GET, StatusCode::OK);
        m.http_request(None, &http::Method::POST, StatusCode::OK);
        m.http_request(
            None,
            &http::Method::from_bytes(b"BREW").unwrap(),
            StatusCode::NOT_FOUND,
        );
        m.cognito_call("InitiateAuth", true, Duration::from_millis(12));
        m.jwks_fetch(false);
        m.rate_limited(LimitKind::Username);
        m.refresh_joined();
        let orders = m.upstream(&"/api/orders".into());
        orders.record("2xx", Some(Duration::from_millis(3)));
        orders.record("timeout", None);
        let text = m.render();
        for expected in [
            r#"bff_http_requests_total{route="/api/me",method="GET",status="200"} 1"#,
            r#"bff_http_requests_total{route="unmatched",method="POST",status="200"} 1"#,
            r#"bff_http_requests_total{route="unmatched",method="other",status="404"} 1"#,
            r#"bff_cognito_request_duration_seconds_count{operation="InitiateAuth",outcome="ok"} 1"#,
            r#"bff_jwks_fetches_total{outcome="error"} 1"#,
            r#"bff_rate_limit_rejections_total{kind="username"} 1"#,
            "bff_refresh_joins_total 1",
            r#"bff_upstream_requests_total{upstream="/api/orders",class="2xx"} 1"#,
            r#"bff_upstream_requests_total{upstream="/api/orders",class="timeout"} 1"#,
            r#"bff_upstream_response_seconds_count{upstream="/api/orders"} 1"#,
            r#"bff_upstream_requests_total{upstream="/api/orders",class="5xx"} 0"#,
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
}
