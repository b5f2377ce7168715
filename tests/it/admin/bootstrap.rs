//! `admin bootstrap`: the settings it prints, and proof that they run the
//! service (sign-in through `POST /auth/signin`).

use super::admin_cli;
use crate::helpers::{TestApp, admin, cookie_key, settings_from, standalone_cognito};

const PASSWORD: &str = "Tenant-Passw0rd!";

#[tokio::test]
async fn bootstrap_prints_the_pool_the_client_and_the_bff_env_as_json() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let out = admin_cli(&ep, &["bootstrap", "--name", "acme"])
        .await
        .json();
    let pool = out["pool"]["id"].as_str().unwrap();
    let client = out["client"]["client_id"].as_str().unwrap();
    assert_eq!(out["pool"]["name"], "acme");
    assert_eq!(
        out["pool"]["custom_attributes"],
        serde_json::json!(["custom:org_id"])
    );
    assert_eq!(out["client"]["name"], "acme-bff");
    assert_eq!(out["client"]["token_revocation"], true);
    assert_eq!(out["client"]["has_secret"], false);
    assert_eq!(
        out["client"]["explicit_auth_flows"],
        serde_json::json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    assert_eq!(
        out["env"],
        serde_json::json!({
            "BFF_COGNITO_REGION": "us-east-1",
            "BFF_COGNITO_USER_POOL_ID": pool,
            "BFF_COGNITO_CLIENT_ID": client,
            "BFF_COGNITO_ENDPOINT_URL": ep,
            "BFF_ISSUER": lc.issuer(pool),
            "BFF_JWKS_URL": format!("{}/.well-known/jwks.json", lc.issuer(pool)),
            "BFF_ORG_ID_SOURCE": "id_token",
            "BFF_ORG_ID_CLAIM": "custom:org_id",
        })
    );
    assert!(out["also_required"]["BFF_COOKIE_KEY"].is_string(), "{out}");
    // The client Cognito describes is the one printed, with revocation on.
    let described = admin(&ep)
        .describe_user_pool_client()
        .user_pool_id(pool)
        .client_id(client)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .user_pool_client()
            .unwrap()
            .enable_token_revocation(),
        Some(true)
    );
}

#[tokio::test]
async fn bootstrap_with_format_env_prints_only_key_value_lines() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let r = admin_cli(
        &ep,
        &[
            "bootstrap",
            "--name",
            "acme",
            "--format",
            "env",
            "--refresh-rotation",
        ],
    )
    .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(r.stderr, "");
    let env = env_lines(&r.stdout);
    let keys: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "BFF_COGNITO_REGION",
            "BFF_COGNITO_USER_POOL_ID",
            "BFF_COGNITO_CLIENT_ID",
            "BFF_ORG_ID_SOURCE",
            "BFF_ORG_ID_CLAIM",
            "BFF_REFRESH_ROTATION",
            "BFF_COGNITO_ENDPOINT_URL",
            "BFF_ISSUER",
            "BFF_JWKS_URL",
        ]
    );
    let get = |k: &str| env.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("BFF_REFRESH_ROTATION"), "true");
    assert_eq!(get("BFF_COGNITO_ENDPOINT_URL"), ep);
    let described = admin(&ep)
        .describe_user_pool_client()
        .user_pool_id(get("BFF_COGNITO_USER_POOL_ID"))
        .client_id(get("BFF_COGNITO_CLIENT_ID"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .user_pool_client()
            .unwrap()
            .refresh_token_rotation()
            .unwrap()
            .feature()
            .as_str(),
        "ENABLED"
    );
}

/// `KEY=value` lines, every one of them of that form.
fn env_lines(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .map(|l| {
            let (k, v) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("not KEY=value: {l:?}"));
            assert!(k.starts_with("BFF_"), "{l:?}");
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_bootstrapped_pool_and_a_cli_made_user_sign_in_through_the_service() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let r = admin_cli(&ep, &["bootstrap", "--name", "acme", "--format", "env"]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    let mut env = env_lines(&r.stdout);
    let pool = env
        .iter()
        .find(|(k, _)| k == "BFF_COGNITO_USER_POOL_ID")
        .unwrap()
        .1
        .clone();

    // A confirmed user of tenant `acme`, made with the CLI alone.
    admin_cli(
        &ep,
        &[
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "owner",
            "--attribute",
            "email=owner@acme.example",
            "--attribute",
            "custom:org_id=acme",
            "--no-invite",
        ],
    )
    .await
    .json();
    admin_cli(
        &ep,
        &[
            "user",
            "set-password",
            "--pool",
            &pool,
            "--username",
            "owner",
            "--password",
            PASSWORD,
            "--permanent",
        ],
    )
    .await
    .json();

    // The service, configured by bootstrap's lines plus what it cannot print.
    env.extend(
        [
            ("BFF_LISTEN", "127.0.0.1:0".to_owned()),
            ("BFF_COOKIE_KEY", cookie_key()),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let app = TestApp::spawn(settings_from(env)).await;
    app.wait_ready().await;
    let signin = app
        .post_json(
            "/auth/signin",
            serde_json::json!({"username": "owner", "password": PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(signin.status(), 200);
    let access_cookie = crate::helpers::find(
        &crate::helpers::set_cookies(&signin),
        "__Secure-access_token",
    )
    .value()
    .to_owned();
    let body: serde_json::Value = signin.json().await.unwrap();
    assert_eq!(body["status"], "SIGNED_IN", "{body}");
    assert!(!access_cookie.is_empty());
    // The tenant the service bound at sign-in (BFF_ORG_ID_SOURCE=id_token)
    // is the CLI-set `custom:org_id`.
    let me: serde_json::Value = app
        .client
        .get(app.url("/api/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["org_id"], "acme", "{me}");
    assert_eq!(me["username"], "owner", "{me}");
    app.stop().await;

    // The tenant the service binds at sign-in (BFF_ORG_ID_SOURCE=id_token):
    // the id token this client gets carries the CLI-set `custom:org_id`.
    let client_id = settings_client_id(&r.stdout);
    let auth = admin(&ep)
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "owner")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let id_token = auth.authentication_result().unwrap().id_token().unwrap();
    let claims = jwt_claims(id_token);
    assert_eq!(claims["custom:org_id"], "acme", "{claims}");
    assert_eq!(claims["iss"], lc.issuer(&pool), "{claims}");
}

fn settings_client_id(stdout: &str) -> String {
    env_lines(stdout)
        .into_iter()
        .find(|(k, _)| k == "BFF_COGNITO_CLIENT_ID")
        .unwrap()
        .1
}

/// The (unverified) claims of a JWT.
fn jwt_claims(jwt: &str) -> serde_json::Value {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}
