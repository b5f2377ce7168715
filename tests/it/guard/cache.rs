//! The verified-token cache: a token is verified in full once, then served
//! from the cache, but never past `exp`, never after its key left the key
//! set, never for a refused token, tenant binding still checked per request,
//! and never beyond its capacity.

use std::sync::Arc;
use std::time::Duration;

use cognito_bff::auth::SessionBinding;
use cognito_bff::config::{Sources, load};
use cognito_bff::jwks::KeyStore;
use cognito_bff::verify::TokenVerifier;
use serde_json::json;

use super::fixtures::*;

fn settings(env: Vec<(String, String)>) -> cognito_bff::config::Settings {
    load(&Sources {
        config_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/config").into(),
        env,
    })
    .expect("settings")
}

/// A store holding `KEY_A` only, in memory.
fn store_with_key_a() -> Arc<KeyStore> {
    let set = json!({"keys": [KEY_A.jwk.clone()]});
    let keys = cognito_bff::jwks::parse(&serde_json::to_vec(&set).expect("json")).expect("keys");
    KeyStore::with_keys(keys)
}

#[tokio::test]
async fn a_cached_token_is_refused_with_token_expired_once_it_expires() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let env = with(env(&jwks), "BFF_CLOCK_LEEWAY_SECS", Some("0"));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let exp = now() + 1;
    let token = Mint::access().set("exp", exp).sign(&KEY_A);
    assert_eq!(app.get_cookie("/api/me", &token).await.status(), 200);
    assert_eq!(
        app.state.verifier.cached_tokens(),
        1,
        "cached after success"
    );
    assert_eq!(app.get_cookie("/api/me", &token).await.status(), 200);
    while now() <= exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_problem(
        app.get_cookie("/api/me", &token).await,
        401,
        "token_expired",
        &token,
    )
    .await;
    assert_eq!(
        app.state.verifier.cached_tokens(),
        0,
        "dropped once expired"
    );
}

#[tokio::test]
async fn a_cached_token_whose_key_left_the_key_set_is_refused() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let old = Mint::access().sign(&KEY_A);
    assert_eq!(app.get_bearer("/api/me", &old).await.status(), 200);
    assert_eq!(app.state.verifier.cached_tokens(), 1);
    // The pool drops key A (revoked) and signs with key B; a token under B
    // makes the service refetch the set.
    jwks.serve(&[&KEY_B]);
    let new = Mint::access().kid(Some(&KEY_B.kid)).sign(&KEY_B);
    assert_eq!(app.get_bearer("/api/me", &new).await.status(), 200);
    // The cached verification of `old` was against the previous set.
    assert_problem(
        app.get_bearer("/api/me", &old).await,
        401,
        "unauthenticated",
        &old,
    )
    .await;
    assert_eq!(app.get_bearer("/api/me", &new).await.status(), 200);
}

#[tokio::test]
async fn refused_tokens_are_not_cached() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let app = TestApp::spawn(&jwks).await;
    let forged = Mint::access().sign(&FORGER);
    let other_client = Mint::access().set("client_id", "another").sign(&KEY_A);
    let expired = Mint::access().set("exp", now() - 3600).sign(&KEY_A);
    for _ in 0..2 {
        assert_eq!(app.get_bearer("/api/me", &forged).await.status(), 401);
        assert_eq!(app.get_bearer("/api/me", &other_client).await.status(), 401);
        assert_eq!(app.get_bearer("/api/me", &expired).await.status(), 401);
    }
    assert_eq!(app.state.verifier.cached_tokens(), 0);
    // A token differing from a cached one only in its signature is refused.
    let good = Mint::access().sign(&KEY_A);
    assert_eq!(app.get_bearer("/api/me", &good).await.status(), 200);
    let (signed, _) = good.rsplit_once('.').expect("JWS");
    let (_, forged_sig) = forged.rsplit_once('.').expect("JWS");
    let spliced = format!("{signed}.{forged_sig}");
    assert_eq!(app.get_bearer("/api/me", &spliced).await.status(), 401);
    assert_eq!(app.state.verifier.cached_tokens(), 1);
}

#[tokio::test]
async fn the_session_binding_is_checked_on_every_request_for_a_cached_token() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let env = with(env(&jwks), "BFF_ORG_ID_SOURCE", Some("id_token"));
    let verifier = TokenVerifier::new(&settings(env), store_with_key_a());
    let mint = Mint::access().without("org_id");
    let token = mint.sign(&KEY_A);
    let bound = SessionBinding {
        org_id: Some("org-b".into()),
        sub: mint.claims["sub"].as_str().unwrap_or("").to_owned(),
        jti: mint.claims["jti"].as_str().unwrap_or("").to_owned(),
        exp: mint.claims["exp"].as_u64().unwrap_or(0),
    };
    let other_token = SessionBinding {
        jti: "jti-2".into(),
        ..bound.clone()
    };
    for _ in 0..2 {
        let p = verifier.verify(&token, Some(&bound)).await.expect("bound");
        assert_eq!(p.org_id(), Some("org-b"));
        let p = verifier.verify(&token, Some(&other_token)).await;
        assert_eq!(p.expect("authenticated").org_id(), None);
        let p = verifier.verify(&token, None).await;
        assert_eq!(p.expect("authenticated").org_id(), None);
    }
    assert_eq!(verifier.cached_tokens(), 1);
}

#[tokio::test]
async fn the_cache_holds_at_most_its_capacity_and_every_token_still_verifies() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let verifier = TokenVerifier::with_cache_capacity(&settings(env(&jwks)), store_with_key_a(), 8);
    let tokens: Vec<String> = (0..40)
        .map(|i| Mint::access().set("jti", format!("jti-{i}")).sign(&KEY_A))
        .collect();
    for round in 0..2 {
        for t in &tokens {
            let p = verifier.verify(t, None).await.expect("valid");
            assert_eq!(p.org_id(), Some("org-a"), "round {round}");
            assert!(
                verifier.cached_tokens() <= 8,
                "{}",
                verifier.cached_tokens()
            );
        }
    }
    // Capacity 0: nothing is kept.
    let uncached = TokenVerifier::with_cache_capacity(&settings(env(&jwks)), store_with_key_a(), 0);
    uncached.verify(&tokens[0], None).await.expect("valid");
    assert_eq!(uncached.cached_tokens(), 0);
}
