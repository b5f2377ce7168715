//! The one HTTP client of the proxy: hyper's pooled client with keep-alive
//! connections per upstream, HTTP/1.1 over plain http, HTTP/1.1 or HTTP/2
//! (ALPN) over https with rustls and the system's root certificates.

use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::ConfigBuilderExt as _;

use http_body_util::LengthLimitError;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::{BuildError, OutBody};

pub type UpstreamClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, OutBody>;

/// How long an idle pooled connection is kept.
const POOL_IDLE: Duration = Duration::from_secs(90);
/// The longest a TCP connect may take (the upstream's timeout bounds the rest).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub fn build() -> Result<UpstreamClient, BuildError> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    // The crypto provider named, not taken from the process default (which
    // is ambiguous, and a panic, once two providers are linked in).
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let versions = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError(format!("TLS versions: {e}")))?;
    let tls = versions
        .with_native_roots()
        .map_err(|e| BuildError(format!("loading the system's root certificates: {e}")))?
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        // The timer reaps idle connections; without it they are kept forever.
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(256)
        .build(https))
}

/// Whether the request failed because its body went over the limit.
pub fn body_too_large(e: &hyper_util::client::legacy::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// The error's chain in one line, for the log (no request data in it).
pub fn describe(e: &hyper_util::client::legacy::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        out.push_str(": ");
        out.push_str(&err.to_string());
        source = err.source();
    }
    out
}
