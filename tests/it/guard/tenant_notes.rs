//! The `examples/tenant_notes.rs` handlers, mounted through the library API:
//! one tenant cannot read another's data.

use serde_json::{Value, json};

use super::fixtures::*;

#[allow(dead_code, unreachable_pub)]
#[path = "../../../examples/tenant_notes.rs"]
mod example;

async fn post_note(app: &TestApp, token: &str, text: &str) -> Value {
    let response = app
        .http
        .post(app.url("/api/notes"))
        .bearer_auth(token)
        .json(&json!({"text": text}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    response.json().await.expect("note")
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let response = app.get_bearer(path, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn one_tenant_cannot_list_or_read_another_tenants_notes() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn_with(env(&jwks), example::routes(), true).await;
    let alice = Mint::access().sign(&KEY_A);
    let mallory = Mint::access()
        .set("sub", "5f1e0a2c-0000-4000-8000-00000000000b")
        .set("username", "mallory")
        .set("org_id", "org-b")
        .sign(&KEY_A);

    let note = post_note(&app, &alice, "org-a secret plan").await;
    let id = note["id"].as_u64().expect("id");
    assert_eq!(note["author"], "alice");

    let (status, list) = get_json(&app, &alice, "/api/notes").await;
    assert_eq!((status, list.as_array().map(Vec::len)), (200, Some(1)));

    let (status, list) = get_json(&app, &mallory, "/api/notes").await;
    assert_eq!(
        (status, list),
        (200, json!([])),
        "another tenant's list is empty"
    );
    let stolen = app.get_bearer(&format!("/api/notes/{id}"), &mallory).await;
    assert_problem(stolen, 404, "not_found", &mallory).await;

    // Mallory's own notes stay hers.
    post_note(&app, &mallory, "org-b note").await;
    let (_, list) = get_json(&app, &alice, "/api/notes").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, own) = get_json(&app, &alice, &format!("/api/notes/{id}")).await;
    assert_eq!((status, &own["text"]), (200, &json!("org-a secret plan")));
}

#[tokio::test]
async fn routes_mounted_through_the_library_api_are_behind_the_guard() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn_with(env(&jwks), example::routes(), true).await;
    let anonymous = app
        .http
        .get(app.url("/api/notes"))
        .send()
        .await
        .expect("request");
    assert_problem(anonymous, 401, "unauthenticated", "").await;
    let no_tenant = Mint::access().without("org_id").sign(&KEY_A);
    assert_problem(
        app.get_bearer("/api/notes", &no_tenant).await,
        403,
        "missing_org",
        &no_tenant,
    )
    .await;
}
