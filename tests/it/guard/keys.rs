//! Signing keys: unknown kids, rotation, and the bound on refetches.

use super::fixtures::*;

#[tokio::test]
async fn a_burst_of_tokens_with_an_unknown_kid_refetches_the_key_set_at_most_once() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let before = jwks.fetches();
    let store_before = app.state.keys.fetch_count();
    // Signed by a key the pool never published, under a kid it does not have.
    let token = Mint::access().kid(Some("kid-unknown")).sign(&KEY_B);
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (http, url, token) = (app.http.clone(), app.url("/api/me"), token.clone());
        burst.spawn(async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request")
        });
    }
    while let Some(response) = burst.join_next().await {
        assert_problem(response.expect("task"), 401, "unauthenticated", &token).await;
    }
    let refetches = jwks.fetches() - before;
    assert!(refetches <= 1, "{refetches} refetches for one unknown kid");
    // Within the cool-down, later requests do not refetch either.
    assert_problem(
        app.get_bearer("/api/me", &token).await,
        401,
        "unauthenticated",
        &token,
    )
    .await;
    assert!(jwks.fetches() - before <= 1);
    assert!(app.state.keys.fetch_count() - store_before <= 1);
}

#[tokio::test]
async fn a_key_published_after_the_set_was_loaded_is_accepted_after_one_refetch() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let before = jwks.fetches();
    // The pool rotates: the new key is published, tokens are signed with it.
    jwks.serve(&[&KEY_A, &KEY_B]);
    let token = Mint::access().kid(Some(&KEY_B.kid)).sign(&KEY_B);
    assert_eq!(app.get_bearer("/api/me", &token).await.status(), 200);
    assert_eq!(jwks.fetches() - before, 1, "exactly one refetch");
    // Now cached: no more fetches, and the old key still works.
    assert_eq!(app.get_cookie("/api/me", &token).await.status(), 200);
    assert_eq!(
        app.get_bearer("/api/me", &Mint::access().sign(&KEY_A))
            .await
            .status(),
        200
    );
    assert_eq!(jwks.fetches() - before, 1);
}
