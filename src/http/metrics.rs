//! The metrics listener (`BFF_METRICS_LISTEN`): `GET /metrics` in
//! Prometheus' text format, on a listener of its own, apart from the
//! service's routes (it is not in `/openapi.json`).

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;
use tokio::net::TcpListener;

use crate::metrics::Metrics;

async fn scrape(State(metrics): State<Arc<Metrics>>) -> Response {
    let mut response = metrics.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    response
}

/// The metrics listener's router: `GET /metrics`, 404 otherwise.
// Not the service's API (a separate listener, not in /openapi.json), so it is
// not mounted through `http::routes::Routes`.
#[allow(clippy::disallowed_methods)]
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(metrics)
}

/// Serves the metrics on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(metrics))
        .with_graceful_shutdown(shutdown)
        .await
}
