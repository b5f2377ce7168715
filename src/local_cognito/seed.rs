//! The seed: pools, app clients and users created at start (from the
//! `[local_cognito]` table of `config/local.toml`). Seeding is idempotent: a
//! pool, client or user already present (e.g. loaded from the data dir) is
//! left as it is.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::flows::{FlowProblem, parse_explicit_flows};
use super::password::PasswordPolicy;
use super::state::{AppClient, MfaMode, Pool, State, TimeUnit, User, UserStatus, Validity};

/// The whole seed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    pub pools: Vec<SeedPool>,
}

/// A user pool to create.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPool {
    /// `<region>_<alphanumerics>`, e.g. `us-east-1_localdemo`.
    pub id: String,
    /// Defaults to the part of the id after the underscore.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub mfa: MfaMode,
    /// User attribute -> extra claim in access and id tokens.
    #[serde(default)]
    pub claim_mapping: BTreeMap<String, String>,
    /// Custom attribute names without the `custom:` prefix.
    #[serde(default)]
    pub custom_attributes: Vec<String>,
    #[serde(default)]
    pub clients: Vec<SeedClient>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

/// An app client to create.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedClient {
    pub id: String,
    pub name: String,
    /// When set, SECRET_HASH is required on every flow.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default = "default_flows")]
    pub explicit_auth_flows: Vec<String>,
    #[serde(default = "sixty")]
    pub access_token_validity_minutes: u64,
    #[serde(default = "sixty")]
    pub id_token_validity_minutes: u64,
    #[serde(default = "thirty")]
    pub refresh_token_validity_days: u64,
    #[serde(default = "yes")]
    pub enable_token_revocation: bool,
    #[serde(default = "yes")]
    pub prevent_user_existence_errors: bool,
    #[serde(default)]
    pub refresh_token_rotation: bool,
    #[serde(default)]
    pub retry_grace_period_secs: u64,
    /// `ReadAttributes`; empty: every attribute.
    #[serde(default)]
    pub read_attributes: Vec<String>,
    /// `WriteAttributes`. Default: the standard attributes a user may set,
    /// no `custom:*` one. Security: the tenant (`custom:org_id`) must not be
    /// writable, or a user holding their own access token could move
    /// themselves to another tenant with UpdateUserAttributes.
    #[serde(default = "default_write_attributes")]
    pub write_attributes: Vec<String>,
}

/// The standard attributes, less `sub` and the `*_verified` flags.
pub fn default_write_attributes() -> Vec<String> {
    super::ops::STANDARD_ATTRIBUTES
        .iter()
        .filter(|a| !a.ends_with("_verified"))
        .map(|a| (*a).to_owned())
        .collect()
}

fn default_flows() -> Vec<String> {
    vec![
        "ALLOW_USER_PASSWORD_AUTH".into(),
        "ALLOW_REFRESH_TOKEN_AUTH".into(),
    ]
}
fn sixty() -> u64 {
    60
}
fn thirty() -> u64 {
    30
}
fn yes() -> bool {
    true
}

impl std::fmt::Debug for SeedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedClient")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("explicit_auth_flows", &self.explicit_auth_flows)
            .field(
                "access_token_validity_minutes",
                &self.access_token_validity_minutes,
            )
            .field("id_token_validity_minutes", &self.id_token_validity_minutes)
            .field(
                "refresh_token_validity_days",
                &self.refresh_token_validity_days,
            )
            .field("enable_token_revocation", &self.enable_token_revocation)
            .field(
                "prevent_user_existence_errors",
                &self.prevent_user_existence_errors,
            )
            .field("refresh_token_rotation", &self.refresh_token_rotation)
            .field("retry_grace_period_secs", &self.retry_grace_period_secs)
            .field("read_attributes", &self.read_attributes)
            .field("write_attributes", &self.write_attributes)
            .finish()
    }
}

/// A confirmed user to create.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Cognito groups (`cognito:groups` in the access token).
    #[serde(default)]
    pub groups: Vec<String>,
}

impl std::fmt::Debug for SeedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedUser")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("attributes", &self.attributes)
            .field("groups", &self.groups)
            .finish()
    }
}

fn valid_pool_id(id: &str) -> bool {
    match id.split_once('_') {
        Some((region, rest)) => {
            !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

impl Seed {
    /// Checks the seed before anything is created; the error names the culprit.
    pub fn validate(&self) -> Result<(), String> {
        for pool in &self.pools {
            if !valid_pool_id(&pool.id) {
                return Err(format!(
                    "pool id {:?} is not <region>_<alphanumerics>",
                    pool.id
                ));
            }
            for custom in &pool.custom_attributes {
                if custom.is_empty()
                    || custom.starts_with("custom:")
                    || !custom
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(format!(
                        "pool {}: custom attribute {custom:?} must be a bare name (without custom:)",
                        pool.id
                    ));
                }
            }
            let attribute_known = |name: &str| match name.strip_prefix("custom:") {
                Some(bare) => pool.custom_attributes.iter().any(|c| c == bare),
                None => super::ops::STANDARD_ATTRIBUTES.contains(&name),
            };
            for attr in pool.claim_mapping.keys() {
                if !attribute_known(attr) {
                    return Err(format!(
                        "pool {}: claim_mapping source {attr:?} is not an attribute of the pool",
                        pool.id
                    ));
                }
            }
            for client in &pool.clients {
                if client.id.is_empty()
                    || client.id.len() > 128
                    || !client
                        .id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
                {
                    return Err(format!(
                        "client id {:?} is not a valid client id",
                        client.id
                    ));
                }
                match parse_explicit_flows(&client.explicit_auth_flows) {
                    Ok(_) => {}
                    Err(FlowProblem::Unknown(flow)) => {
                        return Err(format!(
                            "client {}: unknown explicit auth flow {flow:?}",
                            client.id
                        ));
                    }
                    Err(FlowProblem::Mixed) => {
                        return Err(format!(
                            "client {}: legacy auth flows cannot be mixed with ALLOW_ ones",
                            client.id
                        ));
                    }
                }
                if client.access_token_validity_minutes == 0
                    || client.id_token_validity_minutes == 0
                    || client.refresh_token_validity_days == 0
                {
                    return Err(format!(
                        "client {}: token validities must be > 0",
                        client.id
                    ));
                }
                // Cognito's upper bounds (API Reference: CreateUserPoolClient);
                // lower bounds are relaxed so local setups can use short tokens.
                if client.access_token_validity_minutes > 1440
                    || client.id_token_validity_minutes > 1440
                    || client.refresh_token_validity_days > 3650
                {
                    return Err(format!(
                        "client {}: access/id validity at most 1440 minutes, refresh at most 3650 days",
                        client.id
                    ));
                }
                for attr in client
                    .read_attributes
                    .iter()
                    .chain(&client.write_attributes)
                {
                    if attr == "sub" || !attribute_known(attr) {
                        return Err(format!(
                            "client {}: read/write attribute {attr:?} is not an attribute of the pool",
                            client.id
                        ));
                    }
                }
                if client.retry_grace_period_secs > 60 {
                    return Err(format!(
                        "client {}: retry_grace_period_secs must be 0..=60",
                        client.id
                    ));
                }
            }
            for user in &pool.users {
                if user.username.trim().is_empty() {
                    return Err(format!("pool {}: a user has an empty username", pool.id));
                }
                PasswordPolicy::default()
                    .check(&user.password)
                    .map_err(|e| format!("user {}: {e}", user.username))?;
                for attr in user.attributes.keys() {
                    if attr == "sub" || !attribute_known(attr) {
                        return Err(format!(
                            "user {}: attribute {attr:?} is not an attribute of the pool",
                            user.username
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Creates what is missing. Returns whether anything was created.
    pub fn apply(&self, state: &mut State, now_ms: u64) -> bool {
        let mut changed = false;
        for sp in &self.pools {
            let pool = state.pools.entry(sp.id.clone()).or_insert_with(|| {
                changed = true;
                tracing::info!(pool = %sp.id, "local cognito: seeded pool");
                let name = if sp.name.trim().is_empty() {
                    sp.id.split_once('_').map_or(sp.id.as_str(), |(_, n)| n)
                } else {
                    sp.name.as_str()
                };
                Pool {
                    mfa: sp.mfa,
                    software_token_mfa: true,
                    custom_attributes: sp.custom_attributes.clone(),
                    claim_mapping: sp.claim_mapping.clone(),
                    ..Pool::new(&sp.id, name, now_ms)
                }
            });
            for sc in &sp.clients {
                if pool.clients.contains_key(&sc.id) {
                    continue;
                }
                changed = true;
                pool.clients.insert(
                    sc.id.clone(),
                    AppClient {
                        // Read by `check` before any apply: never the default here.
                        explicit_auth_flows: parse_explicit_flows(&sc.explicit_auth_flows)
                            .unwrap_or_default(),
                        access_validity: Validity {
                            value: sc.access_token_validity_minutes,
                            unit: TimeUnit::Minutes,
                        },
                        id_validity: Validity {
                            value: sc.id_token_validity_minutes,
                            unit: TimeUnit::Minutes,
                        },
                        refresh_validity: Validity {
                            value: sc.refresh_token_validity_days,
                            unit: TimeUnit::Days,
                        },
                        enable_token_revocation: sc.enable_token_revocation,
                        prevent_user_existence_errors: sc.prevent_user_existence_errors,
                        refresh_token_rotation: sc.refresh_token_rotation,
                        retry_grace_period_secs: sc.retry_grace_period_secs,
                        read_attributes: sc.read_attributes.clone(),
                        write_attributes: sc.write_attributes.clone(),
                        ..AppClient::new(&sc.id, &sc.name, sc.secret.clone(), now_ms)
                    },
                );
            }
            for su in &sp.users {
                let key = su.username.to_lowercase();
                if pool.users.contains_key(&key) {
                    continue;
                }
                changed = true;
                tracing::info!(pool = %sp.id, username = %su.username, "local cognito: seeded user");
                pool.users.insert(
                    key,
                    User {
                        groups: su.groups.clone(),
                        ..User::new(
                            &su.username,
                            &su.password,
                            UserStatus::Confirmed,
                            su.attributes.clone(),
                            now_ms,
                        )
                    },
                );
            }
        }
        changed
    }
}
