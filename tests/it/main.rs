//! The one integration-test binary: every module below shares `helpers`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod auth;
mod foundation;
mod guard;
mod helpers;
mod local_cognito;
