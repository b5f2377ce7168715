//! The public `/auth/*` routes: sign-in and its challenges, refresh,
//! sign-out, sign-up, confirmation and password reset. Each handler checks its
//! input, calls the Cognito adapter, and answers with the contract's body and
//! cookies.

mod account;
mod input;
mod reply;
mod session;
mod signin;

use super::routes::Routes;

/// The routes, to be nested under `/auth`.
pub fn routes() -> Routes {
    Routes::new()
        .post("/signin", signin::signin)
        .post("/respond-challenge", signin::respond_challenge)
        .post("/mfa/associate", signin::mfa_associate)
        .post("/mfa/verify", signin::mfa_verify)
        .post("/refresh", session::refresh)
        .post("/signout", session::signout)
        .post("/signup", account::signup)
        .post("/confirm-signup", account::confirm_signup)
        .post("/resend-code", account::resend_code)
        .post("/forgot-password", account::forgot_password)
        .post("/confirm-forgot-password", account::confirm_forgot_password)
}
