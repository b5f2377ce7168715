//! `admin bootstrap --name NAME`: everything the BFF needs in one command —
//! a pool with the `custom:org_id` attribute, an app client fit for the BFF
//! (USER_PASSWORD_AUTH + REFRESH_TOKEN_AUTH, token revocation on, no
//! secret), optionally a domain — and the `BFF_*` settings to run the service
//! against them.
//!
//! A fresh pool has no pre-token-generation trigger, so the tenant is read
//! from the id token's `custom:org_id` (`BFF_ORG_ID_SOURCE=id_token`,
//! `BFF_ORG_ID_CLAIM=custom:org_id`). With `--endpoint-url` (an emulator such
//! as the local Cognito) the settings also carry the endpoint, and the issuer
//! and JWKS URL read from the pool's `/.well-known/openid-configuration` there.
//!
//! `BFF_COOKIE_KEY` is not generated: it is a secret, and this command prints
//! none. The output names it under `also_required`.

use std::time::Duration;

use clap::ValueEnum;
use serde_json::{Map, Value, json};

use super::clients::{self, CreateClient};
use super::pools::{self, CreatePool, Mfa};
use super::{Admin, AdminError, Output, is_loopback};

#[derive(Debug, clap::Args)]
pub struct BootstrapArgs {
    /// The pool's name (the app client is named `<NAME>-bff`).
    #[arg(long)]
    pub name: String,
    /// Also give the pool this hosted domain prefix.
    #[arg(long, value_name = "PREFIX")]
    pub domain: Option<String>,
    /// Enable refresh token rotation on the client (sets BFF_REFRESH_ROTATION=true).
    #[arg(long)]
    pub refresh_rotation: bool,
    /// `json`: one object with `pool`, `client`, `env`, `also_required`;
    /// `env`: only the `KEY=value` lines, for an env file.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Env,
}

/// The custom attribute that carries the tenant.
pub const ORG_ATTRIBUTE: &str = "org_id";

pub async fn run(admin: &Admin, args: BootstrapArgs) -> Result<Output, AdminError> {
    let pool = pools::create(
        admin,
        &CreatePool {
            name: args.name.clone(),
            mfa: Mfa::Off,
            custom_attributes: vec![ORG_ATTRIBUTE.to_owned()],
        },
    )
    .await?;
    let pool_id = pool["id"].as_str().unwrap_or_default().to_owned();
    let left_behind = |mut e: AdminError| {
        e.message = format!(
            "{} (pool {pool_id} was created; `cognito-bff admin pool delete {pool_id}` removes it)",
            e.message
        );
        e
    };
    let client = clients::create(
        admin,
        &CreateClient {
            pool: pool_id.clone(),
            name: format!("{}-bff", args.name),
            secret: false,
            refresh_rotation: args.refresh_rotation,
            auth_flows: Vec::new(),
            // The standard ones: the tenant stays the administrators' to set.
            write_attributes: Vec::new(),
        },
    )
    .await
    .map_err(left_behind)?;
    let client_id = client.client_id().unwrap_or_default().to_owned();
    if let Some(domain) = &args.domain {
        admin
            .sdk
            .create_user_pool_domain()
            .user_pool_id(&pool_id)
            .domain(domain)
            .send()
            .await
            .map_err(|e| left_behind(AdminError::from_sdk(e)))?;
    }

    // The pool id's prefix is the region the service validates against.
    let region = pool_id
        .split_once('_')
        .map_or(admin.region.as_str(), |(r, _)| r)
        .to_owned();
    let mut env: Vec<(&str, String)> = vec![
        ("BFF_COGNITO_REGION", region),
        ("BFF_COGNITO_USER_POOL_ID", pool_id.clone()),
        ("BFF_COGNITO_CLIENT_ID", client_id),
        ("BFF_ORG_ID_SOURCE", "id_token".to_owned()),
        ("BFF_ORG_ID_CLAIM", format!("custom:{ORG_ATTRIBUTE}")),
    ];
    if args.refresh_rotation {
        env.push(("BFF_REFRESH_ROTATION", "true".to_owned()));
    }
    let mut notes = Vec::new();
    if let Some(endpoint) = &admin.endpoint_url {
        env.push(("BFF_COGNITO_ENDPOINT_URL", endpoint.clone()));
        match discover(endpoint, &pool_id).await {
            Some((issuer, jwks)) => {
                env.push(("BFF_ISSUER", issuer));
                env.push(("BFF_JWKS_URL", jwks));
            }
            None if is_loopback(endpoint) => {
                env.push(("BFF_ISSUER", format!("{endpoint}/{pool_id}")));
            }
            None => notes.push(format!(
                "no OpenID configuration at {endpoint}/{pool_id}/.well-known/openid-configuration: set BFF_ISSUER (and BFF_JWKS_URL) to what this endpoint's tokens carry"
            )),
        }
    }

    if args.format == Format::Env {
        return Ok(Output::Lines(
            env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ));
    }
    let env_obj: Map<String, Value> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    let mut out = json!({
        "pool": pool,
        "client": clients::client_summary(&client, false),
        "env": env_obj,
        "also_required": {
            "BFF_COOKIE_KEY": "base64 of at least 64 random bytes, e.g. `openssl rand -base64 64`; not generated here because it is a secret",
        },
    });
    if let Some(o) = out.as_object_mut() {
        if let Some(d) = &args.domain {
            o.insert("domain".into(), json!(d));
        }
        if !notes.is_empty() {
            o.insert("notes".into(), json!(notes));
        }
    }
    Ok(Output::Json(out))
}

/// The pool's `issuer` and `jwks_uri` as the endpoint publishes them.
async fn discover(endpoint: &str, pool_id: &str) -> Option<(String, String)> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .ok()?;
    let doc: Value = http
        .get(format!(
            "{endpoint}/{pool_id}/.well-known/openid-configuration"
        ))
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?
        .json()
        .await
        .ok()?;
    let issuer = doc["issuer"].as_str()?.trim_end_matches('/').to_owned();
    let jwks = doc["jwks_uri"]
        .as_str()
        .map_or_else(|| format!("{issuer}/.well-known/jwks.json"), str::to_owned);
    Some((issuer, jwks))
}
