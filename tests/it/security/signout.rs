//! Sign-out signs out: the session's access tokens are refused by the guard
//! at once (cached ones included), "everywhere" runs GlobalSignOut with the
//! refresh flow the client allows (rotation included), and a sign-out that
//! could not be carried out says so instead of answering 204.

use serde_json::json;

use super::{assert_clears_every_cookie, cookie_header, post_with_cookies, sign_in};
use crate::helpers::{
    DEMO_PASSWORD, DEMO_USER, TestApp, assert_problem, calls, find, local_app, production_env_for,
    rotating_client, settings_from, standalone_cognito,
};

async fn me_bearer(app: &TestApp, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn after_sign_out_the_sessions_access_token_is_refused_although_unexpired() {
    let app = local_app(&[]).await;
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let access = find(&cookies, "access_token").value().to_owned();
    // Verified once, so it sits in the guard's cache.
    assert_eq!(me_bearer(&app, &access).await.status(), 200);
    let other = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;

    let r = post_with_cookies(
        &app,
        "/auth/signout",
        cookie_header(&[find(&cookies, "refresh_token")]),
    )
    .json(&json!({}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_clears_every_cookie(&r);

    assert_problem(me_bearer(&app, &access).await, 401, "unauthenticated").await;
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", format!("access_token={access}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    // The user's other session is untouched.
    let other_access = find(&other, "access_token").value().to_owned();
    assert_eq!(me_bearer(&app, &other_access).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn sign_out_everywhere_with_refresh_rotation_runs_global_sign_out_and_ends_every_session() {
    let lc = standalone_cognito().await;
    let endpoint = lc.endpoint_url();
    let client_id = rotating_client(&endpoint).await;
    let mut env = production_env_for(&lc, &client_id);
    env.push(("BFF_REFRESH_ROTATION".into(), "true".into()));
    let app = TestApp::spawn(settings_from(env)).await;
    let here = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let there = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;

    let r = post_with_cookies(
        &app,
        "/auth/signout",
        cookie_header(&[find(&here, "__Secure-refresh_token")]),
    )
    .json(&json!({"everywhere": true}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    assert_clears_every_cookie(&r);
    assert_eq!(calls(&endpoint, "GlobalSignOut").await, 1);

    // The other device: its access token is refused by the guard, its
    // refresh token by Cognito.
    let there_access = find(&there, "__Secure-access_token").value().to_owned();
    assert_problem(me_bearer(&app, &there_access).await, 401, "unauthenticated").await;
    let r = post_with_cookies(
        &app,
        "/auth/refresh",
        cookie_header(&[find(&there, "__Secure-refresh_token")]),
    )
    .send()
    .await
    .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn a_sign_out_everywhere_that_cannot_run_is_a_problem_with_every_cookie_cleared() {
    // The service believes the client does not rotate, the client does:
    // the refresh that GlobalSignOut needs is refused.
    let lc = standalone_cognito().await;
    let endpoint = lc.endpoint_url();
    let client_id = rotating_client(&endpoint).await;
    let app = TestApp::spawn(settings_from(production_env_for(&lc, &client_id))).await;
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    let refresh = cookie_header(&[find(&cookies, "__Secure-refresh_token")]);
    let r = post_with_cookies(&app, "/auth/signout", refresh.clone())
        .json(&json!({"everywhere": true}))
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 204);
    assert_clears_every_cookie(&r);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    assert_eq!(calls(&endpoint, "GlobalSignOut").await, 0);
    app.stop().await;

    // Cognito unreachable: 503, cookies cleared all the same.
    let app = TestApp::spawn(settings_from(production_env_for(
        &lc,
        "1oc41demo0c1ient0000000000",
    )))
    .await;
    let cookies = sign_in(&app, DEMO_USER, DEMO_PASSWORD).await;
    lc.shutdown().await;
    let r = post_with_cookies(
        &app,
        "/auth/signout",
        cookie_header(&[find(&cookies, "__Secure-refresh_token")]),
    )
    .json(&json!({"everywhere": true}))
    .send()
    .await
    .unwrap();
    assert_clears_every_cookie(&r);
    assert_problem(r, 503, "upstream_unavailable").await;
    app.stop().await;
}
