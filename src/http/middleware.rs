//! Cross-cutting request handling, in one tower layer ([`EdgeLayer`]): a
//! request id in every log line and response, one access-log line and one
//! metrics count per request, the Cookie size limit, the CSRF check and the
//! request timeout.
//!
//! One hand-written layer rather than a `from_fn` middleware per concern:
//! each `from_fn` layer clones the service below it (an allocation per boxed
//! route layer) and boxes a future on every request, and this runs on every
//! request. Here the inner service is called directly and one future is boxed.
//!
//! Security: the access log names method, path (no query string), status and
//! timing only; headers such as Cookie, Set-Cookie and Authorization are never
//! logged.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::BoxError;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use tower::{Layer, Service};
use tracing::Instrument as _;

use super::csrf::{self, CsrfPolicy};
use super::problem::ApiError;
use super::route_names::RouteNames;
use super::routes::is_under;
use crate::metrics::Metrics;

/// The header carrying the request id, accepted from the caller or generated.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id from the caller is kept when it is short and plain; anything
/// else (too long, odd characters that could forge log lines) is replaced.
fn acceptable(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    (1..=128).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// A fresh random (v4) UUID as a header value. The bytes come from the
/// thread-local CSPRNG (no system call per request, unlike `Uuid::new_v4`
/// without uuid's `fast-rng`) and are formatted on the stack.
fn new_request_id() -> HeaderValue {
    let bytes: [u8; 16] = rand::random();
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut buf))
        .unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// `future`, bounded by `timeout` when there is one.
async fn within<F: std::future::Future>(
    timeout: Option<Duration>,
    future: F,
) -> Result<F::Output, tokio::time::error::Elapsed> {
    match timeout {
        Some(t) => tokio::time::timeout(t, future).await,
        None => Ok(future.await),
    }
}

/// What the edge layer needs, built once at startup.
#[derive(Debug)]
pub struct Edge {
    pub metrics: Arc<Metrics>,
    /// The `route` label of each matched route template.
    pub routes: RouteNames,
    pub csrf: Arc<CsrfPolicy>,
    pub timeout: Duration,
    /// Paths under these prefixes are not timed here: the remote APIs,
    /// which have their own timeout to the response headers and then
    /// stream (an event stream may last for hours).
    pub untimed: Vec<String>,
}

/// The edge of the service, outside routing's inner layers (see the module doc).
#[derive(Debug, Clone)]
pub struct EdgeLayer {
    edge: Arc<Edge>,
}

impl EdgeLayer {
    pub fn new(edge: Edge) -> Self {
        Self {
            edge: Arc::new(edge),
        }
    }
}

impl<S> Layer<S> for EdgeLayer {
    type Service = EdgeService<S>;

    fn layer(&self, inner: S) -> EdgeService<S> {
        EdgeService {
            inner,
            edge: Arc::clone(&self.edge),
        }
    }
}

/// The service of [`EdgeLayer`].
#[derive(Debug, Clone)]
pub struct EdgeService<S> {
    inner: S,
    edge: Arc<Edge>,
}

impl<S, B> Service<Request> for EdgeService<S>
where
    S: Service<Request, Response = http::Response<B>, Error = Infallible>,
    S::Future: Send + 'static,
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    /// In order: assigns the request id and runs the rest inside a span that
    /// carries it; refuses an oversized Cookie header (431) and a request
    /// that fails the CSRF check (403) before any handler work; ends a
    /// handler that runs past the timeout (503). Then counts the request in
    /// `bff_http_requests_total` by matched route (the route template, never
    /// the raw path; `unmatched` for 404s), method and status, writes one
    /// access-log line and returns the request id in the response.
    fn call(&mut self, mut req: Request) -> Self::Future {
        let id = req
            .headers()
            .get(&X_REQUEST_ID)
            .filter(|v| acceptable(v))
            .cloned()
            .unwrap_or_else(new_request_id);
        req.headers_mut().insert(X_REQUEST_ID.clone(), id.clone());
        let span = tracing::info_span!(
            "request",
            request_id = id.to_str().unwrap_or(""),
            method = %req.method(),
            path = req.uri().path(),
        );
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| self.edge.routes.get(m.as_str()));
        let method = req.method().clone();
        let path = req.uri().path();
        let timeout =
            (!self.edge.untimed.iter().any(|p| is_under(path, p))).then_some(self.edge.timeout);
        let started = Instant::now();
        // The inner service's synchronous part (e.g. the guard's
        // verification) logs inside the request's span too.
        let inner = span.in_scope(|| match refused(&self.edge, &req) {
            Some(response) => Step::Refused(response),
            None => Step::Run(self.inner.call(req)),
        });
        let edge = Arc::clone(&self.edge);
        Box::pin(
            async move {
                let mut response = match inner {
                    Step::Refused(response) => response,
                    Step::Run(future) => match within(timeout, future).await {
                        Ok(Ok(response)) => response.map(Body::new),
                        Ok(Err(infallible)) => match infallible {},
                        Err(_) => {
                            tracing::warn!(
                                timeout_ms = edge.timeout.as_millis() as u64,
                                "request timed out"
                            );
                            ApiError::Timeout.into_response()
                        }
                    },
                };
                edge.metrics.http_request(route, &method, response.status());
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = started.elapsed().as_secs_f64() * 1000.0,
                    "request finished"
                );
                response.headers_mut().insert(X_REQUEST_ID.clone(), id);
                Ok(response)
            }
            .instrument(span),
        )
    }
}

/// What becomes of a request at the edge.
enum Step<F> {
    Refused(Response),
    Run(F),
}

/// The answer to a request refused before it runs: an oversized Cookie
/// header, or a failed CSRF check.
fn refused(edge: &Edge, req: &Request) -> Option<Response> {
    if let Some(refused) = cookie_limit(req) {
        return Some(refused);
    }
    if let Err(why) = csrf::check(&edge.csrf, req.method(), req.uri().path(), req.headers()) {
        tracing::info!(reason = why, "CSRF check refused the request");
        return Some(ApiError::CsrfRejected(why).into_response());
    }
    None
}

/// The most `Cookie` header bytes (all `Cookie` headers together) a request
/// may carry. The service's own cookies need about 11 KiB at most (an 8 KiB
/// access token, possibly split, and the session cookie); a load balancer
/// typically refuses a header line over 16 KiB anyway. Headers far larger
/// than this (hundreds of KiB) are refused by hyper itself with a bare 431
/// before any of this code runs.
pub const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// 431 problem+json for a request whose `Cookie` headers exceed
/// [`MAX_COOKIE_BYTES`], before any cookie is parsed.
fn cookie_limit(req: &Request) -> Option<Response> {
    let total: usize = req
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .map(|v| v.len())
        .sum();
    (total > MAX_COOKIE_BYTES).then(|| {
        tracing::info!(cookie_bytes = total, "cookie header too large");
        ApiError::CookieHeaderTooLarge.into_response()
    })
}
