//! The guard against tokens the local Cognito really issued, through the
//! sign-in routes: `/api/me`, `/api/me/attributes`, sign-out everywhere, and
//! the id-token tenant mode with its session cookie.

use serde_json::json;

use crate::helpers::{
    DEMO_PASSWORD, DEMO_USER, assert_problem, cookie_header, create_confirmed_user, find,
    local_app, set_cookies, sign_in_as,
};

#[tokio::test]
async fn a_signed_in_browser_reads_its_principal_and_attributes() {
    let app = local_app(&[]).await;
    sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    let me = app.get_json("/api/me").await;
    assert_eq!(me["username"], DEMO_USER);
    assert_eq!(me["org_id"], "org-demo");
    assert_eq!(me["groups"], json!([]));
    assert_eq!(me["scopes"], json!(["aws.cognito.signin.user.admin"]));
    assert!(me["exp"].as_u64().unwrap() > 0);

    let attrs = app.get_json("/api/me/attributes").await;
    assert_eq!(attrs["username"], DEMO_USER);
    assert_eq!(attrs["attributes"]["email"], "demo@example.com");
    assert_eq!(attrs["attributes"]["custom:org_id"], "org-demo");
    app.stop().await;
}

#[tokio::test]
async fn after_sign_out_everywhere_a_still_unexpired_access_token_is_refused_by_the_guard_and_by_cognito()
 {
    let app = local_app(&[]).await;
    let cookies = sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    let access = find(&cookies, "access_token").value().to_owned();
    let r = app
        .post_json("/auth/signout", json!({"everywhere": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // The JWT would still verify until it expires; the guard knows better...
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    // ...and so does Cognito.
    let r = reqwest::Client::new()
        .get(app.url("/api/me/attributes"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    app.stop().await;
}

const ID_TOKEN_MODE: [(&str, &str); 2] = [
    ("BFF_ORG_ID_SOURCE", "id_token"),
    ("BFF_ORG_ID_CLAIM", "custom:org_id"),
];

#[tokio::test]
async fn in_id_token_mode_sign_in_sets_an_encrypted_session_cookie_that_carries_the_tenant() {
    let app = local_app(&ID_TOKEN_MODE).await;
    let cookies = sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    assert_eq!(cookies.len(), 3);
    let session = find(&cookies, "session");
    assert_eq!(session.path(), Some("/api"));
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(cookie::SameSite::Lax));
    assert_eq!(
        session.max_age(),
        Some(cookie::time::Duration::seconds(3600 + 30 + 300))
    );
    assert!(!session.value().contains("org-demo"), "encrypted");

    let me = app.get_json("/api/me").await;
    assert_eq!(me["org_id"], "org-demo");

    // Refresh re-binds: a new session cookie with the new access cookie.
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let renewed = set_cookies(&r);
    find(&renewed, "session");
    find(&renewed, "access_token");
    let me = app.get_json("/api/me").await;
    assert_eq!(me["org_id"], "org-demo");
    app.stop().await;
}

#[tokio::test]
async fn in_id_token_mode_a_bearer_caller_cannot_use_a_session_cookie_for_its_tenant() {
    let app = local_app(&ID_TOKEN_MODE).await;
    let cookies = sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    let access = find(&cookies, "access_token");
    let session = find(&cookies, "session");
    // The access token carries `org_id` (mapped claim), not `custom:org_id`.
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(access.value())
        .header("cookie", cookie_header(&[session]))
        .send()
        .await
        .unwrap();
    assert_eq!(org_of(r).await, serde_json::Value::Null);
    app.stop().await;
}

/// The `org_id` of a 200 `/api/me` answer.
async fn org_of(r: reqwest::Response) -> serde_json::Value {
    assert_eq!(r.status(), 200);
    r.json::<serde_json::Value>().await.unwrap()["org_id"].clone()
}

#[tokio::test]
async fn in_id_token_mode_a_session_cookie_from_another_login_gives_no_tenant() {
    let app = local_app(&ID_TOKEN_MODE).await;
    let endpoint = app.local_cognito.clone().unwrap();
    create_confirmed_user(&endpoint, "mallory", "Mallory-Passw0rd!", Some("org-other")).await;
    let demo_a = sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    let demo_b = sign_in_as(&app, DEMO_USER, DEMO_PASSWORD).await;
    let mallory = sign_in_as(&app, "mallory", "Mallory-Passw0rd!").await;
    let client = reqwest::Client::new();
    let me = |access: &cookie::Cookie<'static>, session: &cookie::Cookie<'static>| {
        client
            .get(app.url("/api/me"))
            .header("cookie", cookie_header(&[access, session]))
            .send()
    };
    // Matching pairs work.
    let r = me(find(&mallory, "access_token"), find(&mallory, "session"))
        .await
        .unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["org_id"],
        "org-other"
    );
    // Another user's session cookie: no tenant.
    let r = me(find(&mallory, "access_token"), find(&demo_a, "session"))
        .await
        .unwrap();
    assert_eq!(org_of(r).await, serde_json::Value::Null);
    // The same user's other sign-in: no tenant either.
    let r = me(find(&demo_a, "access_token"), find(&demo_b, "session"))
        .await
        .unwrap();
    assert_eq!(org_of(r).await, serde_json::Value::Null);
    // No session cookie at all: no tenant.
    let r = client
        .get(app.url("/api/me"))
        .header("cookie", cookie_header(&[find(&demo_a, "access_token")]))
        .send()
        .await
        .unwrap();
    assert_eq!(org_of(r).await, serde_json::Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn in_id_token_mode_a_user_without_a_tenant_signs_in_and_has_a_null_org_id() {
    let app = local_app(&ID_TOKEN_MODE).await;
    let endpoint = app.local_cognito.clone().unwrap();
    create_confirmed_user(&endpoint, "orphan", "Orphan-Passw0rd!", None).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "orphan", "password": "Orphan-Passw0rd!"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    find(&cookies, "session");
    let me = app.client.get(app.url("/api/me")).send().await.unwrap();
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["username"], "orphan", "{me}");
    assert_eq!(me["org_id"], serde_json::Value::Null, "{me}");
    app.stop().await;
}
