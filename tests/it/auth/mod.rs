//! Issue 4: the `/auth` routes, their cookies, CSRF/CORS and bad input.

mod account;
pub(crate) mod bad_input;
mod csrf_cors;
mod session;
mod signin;
