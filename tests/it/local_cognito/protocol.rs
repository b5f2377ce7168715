//! The wire: JSON 1.1 framing, Cognito's error shape, unsupported operations,
//! the call counter and the shipped seed.

use super::fixtures::*;
use serde_json::{Value, json};

async fn raw(env: &Env, target: &str, body: &str) -> reqwest::Response {
    env.http
        .post(env.lc.endpoint_url())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unsupported_operation_is_a_cognito_shaped_400_naming_it() {
    let env = start().await;
    let res = raw(&env, "AWSCognitoIdentityProviderService.ListUsers", "{}").await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.headers()["x-amzn-errortype"],
        "UnsupportedOperationException"
    );
    assert_eq!(res.headers()["content-type"], "application/x-amz-json-1.1");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["__type"], "UnsupportedOperationException");
    assert!(body["message"].as_str().unwrap().contains("ListUsers"));
}

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let env = start().await;
    let res = raw(
        &env,
        "AWSCognitoIdentityProviderService.InitiateAuth",
        "{not json",
    )
    .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["__type"], "SerializationException");
}

#[tokio::test]
async fn a_missing_required_member_is_an_invalid_parameter_exception() {
    let env = start().await;
    let res = raw(
        &env,
        "AWSCognitoIdentityProviderService.InitiateAuth",
        r#"{"ClientId":"x"}"#,
    )
    .await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["__type"], "InvalidParameterException");
    assert!(body["message"].as_str().unwrap().contains("authFlow"));
}

#[tokio::test]
async fn a_wrong_password_has_cognitos_exact_error_shape() {
    let env = start().await;
    let body = json!({
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": CLIENT,
        "AuthParameters": {"USERNAME": DEMO, "PASSWORD": "Wrong-Passw0rd!"},
    });
    let res = raw(
        &env,
        "AWSCognitoIdentityProviderService.InitiateAuth",
        &body.to_string(),
    )
    .await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["x-amzn-errortype"], "NotAuthorizedException");
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
    );
}

#[tokio::test]
async fn the_sdk_sees_an_unsupported_operation_as_a_typed_error_not_a_retry() {
    let env = start().await;
    let err = env
        .cognito
        .list_users()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
    assert_eq!(err.code(), Some("UnsupportedOperationException"));
    let calls = env.calls().await;
    assert_eq!(calls["ListUsers"], 1, "a 400 is not retried");
}

#[tokio::test]
async fn the_calls_endpoint_counts_each_operation() {
    let env = start().await;
    env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.sign_in(DEMO, DEMO_PASSWORD).await;
    let _ = env
        .cognito
        .describe_user_pool()
        .user_pool_id(POOL)
        .send()
        .await;
    let calls = env.calls().await;
    assert_eq!(calls["InitiateAuth"], 2);
    assert_eq!(calls["DescribeUserPool"], 1);
}

#[tokio::test]
async fn the_shipped_local_toml_seed_starts_and_the_demo_user_signs_in() {
    use figment::Figment;
    use figment::providers::{Format, Toml};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/local.toml");
    let seed: cognito_bff::local_cognito::Seed = Figment::from(Toml::file(path))
        .extract_inner("local_cognito")
        .expect("the [local_cognito] table parses as a Seed");
    let debug = format!("{seed:?}");
    assert!(
        !debug.contains(DEMO_PASSWORD),
        "Debug redacts seeded passwords"
    );
    let mut options = options();
    options.seed = seed;
    let env = start_with(options).await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = claims(tokens.access_token().unwrap());
    assert_eq!(access["org_id"], "org-demo");
    assert_eq!(access["client_id"], "1oc41demo0c1ient0000000000");
    assert_eq!(access["iss"], env.lc.issuer("us-east-1_localdemo"));
}

#[tokio::test]
async fn a_seed_with_an_unknown_field_is_rejected() {
    let err = serde_json::from_value::<cognito_bff::local_cognito::Seed>(json!({
        "pools": [{"id": "us-east-1_x", "name": "x", "mfa": "off", "clientz": []}]
    }))
    .unwrap_err();
    assert!(err.to_string().contains("clientz"));
}

#[tokio::test]
async fn a_seed_with_a_weak_password_does_not_start() {
    let mut options = options();
    options.seed = serde_json::from_value(json!({
        "pools": [{"id": "us-east-1_x", "name": "x", "users": [{"username": "u", "password": "short"}]}]
    }))
    .unwrap();
    let err = cognito_bff::local_cognito::LocalCognito::start(options)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("invalid seed"), "{err}");
}

#[tokio::test]
async fn a_minimal_seed_uses_cognito_like_defaults() {
    let mut options = options();
    options.seed = serde_json::from_value(json!({
        "pools": [{
            "id": "us-east-1_minimal",
            "clients": [{"id": "m1n1ma1c1ient0000000000000", "name": "m"}],
            "users": [{"username": "min", "password": DEMO_PASSWORD}],
        }]
    }))
    .unwrap();
    let env = start_with(options).await;
    let pool = env
        .cognito
        .describe_user_pool()
        .user_pool_id("us-east-1_minimal")
        .send()
        .await
        .unwrap();
    assert_eq!(pool.user_pool().unwrap().name(), Some("minimal"));
    let tokens = env
        .sign_in_with("m1n1ma1c1ient0000000000000", "min", DEMO_PASSWORD)
        .await;
    assert_eq!(tokens.expires_in(), 3600);
    assert!(tokens.refresh_token().is_some());
}
