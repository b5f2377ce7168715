//! The service against moto, an independent Cognito implementation (the
//! `moto[server]` package, started by `.ci/run`), in the production profile:
//! endpoint URL, moto's issuer (`https://cognito-idp.us-east-1.amazonaws.com/<pool>`),
//! moto's JWKS, and the tenant read from the id token (`BFF_ORG_ID_SOURCE=id_token`,
//! `BFF_ORG_ID_CLAIM=custom:org_id`, any Cognito tier).
//!
//! Our embedded local Cognito is written by us and can share our mistakes;
//! moto cannot. Where moto is laxer than Cognito (it accepts any confirmation
//! code, has no RevokeToken, ignores SECRET_HASH on USER_PASSWORD_AUTH), the
//! tests say so and still assert what the service must do.
//!
//! Run locally: `bash .ci/run`, or start moto yourself and
//! `COGNITO_BFF_MOTO_URL=http://127.0.0.1:5000 cargo test --locked moto::`.
//! Without the variable the tests are skipped loudly; with `CI` set they fail.
//! The variable deliberately does not start with `BFF_`: the service refuses
//! unknown `BFF_*` variables, and binaries spawned by tests inherit the
//! environment.

mod flows;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AccountRecoverySettingType, AttributeDataType, AttributeType, ExplicitAuthFlowsType,
    MessageActionType, RecoveryOptionNameType, RecoveryOptionType, SchemaAttributeType,
    VerifiedAttributeType,
};
use cookie::Cookie;

use crate::helpers::{TestApp, admin, cookie_key, settings_from};

/// The variable `.ci/run` exports once moto answers.
pub const MOTO_URL_VAR: &str = "COGNITO_BFF_MOTO_URL";

/// moto's URL, or `None` (after a loud message) when the group is skipped.
/// In CI (`CI` set) a missing moto is a failure, never a skip.
pub fn moto_url(test: &str) -> Option<String> {
    match std::env::var(MOTO_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().trim_end_matches('/').to_owned()),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{MOTO_URL_VAR} is not set in CI: the moto group must run (see .ci/run)")
        }
        _ => {
            // Straight to stderr, not `eprintln!`: the test harness would
            // capture that and hide it for a passing test.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!!!!! SKIPPED {test}: {MOTO_URL_VAR} is not set, so the moto group did not run.\n\
                 !!!!!!!! Run `bash .ci/run`, or start `moto_server -p 5000` and set \
                 {MOTO_URL_VAR}=http://127.0.0.1:5000\n"
            );
            None
        }
    }
}

/// A fresh user pool on moto (schema with `custom:org_id`, e-mail verified
/// automatically so sign-up reports its code delivery) and one app client.
pub struct MotoPool {
    pub url: String,
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub admin: Client,
}

impl MotoPool {
    pub async fn create(url: &str, with_secret: bool) -> Self {
        let admin = admin(url);
        let name = format!("bff-{}", uuid::Uuid::new_v4().simple());
        let pool = admin
            .create_user_pool()
            .pool_name(&name)
            .auto_verified_attributes(VerifiedAttributeType::Email)
            .account_recovery_setting(
                AccountRecoverySettingType::builder()
                    .recovery_mechanisms(
                        RecoveryOptionType::builder()
                            .name(RecoveryOptionNameType::VerifiedEmail)
                            .priority(1)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .schema(
                SchemaAttributeType::builder()
                    .name("org_id")
                    .attribute_data_type(AttributeDataType::String)
                    .mutable(true)
                    .build(),
            )
            .send()
            .await
            .expect("moto creates a user pool");
        let pool_id = pool.user_pool().unwrap().id().unwrap().to_owned();
        let client = admin
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("cognito-bff")
            .generate_secret(with_secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .expect("moto creates an app client");
        let client = client.user_pool_client().unwrap();
        Self {
            url: url.to_owned(),
            pool_id,
            client_id: client.client_id().unwrap().to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
            admin,
        }
    }

    /// The production environment pointed at this pool on moto.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = [
            ("BFF_PROFILE", "production".to_owned()),
            ("BFF_LISTEN", "127.0.0.1:0".to_owned()),
            ("BFF_COGNITO_REGION", "us-east-1".to_owned()),
            ("BFF_COGNITO_USER_POOL_ID", self.pool_id.clone()),
            ("BFF_COGNITO_CLIENT_ID", self.client_id.clone()),
            ("BFF_COGNITO_ENDPOINT_URL", self.url.clone()),
            (
                "BFF_ISSUER",
                format!(
                    "https://cognito-idp.us-east-1.amazonaws.com/{}",
                    self.pool_id
                ),
            ),
            (
                "BFF_JWKS_URL",
                format!("{}/{}/.well-known/jwks.json", self.url, self.pool_id),
            ),
            ("BFF_ORG_ID_SOURCE", "id_token".to_owned()),
            ("BFF_ORG_ID_CLAIM", "custom:org_id".to_owned()),
            ("BFF_COOKIE_KEY", cookie_key()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some(secret) = &self.client_secret {
            env.push(("BFF_COGNITO_CLIENT_SECRET".to_owned(), secret.clone()));
        }
        env
    }

    /// The service in the production profile against this pool, ready.
    pub async fn service(&self) -> TestApp {
        let app = TestApp::spawn(settings_from(self.env())).await;
        app.wait_ready().await;
        app
    }

    /// Sets the user's tenant, as an administrator (or a sign-up trigger)
    /// would: users never choose their own `custom:org_id`.
    pub async fn set_org(&self, username: &str, org: &str) {
        self.admin
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attr("custom:org_id", org))
            .send()
            .await
            .expect("moto sets custom:org_id");
    }

    /// A user created by an administrator with a temporary password and a
    /// tenant: the first sign-in meets NEW_PASSWORD_REQUIRED.
    pub async fn user_with_temporary_password(&self, username: &str, password: &str, org: &str) {
        self.admin
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .temporary_password(password)
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("custom:org_id", org))
            .send()
            .await
            .expect("moto creates a user");
    }

    /// A confirmed user with a permanent password and a tenant.
    pub async fn confirmed_user(&self, username: &str, password: &str, org: &str) {
        self.confirmed_user_in(username, password, Some(org)).await;
    }

    /// A confirmed user with a permanent password, in tenant `org` if any.
    pub async fn confirmed_user_in(&self, username: &str, password: &str, org: Option<&str>) {
        let mut create = self
            .admin
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress)
            .user_attributes(attr("email", &format!("{username}@example.com")));
        if let Some(org) = org {
            create = create.user_attributes(attr("custom:org_id", org));
        }
        create.send().await.expect("moto creates a user");
        self.admin
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("moto sets the password");
    }
}

pub fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// A browser's cookie store in miniature for `Secure` cookies over plain
/// http (reqwest's own store would not send them): keeps each cookie by
/// name, drops it on `Max-Age=0`, and sends those whose Path matches.
#[derive(Default, Debug)]
pub struct Jar(Vec<Cookie<'static>>);

impl Jar {
    /// Takes the `Set-Cookie` headers of `response`.
    pub fn take(&mut self, response: &reqwest::Response) -> Vec<Cookie<'static>> {
        let set = crate::helpers::set_cookies(response);
        for c in &set {
            self.0.retain(|old| old.name() != c.name());
            if c.max_age() != Some(cookie::time::Duration::ZERO) {
                self.0.push(c.clone());
            }
        }
        set
    }

    /// The `Cookie` header for a request to `path`.
    pub fn header_for(&self, path: &str) -> String {
        self.0
            .iter()
            .filter(|c| c.path().is_some_and(|p| path.starts_with(p)))
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.0.iter().map(Cookie::name).collect();
        names.sort_unstable();
        names
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
