//! Shared fixtures for the local Cognito tests: a seeded server on a free
//! port, a real SDK client pointed at it, and helpers (SECRET_HASH, TOTP
//! codes, the inbox, JWT decoding and JWKS verification).

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, AuthenticationResultType};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_bff::local_cognito::{LocalCognito, Options, Seed};
use hmac::{Hmac, Mac as _};
use serde_json::{Value, json};
use std::time::Duration;

pub const POOL: &str = "us-east-1_localdemo";
/// No secret; USER_PASSWORD_AUTH + REFRESH_TOKEN_AUTH.
pub const CLIENT: &str = "1oc41demo0c1ient0000000000";
/// With a secret.
pub const SECRET_CLIENT: &str = "1oc41demo0secret0000000000";
pub const SECRET: &str = "s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0s3cr3t0x";
/// Rotation enabled, no grace period.
pub const ROTATING_CLIENT: &str = "1oc41demo0rotate0000000000";
/// Rotation enabled, 60 s grace period.
pub const GRACE_CLIENT: &str = "1oc41demo0grace00000000000";
/// Only SRP + refresh (USER_PASSWORD_AUTH disabled).
pub const SRP_CLIENT: &str = "1oc41demo0srp0000000000000";
/// PreventUserExistenceErrors = LEGACY.
pub const LEGACY_CLIENT: &str = "1oc41demo0legacy0000000000";
/// Token revocation disabled.
pub const NO_REVOKE_CLIENT: &str = "1oc41demo0norevoke00000000";

/// A pool with mfa = on.
pub const MFA_POOL: &str = "us-east-1_mfarequired";
pub const MFA_CLIENT: &str = "1oc41mfa0c1ient00000000000";

pub const DEMO: &str = "demo";
pub const DEMO_PASSWORD: &str = "Demo-Passw0rd!";

pub fn seed() -> Seed {
    let client = |id: &str, extra: Value| {
        let mut c = json!({
            "id": id,
            "name": id,
            "explicit_auth_flows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        });
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    serde_json::from_value(json!({
        "pools": [
            {
                "id": POOL,
                "name": "localdemo",
                "mfa": "optional",
                "claim_mapping": {"custom:org_id": "org_id"},
                "custom_attributes": ["org_id"],
                "clients": [
                    client(CLIENT, json!({})),
                    client(SECRET_CLIENT, json!({"secret": SECRET})),
                    client(ROTATING_CLIENT, json!({"refresh_token_rotation": true})),
                    client(GRACE_CLIENT, json!({"refresh_token_rotation": true, "retry_grace_period_secs": 60})),
                    client(SRP_CLIENT, json!({"explicit_auth_flows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})),
                    client(LEGACY_CLIENT, json!({"prevent_user_existence_errors": false})),
                    client(NO_REVOKE_CLIENT, json!({"enable_token_revocation": false})),
                ],
                "users": [
                    {
                        "username": DEMO,
                        "password": DEMO_PASSWORD,
                        "attributes": {"email": "demo@example.com", "email_verified": "true", "custom:org_id": "org-demo"},
                        "groups": ["admins"],
                    },
                ],
            },
            {
                "id": MFA_POOL,
                "name": "mfarequired",
                "mfa": "on",
                "clients": [client(MFA_CLIENT, json!({}))],
                "users": [
                    {"username": "alice", "password": DEMO_PASSWORD, "attributes": {"email": "alice@example.com", "email_verified": "true"}},
                ],
            },
        ],
    }))
    .unwrap()
}

pub fn options() -> Options {
    Options {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: None,
        seed: seed(),
        code_ttl: Duration::from_secs(3600),
        allow_remote: false,
    }
}

/// A running local Cognito and an SDK client for it.
pub struct Env {
    pub lc: LocalCognito,
    pub cognito: Client,
    pub http: reqwest::Client,
}

pub async fn start() -> Env {
    start_with(options()).await
}

pub async fn start_with(options: Options) -> Env {
    let lc = LocalCognito::start(options)
        .await
        .expect("local cognito starts");
    let cognito = sdk_client(&lc);
    Env {
        lc,
        cognito,
        http: reqwest::Client::new(),
    }
}

pub fn sdk_client(lc: &LocalCognito) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(lc.endpoint_url())
        .build();
    Client::from_conf(config)
}

pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The current TOTP code for a base32 secret, computed independently by totp-rs.
pub fn totp_now(secret: &str) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate_current()
        .to_string()
}

/// A TOTP code for `steps` 30-second steps away from now.
pub fn totp_at_offset(secret: &str, steps: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate((now + steps * 30) as u64)
        .to_string()
}

impl Env {
    pub async fn inbox(&self, username: &str) -> Vec<Value> {
        self.http
            .get(format!(
                "{}/_local/inbox?username={}",
                self.lc.endpoint_url(),
                url::form_urlencoded::byte_serialize(username.as_bytes()).collect::<String>()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The newest code sent to `username`.
    pub async fn last_code(&self, username: &str) -> String {
        self.inbox(username).await[0]["code"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn calls(&self) -> Value {
        self.http
            .get(format!("{}/_local/calls", self.lc.endpoint_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn jwks(&self, pool: &str) -> Value {
        self.http
            .get(format!("{}/.well-known/jwks.json", self.lc.issuer(pool)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// USER_PASSWORD_AUTH with the public client, expecting tokens.
    pub async fn sign_in(&self, username: &str, password: &str) -> AuthenticationResultType {
        self.sign_in_with(CLIENT, username, password).await
    }

    pub async fn sign_in_with(
        &self,
        client: &str,
        username: &str,
        password: &str,
    ) -> AuthenticationResultType {
        let mut req = self
            .cognito
            .initiate_auth()
            .client_id(client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if client == SECRET_CLIENT {
            req = req.auth_parameters("SECRET_HASH", secret_hash(SECRET, username, client));
        }
        req.send()
            .await
            .expect("sign-in succeeds")
            .authentication_result
            .expect("tokens, not a challenge")
    }

    /// AdminCreateUser + AdminSetUserPassword(permanent) in the demo pool.
    pub async fn create_confirmed_user(
        &self,
        pool: &str,
        username: &str,
        password: &str,
        attrs: &[(&str, &str)],
    ) {
        let mut req = self
            .cognito
            .admin_create_user()
            .user_pool_id(pool)
            .username(username)
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress);
        for (k, v) in attrs {
            req = req.user_attributes(attr(k, v));
        }
        req.send().await.unwrap();
        self.cognito
            .admin_set_user_password()
            .user_pool_id(pool)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }
}

pub fn attr(name: &str, value: &str) -> aws_sdk_cognitoidentityprovider::types::AttributeType {
    aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

/// A JWT's claims, without verification.
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// A JWT's header, without verification.
pub fn header(token: &str) -> Value {
    let h = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
}

/// Verifies a token against a JWKS with jsonwebtoken (RS256, kid, iss, exp).
pub fn verify_with_jwks(
    token: &str,
    jwks: &Value,
    issuer: &str,
    audience: Option<&str>,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let kid = header(token)["kid"].as_str().unwrap().to_string();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("kid in JWKS");
    let key = jsonwebtoken::DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap(),
        jwk["e"].as_str().unwrap(),
    )?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    Ok(jsonwebtoken::decode::<Value>(token, &key, &validation)?.claims)
}
