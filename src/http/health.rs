//! Liveness and readiness for load balancers and orchestrators.
//!
//! `/healthz` answers while the process serves; `/readyz` only once the
//! signing keys are loaded, because before that every `/api` call would fail.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: 200 while the process serves.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// `GET /readyz`: 200 once the signing keys are loaded, 503 before.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.keys.is_ready() {
        (StatusCode::OK, Json(json!({"status": "ready"})))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "starting", "reason": "signing keys not loaded yet"})),
        )
    }
}
