//! In `id_token` mode the session cookie binds the tenant to one access
//! token (its `jti` and `exp`), not to the whole sign-in: a session cookie
//! kept from before a refresh does not carry an old tenant past a tenant
//! change.

use aws_sdk_cognitoidentityprovider::types::AttributeType;

use super::{cookie_header, get_with_cookies, post_with_cookies, sign_in};
use crate::helpers::{DEMO_PASSWORD, DEMO_USER, POOL, admin, find, local_app, set_cookies};

const ID_TOKEN_MODE: [(&str, &str); 2] = [
    ("BFF_ORG_ID_SOURCE", "id_token"),
    ("BFF_ORG_ID_CLAIM", "custom:org_id"),
];

async fn org_id(
    app: &crate::helpers::TestApp,
    cookies: &[&cookie::Cookie<'static>],
) -> serde_json::Value {
    let r = get_with_cookies(app, "/api/me", cookie_header(cookies)).await;
    assert_eq!(r.status(), 200);
    r.json::<serde_json::Value>().await.unwrap()["org_id"].clone()
}

#[tokio::test]
async fn a_session_cookie_kept_from_before_a_refresh_does_not_keep_the_old_tenant() {
    let app = local_app(&ID_TOKEN_MODE).await;
    let endpoint = app.local_cognito.clone().unwrap();
    let first = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let old_session = find(&first, "session").clone();
    assert_eq!(
        org_id(&app, &[find(&first, "access_token"), &old_session]).await,
        "org-demo"
    );

    // An administrator moves the user to another tenant; the next refresh
    // brings a new access token and a session cookie for it.
    admin(&endpoint)
        .admin_update_user_attributes()
        .user_pool_id(POOL)
        .username(DEMO_USER)
        .user_attributes(
            AttributeType::builder()
                .name("custom:org_id")
                .value("org-new")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let r = post_with_cookies(
        &app,
        "/auth/refresh",
        cookie_header(&[find(&first, "refresh_token")]),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let renewed = set_cookies(&r);
    let access = find(&renewed, "access_token");
    assert_eq!(
        org_id(&app, &[access, find(&renewed, "session")]).await,
        "org-new"
    );

    // The user puts the saved session cookie back: no tenant, not the old one.
    assert_eq!(
        org_id(&app, &[access, &old_session]).await,
        serde_json::Value::Null
    );
    app.stop().await;
}
