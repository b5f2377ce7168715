//! cognito-bff: a backend-for-frontend that keeps Amazon Cognito tokens in
//! httpOnly cookies, so browser SPAs never touch them.
//!
//! Layers point inward: [`http`] (axum) -> [`auth`] (the domain, with its
//! `Sessions` service and the `IdentityProvider` port) <- adapters
//! ([`cognito`] over the AWS SDK, [`jwks`] for signing keys, [`verify`] for
//! tokens, [`cookies`], [`limits`]); [`config`] and [`metrics`] depend on
//! nothing of the service. The embedded [`local_cognito`] is a separate
//! Cognito-compatible server the service reaches over HTTP like the real
//! one. [`admin`] is the management CLI (`cognito-bff admin`), a second
//! adapter over the SDK that signs admin operations with AWS credentials;
//! the service never uses it. `tests/it/foundation/architecture.rs` checks
//! who may import whom, and that no two modules depend on each other.

pub mod admin;
pub mod auth;
mod banner;
pub mod cli;
pub mod cognito;
pub mod config;
pub mod cookies;
pub mod http;
pub mod jwks;
pub mod limits;
pub mod local_cognito;
pub mod metrics;
pub mod proxy;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod verify;

pub use http::router;
pub use startup::App;
pub use state::AppState;
