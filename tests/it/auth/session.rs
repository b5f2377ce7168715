//! Refresh and sign-out end to end: cookies renewed and cleared, revocation
//! seen by Cognito, one Cognito call for concurrent refreshes, tampered and
//! foreign-key cookies, key rotation, refresh-token rotation, client secrets.

use serde_json::json;

use crate::helpers::{
    DEMO_PASSWORD, DEMO_USER, POOL, TestApp, admin, assert_problem, calls, find, local_app,
    production_env_for, set_cookies, settings_from, standalone_cognito,
};

async fn sign_in(app: &TestApp) -> Vec<cookie::Cookie<'static>> {
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    set_cookies(&r)
}

fn refresh_with(app: &TestApp, cookie_header: String) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("cookie", cookie_header)
}

fn assert_clears_everything(cookies: &[cookie::Cookie<'static>], secure: bool) {
    let prefix = if secure { "__Secure-" } else { "" };
    assert_eq!(cookies.len(), 6, "{cookies:?}");
    for (name, path) in [
        ("access_token", "/api"),
        ("access_token.0", "/api"),
        ("access_token.1", "/api"),
        ("access_token.2", "/api"),
        ("refresh_token", "/auth"),
        ("session", "/api"),
    ] {
        let c = find(cookies, &format!("{prefix}{name}"));
        assert_eq!(c.path(), Some(path), "{name}");
        assert_eq!(c.max_age(), Some(cookie::time::Duration::ZERO), "{name}");
        assert_eq!(c.value(), "", "{name}");
        assert_eq!(c.http_only(), Some(true), "{name}");
    }
}

#[tokio::test]
async fn refresh_renews_the_access_cookie_and_keeps_the_refresh_cookie() {
    let app = local_app(&[]).await;
    let first = sign_in(&app).await;
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 1, "only a new access cookie: {cookies:?}");
    let access = find(&cookies, "access_token");
    assert_ne!(access.value(), find(&first, "access_token").value());
    assert_eq!(access.path(), Some("/api"));
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        json!({"status": "SIGNED_IN", "expires_in": 3600})
    );
    app.stop().await;
}

#[tokio::test]
async fn concurrent_refreshes_of_one_session_make_one_cognito_call() {
    let app = local_app(&[]).await;
    let endpoint = app.local_cognito.clone().unwrap();
    sign_in(&app).await;
    let before = calls(&endpoint, "InitiateAuth").await;
    // The client is shared (one cookie jar), as an SPA's tabs share a browser.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            tokio::spawn(
                app.client
                    .post(app.url("/auth/refresh"))
                    .header("x-csrf", "1")
                    .send(),
            )
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(
        calls(&endpoint, "InitiateAuth").await - before,
        1,
        "one REFRESH_TOKEN_AUTH for ten refreshes"
    );
    app.stop().await;
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_clears_every_cookie() {
    let app = local_app(&[]).await;
    let cookies = sign_in(&app).await;
    let refresh_value = find(&cookies, "refresh_token").value().to_owned();
    let r = app
        .client
        .post(app.url("/auth/signout"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_clears_everything(&set_cookies(&r), false);

    // The jar no longer holds it...
    let r = app
        .client
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    // ...and a copy kept elsewhere is dead at Cognito (RevokeToken).
    let r = refresh_with(&app, format!("refresh_token={refresh_value}"))
        .send()
        .await
        .unwrap();
    assert_clears_everything(&set_cookies(&r), false);
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_users_other_sessions() {
    let app = local_app(&[]).await;
    let other = sign_in(&app).await;
    let other_refresh = find(&other, "refresh_token").value().to_owned();
    sign_in(&app).await;
    let r = app
        .post_json("/auth/signout", json!({"everywhere": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = refresh_with(&app, format!("refresh_token={other_refresh}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn a_tampered_refresh_cookie_ends_the_session_and_clears_the_cookies() {
    let app = local_app(&[]).await;
    let cookies = sign_in(&app).await;
    let mut value = find(&cookies, "refresh_token")
        .value()
        .to_owned()
        .into_bytes();
    let i = value.len() / 2;
    value[i] = if value[i] == b'A' { b'B' } else { b'A' };
    let r = refresh_with(
        &app,
        format!("refresh_token={}", String::from_utf8(value).unwrap()),
    )
    .send()
    .await
    .unwrap();
    assert_clears_everything(&set_cookies(&r), false);
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

fn key(byte: u8) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [byte; 64])
}

#[tokio::test]
async fn a_cookie_sealed_with_a_foreign_key_is_refused_and_a_previous_key_still_opens_and_reseals()
{
    let lc = standalone_cognito().await;
    let client_id = crate::helpers::shipped_seed().pools[0].clients[0]
        .id
        .clone();
    let with = |extra: Vec<(&str, String)>| {
        let mut env = production_env_for(&lc, &client_id);
        env.retain(|(k, _)| k != "BFF_COOKIE_KEY");
        env.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
        settings_from(env)
    };
    let old = TestApp::spawn(with(vec![("BFF_COOKIE_KEY", key(1))])).await;
    let r = old
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    let sealed = find(&set_cookies(&r), "__Secure-refresh_token")
        .value()
        .to_owned();

    let foreign = TestApp::spawn(with(vec![("BFF_COOKIE_KEY", key(2))])).await;
    let r = refresh_with(&foreign, format!("__Secure-refresh_token={sealed}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;

    let rotated = TestApp::spawn(with(vec![
        ("BFF_COOKIE_KEY", key(2)),
        ("BFF_COOKIE_KEYS_PREVIOUS", key(1)),
    ]))
    .await;
    let r = refresh_with(&rotated, format!("__Secure-refresh_token={sealed}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let resealed = find(&set_cookies(&r), "__Secure-refresh_token")
        .value()
        .to_owned();
    assert_ne!(resealed, sealed, "re-issued under the current key");
    // The re-sealed cookie works where only the new key is known.
    let r = refresh_with(&foreign, format!("__Secure-refresh_token={resealed}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    for app in [old, foreign, rotated] {
        app.stop().await;
    }
    lc.shutdown().await;
}

#[tokio::test]
async fn a_client_with_a_secret_works_end_to_end_with_secret_hash() {
    let lc = standalone_cognito().await;
    let cognito = admin(&lc.endpoint_url());
    let created = cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("with-secret")
        .generate_secret(true)
        .explicit_auth_flows(
            aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowUserPasswordAuth,
        )
        .explicit_auth_flows(
            aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        )
        .send()
        .await
        .unwrap();
    let client = created.user_pool_client().unwrap();
    let mut env = production_env_for(&lc, client.client_id().unwrap());
    env.push((
        "BFF_COGNITO_CLIENT_SECRET".into(),
        client.client_secret().unwrap().to_owned(),
    ));
    let app = TestApp::spawn(settings_from(env.clone())).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sealed = find(&set_cookies(&r), "__Secure-refresh_token")
        .value()
        .to_owned();
    let r = refresh_with(&app, format!("__Secure-refresh_token={sealed}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "REFRESH_TOKEN_AUTH with SECRET_HASH of the username"
    );
    let r = reqwest::Client::new()
        .post(app.url("/auth/signout"))
        .header("x-csrf", "1")
        .header("cookie", format!("__Secure-refresh_token={sealed}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = refresh_with(&app, format!("__Secure-refresh_token={sealed}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;

    // A wrong secret is the operator's mistake: 500, not "wrong password".
    env.retain(|(k, _)| k != "BFF_COGNITO_CLIENT_SECRET");
    env.push(("BFF_COGNITO_CLIENT_SECRET".into(), "not-the-secret".into()));
    let app = TestApp::spawn(settings_from(env)).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_problem(r, 500, "internal").await;
    app.stop().await;
    lc.shutdown().await;
}

#[tokio::test]
async fn with_refresh_rotation_each_refresh_issues_a_new_refresh_cookie_and_the_old_one_dies() {
    let lc = standalone_cognito().await;
    let client_id = crate::helpers::rotating_client(&lc.endpoint_url()).await;
    let mut env = production_env_for(&lc, &client_id);
    env.push(("BFF_REFRESH_ROTATION".into(), "true".into()));
    let app = TestApp::spawn(settings_from(env)).await;
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let first = find(&set_cookies(&r), "__Secure-refresh_token")
        .value()
        .to_owned();
    let r = refresh_with(&app, format!("__Secure-refresh_token={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    let second = find(&cookies, "__Secure-refresh_token").value().to_owned();
    find(&cookies, "__Secure-access_token");
    assert_ne!(first, second);
    // After the lingering window of the single-flight, the old token is reused: refused.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let r = refresh_with(&app, format!("__Secure-refresh_token={first}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    let r = refresh_with(&app, format!("__Secure-refresh_token={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
    lc.shutdown().await;
}
