//! Cookies a browser really sends: other applications' cookies on the same
//! host may hold bytes that are not ASCII, and must never hide the
//! service's own; the access cookie outlives its token a little, so an SPA
//! hears `token_expired` (refresh) rather than `unauthenticated`.

use reqwest::header::HeaderValue;
use serde_json::json;

use super::{cookie_header, sign_in};
use crate::helpers::{DEMO_PASSWORD, DEMO_USER, calls, find, local_app};

/// A `Cookie` header with a neighbour's non-ASCII cookie first.
fn with_foreign_cookie(ours: &str) -> HeaderValue {
    HeaderValue::from_bytes(format!("name=José; lang=\u{e9}t\u{e9}; {ours}").as_bytes()).unwrap()
}

#[tokio::test]
async fn a_non_ascii_cookie_of_another_application_does_not_sign_the_user_out() {
    let app = local_app(&[
        ("BFF_ORG_ID_SOURCE", "id_token"),
        ("BFF_ORG_ID_CLAIM", "custom:org_id"),
    ])
    .await;
    let endpoint = app.local_cognito.clone().unwrap();
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let refresh = find(&cookies, "refresh_token");
    let http = reqwest::Client::new();

    // Refresh reads its cookie past the neighbour.
    let r = http
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("cookie", with_foreign_cookie(&cookie_header(&[refresh])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let renewed = crate::helpers::set_cookies(&r);
    assert!(renewed.iter().all(|c| !c.value().is_empty()), "{renewed:?}");

    // The guard and the session cookie (the tenant) too.
    let api = cookie_header(&[find(&renewed, "access_token"), find(&renewed, "session")]);
    let me: serde_json::Value = http
        .get(app.url("/api/me"))
        .header("cookie", with_foreign_cookie(&api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["org_id"], "org-demo", "{me}");

    // And sign-out finds the session to revoke.
    let r = http
        .post(app.url("/auth/signout"))
        .header("x-csrf", "1")
        .header("cookie", with_foreign_cookie(&cookie_header(&[refresh])))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(calls(&endpoint, "RevokeToken").await, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_access_cookie_outlives_its_token_by_the_leeway_and_five_minutes() {
    let app = local_app(&[("BFF_CLOCK_LEEWAY_SECS", "10")]).await;
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let access = find(&cookies, "access_token");
    assert_eq!(
        access.max_age(),
        Some(cookie::time::Duration::seconds(3600 + 10 + 300))
    );
    app.stop().await;
}
