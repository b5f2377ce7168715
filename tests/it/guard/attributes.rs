//! `GET /api/me/attributes` against a stub of Cognito's GetUser (the real
//! end-to-end test, against the embedded local Cognito, belongs with it).

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::fixtures::*;

/// Answers GetUser like Cognito: the user for a live token, 400
/// `NotAuthorizedException` for the token named `revoked`; remembers the
/// access tokens it was given.
async fn stub_cognito(revoked: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let router = axum::Router::new().fallback(move |headers: HeaderMap, body: axum::body::Bytes| {
        let (log, revoked) = (Arc::clone(&log), revoked.clone());
        async move {
            let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
            assert_eq!(target, "AWSCognitoIdentityProviderService.GetUser");
            let input: Value = serde_json::from_slice(&body).expect("JSON 1.1 body");
            let token = input["AccessToken"].as_str().unwrap_or("").to_owned();
            log.lock().expect("lock").push(token.clone());
            let json11 = [("content-type", "application/x-amz-json-1.1")];
            if token == revoked {
                let error = json!({"__type": "NotAuthorizedException", "message": "Access Token has been revoked"});
                return (StatusCode::BAD_REQUEST, json11, error.to_string()).into_response();
            }
            let user = json!({
                "Username": "alice",
                "UserAttributes": [
                    {"Name": "sub", "Value": "5f1e0a2c-0000-4000-8000-00000000000a"},
                    {"Name": "email", "Value": "alice@example.com"},
                    {"Name": "custom:org_id", "Value": "org-a"}
                ]
            });
            (StatusCode::OK, json11, user.to_string()).into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (url, seen)
}

#[tokio::test]
async fn attributes_come_from_get_user_called_with_the_verified_access_token() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let token = Mint::access().sign(&KEY_A);
    let (cognito, seen) = stub_cognito("none".into()).await;
    let env = with(env(&jwks), "BFF_COGNITO_ENDPOINT_URL", Some(&cognito));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let response = app.get_cookie("/api/me/attributes", &token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"username": "alice", "attributes": {
            "custom:org_id": "org-a", "email": "alice@example.com",
            "sub": "5f1e0a2c-0000-4000-8000-00000000000a"
        }})
    );
    assert_eq!(*seen.lock().expect("lock"), vec![token]);
}

#[tokio::test]
async fn a_token_cognito_has_revoked_is_unauthenticated_on_attributes() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let token = Mint::access().sign(&KEY_A);
    let (cognito, _) = stub_cognito(token.clone()).await;
    let env = with(env(&jwks), "BFF_COGNITO_ENDPOINT_URL", Some(&cognito));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let headers = assert_problem(
        app.get_bearer("/api/me/attributes", &token).await,
        401,
        "unauthenticated",
        &token,
    )
    .await;
    assert!(www_authenticate(&headers).contains("invalid_token"));
}

#[tokio::test]
async fn attributes_are_never_fetched_for_an_unverified_token() {
    let jwks = JwksServer::start(&[&KEY_A]).await;
    let (cognito, seen) = stub_cognito("none".into()).await;
    let env = with(env(&jwks), "BFF_COGNITO_ENDPOINT_URL", Some(&cognito));
    let app = TestApp::spawn_with(env, axum::Router::new(), true).await;
    let forged = Mint::access().sign(&FORGER);
    assert_problem(
        app.get_bearer("/api/me/attributes", &forged).await,
        401,
        "unauthenticated",
        &forged,
    )
    .await;
    assert!(seen.lock().expect("lock").is_empty());
}
