//! The public `/auth/*` routes: sign-in and its challenges, refresh,
//! sign-out, sign-up, confirmation and password reset. Each handler checks its
//! input, calls the Cognito adapter, and answers with the contract's body and
//! cookies.

mod account;
mod input;
mod reply;
mod session;
mod signin;

use axum::Router;
use axum::routing::post;

use crate::state::AppState;

/// The routes, to be nested under `/auth`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin", post(signin::signin))
        .route("/respond-challenge", post(signin::respond_challenge))
        .route("/mfa/associate", post(signin::mfa_associate))
        .route("/mfa/verify", post(signin::mfa_verify))
        .route("/refresh", post(session::refresh))
        .route("/signout", post(session::signout))
        .route("/signup", post(account::signup))
        .route("/confirm-signup", post(account::confirm_signup))
        .route("/resend-code", post(account::resend_code))
        .route("/forgot-password", post(account::forgot_password))
        .route(
            "/confirm-forgot-password",
            post(account::confirm_forgot_password),
        )
}
