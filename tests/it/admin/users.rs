//! `admin user ...`.

use super::{admin_cli, new_pool};
use crate::helpers::{admin, standalone_cognito};

const PASSWORD: &str = "Correct-Horse-9";

async fn user_status(endpoint: &str, pool: &str, username: &str) -> String {
    admin(endpoint)
        .admin_get_user()
        .user_pool_id(pool)
        .username(username)
        .send()
        .await
        .unwrap()
        .user_status()
        .unwrap()
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn user_create_prints_the_user_its_status_and_attributes_but_no_password() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    let run = admin_cli(
        &ep,
        &[
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "alice",
            "--temporary-password",
            PASSWORD,
            "--attribute",
            "email=alice@example.com",
            "--attribute",
            "custom:org_id=acme",
        ],
    )
    .await;
    assert!(!run.stdout.contains(PASSWORD), "{run:?}");
    let u = run.json();
    assert_eq!(u["pool_id"], pool.as_str());
    assert_eq!(u["username"], "alice");
    assert_eq!(u["status"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(u["enabled"], true);
    assert_eq!(u["attributes"]["email"], "alice@example.com");
    assert_eq!(u["attributes"]["custom:org_id"], "acme");
    assert!(u["attributes"]["sub"].is_string(), "{u}");
}

#[tokio::test]
async fn user_create_of_an_existing_username_fails_with_username_exists() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    let args = ["user", "create", "--pool", &pool, "--username", "bob"];
    admin_cli(&ep, &args).await.json();
    let r = admin_cli(&ep, &args).await;
    r.fails_with("UsernameExistsException");
    assert_eq!(r.code, Some(1));
}

#[tokio::test]
async fn user_create_with_an_undeclared_custom_attribute_fails_with_invalid_parameter() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &[
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "carol",
            "--attribute",
            "custom:team=red",
        ],
    )
    .await
    .fails_with("InvalidParameterException");
}

#[tokio::test]
async fn an_attribute_without_an_equals_sign_is_a_usage_error() {
    let lc = standalone_cognito().await;
    let r = admin_cli(
        &lc.endpoint_url(),
        &[
            "user",
            "create",
            "--pool",
            "us-east-1_localdemo",
            "--username",
            "dave",
            "--attribute",
            "email",
        ],
    )
    .await;
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(r.stdout, "");
}

#[tokio::test]
async fn user_set_password_permanent_confirms_the_user_and_never_echoes_the_password() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &["user", "create", "--pool", &pool, "--username", "erin"],
    )
    .await
    .json();
    let run = admin_cli(
        &ep,
        &[
            "user",
            "set-password",
            "--pool",
            &pool,
            "--username",
            "erin",
            "--password",
            PASSWORD,
            "--permanent",
        ],
    )
    .await;
    assert!(!run.stdout.contains(PASSWORD), "{run:?}");
    let out = run.json();
    assert_eq!(
        out,
        serde_json::json!({"pool_id": pool, "username": "erin", "permanent": true, "status": "CONFIRMED"})
    );
    assert_eq!(user_status(&ep, &pool, "erin").await, "CONFIRMED");
}

#[tokio::test]
async fn user_set_password_without_permanent_makes_it_temporary() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &["user", "create", "--pool", &pool, "--username", "fay"],
    )
    .await
    .json();
    let out = admin_cli(
        &ep,
        &[
            "user",
            "set-password",
            "--pool",
            &pool,
            "--username",
            "fay",
            "--password",
            PASSWORD,
        ],
    )
    .await
    .json();
    assert_eq!(out["status"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(out["permanent"], false);
}

#[tokio::test]
async fn user_set_password_that_breaks_the_policy_fails_with_invalid_password() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &["user", "create", "--pool", &pool, "--username", "gus"],
    )
    .await
    .json();
    let r = admin_cli(
        &ep,
        &[
            "user",
            "set-password",
            "--pool",
            &pool,
            "--username",
            "gus",
            "--password",
            "short",
            "--permanent",
        ],
    )
    .await;
    r.fails_with("InvalidPasswordException");
    assert!(
        !r.stderr.contains("short\n") && !r.stderr.contains("'short'"),
        "{r:?}"
    );
}

#[tokio::test]
async fn user_confirm_confirms_a_signed_up_user() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    let client = admin_cli(&ep, &["client", "create", "--pool", &pool, "--name", "web"])
        .await
        .json();
    admin(&ep)
        .sign_up()
        .client_id(client["client_id"].as_str().unwrap())
        .username("hana")
        .password(PASSWORD)
        .user_attributes(
            aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                .name("email")
                .value("hana@example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(user_status(&ep, &pool, "hana").await, "UNCONFIRMED");
    let out = admin_cli(
        &ep,
        &["user", "confirm", "--pool", &pool, "--username", "hana"],
    )
    .await
    .json();
    assert_eq!(
        out,
        serde_json::json!({"pool_id": pool, "username": "hana", "status": "CONFIRMED"})
    );
    assert_eq!(user_status(&ep, &pool, "hana").await, "CONFIRMED");
    // Cognito refuses to confirm twice.
    admin_cli(
        &ep,
        &["user", "confirm", "--pool", &pool, "--username", "hana"],
    )
    .await
    .fails_with("NotAuthorizedException");
}

#[tokio::test]
async fn user_set_attribute_updates_the_tenant_of_a_user() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &[
            "user",
            "create",
            "--pool",
            &pool,
            "--username",
            "ivan",
            "--attribute",
            "custom:org_id=old",
        ],
    )
    .await
    .json();
    let out = admin_cli(
        &ep,
        &[
            "user",
            "set-attribute",
            "--pool",
            &pool,
            "--username",
            "ivan",
            "--attribute",
            "custom:org_id=new",
            "--attribute",
            "name=Ivan",
        ],
    )
    .await
    .json();
    assert_eq!(
        out,
        serde_json::json!({"pool_id": pool, "username": "ivan",
            "attributes": {"custom:org_id": "new", "name": "Ivan"}})
    );
    let user = admin(&ep)
        .admin_get_user()
        .user_pool_id(&pool)
        .username("ivan")
        .send()
        .await
        .unwrap();
    let attr = |n: &str| {
        user.user_attributes()
            .iter()
            .find(|a| a.name() == n)
            .and_then(|a| a.value())
            .map(str::to_owned)
    };
    assert_eq!(attr("custom:org_id").as_deref(), Some("new"));
    assert_eq!(attr("name").as_deref(), Some("Ivan"));
}

#[tokio::test]
async fn user_set_attribute_of_an_unknown_user_fails_with_user_not_found() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &[
            "user",
            "set-attribute",
            "--pool",
            &pool,
            "--username",
            "nobody",
            "--attribute",
            "name=X",
        ],
    )
    .await
    .fails_with("UserNotFoundException");
}

#[tokio::test]
async fn user_delete_removes_the_user() {
    let lc = standalone_cognito().await;
    let ep = lc.endpoint_url();
    let pool = new_pool(&ep, "people").await;
    admin_cli(
        &ep,
        &["user", "create", "--pool", &pool, "--username", "jo"],
    )
    .await
    .json();
    let out = admin_cli(
        &ep,
        &["user", "delete", "--pool", &pool, "--username", "jo"],
    )
    .await
    .json();
    assert_eq!(
        out,
        serde_json::json!({"pool_id": pool, "username": "jo", "deleted": true})
    );
    admin_cli(
        &ep,
        &["user", "delete", "--pool", &pool, "--username", "jo"],
    )
    .await
    .fails_with("UserNotFoundException");
}
