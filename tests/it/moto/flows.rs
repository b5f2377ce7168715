//! Sign-up, confirmation, sign-in, /api/me, refresh, sign-out, the
//! NEW_PASSWORD_REQUIRED challenge and a client with a secret, against moto.

use serde_json::json;

use super::{Jar, MotoPool, moto_url};
use crate::helpers::{TestApp, assert_problem, find};

const PASSWORD: &str = "Moto-Passw0rd!";

/// A POST as the SPA sends it, with the jar's cookies for `path`.
fn post(app: &TestApp, jar: &Jar, path: &str, body: serde_json::Value) -> reqwest::RequestBuilder {
    let request = reqwest::Client::new()
        .post(app.url(path))
        .header("x-csrf", "1")
        .json(&body);
    with_cookies(request, jar, path)
}

fn get(app: &TestApp, jar: &Jar, path: &str) -> reqwest::RequestBuilder {
    with_cookies(reqwest::Client::new().get(app.url(path)), jar, path)
}

fn with_cookies(
    request: reqwest::RequestBuilder,
    jar: &Jar,
    path: &str,
) -> reqwest::RequestBuilder {
    match jar.header_for(path) {
        h if h.is_empty() => request,
        h => request.header("cookie", h),
    }
}

/// Signs `username` in through the service; the jar takes the cookies.
async fn sign_in(app: &TestApp, jar: &mut Jar, username: &str, password: &str) {
    let r = post(
        app,
        jar,
        "/auth/signin",
        json!({"username": username, "password": password}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    jar.take(&r);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "SIGNED_IN", "{body}");
    assert!(body["expires_in"].as_u64().unwrap() > 0, "{body}");
}

/// The access token as moto issued it (the access cookie's value).
fn access_token(jar: &Jar) -> String {
    jar.header_for("/api")
        .split("; ")
        .find_map(|c| c.strip_prefix("__Secure-access_token="))
        .expect("an access cookie")
        .to_owned()
}

/// Sign-out's answer clears every cookie of the service, whatever Cognito said.
fn assert_clears_everything(cookies: &[cookie::Cookie<'static>]) {
    for (name, path) in [
        ("__Secure-access_token", "/api"),
        ("__Secure-refresh_token", "/auth"),
        ("__Secure-session", "/api"),
    ] {
        let c = find(cookies, name);
        assert_eq!(c.path(), Some(path), "{name}");
        assert_eq!(c.max_age(), Some(cookie::time::Duration::ZERO), "{name}");
        assert_eq!(c.value(), "", "{name}");
    }
}

#[tokio::test]
async fn sign_up_confirm_sign_in_refresh_and_sign_out_against_moto() {
    let Some(url) = moto_url("moto::sign_up_confirm_sign_in_refresh_and_sign_out") else {
        return;
    };
    let pool = MotoPool::create(&url, false).await;
    let app = pool.service().await;
    let mut jar = Jar::default();

    let r = post(
        &app,
        &jar,
        "/auth/signup",
        json!({"username": "erin", "password": PASSWORD, "attributes": {"email": "erin@example.com"}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["user_confirmed"], false, "{body}");
    assert!(!body["user_sub"].as_str().unwrap().is_empty(), "{body}");
    assert_eq!(body["code_delivery"]["medium"], "EMAIL", "{body}");
    assert_eq!(body["code_delivery"]["attribute"], "email", "{body}");
    assert_eq!(body["code_delivery"]["destination"], "e***@e***", "{body}");

    // A custom attribute is not in the sign-up allow-list: nobody picks
    // their own tenant.
    let r = post(&app, &jar, "/auth/signup", json!({"username": "mallory", "password": PASSWORD, "attributes": {"custom:org_id": "org-victim"}})).send().await.unwrap();
    assert_problem(r, 400, "attribute_not_allowed").await;
    let r = post(&app, &jar, "/auth/signup", json!({"username": "erin", "password": PASSWORD, "attributes": {"email": "erin@example.com"}})).send().await.unwrap();
    assert_problem(r, 409, "username_exists").await;

    let r = post(
        &app,
        &jar,
        "/auth/signin",
        json!({"username": "erin", "password": PASSWORD}),
    )
    .send()
    .await
    .unwrap();
    assert_problem(r, 403, "user_not_confirmed").await;

    // moto differs from Cognito here: it accepts ANY confirmation code (it
    // sends none). Cognito would answer a wrong one with code_mismatch,
    // which the local Cognito group covers; here only the happy path is real.
    let r = post(
        &app,
        &jar,
        "/auth/confirm-signup",
        json!({"username": "erin", "code": "123456"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 204);
    pool.set_org("erin", "org-erin").await;

    // Wrong password and unknown user: the same answer (no enumeration).
    for (user, password) in [("erin", "Wrong-Passw0rd!"), ("nobody", PASSWORD)] {
        let r = post(
            &app,
            &jar,
            "/auth/signin",
            json!({"username": user, "password": password}),
        )
        .send()
        .await
        .unwrap();
        assert_problem(r, 401, "invalid_credentials").await;
    }

    let r = post(
        &app,
        &jar,
        "/auth/signin",
        json!({"username": "erin", "password": PASSWORD}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let set = jar.take(&r);
    let access = find(&set, "__Secure-access_token");
    assert_eq!(access.path(), Some("/api"));
    assert_eq!(access.http_only(), Some(true));
    assert_eq!(access.secure(), Some(true));
    assert_eq!(access.same_site(), Some(cookie::SameSite::Lax));
    let refresh = find(&set, "__Secure-refresh_token");
    assert_eq!(refresh.path(), Some("/auth"));
    assert_eq!(refresh.http_only(), Some(true));
    assert_eq!(refresh.same_site(), Some(cookie::SameSite::Strict));
    // The refresh token is sealed, never moto's token as is.
    assert!(refresh.value().len() > 40);
    let sealed_refresh = refresh.value().to_owned();

    // moto's access token passes the whole verification (RS256, moto's JWKS,
    // its `iss`, `token_use`, `client_id`): a Bearer caller is authenticated
    // without a tenant, which with `id_token` as the source never comes from
    // the session for a Bearer caller, and moto's access token has no tenant
    // claim.
    let token = access_token(&jar);
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], serde_json::Value::Null, "{me}");
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .bearer_auth(format!("{token}x"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;

    // Refresh: REFRESH_TOKEN_AUTH at moto, a new access cookie.
    let r = post(&app, &jar, "/auth/refresh", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let set = jar.take(&r);
    let renewed = find(&set, "__Secure-access_token");
    assert_ne!(renewed.value(), token, "a new access token");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "SIGNED_IN");

    // Sign-out: 204 and every cookie cleared. moto differs from Cognito here:
    // it has no RevokeToken, so the service's revocation fails (logged) and
    // the refresh token stays valid at moto; the service must clear the
    // cookies all the same.
    let r = post(&app, &jar, "/auth/signout", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let set = jar.take(&r);
    assert_clears_everything(&set);
    assert!(jar.is_empty(), "{:?}", jar.names());
    // Without its cookie the browser has no session any more.
    let r = post(&app, &jar, "/auth/refresh", json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    let r = get(&app, &jar, "/api/me").send().await.unwrap();
    assert_problem(r, 401, "unauthenticated").await;

    // Sign-out everywhere (GlobalSignOut, which moto has): the old refresh
    // cookie, replayed, is dead at moto too and ends in session_expired.
    let mut replay = Jar::default();
    sign_in(&app, &mut replay, "erin", PASSWORD).await;
    let old = replay.header_for("/auth");
    let r = post(&app, &replay, "/auth/signout", json!({"everywhere": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_clears_everything(&replay.take(&r));
    let r = reqwest::Client::new()
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("cookie", old)
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    // The first session's refresh token died with the global sign-out too.
    let r = reqwest::Client::new()
        .post(app.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("cookie", format!("__Secure-refresh_token={sealed_refresh}"))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "session_expired").await;
    app.stop().await;
}

#[tokio::test]
async fn the_new_password_challenge_against_moto() {
    let Some(url) = moto_url("moto::the_new_password_challenge") else {
        return;
    };
    let pool = MotoPool::create(&url, false).await;
    pool.user_with_temporary_password("frank", "Temp-Passw0rd!", "org-frank")
        .await;
    let app = pool.service().await;
    let mut jar = Jar::default();
    let r = post(
        &app,
        &jar,
        "/auth/signin",
        json!({"username": "frank", "password": "Temp-Passw0rd!"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    assert!(jar.take(&r).is_empty(), "a challenge sets no cookie");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "CHALLENGE", "{body}");
    assert_eq!(body["challenge"], "NEW_PASSWORD_REQUIRED", "{body}");
    let session = body["session"].as_str().unwrap().to_owned();

    // A new password that breaks the pool's policy: Cognito's reason, 400.
    let r = post(&app, &jar, "/auth/respond-challenge", json!({"username": "frank", "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "responses": {"NEW_PASSWORD": "short"}})).send().await.unwrap();
    let problem = assert_problem(r, 400, "invalid_password").await;
    assert!(!problem.to_string().contains("short\""), "{problem}");

    let r = post(&app, &jar, "/auth/respond-challenge", json!({"username": "frank", "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "responses": {"NEW_PASSWORD": "Fresh-Passw0rd!"}})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let set = jar.take(&r);
    find(&set, "__Secure-access_token");
    find(&set, "__Secure-refresh_token");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "SIGNED_IN", "{body}");

    // The new password is the one that works from now on.
    let mut again = Jar::default();
    sign_in(&app, &mut again, "frank", "Fresh-Passw0rd!").await;
    let r = post(
        &app,
        &jar,
        "/auth/signin",
        json!({"username": "frank", "password": "Temp-Passw0rd!"}),
    )
    .send()
    .await
    .unwrap();
    assert_problem(r, 401, "invalid_credentials").await;
    app.stop().await;
}

#[tokio::test]
async fn a_client_with_a_secret_against_moto() {
    let Some(url) = moto_url("moto::a_client_with_a_secret") else {
        return;
    };
    let pool = MotoPool::create(&url, true).await;
    assert!(pool.client_secret.is_some(), "moto generated a secret");
    pool.confirmed_user("grace", PASSWORD, "org-grace").await;
    let app = pool.service().await;

    // moto differs from Cognito here: it checks SECRET_HASH on
    // REFRESH_TOKEN_AUTH but not on USER_PASSWORD_AUTH. The refresh below is
    // what proves the service's SECRET_HASH (HMAC of the Cognito username).
    let mut jar = Jar::default();
    sign_in(&app, &mut jar, "grace", PASSWORD).await;
    let r = post(&app, &jar, "/auth/refresh", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "REFRESH_TOKEN_AUTH with a correct SECRET_HASH"
    );
    jar.take(&r);
    let sealed = jar.header_for("/auth");
    app.stop().await;

    // The same session with a wrong secret configured: moto refuses the
    // SECRET_HASH, and the service must not hand out a session.
    let mut env = pool.env();
    env.retain(|(k, _)| k != "BFF_COGNITO_CLIENT_SECRET");
    env.push(("BFF_COGNITO_CLIENT_SECRET".into(), "not-the-secret".into()));
    let wrong = TestApp::spawn(crate::helpers::settings_from(env)).await;
    let r = reqwest::Client::new()
        .post(wrong.url("/auth/refresh"))
        .header("x-csrf", "1")
        .header("cookie", sealed)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_client_error() || r.status().is_server_error(),
        "{}",
        r.status()
    );
    assert!(
        crate::helpers::set_cookies(&r)
            .iter()
            .all(|c| c.name() != "__Secure-access_token" || c.value().is_empty())
    );
    wrong.stop().await;

    let app = pool.service().await;
    let mut jar = Jar::default();
    sign_in(&app, &mut jar, "grace", PASSWORD).await;
    let r = post(&app, &jar, "/auth/signout", json!({"everywhere": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_clears_everything(&jar.take(&r));
    app.stop().await;
}

/// /api/me with the tenant from moto's id token (`custom:org_id`), bound to
/// the session cookie at sign-in and at refresh.
#[tokio::test]
async fn api_me_shows_the_org_from_the_id_token_against_moto() {
    let Some(url) = moto_url("moto::api_me_shows_the_org_from_the_id_token") else {
        return;
    };
    let pool = MotoPool::create(&url, false).await;
    pool.confirmed_user("heidi", PASSWORD, "org-heidi").await;
    pool.confirmed_user("ivan", PASSWORD, "org-ivan").await;
    let app = pool.service().await;

    let mut heidi = Jar::default();
    sign_in(&app, &mut heidi, "heidi", PASSWORD).await;
    assert_eq!(
        heidi.names(),
        [
            "__Secure-access_token",
            "__Secure-refresh_token",
            "__Secure-session"
        ]
    );
    let r = get(&app, &heidi, "/api/me").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], "org-heidi", "{me}");
    assert_eq!(me["username"], "heidi", "{me}");
    assert_eq!(me["client_id"], pool.client_id.as_str(), "{me}");
    assert!(me["groups"].is_array() && me["scopes"].is_array(), "{me}");

    let r = get(&app, &heidi, "/api/me/attributes")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let attrs: serde_json::Value = r.json().await.unwrap();
    assert_eq!(attrs["attributes"]["custom:org_id"], "org-heidi", "{attrs}");

    // After a refresh the session is bound again, to the same tenant.
    let r = post(&app, &heidi, "/auth/refresh", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let set = heidi.take(&r);
    find(&set, "__Secure-session");
    let r = get(&app, &heidi, "/api/me").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], "org-heidi", "{me}");

    // Another user of another tenant sees their own; heidi's session cookie
    // next to ivan's access token counts for nothing.
    let mut ivan = Jar::default();
    sign_in(&app, &mut ivan, "ivan", PASSWORD).await;
    let r = get(&app, &ivan, "/api/me").send().await.unwrap();
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], "org-ivan", "{me}");
    let heidi_session = heidi
        .header_for("/api")
        .split("; ")
        .find(|c| c.starts_with("__Secure-session="))
        .unwrap()
        .to_owned();
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header(
            "cookie",
            format!(
                "__Secure-access_token={}; {heidi_session}",
                access_token(&ivan)
            ),
        )
        .send()
        .await
        .unwrap();
    // Another user's session cookie binds no tenant to this access token.
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], serde_json::Value::Null, "{me}");

    let r = post(&app, &heidi, "/auth/signout", json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_clears_everything(&heidi.take(&r));
    let r = get(&app, &heidi, "/api/me").send().await.unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    app.stop().await;
}

/// After the NEW_PASSWORD_REQUIRED challenge, the session carries the tenant
/// of the id token moto issued with the tokens.
#[tokio::test]
async fn after_the_new_password_challenge_api_me_shows_the_org_against_moto() {
    let Some(url) = moto_url("moto::after_the_new_password_challenge_api_me_shows_the_org") else {
        return;
    };
    let pool = MotoPool::create(&url, true).await;
    pool.user_with_temporary_password("judy", "Temp-Passw0rd!", "org-judy")
        .await;
    let app = pool.service().await;
    let mut jar = Jar::default();
    let r = post(
        &app,
        &jar,
        "/auth/signin",
        json!({"username": "judy", "password": "Temp-Passw0rd!"}),
    )
    .send()
    .await
    .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    let session = body["session"].as_str().unwrap().to_owned();
    let r = post(&app, &jar, "/auth/respond-challenge", json!({"username": "judy", "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "responses": {"NEW_PASSWORD": "Fresh-Passw0rd!"}})).send().await.unwrap();
    assert_eq!(r.status(), 200);
    jar.take(&r);
    let r = get(&app, &jar, "/api/me").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["org_id"], "org-judy", "{me}");
    app.stop().await;
}

/// A user without a tenant signs in in `id_token` mode too (the session
/// cookie binds "no tenant") and reads `/api/me` with `"org_id": null`.
#[tokio::test]
async fn a_user_without_a_tenant_signs_in_and_reads_a_null_org_id_against_moto() {
    let Some(url) = moto_url("moto::a_user_without_a_tenant_signs_in") else {
        return;
    };
    let pool = MotoPool::create(&url, false).await;
    pool.confirmed_user_in("kim", PASSWORD, None).await;
    let app = pool.service().await;
    let mut kim = Jar::default();
    sign_in(&app, &mut kim, "kim", PASSWORD).await;
    assert!(
        kim.names().contains(&"__Secure-session"),
        "{:?}",
        kim.names()
    );
    let r = get(&app, &kim, "/api/me").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["username"], "kim", "{me}");
    assert_eq!(me["org_id"], serde_json::Value::Null, "{me}");
    app.stop().await;
}
