//! Remote APIs (`BFF_UPSTREAMS`): the authenticated reverse proxy, against
//! an upstream started by the tests that answers what it received.

mod failures;
mod forwarding;
mod https;
mod seed_upstream;
mod streaming;
mod upstream;

pub use crate::helpers::{DEMO_PASSWORD, DEMO_USER};
use crate::helpers::{TestApp, local_app, sign_in_as};

/// The local service with `BFF_UPSTREAMS=upstreams` (plus `extra`), signed
/// in as the demo user.
pub async fn signed_in(upstreams: &str, extra: &[(&str, &str)]) -> TestApp {
    let mut env = vec![("BFF_UPSTREAMS", upstreams)];
    env.extend_from_slice(extra);
    let app = local_app(&env).await;
    sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    app
}

/// The echo upstream at `/api/echo`, and the service signed in before it.
pub async fn echo_app() -> (upstream::Running, TestApp) {
    let up = upstream::start().await;
    let app = signed_in(&format!("/api/echo={}", up.base), &[]).await;
    (up, app)
}
