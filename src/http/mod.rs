//! The HTTP side: axum routes, extractors, middleware and the problem+json
//! mapping. Handlers stay thin: they parse, call the domain or an adapter, and
//! shape the response.

pub mod api;
mod auth;
pub mod client_ip;
pub mod cors;
pub mod credentials;
pub mod csrf;
pub mod guard;
pub mod health;
pub mod json;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod problem;
pub mod proxy;
mod route_names;
mod router;
pub mod routes;
pub mod site;

pub use guard::{AccessToken, AuthenticatedBy, Tenant};
pub use json::{ApiJson, BODY_LIMIT, OptionalJson};
pub use problem::{ApiError, PROBLEM_JSON, Problem};
pub use router::{mounted_routes, router, router_with_api};
