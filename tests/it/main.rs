//! The one integration-test binary: every module below shares `helpers`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Test routers and the example's routes are not the service's own.
#![allow(clippy::disallowed_methods)]

mod admin;
mod auth;
mod faults;
mod foundation;
mod guard;
mod helpers;
mod limits;
mod local_cognito;
mod moto;
mod proxy;
mod security;
