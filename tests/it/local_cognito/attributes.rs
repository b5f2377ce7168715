//! App clients' ReadAttributes and WriteAttributes, enforced as Cognito
//! enforces them: SignUp, UpdateUserAttributes and the NEW_PASSWORD_REQUIRED
//! answer write only what the client may write (the seeded clients never
//! `custom:org_id`); GetUser and the id token show only what it may read.
//! Also UpdateUserPoolClient and AdminDeleteUserAttributes.

use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType,
};

use super::fixtures::*;

const UNAUTHORIZED_WRITE: &str = "A client attempted to write unauthorized attribute";

/// The attributes GetUser returns for `access_token`, as (name, value).
async fn get_user(env: &Env, access_token: &str) -> Vec<(String, String)> {
    env.cognito
        .get_user()
        .access_token(access_token)
        .send()
        .await
        .unwrap()
        .user_attributes()
        .iter()
        .map(|a| {
            (
                a.name().to_owned(),
                a.value().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn value_of<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn sign_up_cannot_write_the_tenant_through_a_seeded_client() {
    let env = start().await;
    let err = env
        .cognito
        .sign_up()
        .client_id(CLIENT)
        .username("mallory")
        .password(DEMO_PASSWORD)
        .user_attributes(attr("email", "m@example.com"))
        .user_attributes(attr("custom:org_id", "org-victim"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    assert_eq!(err.meta().message(), Some(UNAUTHORIZED_WRITE));
    // Nothing was created.
    let missing = env
        .cognito
        .admin_get_user()
        .user_pool_id(POOL)
        .username("mallory")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_user_not_found_exception());
}

#[tokio::test]
async fn a_user_cannot_move_themselves_to_another_tenant_with_update_user_attributes() {
    let env = start().await;
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let access = tokens.access_token().unwrap();
    let err = env
        .cognito
        .update_user_attributes()
        .access_token(access)
        .user_attributes(attr("custom:org_id", "org-victim"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    assert_eq!(err.meta().message(), Some(UNAUTHORIZED_WRITE));
    let attrs = get_user(&env, access).await;
    assert_eq!(value_of(&attrs, "custom:org_id"), Some("org-demo"));

    // What the client may write, the user may change; a new email is unverified.
    env.cognito
        .update_user_attributes()
        .access_token(access)
        .user_attributes(attr("email", "new@example.com"))
        .user_attributes(attr("name", "Demo User"))
        .send()
        .await
        .unwrap();
    let attrs = get_user(&env, access).await;
    assert_eq!(value_of(&attrs, "email"), Some("new@example.com"));
    assert_eq!(value_of(&attrs, "email_verified"), Some("false"));
    assert_eq!(value_of(&attrs, "name"), Some("Demo User"));
    // Nor can a user verify their own email.
    let err = env
        .cognito
        .update_user_attributes()
        .access_token(access)
        .user_attributes(attr("email_verified", "true"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
}

#[tokio::test]
async fn a_new_password_answer_cannot_write_an_attribute_the_client_may_not_write() {
    let env = start().await;
    env.cognito
        .admin_create_user()
        .user_pool_id(POOL)
        .username("newbie")
        .temporary_password("Temp-Passw0rd!")
        .user_attributes(attr("custom:org_id", "acme"))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let challenge = env
        .cognito
        .initiate_auth()
        .client_id(CLIENT)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", "newbie")
        .auth_parameters("PASSWORD", "Temp-Passw0rd!")
        .send()
        .await
        .unwrap();
    let session = challenge.session().unwrap().to_owned();
    let answer = |extra: Option<(&str, &str)>| {
        let mut req = env
            .cognito
            .respond_to_auth_challenge()
            .client_id(CLIENT)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&session)
            .challenge_responses("USERNAME", "newbie")
            .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd!");
        if let Some((k, v)) = extra {
            req = req.challenge_responses(k, v);
        }
        req.send()
    };
    let err = answer(Some(("userAttributes.custom:org_id", "victim-org")))
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    assert_eq!(err.meta().message(), Some(UNAUTHORIZED_WRITE));
    // The refused answer did not burn the session; a writable attribute goes through.
    let out = answer(Some(("userAttributes.name", "New Bie")))
        .await
        .unwrap();
    let access = out.authentication_result().unwrap().access_token().unwrap();
    let attrs = get_user(&env, access).await;
    assert_eq!(value_of(&attrs, "custom:org_id"), Some("acme"));
    assert_eq!(value_of(&attrs, "name"), Some("New Bie"));
}

#[tokio::test]
async fn read_attributes_limit_what_get_user_and_the_id_token_show() {
    let env = start().await;
    let client = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("email-only")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .read_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.read_attributes(), ["email"]);
    let client_id = client.client_id().unwrap();
    let tokens = env.sign_in_with(client_id, DEMO, DEMO_PASSWORD).await;
    let attrs = get_user(&env, tokens.access_token().unwrap()).await;
    let names: Vec<&str> = attrs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["sub", "email"]);
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["email"], "demo@example.com");
    assert!(id.get("custom:org_id").is_none(), "{id}");
    assert!(id.get("email_verified").is_none(), "{id}");
    // The seeded client reads everything.
    let all = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let id = claims(all.id_token().unwrap());
    assert_eq!(id["custom:org_id"], "org-demo");
}

#[tokio::test]
async fn update_user_pool_client_replaces_the_write_attributes_and_checks_them() {
    let env = start().await;
    let created = env
        .cognito
        .create_user_pool_client()
        .user_pool_id(POOL)
        .client_name("open")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .write_attributes("email")
        .write_attributes("custom:org_id")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let client_id = created.client_id().unwrap().to_owned();
    assert_eq!(created.write_attributes(), ["email", "custom:org_id"]);
    let sign_up = |name: &'static str| {
        env.cognito
            .sign_up()
            .client_id(&client_id)
            .username(name)
            .password(DEMO_PASSWORD)
            .user_attributes(attr("custom:org_id", "org-x"))
            .send()
    };
    sign_up("first").await.unwrap();

    let updated = env
        .cognito
        .update_user_pool_client()
        .user_pool_id(POOL)
        .client_id(&client_id)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .write_attributes("email")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(updated.write_attributes(), ["email"]);
    assert_eq!(updated.client_name(), Some("open"));
    let described = env
        .cognito
        .describe_user_pool_client()
        .user_pool_id(POOL)
        .client_id(&client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(described.write_attributes(), ["email"]);
    let err = sign_up("second").await.unwrap_err().into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");

    // Attributes the pool does not have are refused; so is an unknown client.
    let err = env
        .cognito
        .update_user_pool_client()
        .user_pool_id(POOL)
        .client_id(&client_id)
        .write_attributes("custom:nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let err = env
        .cognito
        .update_user_pool_client()
        .user_pool_id(POOL)
        .client_id("nosuchclient0000000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
}

#[tokio::test]
async fn admin_delete_user_attributes_removes_them_but_never_sub() {
    let env = start().await;
    let delete = |names: &[&str]| {
        let mut req = env
            .cognito
            .admin_delete_user_attributes()
            .user_pool_id(POOL)
            .username(DEMO);
        for n in names {
            req = req.user_attribute_names(*n);
        }
        req.send()
    };
    delete(&["custom:org_id"]).await.unwrap();
    let tokens = env.sign_in(DEMO, DEMO_PASSWORD).await;
    let attrs = get_user(&env, tokens.access_token().unwrap()).await;
    assert_eq!(value_of(&attrs, "custom:org_id"), None);
    assert!(
        claims(tokens.access_token().unwrap())
            .get("org_id")
            .is_none()
    );
    let err = delete(&["sub"]).await.unwrap_err().into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
}
