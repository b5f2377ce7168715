//! An access token too large for one cookie (a user in many groups) is
//! split into numbered cookies at sign-in and reassembled by the guard,
//! never silently dropped by the browser.

use serde_json::json;

use crate::helpers::{
    DEMO_USER, TestApp, assert_problem, find, production_env_for, set_cookies, settings_from,
    shipped_seed,
};

async fn cognito_with_a_user_in_many_groups(
    groups: usize,
) -> cognito_bff::local_cognito::LocalCognito {
    let mut seed = shipped_seed();
    let mut user = seed.pools[0].users[0].clone();
    user.username = "groupie".into();
    user.groups = (0..groups)
        .map(|i| format!("department-of-long-group-names-{i:04}"))
        .collect();
    seed.pools[0].users.push(user);
    cognito_bff::local_cognito::LocalCognito::start(cognito_bff::local_cognito::Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: None,
        seed,
        code_ttl: std::time::Duration::from_secs(3600),
        allow_remote: false,
    })
    .await
    .unwrap()
}

fn header(cookies: &[&cookie::Cookie<'static>]) -> String {
    cookies
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn a_large_access_token_is_split_into_numbered_cookies_and_reassembled_by_the_guard() {
    let lc = cognito_with_a_user_in_many_groups(100).await;
    let client_id = shipped_seed().pools[0].clients[0].id.clone();
    let app = TestApp::spawn(settings_from(production_env_for(&lc, &client_id))).await;
    let password = shipped_seed().pools[0].users[0].password.clone();
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "groupie", "password": password}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookies = set_cookies(&r);
    // The single cookie is cleared, two chunks carry the token, the third is cleared.
    let single = find(&cookies, "__Secure-access_token");
    assert_eq!(single.max_age(), Some(cookie::time::Duration::ZERO));
    let first = find(&cookies, "__Secure-access_token.0");
    let second = find(&cookies, "__Secure-access_token.1");
    let third = find(&cookies, "__Secure-access_token.2");
    assert_eq!(third.max_age(), Some(cookie::time::Duration::ZERO));
    for chunk in [first, second] {
        assert!(
            chunk.name().len() + chunk.value().len() <= 4096 - 100,
            "fits a browser cookie"
        );
        assert_eq!(chunk.path(), Some("/api"));
        assert_eq!(chunk.http_only(), Some(true));
        assert_eq!(chunk.secure(), Some(true));
        assert_eq!(chunk.same_site(), Some(cookie::SameSite::Lax));
        assert_eq!(
            chunk.max_age(),
            Some(cookie::time::Duration::seconds(3600 + 30 + 300))
        );
    }
    assert!(first.value().len() + second.value().len() > 4096);

    let me = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", header(&[first, second]))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["username"], "groupie");
    assert_eq!(me["groups"].as_array().unwrap().len(), 100);

    // A missing or tampered chunk is no token.
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", header(&[second]))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    let r = reqwest::Client::new()
        .get(app.url("/api/me"))
        .header("cookie", header(&[first]))
        .send()
        .await
        .unwrap();
    assert_problem(r, 401, "unauthenticated").await;
    app.stop().await;
    lc.shutdown().await;
}

#[tokio::test]
async fn a_small_token_still_uses_one_cookie() {
    let lc = cognito_with_a_user_in_many_groups(1).await;
    let client_id = shipped_seed().pools[0].clients[0].id.clone();
    let app = TestApp::spawn(settings_from(production_env_for(&lc, &client_id))).await;
    let password = shipped_seed().pools[0].users[0].password.clone();
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": DEMO_USER, "password": password}),
        )
        .send()
        .await
        .unwrap();
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 2);
    assert!(!cookies.iter().any(|c| c.name().contains(".0")));
    app.stop().await;
    lc.shutdown().await;
}

#[tokio::test]
async fn an_access_token_larger_than_the_guard_accepts_is_refused_at_sign_in_without_cookies() {
    // ~220 groups: a token over the guard's 8 KiB, which its cookies would
    // carry to a guard that refuses it on every request.
    let lc = cognito_with_a_user_in_many_groups(220).await;
    let client_id = shipped_seed().pools[0].clients[0].id.clone();
    let app = TestApp::spawn(settings_from(production_env_for(&lc, &client_id))).await;
    let password = shipped_seed().pools[0].users[0].password.clone();
    let r = app
        .post_json(
            "/auth/signin",
            json!({"username": "groupie", "password": password}),
        )
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&r).is_empty(),
        "no cookie that could never work"
    );
    let problem = assert_problem(r, 500, "internal").await;
    assert!(!problem["detail"].as_str().unwrap().contains("eyJ"));
    app.stop().await;
}
