//! The protected `/api` surface: the service's own routes (`/api/me`,
//! `/api/me/attributes`) and the library API to serve your own routes behind
//! the same guard.
//!
//! # Mounting your own protected routes
//!
//! Build a `Router<AppState>` whose paths are relative to `/api`, take a
//! [`Principal`] in the handlers, and pass it to
//! [`App::build_with_api`](crate::App::build_with_api):
//!
//! ```no_run
//! use axum::{Json, Router, routing::get};
//! use cognito_bff::auth::Principal;
//! use cognito_bff::http::guard::Tenant;
//! use cognito_bff::{App, AppState};
//!
//! // `Tenant` comes from the verified token (403 `missing_org` for a user
//! // without one): scope every query by it.
//! async fn whoami(p: Principal, tenant: Tenant) -> Json<String> {
//!     Json(format!("{} in {}", p.username(), tenant.as_str()))
//! }
//!
//! # async fn run(settings: cognito_bff::config::Settings) -> Result<(), Box<dyn std::error::Error>> {
//! let routes: Router<AppState> = Router::new().route("/whoami", get(whoami)); // GET /api/whoami
//! let app = App::build_with_api(settings, routes).await?;
//! app.run_until_stopped(cognito_bff::startup::shutdown_signal()).await?;
//! # Ok(()) }
//! ```
//!
//! Every route passed in, and every unknown path under `/api`, is answered
//! only after the guard verified the access token (401/403 otherwise); your
//! own state goes in with `Router::layer(Extension(..))` or closures.
//! To build a router by hand, [`protect`] puts the guard on any router.
//! See `examples/tenant_notes.rs` for a handler that scopes data by tenant.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};

use super::guard::{AccessToken, GuardLayer};
use super::problem::ApiError;
use super::routes::Routes;
use crate::auth::Principal;
use crate::state::AppState;

/// Where the protected surface lives: the access cookie's `Path`, which
/// sends the cookie nowhere else (one constant, `cookies::API_PATH`).
pub const PREFIX: &str = crate::cookies::API_PATH;

/// Puts the guard in front of every route of `routes` (and of its fallback),
/// so that each handler runs only for a verified access token.
pub fn protect(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    routes.layer(GuardLayer::new(state.clone()))
}

/// The `/api` routes: the built-in ones plus `extra` (paths relative to
/// `/api`), and a 404/405 problem for anything else under `/api`.
///
/// Security: none of it is reachable without the guard, which the service's
/// middleware stack runs for every path under [`PREFIX`] (see
/// [`GuardLayer::under`]): unknown paths and wrong methods included, so an
/// anonymous caller learns nothing about which routes exist. The built-in
/// routes are mounted at their full paths rather than nested: the guard's
/// hot path pays no prefix stripping.
pub fn router(extra: Router<AppState>) -> Routes {
    own_routes().map_router(move |routes| {
        routes.nest(
            PREFIX,
            extra
                .fallback(|| async { ApiError::NotFound })
                .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed }),
        )
    })
}

/// The service's own `/api` routes.
pub(super) fn own_routes() -> Routes {
    Routes::under(PREFIX)
        .get("/me", me)
        .get("/me/attributes", attributes)
}

/// `GET /api/me`: the verified principal.
async fn me(principal: Principal) -> Response {
    no_store(Json(principal))
}

/// `GET /api/me/attributes`: the user's attributes from Cognito GetUser.
async fn attributes(
    State(state): State<AppState>,
    token: AccessToken,
) -> Result<Response, ApiError> {
    let user = state.sessions.user(token.expose()).await?;
    Ok(no_store(Json(user)))
}

/// Personal data: no cache, shared or private, keeps a copy.
fn no_store(body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
