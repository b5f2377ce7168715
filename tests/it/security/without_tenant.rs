//! A user without a tenant (a self-service sign-up no administrator has
//! placed yet) signs in the same way in both tenant modes and reads
//! `/api/me` with `"org_id": null`; routes that need a tenant refuse with
//! `missing_org` (see `guard::bad_tokens` and the notes example).

use serde_json::json;

use super::sign_in;
use crate::helpers::{TestApp, latest_code, local_app};

const PASSWORD: &str = "Signup-Passw0rd!";

/// Signs `username` up and confirms them through the service.
async fn sign_up(app: &TestApp, username: &str) {
    let r = app
        .post_json(
            "/auth/signup",
            json!({"username": username, "password": PASSWORD, "attributes": {"email": format!("{username}@example.com")}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let code = latest_code(app.local_cognito.as_deref().unwrap(), username).await;
    let r = app
        .post_json(
            "/auth/confirm-signup",
            json!({"username": username, "code": code}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

#[tokio::test]
async fn a_self_service_user_signs_in_and_reads_a_null_org_id_in_both_tenant_modes() {
    for env in [
        vec![],
        vec![
            ("BFF_ORG_ID_SOURCE", "id_token"),
            ("BFF_ORG_ID_CLAIM", "custom:org_id"),
        ],
    ] {
        let app = local_app(&env).await;
        sign_up(&app, "newcomer").await;
        sign_in(&app, "newcomer", PASSWORD).await;
        let r = app.client.get(app.url("/api/me")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{env:?}");
        let me: serde_json::Value = r.json().await.unwrap();
        assert_eq!(me["username"], "newcomer", "{me}");
        assert_eq!(me["org_id"], serde_json::Value::Null, "{env:?}: {me}");
        app.stop().await;
    }
}
