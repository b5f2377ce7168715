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

/// The service binary in local mode with `BFF_UPSTREAMS=upstreams` (plus
/// `extra` variables), and a cookie-keeping client signed in as the demo user.
pub async fn signed_in_binary(
    upstreams: &str,
    extra: &[(&str, &str)],
) -> (crate::faults::fixtures::Service, reqwest::Client) {
    let mut env: Vec<(String, String)> = vec![
        ("BFF_PROFILE".into(), "local".into()),
        ("BFF_LOCAL_COGNITO_LISTEN".into(), "127.0.0.1:0".into()),
        ("BFF_UPSTREAMS".into(), upstreams.into()),
    ];
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let service = crate::faults::fixtures::Service::spawn(env, "warn").await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = client
        .post(service.url("/auth/signin"))
        .header("x-csrf", "1")
        .json(&serde_json::json!({"username": DEMO_USER, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    (service, client)
}
