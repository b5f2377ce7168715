//! Pool, app client and domain administration.

use super::fixtures::*;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeDataType, AuthFlowType, ExplicitAuthFlowsType, FeatureType,
    PreventUserExistenceErrorTypes, RefreshTokenRotationType, SchemaAttributeType,
    SoftwareTokenMfaConfigType, TimeUnitsType, TokenValidityUnitsType, UserPoolMfaType,
};

#[tokio::test]
async fn create_user_pool_with_a_custom_attribute_then_describe_list_and_delete_it() {
    let env = start().await;
    let out = env
        .cognito
        .create_user_pool()
        .pool_name("made-by-test")
        .mfa_configuration(UserPoolMfaType::Off)
        .schema(
            SchemaAttributeType::builder()
                .name("tenant")
                .attribute_data_type(AttributeDataType::String)
                .mutable(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let pool = out.user_pool().unwrap();
    let id = pool.id().unwrap().to_string();
    assert!(id.starts_with("us-east-1_"), "{id}");
    assert_eq!(id.len(), "us-east-1_".len() + 9);
    assert!(
        pool.schema_attributes()
            .iter()
            .any(|a| a.name() == Some("custom:tenant"))
    );

    let described = env
        .cognito
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(described.user_pool().unwrap().name(), Some("made-by-test"));
    assert_eq!(
        described.user_pool().unwrap().mfa_configuration(),
        Some(&UserPoolMfaType::Off)
    );

    let listed = env
        .cognito
        .list_user_pools()
        .max_results(60)
        .send()
        .await
        .unwrap();
    assert!(
        listed
            .user_pools()
            .iter()
            .any(|p| p.id() == Some(id.as_str()))
    );
    let page = env
        .cognito
        .list_user_pools()
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.user_pools().len(), 1);
    assert!(page.next_token().is_some());

    env.cognito
        .delete_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap();
    let err = env
        .cognito
        .describe_user_pool()
        .user_pool_id(&id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception());
}

#[tokio::test]
async fn list_user_pools_requires_max_results() {
    let env = start().await;
    let err = env
        .cognito
        .list_user_pools()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn the_pool_region_comes_from_the_credential_scope() {
    let env = start().await;
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new(
            "eu-west-1",
        ))
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new(
            "test", "test", None, None, "test",
        ))
        .endpoint_url(env.lc.endpoint_url())
        .build();
    let eu = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
    let out = eu.create_user_pool().pool_name("eu").send().await.unwrap();
    assert!(
        out.user_pool()
            .unwrap()
            .id()
            .unwrap()
            .starts_with("eu-west-1_")
    );
}

#[tokio::test]
async fn set_user_pool_mfa_config_changes_the_pools_mfa() {
    let env = start().await;
    let out = env
        .cognito
        .set_user_pool_mfa_config()
        .user_pool_id(POOL)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.mfa_configuration(), Some(&UserPoolMfaType::On));
    let described = env
        .cognito
        .describe_user_pool()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.user_pool().unwrap().mfa_configuration(),
        Some(&UserPoolMfaType::On)
    );
    let err = env
        .cognito
        .set_user_pool_mfa_config()
        .user_pool_id(POOL)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(false).build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn a_created_client_with_a_secret_and_minute_validities_works_end_to_end() {
    let env = start().await;
    let out = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("made-by-test")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .access_token_validity(15)
        .id_token_validity(20)
        .refresh_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .id_token(TimeUnitsType::Minutes)
                .refresh_token(TimeUnitsType::Days)
                .build(),
        )
        .enable_token_revocation(true)
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::Enabled)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Disabled)
                .retry_grace_period_seconds(0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let client = out.user_pool_client().unwrap();
    let id = client.client_id().unwrap().to_string();
    let secret = client.client_secret().unwrap().to_string();
    assert_eq!(id.len(), 26);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert_eq!(secret.len(), 51);

    let described = env
        .cognito
        .describe_user_pool_client()
        .user_pool_id(POOL)
        .client_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described
            .user_pool_client()
            .unwrap()
            .access_token_validity(),
        Some(15)
    );
    let listed = env
        .cognito
        .list_user_pool_clients()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap();
    assert!(
        listed
            .user_pool_clients()
            .iter()
            .any(|c| c.client_id() == Some(id.as_str()))
    );

    let out = env
        .cognito
        .initiate_auth()
        .client_id(&id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", DEMO)
        .auth_parameters("PASSWORD", DEMO_PASSWORD)
        .auth_parameters("SECRET_HASH", secret_hash(&secret, DEMO, &id))
        .send()
        .await
        .unwrap();
    let tokens = out.authentication_result().unwrap();
    assert_eq!(tokens.expires_in(), 15 * 60);
    let access = claims(tokens.access_token().unwrap());
    let idt = claims(tokens.id_token().unwrap());
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        15 * 60
    );
    assert_eq!(
        idt["exp"].as_u64().unwrap() - idt["iat"].as_u64().unwrap(),
        20 * 60
    );
}

#[tokio::test]
async fn client_validity_outside_cognitos_bounds_is_refused() {
    let env = start().await;
    let err = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("bad")
        .access_token_validity(2)
        .token_validity_units(
            TokenValidityUnitsType::builder()
                .access_token(TimeUnitsType::Minutes)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn a_default_client_cannot_use_user_password_auth() {
    let env = start().await;
    let out = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("defaults")
        .send()
        .await
        .unwrap();
    let id = out
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_string();
    let err = env
        .cognito
        .initiate_auth()
        .client_id(&id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", DEMO)
        .auth_parameters("PASSWORD", DEMO_PASSWORD)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn describing_an_unknown_client_is_resource_not_found() {
    let env = start().await;
    let err = env
        .cognito
        .describe_user_pool_client()
        .user_pool_id(POOL)
        .client_id("nosuchclient00000000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception());
}

#[tokio::test]
async fn create_user_pool_domain_is_unique() {
    let env = start().await;
    env.cognito
        .create_user_pool_domain()
        .user_pool_id(POOL)
        .domain("local-demo")
        .send()
        .await
        .unwrap();
    let described = env
        .cognito
        .describe_user_pool()
        .user_pool_id(POOL)
        .send()
        .await
        .unwrap();
    assert_eq!(described.user_pool().unwrap().domain(), Some("local-demo"));
    let err = env
        .cognito
        .create_user_pool_domain()
        .user_pool_id(MFA_POOL)
        .domain("local-demo")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
}

#[tokio::test]
async fn a_client_always_keeps_allow_refresh_token_auth_like_cognito() {
    let env = start().await;
    let out = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("rotating")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .refresh_token_rotation(
            RefreshTokenRotationType::builder()
                .feature(FeatureType::Enabled)
                .retry_grace_period_seconds(0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let client = out.user_pool_client().unwrap();
    assert!(
        client
            .explicit_auth_flows()
            .contains(&ExplicitAuthFlowsType::AllowRefreshTokenAuth)
    );
    let id = client.client_id().unwrap();
    let tokens = env.sign_in_with(id, DEMO, DEMO_PASSWORD).await;
    let out = env
        .cognito
        .get_tokens_from_refresh_token()
        .client_id(id)
        .refresh_token(tokens.refresh_token().unwrap())
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
