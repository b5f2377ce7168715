//! Readiness follows the signing keys: 503 until they load, 200 after.

use super::fixtures::*;

#[tokio::test]
async fn readyz_is_503_until_the_signing_keys_load_and_200_after() {
    let jwks = JwksServer::failing().await;
    let app = TestApp::spawn_with(env(&jwks), axum::Router::new(), false).await;
    let response = app
        .http
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    // Meanwhile a good token is not told it is bad: the service is unavailable.
    let token = Mint::access().sign(&KEY_A);
    assert_problem(
        app.get_bearer("/api/me", &token).await,
        503,
        "upstream_unavailable",
        &token,
    )
    .await;

    jwks.serve(&[&KEY_A]);
    app.wait_ready().await;
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
}
