//! Tokens the guard must refuse, each with the contract's problem.

use serde_json::Value;

use super::fixtures::*;

/// Sends `token` as Bearer and as cookie; both must give `status`/`code`.
async fn refused(app: &TestApp, token: &str, status: u16, code: &str) {
    refused_at(app, "/api/me", token, status, code).await;
}

/// As [`refused`], at `path`.
async fn refused_at(app: &TestApp, path: &str, token: &str, status: u16, code: &str) {
    let headers = assert_problem(app.get_bearer(path, token).await, status, code, token).await;
    if status == 401 {
        assert_eq!(
            www_authenticate(&headers).split(',').next(),
            Some("Bearer error=\"invalid_token\""),
            "a refused token is an invalid_token (RFC 6750)"
        );
    }
    assert_problem(app.get_cookie(path, token).await, status, code, token).await;
}

#[tokio::test]
async fn an_expired_token_is_token_expired_with_www_authenticate() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access()
        .set("exp", now() - 3600)
        .set("iat", now() - 7200)
        .sign(&KEY_A);
    refused(&app, &token, 401, "token_expired").await;
}

#[tokio::test]
async fn a_token_not_valid_before_a_future_time_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access().set("nbf", now() + 3600).sign(&KEY_A);
    refused(&app, &token, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_token_issued_in_the_future_beyond_the_leeway_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access().set("iat", now() + 3600).sign(&KEY_A);
    refused(&app, &token, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    for iss in [
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other",
        // Exact match: no prefix, no trailing slash.
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_GuardTest1/",
        // The other Cognito form counts only when BFF_ISSUER is unset.
        OTHER_ISSUER,
    ] {
        refused(
            &app,
            &Mint::access().set("iss", iss).sign(&KEY_A),
            401,
            "unauthenticated",
        )
        .await;
    }
    let array = Mint::access()
        .set("iss", serde_json::json!([ISSUER]))
        .sign(&KEY_A);
    refused(&app, &array, 401, "unauthenticated").await;
    refused(
        &app,
        &Mint::access().without("iss").sign(&KEY_A),
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn a_token_of_another_app_client_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access()
        .set("client_id", "someotherclient")
        .sign(&KEY_A);
    refused(&app, &token, 401, "unauthenticated").await;
}

#[tokio::test]
async fn an_id_token_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access()
        .set("token_use", "id")
        .set("aud", CLIENT_ID)
        .set("cognito:username", "alice")
        .sign(&KEY_A);
    refused(&app, &token, 401, "unauthenticated").await;
}

/// `/api/tenant`: a route that acts within the caller's tenant.
fn tenant_route() -> axum::Router<cognito_bff::AppState> {
    async fn tenant(t: cognito_bff::http::Tenant) -> String {
        t.as_str().to_owned()
    }
    axum::Router::new().route("/tenant", axum::routing::get(tenant))
}

#[tokio::test]
async fn a_valid_token_without_a_tenant_reads_its_principal_and_is_refused_by_tenant_routes() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn_with(env(&jwks), tenant_route(), true).await;
    for mint in [
        Mint::access().without("org_id"),
        Mint::access().set("org_id", ""),
        Mint::access().set("org_id", 42),
    ] {
        let token = mint.sign(&KEY_A);
        let me = app.get_bearer("/api/me", &token).await;
        assert_eq!(me.status(), 200);
        let me: Value = me.json().await.expect("principal");
        assert_eq!(me["org_id"], Value::Null, "{me}");
        assert_eq!(me["username"], "alice", "{me}");
        refused_at(&app, "/api/tenant", &token, 403, "missing_org").await;
    }
    let with_tenant = app
        .get_bearer("/api/tenant", &Mint::access().sign(&KEY_A))
        .await;
    assert_eq!(with_tenant.text().await.expect("body"), "org-a");
}

#[tokio::test]
async fn with_the_id_token_source_and_no_session_binding_a_token_without_a_tenant_claim_has_no_tenant()
 {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn_with(
        with(env(&jwks), "BFF_ORG_ID_SOURCE", Some("id_token")),
        tenant_route(),
        true,
    )
    .await;
    let token = Mint::access().without("org_id").sign(&KEY_A);
    refused_at(&app, "/api/tenant", &token, 403, "missing_org").await;
    let me: Value = app
        .get_bearer("/api/me", &token)
        .await
        .json()
        .await
        .expect("principal");
    assert_eq!(me["org_id"], Value::Null, "{me}");
    // A Bearer caller's tenant can come from an access token claim.
    assert_eq!(
        app.get_bearer("/api/me", &Mint::access().sign(&KEY_A))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_token_signed_by_another_key_with_the_pools_kid_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    refused(&app, &Mint::access().sign(&FORGER), 401, "unauthenticated").await;
    // A valid signature over other claims.
    let good = Mint::access().sign(&KEY_A);
    let other = Mint::access().set("org_id", "org-b").sign(&KEY_A);
    let (head, _) = good.rsplit_once('.').expect("jws");
    let (_, sig) = other.rsplit_once('.').expect("jws");
    refused(&app, &format!("{head}.{sig}"), 401, "unauthenticated").await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    refused(&app, &Mint::access().unsigned(), 401, "unauthenticated").await;
}

#[tokio::test]
async fn an_hs256_token_keyed_with_the_public_key_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let mint = Mint::access();
    refused(
        &app,
        &mint.sign_hs256(&KEY_A.public_der),
        401,
        "unauthenticated",
    )
    .await;
    let n = KEY_A.jwk["n"].as_str().expect("n");
    refused(&app, &mint.sign_hs256(n.as_bytes()), 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_token_without_a_kid_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    refused(
        &app,
        &Mint::access().kid(None).sign(&KEY_A),
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn a_token_without_username_or_sub_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    refused(
        &app,
        &Mint::access().without("username").sign(&KEY_A),
        401,
        "unauthenticated",
    )
    .await;
    refused(
        &app,
        &Mint::access().without("sub").sign(&KEY_A),
        401,
        "unauthenticated",
    )
    .await;
    refused(
        &app,
        &Mint::access().without("exp").sign(&KEY_A),
        401,
        "unauthenticated",
    )
    .await;
}
