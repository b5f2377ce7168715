//! `admin pool ...`, `admin client create`, `admin domain set`, and what
//! every command shares (errors, usage, no service configuration needed).

use super::{admin_cli, command, new_pool, run};
use crate::helpers::{admin, standalone_cognito};

#[tokio::test]
async fn pool_create_prints_the_new_pools_id_arn_name_and_custom_attributes() {
    let lc = standalone_cognito().await;
    let pool = admin_cli(
        &lc.endpoint_url(),
        &[
            "pool",
            "create",
            "--name",
            "tenants",
            "--custom-attribute",
            "org_id",
        ],
    )
    .await
    .json();
    let id = pool["id"].as_str().unwrap();
    assert!(id.starts_with("us-east-1_"), "{pool}");
    assert_eq!(
        pool["arn"],
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}")
    );
    assert_eq!(pool["name"], "tenants");
    assert_eq!(pool["mfa"], "off");
    assert_eq!(
        pool["custom_attributes"],
        serde_json::json!(["custom:org_id"])
    );
}

#[tokio::test]
async fn pool_create_with_mfa_on_turns_on_software_token_mfa() {
    let lc = standalone_cognito().await;
    let pool = admin_cli(
        &lc.endpoint_url(),
        &["pool", "create", "--name", "strict", "--mfa", "on"],
    )
    .await
    .json();
    assert_eq!(pool["mfa"], "on");
    let d = admin_cli(
        &lc.endpoint_url(),
        &["pool", "describe", pool["id"].as_str().unwrap()],
    )
    .await
    .json();
    assert_eq!(d["mfa"], "on");
}

#[tokio::test]
async fn pool_describe_prints_id_arn_name_and_status() {
    let lc = standalone_cognito().await;
    let d = admin_cli(
        &lc.endpoint_url(),
        &["pool", "describe", "us-east-1_localdemo"],
    )
    .await
    .json();
    assert_eq!(d["id"], "us-east-1_localdemo");
    assert_eq!(
        d["arn"],
        "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_localdemo"
    );
    assert!(d["name"].is_string(), "{d}");
    assert_eq!(d["status"], "Enabled");
    assert_eq!(d["custom_attributes"], serde_json::json!(["custom:org_id"]));
}

#[tokio::test]
async fn pool_describe_of_an_unknown_pool_fails_with_resource_not_found_on_stderr() {
    let lc = standalone_cognito().await;
    let r = admin_cli(
        &lc.endpoint_url(),
        &["pool", "describe", "us-east-1_nosuchpool"],
    )
    .await;
    r.fails_with("ResourceNotFoundException");
    assert_eq!(r.code, Some(1));
}

#[tokio::test]
async fn pool_delete_removes_the_pool() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "doomed").await;
    let out = admin_cli(&lc.endpoint_url(), &["pool", "delete", &id])
        .await
        .json();
    assert_eq!(out, serde_json::json!({"id": id, "deleted": true}));
    admin_cli(&lc.endpoint_url(), &["pool", "describe", &id])
        .await
        .fails_with("ResourceNotFoundException");
}

#[tokio::test]
async fn client_create_makes_a_bff_client_and_prints_no_secret_by_default() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "apps").await;
    let c = admin_cli(
        &lc.endpoint_url(),
        &["client", "create", "--pool", &id, "--name", "web"],
    )
    .await
    .json();
    assert_eq!(c["pool_id"], id.as_str());
    assert_eq!(c["name"], "web");
    assert_eq!(
        c["explicit_auth_flows"],
        serde_json::json!(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    );
    assert_eq!(c["token_revocation"], true);
    assert_eq!(c["refresh_rotation"], false);
    assert_eq!(c["has_secret"], false);
    assert!(c.get("client_secret").is_none(), "{c}");
    // Users may write the standard attributes, never the tenant.
    let writable: Vec<&str> = c["write_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        writable.contains(&"email") && writable.contains(&"name"),
        "{c}"
    );
    assert!(writable.iter().all(|a| !a.starts_with("custom:")), "{c}");
}

#[tokio::test]
async fn a_user_of_a_cli_made_client_cannot_sign_up_into_a_tenant() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "apps").await;
    let c = admin_cli(
        &lc.endpoint_url(),
        &["client", "create", "--pool", &id, "--name", "web"],
    )
    .await
    .json();
    let sign_up = |attribute: &'static str| {
        admin(&lc.endpoint_url())
            .sign_up()
            .client_id(c["client_id"].as_str().unwrap())
            .username(attribute.replace(':', "-"))
            .password("Mallory-Passw0rd!")
            .user_attributes(
                aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                    .name(attribute)
                    .value("x@example.com")
                    .build()
                    .unwrap(),
            )
            .send()
    };
    let err = sign_up("custom:org_id")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_not_authorized_exception(), "{err:?}");
    sign_up("email").await.unwrap();

    // Asked for explicitly, an administrator may still open it up.
    let open = admin_cli(
        &lc.endpoint_url(),
        &[
            "client",
            "create",
            "--pool",
            &id,
            "--name",
            "open",
            "--write-attribute",
            "email",
            "--write-attribute",
            "custom:org_id",
        ],
    )
    .await
    .json();
    assert_eq!(
        open["write_attributes"],
        serde_json::json!(["email", "custom:org_id"])
    );
}

#[tokio::test]
async fn client_create_with_secret_and_rotation_prints_the_secret_once() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "apps").await;
    let c = admin_cli(
        &lc.endpoint_url(),
        &[
            "client",
            "create",
            "--pool",
            &id,
            "--name",
            "server",
            "--secret",
            "--refresh-rotation",
        ],
    )
    .await
    .json();
    assert_eq!(c["has_secret"], true);
    assert_eq!(c["refresh_rotation"], true);
    let secret = c["client_secret"].as_str().unwrap();
    let described = admin(&lc.endpoint_url())
        .describe_user_pool_client()
        .user_pool_id(&id)
        .client_id(c["client_id"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let described = described.user_pool_client().unwrap();
    assert_eq!(described.client_secret(), Some(secret));
    assert_eq!(
        described
            .refresh_token_rotation()
            .unwrap()
            .feature()
            .as_str(),
        "ENABLED"
    );
}

#[tokio::test]
async fn client_create_in_an_unknown_pool_fails_with_resource_not_found() {
    let lc = standalone_cognito().await;
    admin_cli(
        &lc.endpoint_url(),
        &[
            "client",
            "create",
            "--pool",
            "us-east-1_nosuchpool",
            "--name",
            "x",
        ],
    )
    .await
    .fails_with("ResourceNotFoundException");
}

#[tokio::test]
async fn domain_set_prints_the_domain_and_describe_shows_it() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "hosted").await;
    let out = admin_cli(
        &lc.endpoint_url(),
        &["domain", "set", "--pool", &id, "--domain", "acme-login"],
    )
    .await
    .json();
    assert_eq!(out["pool_id"], id.as_str());
    assert_eq!(out["domain"], "acme-login");
    assert_eq!(
        out["url"],
        "https://acme-login.auth.us-east-1.amazoncognito.com"
    );
    let d = admin_cli(&lc.endpoint_url(), &["pool", "describe", &id])
        .await
        .json();
    assert_eq!(d["domain"], "acme-login");
}

#[tokio::test]
async fn domain_set_with_an_invalid_prefix_fails_with_invalid_parameter() {
    let lc = standalone_cognito().await;
    let id = new_pool(&lc.endpoint_url(), "hosted").await;
    admin_cli(
        &lc.endpoint_url(),
        &["domain", "set", "--pool", &id, "--domain", "Not_Valid"],
    )
    .await
    .fails_with("InvalidParameterException");
}

#[tokio::test]
async fn admin_needs_no_service_configuration_nor_aws_credentials_against_a_local_endpoint() {
    let lc = standalone_cognito().await;
    let dir = tempfile::tempdir().unwrap();
    // A service configuration that would not load, and no AWS credentials.
    let mut cmd = command(&[("BFF_PROFILE", "bogus"), ("BFF_LISTEN", "nonsense")]);
    cmd.current_dir(dir.path()).args([
        "admin",
        "pool",
        "describe",
        "us-east-1_localdemo",
        "--endpoint-url",
        &lc.endpoint_url(),
    ]);
    let d = run(cmd).await.json();
    assert_eq!(d["id"], "us-east-1_localdemo");
}

#[tokio::test]
async fn the_service_commands_still_load_the_configuration() {
    let mut cmd = command(&[("BFF_PROFILE", "bogus")]);
    cmd.arg("check-config");
    let r = run(cmd).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("BFF_PROFILE"), "{r:?}");
}

#[tokio::test]
async fn the_region_flag_names_the_region_of_the_pools_created() {
    let lc = standalone_cognito().await;
    let pool = admin_cli(
        &lc.endpoint_url(),
        &["--region", "eu-west-1", "pool", "create", "--name", "eu"],
    )
    .await
    .json();
    assert!(
        pool["id"].as_str().unwrap().starts_with("eu-west-1_"),
        "{pool}"
    );
}

#[tokio::test]
async fn usage_errors_exit_with_2_and_print_nothing_on_stdout() {
    let lc = standalone_cognito().await;
    let r = admin_cli(&lc.endpoint_url(), &["pool", "create"]).await;
    assert_eq!(r.code, Some(2), "{r:?}");
    assert_eq!(r.stdout, "");
    let r = admin_cli(
        &lc.endpoint_url(),
        &["pool", "create", "--name", "x", "--mfa", "sometimes"],
    )
    .await;
    assert_eq!(r.code, Some(2), "{r:?}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_one_error_line_and_exit_1() {
    let r = super::admin_cli("http://127.0.0.1:9", &["pool", "describe", "us-east-1_x"]).await;
    r.fails_with("DispatchFailure");
    assert_eq!(r.code, Some(1));
}
