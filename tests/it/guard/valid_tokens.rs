//! Tokens the guard must accept, and what handlers then see.

use serde_json::Value;

use super::fixtures::*;

async fn principal(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    response.json().await.expect("principal JSON")
}

fn assert_alice(p: &Value, exp: u64) {
    assert_eq!(p["sub"], "5f1e0a2c-0000-4000-8000-00000000000a");
    assert_eq!(p["username"], "alice");
    assert_eq!(p["org_id"], "org-a");
    assert_eq!(p["groups"], serde_json::json!(["admins", "editors"]));
    assert_eq!(
        p["scopes"],
        serde_json::json!(["aws.cognito.signin.user.admin", "openid"])
    );
    assert_eq!(p["client_id"], CLIENT_ID);
    assert_eq!(p["exp"], exp);
}

#[tokio::test]
async fn a_valid_access_token_in_the_access_cookie_gives_the_principal() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let mint = Mint::access();
    let exp = mint.claims["exp"].as_u64().expect("exp");
    let p = principal(app.get_cookie("/api/me", &mint.sign(&KEY_A)).await).await;
    assert_alice(&p, exp);
}

#[tokio::test]
async fn a_valid_access_token_as_bearer_gives_the_principal() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let mint = Mint::access();
    let exp = mint.claims["exp"].as_u64().expect("exp");
    let p = principal(app.get_bearer("/api/me", &mint.sign(&KEY_A)).await).await;
    assert_alice(&p, exp);
    let lower = app
        .http
        .get(app.url("/api/me"))
        .header("authorization", format!("bearer {}", mint.sign(&KEY_A)))
        .send()
        .await
        .expect("request");
    assert_eq!(lower.status(), 200, "the scheme is case-insensitive");
}

#[tokio::test]
async fn absent_groups_and_scope_are_empty_arrays() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access()
        .without("cognito:groups")
        .without("scope")
        .sign(&KEY_A);
    let p = principal(app.get_bearer("/api/me", &token).await).await;
    assert_eq!(p["groups"], serde_json::json!([]));
    assert_eq!(p["scopes"], serde_json::json!([]));
}

#[tokio::test]
async fn a_token_expired_within_the_clock_leeway_is_accepted() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    // The default leeway is 30 s.
    let token = Mint::access().set("exp", now() - 10).sign(&KEY_A);
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
}

#[tokio::test]
async fn both_cognito_issuer_forms_are_accepted_when_bff_issuer_is_unset() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn_with(
        with(env(&jwks), "BFF_ISSUER", None),
        axum::Router::new(),
        true,
    )
    .await;
    for iss in [ISSUER, OTHER_ISSUER] {
        let token = Mint::access().set("iss", iss).sign(&KEY_A);
        assert_eq!(
            app.get_bearer("/api/me", &token).await.status(),
            200,
            "{iss}"
        );
    }
}

#[tokio::test]
async fn a_configured_tenant_claim_name_is_read_instead_of_org_id() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let env = with(env(&jwks), "BFF_ORG_ID_CLAIM", Some("custom:tenant"));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let token = Mint::access()
        .without("org_id")
        .set("custom:tenant", "org-z")
        .sign(&KEY_A);
    let p = principal(app.get_bearer("/api/me", &token).await).await;
    assert_eq!(p["org_id"], "org-z");
}
