//! How the token is presented: nothing, garbage, duplicates, oversize. All
//! of it is 401 problem+json, never 500.

use super::fixtures::*;

#[tokio::test]
async fn a_request_without_any_token_is_unauthenticated_with_a_bare_bearer_challenge() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let response = app
        .http
        .get(app.url("/api/me"))
        .send()
        .await
        .expect("request");
    let headers = assert_problem(response, 401, "unauthenticated", "").await;
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    assert_eq!(www_authenticate(&headers), "Bearer");
    // Cookies of other services or of the unprefixed name do not count.
    let token = Mint::access().sign(&KEY_A);
    let other = app
        .get_with_cookie_header("/api/me", &format!("theme=dark; access_token={token}"))
        .await;
    assert_problem(other, 401, "unauthenticated", &token).await;
}

#[tokio::test]
async fn garbage_in_the_access_cookie_is_unauthenticated() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    for value in [
        "garbage",
        "a.b.c",
        "...",
        "%00%01",
        "\"quoted.token.value\"",
        "eyJhbGciOiJSUzI1NiJ9.e30",
    ] {
        let response = app
            .get_with_cookie_header("/api/me", &format!("{ACCESS_COOKIE}={value}"))
            .await;
        assert_problem(response, 401, "unauthenticated", "").await;
    }
    let response = app.get_with_cookie_header("/api/me", ACCESS_COOKIE).await;
    assert_problem(response, 401, "unauthenticated", "").await;
}

#[tokio::test]
async fn a_valid_token_quoted_or_with_extra_characters_is_unauthenticated() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access().sign(&KEY_A);
    // Verified once as is, so that the variants below meet a warm cache.
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
    for value in [
        format!("\"{token}\""),
        format!("{token}!"),
        format!("{token} x"),
        format!("{token}=="),
    ] {
        let response = app
            .get_with_cookie_header("/api/me", &format!("{ACCESS_COOKIE}={value}"))
            .await;
        assert_problem(response, 401, "unauthenticated", &token).await;
        let response = app.get_bearer("/api/me", &value).await;
        assert_problem(response, 401, "unauthenticated", &token).await;
    }
}

#[tokio::test]
async fn two_access_cookies_are_unauthenticated_even_when_one_is_valid() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let good = Mint::access().sign(&KEY_A);
    let other = Mint::access().set("org_id", "org-evil").sign(&KEY_A);
    let header = format!("{ACCESS_COOKIE}={other}; {ACCESS_COOKIE}={good}");
    assert_problem(
        app.get_with_cookie_header("/api/me", &header).await,
        401,
        "unauthenticated",
        &good,
    )
    .await;
}

#[tokio::test]
async fn an_oversized_access_cookie_or_bearer_token_is_unauthenticated() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let huge = format!(
        "{}.{}.{}",
        "a".repeat(6000),
        "b".repeat(6000),
        "c".repeat(6000)
    );
    // As a cookie, 18 KB is over the 16 KiB the service reads of the Cookie
    // header: refused before any parsing (431).
    assert_problem(
        app.get_cookie("/api/me", &huge).await,
        431,
        "invalid_request",
        "",
    )
    .await;
    assert_problem(
        app.get_bearer("/api/me", &huge).await,
        401,
        "unauthenticated",
        "",
    )
    .await;
    // A valid token padded past the limit is not looked at either.
    let padded = format!("{}{}", Mint::access().sign(&KEY_A), "A".repeat(9000));
    assert_problem(
        app.get_cookie("/api/me", &padded).await,
        401,
        "unauthenticated",
        "",
    )
    .await;
}

#[tokio::test]
async fn a_bearer_header_is_the_only_credential_looked_at_when_present() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let good = Mint::access().sign(&KEY_A);
    let response = app
        .http
        .get(app.url("/api/me"))
        .header("authorization", "Bearer not-a-token")
        .header("cookie", format!("{ACCESS_COOKIE}={good}"))
        .send()
        .await
        .expect("request");
    assert_problem(response, 401, "unauthenticated", &good).await;
}

#[tokio::test]
async fn unknown_paths_under_api_are_behind_the_guard() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let anonymous = app
        .http
        .get(app.url("/api/nope"))
        .send()
        .await
        .expect("request");
    assert_problem(anonymous, 401, "unauthenticated", "").await;
    let signed_in = app
        .get_bearer("/api/nope", &Mint::access().sign(&KEY_A))
        .await;
    assert_problem(signed_in, 404, "not_found", "").await;
}

#[tokio::test]
async fn wrong_methods_and_the_bare_prefix_under_api_are_behind_the_guard_too() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let token = Mint::access().sign(&KEY_A);
    // A Bearer caller needs no CSRF header, so the guard is what answers.
    for (method, path, signed_in_status, code) in [
        ("DELETE", "/api/me", 405, "method_not_allowed"),
        ("PUT", "/api/me/attributes", 405, "method_not_allowed"),
        ("GET", "/api", 404, "not_found"),
        ("GET", "/api/", 404, "not_found"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let anonymous = app
            .http
            .request(method.clone(), app.url(path))
            .header("authorization", "Bearer not.a.token")
            .send()
            .await
            .expect("request");
        assert_problem(anonymous, 401, "unauthenticated", "").await;
        let signed_in = app
            .http
            .request(method, app.url(path))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .expect("request");
        assert_problem(signed_in, signed_in_status, code, &token).await;
    }
}
