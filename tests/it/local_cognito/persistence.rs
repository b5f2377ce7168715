//! `data_dir`: state and signing keys survive a restart; seeding is
//! idempotent; a corrupt file refuses to start.

use super::fixtures::*;
use cognito_bff::local_cognito::{LocalCognito, StartError};

fn with_dir(dir: &std::path::Path) -> cognito_bff::local_cognito::Options {
    let mut o = options();
    o.data_dir = Some(dir.to_path_buf());
    o
}

#[tokio::test]
async fn users_and_tokens_survive_a_restart_with_the_same_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let env = start_with(with_dir(dir.path())).await;
    let port = env.lc.addr().port();
    env.create_confirmed_user(
        POOL,
        "keeper",
        DEMO_PASSWORD,
        &[("email", "keeper@example.com"), ("custom:org_id", "org-k")],
    )
    .await;
    env.cognito
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username(DEMO)
        .password("Changed-Passw0rd!")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let tokens = env.sign_in("keeper", DEMO_PASSWORD).await;
    let old_jwks = env.jwks(POOL).await;
    let issuer = env.lc.issuer(POOL);
    env.lc.shutdown().await;

    // Restart on the same port so the issuer is the same.
    let mut options = with_dir(dir.path());
    options.listen = format!("127.0.0.1:{port}").parse().unwrap();
    let env = start_with(options).await;
    assert_eq!(env.lc.issuer(POOL), issuer);
    let new_jwks = env.jwks(POOL).await;
    assert_eq!(old_jwks, new_jwks, "same signing keys");
    verify_with_jwks(tokens.access_token().unwrap(), &new_jwks, &issuer, None).unwrap();
    verify_with_jwks(tokens.id_token().unwrap(), &new_jwks, &issuer, Some(CLIENT)).unwrap();

    env.sign_in("keeper", DEMO_PASSWORD).await;
    // The seed did not overwrite the changed password.
    env.sign_in(DEMO, "Changed-Passw0rd!").await;
    let user = env
        .cognito
        .get_user()
        .access_token(tokens.access_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(user.username(), "keeper");
    env.cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    env.lc.shutdown().await;

    // Only the state file is left in the directory (temp files are renamed away).
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["local-cognito.json".to_string()]);
}

#[tokio::test]
async fn revocations_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let env = start_with(with_dir(dir.path())).await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.cognito
        .revoke_token()
        .client_id(CLIENT)
        .token(tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    env.lc.shutdown().await;
    let env = start_with(with_dir(dir.path())).await;
    let err = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", tokens.refresh_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn a_corrupt_state_file_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("local-cognito.json"), b"{ not json").unwrap();
    let err = LocalCognito::start(with_dir(dir.path())).await.unwrap_err();
    assert!(matches!(err, StartError::CorruptState { .. }), "{err}");
}

#[tokio::test]
async fn a_port_in_use_is_a_bind_error() {
    let env = start().await;
    let mut options = options();
    options.listen = env.lc.addr();
    let err = LocalCognito::start(options).await.unwrap_err();
    assert!(matches!(err, StartError::Bind { .. }), "{err}");
}
