//! User pool and app client administration: CreateUserPool, DescribeUserPool,
//! DeleteUserPool, ListUserPools, SetUserPoolMfaConfig, CreateUserPoolClient,
//! DescribeUserPoolClient, ListUserPoolClients, CreateUserPoolDomain.

use serde::Deserialize;

use super::pool_shapes::{
    CreateDomainOut, Enabled, ListUserPoolClientsOut, ListUserPoolsOut, MfaConfigOut,
    UserPoolClientDescription, UserPoolClientOut, UserPoolClientType, UserPoolDescription,
    UserPoolOut, UserPoolType,
};
use super::shapes::Empty;
use super::{Ctx, STANDARD_ATTRIBUTES, pool, pool_mut, req};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::flows::{ExplicitAuthFlow, FlowProblem, parse_explicit_flows};
use crate::local_cognito::password::PasswordPolicy;
use crate::local_cognito::state::{
    AppClient, MfaMode, Pool, TimeUnit, Validity, epoch_secs, now_ms,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyIn {
    minimum_length: Option<u32>,
    require_uppercase: Option<bool>,
    require_lowercase: Option<bool>,
    require_numbers: Option<bool>,
    require_symbols: Option<bool>,
    temporary_password_validity_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoliciesIn {
    password_policy: Option<PasswordPolicyIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaIn {
    name: Option<String>,
    attribute_data_type: Option<String>,
    required: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserPoolIn {
    pool_name: Option<String>,
    policies: Option<PoliciesIn>,
    mfa_configuration: Option<String>,
    schema: Option<Vec<SchemaIn>>,
}

/// API Reference: CreateUserPool.
pub fn create_user_pool(
    ctx: &Ctx<'_>,
    input: CreateUserPoolIn,
) -> Result<UserPoolOut, CognitoError> {
    let name = req(&input.pool_name, "poolName")?.to_string();
    let mfa = match input.mfa_configuration.as_deref() {
        None => MfaMode::Off,
        Some(m) => MfaMode::from_wire(m).ok_or_else(|| {
            CognitoError::not_one_of(m, "mfaConfiguration", &["OFF", "ON", "OPTIONAL"])
        })?,
    };
    let mut policy = PasswordPolicy::default();
    if let Some(p) = input.policies.and_then(|p| p.password_policy) {
        policy = PasswordPolicy {
            minimum_length: p.minimum_length.unwrap_or(8),
            require_uppercase: p.require_uppercase.unwrap_or(false),
            require_lowercase: p.require_lowercase.unwrap_or(false),
            require_numbers: p.require_numbers.unwrap_or(false),
            require_symbols: p.require_symbols.unwrap_or(false),
            temporary_password_validity_days: p.temporary_password_validity_days.unwrap_or(7),
        };
        if !(6..=99).contains(&policy.minimum_length) {
            return Err(CognitoError::InvalidParameter(
                "Password policy minimum length must be between 6 and 99.".into(),
            ));
        }
    }
    let mut custom = Vec::new();
    let mut required = Vec::new();
    for attr in input.schema.unwrap_or_default() {
        let attr_name = req(&attr.name, "schema.member.name")?;
        let bare = attr_name.strip_prefix("custom:").unwrap_or(attr_name);
        if STANDARD_ATTRIBUTES.contains(&bare) {
            if attr.required.unwrap_or(false) {
                required.push(bare.to_string());
            }
            continue;
        }
        match attr.attribute_data_type.as_deref() {
            None | Some("String" | "Number" | "DateTime" | "Boolean") => {}
            Some(t) => {
                return Err(CognitoError::InvalidParameter(format!(
                    "Invalid AttributeDataType {t} for attribute {bare}"
                )));
            }
        }
        // API Reference: CreateUserPool — custom attributes cannot be required.
        if attr.required.unwrap_or(false) {
            return Err(CognitoError::InvalidParameter(format!(
                "Required custom attributes are not supported currently. (custom:{bare})"
            )));
        }
        if bare.is_empty() || bare.len() > 20 {
            return Err(CognitoError::InvalidParameter(format!(
                "Invalid custom attribute name {bare}"
            )));
        }
        custom.push(bare.to_string());
    }
    let now = now_ms();
    let mut state = ctx.shared.state();
    let mut id = super::super::ids::pool_id(&ctx.region);
    while state.pools.contains_key(&id) {
        id = super::super::ids::pool_id(&ctx.region);
    }
    let pool = Pool {
        mfa,
        software_token_mfa: mfa != MfaMode::Off,
        password_policy: policy,
        custom_attributes: custom,
        required_attributes: required,
        ..Pool::new(&id, &name, now)
    };
    let out = UserPoolType::of(&pool);
    state.pools.insert(id.clone(), pool);
    tracing::info!(pool = %id, "local cognito: pool created");
    Ok(UserPoolOut { user_pool: out })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PoolIdIn {
    user_pool_id: Option<String>,
}

/// API Reference: DescribeUserPool.
pub fn describe_user_pool(ctx: &Ctx<'_>, input: PoolIdIn) -> Result<UserPoolOut, CognitoError> {
    let id = req(&input.user_pool_id, "userPoolId")?;
    let state = ctx.shared.state();
    Ok(UserPoolOut {
        user_pool: UserPoolType::of(pool(&state, id)?),
    })
}

/// API Reference: DeleteUserPool. Tokens of the pool stop working with it.
pub fn delete_user_pool(ctx: &Ctx<'_>, input: PoolIdIn) -> Result<Empty, CognitoError> {
    let id = req(&input.user_pool_id, "userPoolId")?;
    let mut state = ctx.shared.state();
    state
        .pools
        .remove(id)
        .ok_or_else(|| CognitoError::pool_not_found(id))?;
    state.families.retain(|_, f| f.pool_id != id);
    state.refresh_tokens.retain(|_, r| r.pool_id != id);
    state.sessions.retain(|_, s| s.pool_id != id);
    tracing::info!(pool = %id, "local cognito: pool deleted");
    Ok(Empty {})
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIn {
    user_pool_id: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

/// A page of `items` after `next_token` (an offset).
fn page<T: Clone>(
    items: &[T],
    max: usize,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), CognitoError> {
    let start = match next_token {
        None => 0,
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| CognitoError::InvalidParameter("Invalid pagination token".into()))?,
    };
    let end = (start + max).min(items.len());
    let slice = items.get(start..end).unwrap_or_default().to_vec();
    let next = (end < items.len()).then(|| end.to_string());
    Ok((slice, next))
}

fn max_results(v: Option<i64>, required: bool) -> Result<usize, CognitoError> {
    match v {
        None if required => Err(CognitoError::missing_member("maxResults")),
        None => Ok(60),
        Some(n) if (1..=60).contains(&n) => Ok(usize::try_from(n).unwrap_or(60)),
        Some(n) => Err(CognitoError::InvalidParameter(format!(
            "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60"
        ))),
    }
}

/// API Reference: ListUserPools (MaxResults is required).
pub fn list_user_pools(ctx: &Ctx<'_>, input: ListIn) -> Result<ListUserPoolsOut, CognitoError> {
    let max = max_results(input.max_results, true)?;
    let state = ctx.shared.state();
    let all: Vec<UserPoolDescription> = state
        .pools
        .values()
        .map(|p| UserPoolDescription {
            id: p.id.clone(),
            name: p.name.clone(),
            status: "Enabled",
            creation_date: epoch_secs(p.created_ms),
            last_modified_date: epoch_secs(p.modified_ms),
        })
        .collect();
    let (user_pools, next_token) = page(&all, max, input.next_token.as_deref())?;
    Ok(ListUserPoolsOut {
        user_pools,
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnabledIn {
    enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetMfaIn {
    user_pool_id: Option<String>,
    mfa_configuration: Option<String>,
    software_token_mfa_configuration: Option<EnabledIn>,
}

/// API Reference: SetUserPoolMfaConfig.
pub fn set_user_pool_mfa_config(
    ctx: &Ctx<'_>,
    input: SetMfaIn,
) -> Result<MfaConfigOut, CognitoError> {
    let id = req(&input.user_pool_id, "userPoolId")?;
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, id)?;
    let mfa = match input.mfa_configuration.as_deref() {
        None => pool.mfa,
        Some(m) => MfaMode::from_wire(m).ok_or_else(|| {
            CognitoError::not_one_of(m, "mfaConfiguration", &["OFF", "ON", "OPTIONAL"])
        })?,
    };
    let totp = input
        .software_token_mfa_configuration
        .and_then(|c| c.enabled)
        .unwrap_or(pool.software_token_mfa);
    if mfa != MfaMode::Off && !totp {
        // Only software-token MFA is emulated, so it must be the enabled factor.
        return Err(CognitoError::InvalidParameter(
            "At least one MFA method must be enabled when MFA is ON or OPTIONAL (the local Cognito supports SOFTWARE_TOKEN_MFA only).".into(),
        ));
    }
    pool.mfa = mfa;
    pool.software_token_mfa = totp;
    pool.modified_ms = now_ms();
    Ok(MfaConfigOut {
        mfa_configuration: mfa.wire(),
        software_token_mfa_configuration: Enabled { enabled: totp },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnitsIn {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationIn {
    feature: Option<String>,
    retry_grace_period_seconds: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateClientIn {
    user_pool_id: Option<String>,
    client_name: Option<String>,
    generate_secret: Option<bool>,
    #[serde(flatten)]
    settings: ClientSettingsIn,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateClientIn {
    user_pool_id: Option<String>,
    client_id: Option<String>,
    client_name: Option<String>,
    #[serde(flatten)]
    settings: ClientSettingsIn,
}

/// The settings CreateUserPoolClient and UpdateUserPoolClient share.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientSettingsIn {
    refresh_token_validity: Option<i64>,
    access_token_validity: Option<i64>,
    id_token_validity: Option<i64>,
    token_validity_units: Option<UnitsIn>,
    explicit_auth_flows: Option<Vec<String>>,
    prevent_user_existence_errors: Option<String>,
    enable_token_revocation: Option<bool>,
    refresh_token_rotation: Option<RotationIn>,
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
}

fn unit(v: Option<&str>, default: TimeUnit) -> Result<TimeUnit, CognitoError> {
    match v {
        None => Ok(default),
        Some(s) => TimeUnit::from_wire(s).ok_or_else(|| {
            CognitoError::not_one_of(
                s,
                "tokenValidityUnits",
                &["seconds", "minutes", "hours", "days"],
            )
        }),
    }
}

/// One validity: value (or default) in its unit, within Cognito's bounds.
fn validity(
    value: Option<i64>,
    unit: TimeUnit,
    default_secs: u64,
    min_secs: u64,
    max_secs: u64,
    what: &str,
) -> Result<Validity, CognitoError> {
    let v = match value {
        None => {
            // The default expressed in the unit when it divides evenly.
            let per = unit.secs(1).max(1);
            if default_secs.is_multiple_of(per) {
                Validity {
                    value: default_secs / per,
                    unit,
                }
            } else {
                Validity {
                    value: default_secs,
                    unit: TimeUnit::Seconds,
                }
            }
        }
        Some(n) => Validity {
            value: u64::try_from(n).map_err(|_| {
                CognitoError::InvalidParameter(format!("{what} validity must be positive"))
            })?,
            unit,
        },
    };
    let secs = v.secs();
    if secs < min_secs || secs > max_secs {
        // API Reference: CreateUserPoolClient — AccessTokenValidity 5 minutes..1 day,
        // RefreshTokenValidity 60 minutes..10 years.
        return Err(CognitoError::InvalidParameter(format!(
            "{what} token validity must be between {min_secs} and {max_secs} seconds."
        )));
    }
    Ok(v)
}

/// A client's settings, validated, with the defaults the API applies.
struct ClientSettings {
    flows: Vec<ExplicitAuthFlow>,
    access: Validity,
    id: Validity,
    refresh: Validity,
    prevent: bool,
    revocation: bool,
    rotation: bool,
    grace: u64,
    read_attributes: Vec<String>,
    write_attributes: Vec<String>,
}

impl ClientSettings {
    fn apply_to(self, client: &mut AppClient) {
        client.explicit_auth_flows = self.flows;
        client.access_validity = self.access;
        client.id_validity = self.id;
        client.refresh_validity = self.refresh;
        client.prevent_user_existence_errors = self.prevent;
        client.enable_token_revocation = self.revocation;
        client.refresh_token_rotation = self.rotation;
        client.retry_grace_period_secs = self.grace;
        client.read_attributes = self.read_attributes;
        client.write_attributes = self.write_attributes;
    }
}

/// API Reference: CreateUserPoolClient / UpdateUserPoolClient — "read and
/// write attributes" must be attributes of the pool's schema.
fn attribute_list(
    pool: &Pool,
    list: Option<Vec<String>>,
    what: &str,
) -> Result<Vec<String>, CognitoError> {
    let list = list.unwrap_or_default();
    for name in &list {
        let known = match name.strip_prefix("custom:") {
            Some(bare) => pool.custom_attributes.iter().any(|c| c == bare),
            None => super::STANDARD_ATTRIBUTES.contains(&name.as_str()),
        };
        if !known || name == "sub" {
            return Err(CognitoError::InvalidParameter(format!(
                "Invalid {what} attributes specified while creating a client"
            )));
        }
    }
    Ok(list)
}

/// Validates the shared settings. Defaults as the API applies them:
/// validities in hours/hours/days (60 min, 60 min, 30 days), token
/// revocation on, PreventUserExistenceErrors LEGACY, flows
/// ALLOW_REFRESH_TOKEN_AUTH + ALLOW_CUSTOM_AUTH + ALLOW_USER_SRP_AUTH, every
/// attribute readable and writable.
fn client_settings(pool: &Pool, input: ClientSettingsIn) -> Result<ClientSettings, CognitoError> {
    let units = input.token_validity_units;
    let access_unit = unit(
        units.as_ref().and_then(|u| u.access_token.as_deref()),
        TimeUnit::Hours,
    )?;
    let id_unit = unit(
        units.as_ref().and_then(|u| u.id_token.as_deref()),
        TimeUnit::Hours,
    )?;
    let refresh_unit = unit(
        units.as_ref().and_then(|u| u.refresh_token.as_deref()),
        TimeUnit::Days,
    )?;
    let access = validity(
        input.access_token_validity,
        access_unit,
        3600,
        300,
        86_400,
        "Access",
    )?;
    let id = validity(input.id_token_validity, id_unit, 3600, 300, 86_400, "Id")?;
    let refresh = validity(
        input.refresh_token_validity,
        refresh_unit,
        30 * 86_400,
        3600,
        3650 * 86_400,
        "Refresh",
    )?;
    if refresh.secs() < access.secs().max(id.secs()) {
        return Err(CognitoError::InvalidParameter(
            "Refresh token validity must be greater than access and id token validity.".into(),
        ));
    }
    let flows = match input
        .explicit_auth_flows
        .as_deref()
        .map(parse_explicit_flows)
    {
        None => ExplicitAuthFlow::DEFAULT.to_vec(),
        Some(Ok(flows)) => flows,
        Some(Err(FlowProblem::Unknown(f))) => {
            return Err(CognitoError::constraint(
                Some(&format!("[{f}]")),
                "explicitAuthFlows",
                format_args!(
                    "Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                    ExplicitAuthFlow::ALL.map(ExplicitAuthFlow::wire).join(", ")
                ),
            ));
        }
        Some(Err(FlowProblem::Mixed)) => {
            return Err(CognitoError::InvalidParameter(
                "Legacy auth flow values cannot be combined with ALLOW_ prefixed values.".into(),
            ));
        }
    };
    let prevent = match input.prevent_user_existence_errors.as_deref() {
        None | Some("LEGACY") => false,
        Some("ENABLED") => true,
        Some(other) => {
            return Err(CognitoError::not_one_of(
                other,
                "preventUserExistenceErrors",
                &["LEGACY", "ENABLED"],
            ));
        }
    };
    let (rotation, grace) = match input.refresh_token_rotation {
        None => (false, 0),
        Some(r) => {
            let on = match r.feature.as_deref() {
                Some("ENABLED") => true,
                Some("DISABLED") => false,
                None => return Err(CognitoError::missing_member("refreshTokenRotation.feature")),
                Some(other) => {
                    return Err(CognitoError::not_one_of(
                        other,
                        "refreshTokenRotation.feature",
                        &["ENABLED", "DISABLED"],
                    ));
                }
            };
            let grace = r.retry_grace_period_seconds.unwrap_or(0);
            if !(0..=60).contains(&grace) {
                return Err(CognitoError::InvalidParameter(
                    "RetryGracePeriodSeconds must be between 0 and 60.".into(),
                ));
            }
            (on, u64::try_from(grace).unwrap_or(0))
        }
    };
    Ok(ClientSettings {
        flows,
        access,
        id,
        refresh,
        prevent,
        revocation: input.enable_token_revocation.unwrap_or(true),
        rotation,
        grace,
        read_attributes: attribute_list(pool, input.read_attributes, "read")?,
        write_attributes: attribute_list(pool, input.write_attributes, "write")?,
    })
}

/// API Reference: CreateUserPoolClient.
pub fn create_user_pool_client(
    ctx: &Ctx<'_>,
    input: CreateClientIn,
) -> Result<UserPoolClientOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?.to_string();
    let name = req(&input.client_name, "clientName")?.to_string();
    let now = now_ms();
    let mut state = ctx.shared.state();
    let mut client_id = super::super::ids::client_id();
    while state.pool_of_client(&client_id).is_some() {
        client_id = super::super::ids::client_id();
    }
    let pool = pool_mut(&mut state, &pool_id)?;
    let settings = client_settings(pool, input.settings)?;
    let secret = input
        .generate_secret
        .unwrap_or(false)
        .then(super::super::ids::client_secret);
    let mut client = AppClient::new(&client_id, &name, secret, now);
    settings.apply_to(&mut client);
    let out = UserPoolClientType::of(&pool_id, &client);
    pool.clients.insert(client_id.clone(), client);
    tracing::info!(pool = %pool_id, client = %client_id, "local cognito: app client created");
    Ok(UserPoolClientOut {
        user_pool_client: out,
    })
}

/// API Reference: UpdateUserPoolClient — as in Cognito, every setting the
/// request leaves out returns to its default (read the client first and send
/// it back whole to change one thing); the name, id and secret stay.
pub fn update_user_pool_client(
    ctx: &Ctx<'_>,
    input: UpdateClientIn,
) -> Result<UserPoolClientOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?.to_string();
    let client_id = req(&input.client_id, "clientId")?.to_string();
    let mut state = ctx.shared.state();
    let pool = pool_mut(&mut state, &pool_id)?;
    let settings = client_settings(pool, input.settings)?;
    let client = pool
        .clients
        .get_mut(&client_id)
        .ok_or_else(|| CognitoError::client_not_found(&client_id))?;
    if let Some(name) = input.client_name.filter(|n| !n.is_empty()) {
        client.name = name;
    }
    settings.apply_to(client);
    client.modified_ms = now_ms();
    let out = UserPoolClientType::of(&pool_id, client);
    tracing::info!(pool = %pool_id, client = %client_id, "local cognito: app client updated");
    Ok(UserPoolClientOut {
        user_pool_client: out,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientIdIn {
    user_pool_id: Option<String>,
    client_id: Option<String>,
}

/// API Reference: DescribeUserPoolClient.
pub fn describe_user_pool_client(
    ctx: &Ctx<'_>,
    input: ClientIdIn,
) -> Result<UserPoolClientOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let client_id = req(&input.client_id, "clientId")?;
    let state = ctx.shared.state();
    let client = pool(&state, pool_id)?
        .clients
        .get(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?;
    Ok(UserPoolClientOut {
        user_pool_client: UserPoolClientType::of(pool_id, client),
    })
}

/// API Reference: ListUserPoolClients.
pub fn list_user_pool_clients(
    ctx: &Ctx<'_>,
    input: ListIn,
) -> Result<ListUserPoolClientsOut, CognitoError> {
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let max = max_results(input.max_results, false)?;
    let state = ctx.shared.state();
    let all: Vec<UserPoolClientDescription> = pool(&state, pool_id)?
        .clients
        .values()
        .map(|c| UserPoolClientDescription {
            client_id: c.id.clone(),
            user_pool_id: pool_id.to_owned(),
            client_name: c.name.clone(),
        })
        .collect();
    let (user_pool_clients, next_token) = page(&all, max, input.next_token.as_deref())?;
    Ok(ListUserPoolClientsOut {
        user_pool_clients,
        next_token,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DomainIn {
    domain: Option<String>,
    user_pool_id: Option<String>,
}

/// API Reference: CreateUserPoolDomain (prefix domains; unique across pools).
pub fn create_user_pool_domain(
    ctx: &Ctx<'_>,
    input: DomainIn,
) -> Result<CreateDomainOut, CognitoError> {
    let domain = req(&input.domain, "domain")?.to_string();
    let pool_id = req(&input.user_pool_id, "userPoolId")?.to_string();
    if !domain
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || domain.starts_with('-')
        || domain.len() > 63
    {
        return Err(CognitoError::InvalidParameter(format!(
            "1 validation error detected: Value '{domain}' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{{0,61}}[a-z0-9])?$"
        )));
    }
    let mut state = ctx.shared.state();
    if state
        .pools
        .values()
        .any(|p| p.domain.as_deref() == Some(domain.as_str()))
    {
        return Err(CognitoError::InvalidParameter(
            "Domain already associated with another user pool.".into(),
        ));
    }
    let pool = pool_mut(&mut state, &pool_id)?;
    if pool.domain.is_some() {
        return Err(CognitoError::InvalidParameter(format!(
            "User pool {pool_id} already has a domain configured."
        )));
    }
    pool.domain = Some(domain);
    pool.modified_ms = now_ms();
    Ok(CreateDomainOut {
        managed_login_version: 1,
    })
}
