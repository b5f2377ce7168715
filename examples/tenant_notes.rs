//! A protected API of your own behind the cognito-bff guard: notes that
//! belong to a tenant (organisation).
//!
//! Why this example exists: it shows the one rule multi-tenant handlers must
//! follow. The tenant comes from the verified token (the [`Tenant`]
//! extractor, which answers 403 `missing_org` for a user without one), never
//! from the request (a path segment, a query parameter, a body field), and
//! every read and write is keyed by it; so a user of one organisation cannot
//! read, list or guess their way into another's data.
//!
//! Run it like the service (same configuration, e.g. `cargo run --example
//! tenant_notes` for local mode), then:
//!
//! ```text
//! GET  /api/notes          the caller's organisation's notes
//! POST /api/notes          {"text": "..."}  (cookie callers send `X-CSRF: 1`)
//! GET  /api/notes/{id}     one note, 404 when it is another organisation's
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Extension, Json, Router};
use cognito_bff::auth::{AuthError, Principal};
use cognito_bff::http::{ApiError, ApiJson, Tenant};
use cognito_bff::{App, AppState};
use serde::{Deserialize, Serialize};

/// A note, as stored and returned.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: u64,
    pub text: String,
    pub author: String,
}

/// `POST /api/notes` body.
#[derive(Debug, Deserialize)]
pub struct NewNote {
    pub text: String,
}

/// Notes by tenant. In memory for the example; a database would key every
/// query by `org_id` the same way (or use row-level security on it).
#[derive(Debug, Default, Clone)]
pub struct Notes {
    inner: Arc<Mutex<Tenants>>,
}

#[derive(Debug, Default)]
struct Tenants {
    next_id: u64,
    by_org: HashMap<String, Vec<Note>>,
}

impl Notes {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Tenants>, ApiError> {
        self.inner
            .lock()
            .map_err(|_| ApiError::Auth(AuthError::Internal("notes lock poisoned".into())))
    }
}

/// The routes, relative to `/api`; mount them with [`App::build_with_api`].
// Your own routes: plain axum (the lint guards only the service's own routes).
#[allow(clippy::disallowed_methods)]
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notes", get(list).post(add))
        .route("/notes/{id}", get(one))
        .layer(Extension(Notes::default()))
}

/// The caller's organisation's notes, and only those.
async fn list(
    tenant: Tenant,
    Extension(notes): Extension<Notes>,
) -> Result<Json<Vec<Note>>, ApiError> {
    let tenants = notes.lock()?;
    Ok(Json(
        tenants
            .by_org
            .get(tenant.as_str())
            .cloned()
            .unwrap_or_default(),
    ))
}

/// Adds a note to the caller's organisation.
async fn add(
    principal: Principal,
    tenant: Tenant,
    Extension(notes): Extension<Notes>,
    ApiJson(new): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let mut tenants = notes.lock()?;
    tenants.next_id += 1;
    let note = Note {
        id: tenants.next_id,
        text: new.text,
        author: principal.username().to_owned(),
    };
    tenants
        .by_org
        .entry(tenant.as_str().to_owned())
        .or_default()
        .push(note.clone());
    Ok((StatusCode::CREATED, Json(note)))
}

/// One note of the caller's organisation. Another organisation's note is
/// "not found", not "forbidden": its existence is not revealed either.
async fn one(
    tenant: Tenant,
    Extension(notes): Extension<Notes>,
    Path(id): Path<u64>,
) -> Result<Json<Note>, ApiError> {
    let tenants = notes.lock()?;
    tenants
        .by_org
        .get(tenant.as_str())
        .and_then(|org| org.iter().find(|n| n.id == id))
        .cloned()
        .map(Json)
        .ok_or(ApiError::NotFound)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = cognito_bff::config::load(&cognito_bff::config::Sources::from_process())?;
    cognito_bff::telemetry::init(settings.json_logs);
    let app = App::build_with_api(settings, routes()).await?;
    tracing::info!(addr = %app.addr(), "tenant_notes example listening");
    app.run_until_stopped(cognito_bff::startup::shutdown_signal())
        .await?;
    Ok(())
}
