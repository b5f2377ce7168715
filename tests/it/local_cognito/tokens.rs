//! Tokens: JWKS verification, claims, mapped claims, GetUser's checks,
//! refresh (REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken with rotation),
//! RevokeToken and GlobalSignOut.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

async fn refresh(
    env: &Env,
    client: &str,
    refresh_token: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::types::AuthenticationResultType,
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
> {
    env.cognito
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await
        .map(|o| o.authentication_result.unwrap())
        .map_err(|e| e.into_service_error())
}

async fn get_user(
    env: &Env,
    access: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput,
    aws_sdk_cognitoidentityprovider::operation::get_user::GetUserError,
> {
    env.cognito
        .get_user()
        .access_token(access)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn issued_tokens_verify_against_the_pools_jwks_with_separate_keys() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let jwks = env.jwks(POOL).await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let issuer = env.lc.issuer(POOL);
    assert_eq!(issuer, format!("{}/{POOL}", env.lc.endpoint_url()));
    let access = tokens.access_token().unwrap();
    let id = tokens.id_token().unwrap();
    verify_with_jwks(access, &jwks, &issuer, None).expect("access token verifies");
    verify_with_jwks(id, &jwks, &issuer, Some(CLIENT)).expect("id token verifies");
    assert_eq!(header(access)["alg"], "RS256");
    assert_ne!(header(access)["kid"], header(id)["kid"], "a kid per key");
}

#[tokio::test]
async fn the_openid_configuration_names_the_issuer_and_jwks() {
    let env = start().await;
    let doc: Value = env
        .http
        .get(format!(
            "{}/.well-known/openid-configuration",
            env.lc.issuer(POOL)
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], env.lc.issuer(POOL));
    assert_eq!(
        doc["jwks_uri"],
        format!("{}/.well-known/jwks.json", env.lc.issuer(POOL))
    );
    let missing = env
        .http
        .get(format!(
            "{}/us-east-1_nope/.well-known/jwks.json",
            env.lc.endpoint_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn tokens_carry_cognitos_claims_and_the_mapped_org_id() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = claims(tokens.access_token().unwrap());
    let id = claims(tokens.id_token().unwrap());
    for c in [
        "sub",
        "iss",
        "client_id",
        "origin_jti",
        "event_id",
        "token_use",
        "scope",
        "auth_time",
        "exp",
        "iat",
        "jti",
        "username",
    ] {
        assert!(access.get(c).is_some(), "access token has {c}");
    }
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["version"], 2);
    assert_eq!(access["cognito:groups"], serde_json::json!(["admins"]));
    assert_eq!(access["org_id"], "org-demo");
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        3600
    );
    assert!(access.get("aud").is_none());

    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], CLIENT);
    assert_eq!(id["cognito:username"], DEMO);
    assert_eq!(id["email"], "demo@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["custom:org_id"], "org-demo");
    assert_eq!(id["org_id"], "org-demo");
    assert_eq!(id["sub"], access["sub"]);
    assert_eq!(id["origin_jti"], access["origin_jti"]);
}

#[tokio::test]
async fn refresh_tokens_are_opaque_and_cognito_sized() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let refresh = tokens.refresh_token().unwrap();
    assert_eq!(refresh.split('.').count(), 5);
    assert!(
        (1600..2100).contains(&refresh.len()),
        "len {}",
        refresh.len()
    );
}

#[tokio::test]
async fn get_user_returns_the_users_attributes() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let user = get_user(&env, tokens.access_token().unwrap())
        .await
        .unwrap();
    assert_eq!(user.username(), DEMO);
    let email = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "email")
        .unwrap();
    assert_eq!(email.value(), Some("demo@example.com"));
    assert!(user.user_attributes().iter().any(|a| a.name() == "sub"));
}

#[tokio::test]
async fn get_user_rejects_forged_and_tampered_tokens() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = tokens.access_token().unwrap();

    // Tampered payload (claims changed, signature kept).
    let mut parts: Vec<String> = access.split('.').map(String::from).collect();
    let mut c = claims(access);
    c["username"] = "someone-else".into();
    parts[1] = URL_SAFE_NO_PAD.encode(c.to_string());
    let err = get_user(&env, &parts.join(".")).await.unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Invalid Access Token"));

    // Signed by a key that is not the pool's.
    let other = jsonwebtoken::EncodingKey::from_secret(b"not the key");
    let forged =
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims(access), &other).unwrap();
    let err = get_user(&env, &forged).await.unwrap_err();
    assert_eq!(err.message(), Some("Invalid Access Token"));

    // An id token is not an access token.
    let err = get_user(&env, tokens.id_token().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());

    // Garbage.
    let err = get_user(&env, "not-a-token").await.unwrap_err();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn refresh_token_auth_returns_new_tokens_of_the_same_family() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let refreshed = refresh(&env, CLIENT, tokens.refresh_token().unwrap())
        .await
        .unwrap();
    assert!(
        refreshed.refresh_token().is_none(),
        "no rotation on this client"
    );
    let before = claims(tokens.access_token().unwrap());
    let after = claims(refreshed.access_token().unwrap());
    assert_eq!(before["origin_jti"], after["origin_jti"]);
    assert_eq!(before["auth_time"], after["auth_time"]);
    assert_ne!(before["jti"], after["jti"]);
    assert_eq!(after["org_id"], "org-demo");
    get_user(&env, refreshed.access_token().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid() {
    let env = start().await;
    let err = refresh(&env, CLIENT, "garbage").await.unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Invalid Refresh Token"));
    // A refresh token works only with the client it was issued to.
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let err = refresh(&env, LEGACY_CLIENT, tokens.refresh_token().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn refresh_with_a_secret_client_requires_the_secret_hash_of_the_username() {
    let env = start().await;
    let tokens = env.sign_in_with(SECRET_CLIENT, DEMO, DEMO_PASSWORD).await;
    let rt = tokens.refresh_token().unwrap();
    let err = env
        .cognito
        .initiate_auth()
        .client_id(SECRET_CLIENT)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", rt)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    let ok = env
        .cognito
        .initiate_auth()
        .client_id(SECRET_CLIENT)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", rt)
        .auth_parameters("SECRET_HASH", secret_hash(SECRET, DEMO, SECRET_CLIENT))
        .send()
        .await
        .unwrap();
    assert!(ok.authentication_result().unwrap().access_token().is_some());
}

#[tokio::test]
async fn revoke_token_revokes_the_refresh_token_and_its_access_tokens_only() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let b = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let a_refreshed = refresh(&env, CLIENT, a.refresh_token().unwrap())
        .await
        .unwrap();
    env.cognito
        .revoke_token()
        .client_id(CLIENT)
        .token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    let err = refresh(&env, CLIENT, a.refresh_token().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Refresh Token has been revoked"));
    for access in [
        a.access_token().unwrap(),
        a_refreshed.access_token().unwrap(),
    ] {
        let err = get_user(&env, access).await.unwrap_err();
        assert!(err.is_not_authorized_exception());
        assert_eq!(err.message(), Some("Access Token has been revoked"));
    }
    // The other sign-in is untouched.
    get_user(&env, b.access_token().unwrap()).await.unwrap();
    refresh(&env, CLIENT, b.refresh_token().unwrap())
        .await
        .unwrap();
    // Revoking again is not an error.
    env.cognito
        .revoke_token()
        .client_id(CLIENT)
        .token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn revoke_token_refuses_access_tokens() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let err = env
        .cognito
        .revoke_token()
        .client_id(CLIENT)
        .token(a.access_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unsupported_token_type_exception());
}

#[tokio::test]
async fn revoke_token_requires_the_client_secret_of_a_secret_client() {
    let env = start().await;
    let a = env.sign_in_with(SECRET_CLIENT, DEMO, DEMO_PASSWORD).await;
    let err = env
        .cognito
        .revoke_token()
        .client_id(SECRET_CLIENT)
        .token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unauthorized_exception());
    env.cognito
        .revoke_token()
        .client_id(SECRET_CLIENT)
        .client_secret(SECRET)
        .token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn revoke_token_is_unsupported_when_revocation_is_disabled() {
    let env = start().await;
    let a = env
        .sign_in_with(NO_REVOKE_CLIENT, DEMO, DEMO_PASSWORD)
        .await;
    let err = env
        .cognito
        .revoke_token()
        .client_id(NO_REVOKE_CLIENT)
        .token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_unsupported_operation_exception());
}

#[tokio::test]
async fn global_sign_out_revokes_every_earlier_token_but_not_later_sign_ins() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let b = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.cognito
        .global_sign_out()
        .access_token(a.access_token().unwrap())
        .send()
        .await
        .unwrap();
    for t in [&a, &b] {
        let err = get_user(&env, t.access_token().unwrap()).await.unwrap_err();
        assert_eq!(err.message(), Some("Access Token has been revoked"));
        let err = refresh(&env, CLIENT, t.refresh_token().unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.message(), Some("Refresh Token has been revoked"));
    }
    let c = env.sign_in(DEMO, DEMO_PASSWORD).await;
    get_user(&env, c.access_token().unwrap()).await.unwrap();
    // A revoked access token cannot sign out again.
    let err = env
        .cognito
        .global_sign_out()
        .access_token(a.access_token().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
}

#[tokio::test]
async fn admin_user_global_sign_out_revokes_the_users_tokens() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.cognito
        .admin_user_global_sign_out()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    let err = get_user(&env, a.access_token().unwrap()).await.unwrap_err();
    assert_eq!(err.message(), Some("Access Token has been revoked"));
    let err = refresh(&env, CLIENT, a.refresh_token().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Refresh Token has been revoked"));
}

#[tokio::test]
async fn get_tokens_from_refresh_token_without_rotation_keeps_the_refresh_token() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let out = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(CLIENT)
        .refresh_token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    let r = out.authentication_result().unwrap();
    assert!(r.refresh_token().is_none());
    get_user(&env, r.access_token().unwrap()).await.unwrap();
}

#[tokio::test]
async fn rotation_issues_a_new_refresh_token_and_the_old_one_is_then_reused_in_error() {
    let env = start().await;
    let a = env.sign_in_with(ROTATING_CLIENT, DEMO, DEMO_PASSWORD).await;
    let old = a.refresh_token().unwrap();
    let out = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(ROTATING_CLIENT)
        .refresh_token(old)
        .send()
        .await
        .unwrap();
    let new = out
        .authentication_result()
        .unwrap()
        .refresh_token()
        .unwrap()
        .to_string();
    assert_ne!(new, old);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let err = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(ROTATING_CLIENT)
        .refresh_token(old)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_refresh_token_reuse_exception(), "{err:?}");
    env.cognito
        .get_tokens_from_refresh_token()
        .client_id(ROTATING_CLIENT)
        .refresh_token(&new)
        .send()
        .await
        .unwrap();
    // A rotating client refreshes only through GetTokensFromRefreshToken.
    let err = refresh(&env, ROTATING_CLIENT, &new).await.unwrap_err();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn rotation_keeps_the_old_token_working_during_the_grace_period() {
    let env = start().await;
    let a = env.sign_in_with(GRACE_CLIENT, DEMO, DEMO_PASSWORD).await;
    let old = a.refresh_token().unwrap();
    for _ in 0..2 {
        let out = env
            .cognito
            .get_tokens_from_refresh_token()
            .client_id(GRACE_CLIENT)
            .refresh_token(old)
            .send()
            .await
            .unwrap();
        assert!(
            out.authentication_result()
                .unwrap()
                .refresh_token()
                .is_some()
        );
    }
}

#[tokio::test]
async fn rotated_tokens_stay_in_the_family_that_revoke_token_kills() {
    let env = start().await;
    let a = env.sign_in_with(ROTATING_CLIENT, DEMO, DEMO_PASSWORD).await;
    let out = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(ROTATING_CLIENT)
        .refresh_token(a.refresh_token().unwrap())
        .send()
        .await
        .unwrap();
    let new = out
        .authentication_result()
        .unwrap()
        .refresh_token()
        .unwrap()
        .to_string();
    env.cognito
        .revoke_token()
        .client_id(ROTATING_CLIENT)
        .token(&new)
        .send()
        .await
        .unwrap();
    let err = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(ROTATING_CLIENT)
        .refresh_token(&new)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Refresh Token has been revoked"));
    let err = get_user(&env, a.access_token().unwrap()).await.unwrap_err();
    assert_eq!(err.message(), Some("Access Token has been revoked"));
}

#[tokio::test]
async fn get_tokens_from_refresh_token_checks_the_client_secret() {
    let env = start().await;
    let a = env.sign_in_with(SECRET_CLIENT, DEMO, DEMO_PASSWORD).await;
    let err = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(SECRET_CLIENT)
        .refresh_token(a.refresh_token().unwrap())
        .client_secret("wrong")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception());
    env.cognito
        .get_tokens_from_refresh_token()
        .client_id(SECRET_CLIENT)
        .refresh_token(a.refresh_token().unwrap())
        .client_secret(SECRET)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_disabled_users_tokens_stop_working() {
    let env = start().await;
    let a = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.cognito
        .admin_disable_user()
        .user_pool_id(POOL)
        .username(DEMO)
        .send()
        .await
        .unwrap();
    assert!(
        get_user(&env, a.access_token().unwrap())
            .await
            .unwrap_err()
            .is_not_authorized_exception()
    );
    assert!(
        refresh(&env, CLIENT, a.refresh_token().unwrap())
            .await
            .unwrap_err()
            .is_not_authorized_exception()
    );
}

#[tokio::test]
async fn get_user_rejects_an_expired_access_token() {
    let env = start().await;
    // Mint tokens two hours in the past: they expired an hour ago.
    env.lc.set_clock_offset_secs(-2 * 3600);
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    env.lc.set_clock_offset_secs(0);
    let err = get_user(&env, tokens.access_token().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Access Token has expired"));
    let jwks = env.jwks(POOL).await;
    let verdict = verify_with_jwks(
        tokens.access_token().unwrap(),
        &jwks,
        &env.lc.issuer(POOL),
        None,
    )
    .unwrap_err();
    assert_eq!(
        verdict.kind(),
        &jsonwebtoken::errors::ErrorKind::ExpiredSignature
    );
    // The refresh token (30 days) still works.
    let fresh = refresh(&env, CLIENT, tokens.refresh_token().unwrap())
        .await
        .unwrap();
    get_user(&env, fresh.access_token().unwrap()).await.unwrap();
}

#[tokio::test]
async fn a_token_from_another_pool_issuer_is_rejected() {
    let env = start().await;
    let other = start().await;
    // Same process-wide keys, but the issuer names the other server.
    let tokens = other.sign_in(DEMO, DEMO_PASSWORD).await;
    let err = get_user(&env, tokens.access_token().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_not_authorized_exception());
    assert_eq!(err.message(), Some("Invalid Access Token"));
}
