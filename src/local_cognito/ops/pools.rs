//! User pool and app client administration: CreateUserPool, DescribeUserPool,
//! DeleteUserPool, ListUserPools, SetUserPoolMfaConfig, CreateUserPoolClient,
//! DescribeUserPoolClient, ListUserPoolClients, CreateUserPoolDomain.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Ctx, OpResult, STANDARD_ATTRIBUTES, parse, pool, pool_mut, req};
use crate::local_cognito::error::CognitoError;
use crate::local_cognito::password::PasswordPolicy;
use crate::local_cognito::state::{
    AppClient, EXPLICIT_AUTH_FLOWS, FlowProblem, MfaMode, Pool, TimeUnit, Validity,
    check_auth_flows, epoch_secs, now_ms,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PasswordPolicyIn {
    minimum_length: Option<u32>,
    require_uppercase: Option<bool>,
    require_lowercase: Option<bool>,
    require_numbers: Option<bool>,
    require_symbols: Option<bool>,
    temporary_password_validity_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoliciesIn {
    password_policy: Option<PasswordPolicyIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SchemaIn {
    name: Option<String>,
    attribute_data_type: Option<String>,
    required: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateUserPoolIn {
    pool_name: Option<String>,
    policies: Option<PoliciesIn>,
    mfa_configuration: Option<String>,
    schema: Option<Vec<SchemaIn>>,
}

/// API Reference: CreateUserPool.
pub fn create_user_pool(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: CreateUserPoolIn = parse(input)?;
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
    let out = pool_json(ctx, &pool);
    state.pools.insert(id.clone(), pool);
    tracing::info!(pool = %id, "local cognito: pool created");
    Ok(json!({"UserPool": out}))
}

fn pool_json(ctx: &Ctx<'_>, pool: &Pool) -> Value {
    let p = &pool.password_policy;
    let mut schema: Vec<Value> = STANDARD_ATTRIBUTES
        .iter()
        .map(|n| {
            let data_type = match *n {
                "email_verified" | "phone_number_verified" => "Boolean",
                "updated_at" => "Number",
                _ => "String",
            };
            json!({
                "Name": n,
                "AttributeDataType": data_type,
                "DeveloperOnlyAttribute": false,
                "Mutable": true,
                "Required": pool.required_attributes.iter().any(|r| r == n),
            })
        })
        .collect();
    schema.insert(
        0,
        json!({"Name": "sub", "AttributeDataType": "String", "DeveloperOnlyAttribute": false, "Mutable": false, "Required": true}),
    );
    schema.extend(pool.custom_attributes.iter().map(|c| {
        json!({"Name": format!("custom:{c}"), "AttributeDataType": "String", "DeveloperOnlyAttribute": false, "Mutable": true, "Required": false})
    }));
    let region = pool.id.split('_').next().unwrap_or("us-east-1");
    let mut out = json!({
        "Id": pool.id,
        "Name": pool.name,
        "Arn": format!("arn:aws:cognito-idp:{region}:000000000000:userpool/{}", pool.id),
        "Status": "Enabled",
        "Policies": {"PasswordPolicy": {
            "MinimumLength": p.minimum_length,
            "RequireUppercase": p.require_uppercase,
            "RequireLowercase": p.require_lowercase,
            "RequireNumbers": p.require_numbers,
            "RequireSymbols": p.require_symbols,
            "TemporaryPasswordValidityDays": p.temporary_password_validity_days,
        }},
        "DeletionProtection": "INACTIVE",
        "MfaConfiguration": pool.mfa.wire(),
        "SchemaAttributes": schema,
        "AutoVerifiedAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": false},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": false, "UnusedAccountValidityDays": p.temporary_password_validity_days},
        "EstimatedNumberOfUsers": pool.users.len(),
        "CreationDate": epoch_secs(pool.created_ms),
        "LastModifiedDate": epoch_secs(pool.modified_ms),
        "UserPoolTier": "ESSENTIALS",
    });
    if let (Some(domain), Some(obj)) = (&pool.domain, out.as_object_mut()) {
        obj.insert("Domain".into(), json!(domain));
    }
    let _ = ctx;
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoolIdIn {
    user_pool_id: Option<String>,
}

/// API Reference: DescribeUserPool.
pub fn describe_user_pool(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: PoolIdIn = parse(input)?;
    let id = req(&input.user_pool_id, "userPoolId")?;
    let state = ctx.shared.state();
    Ok(json!({"UserPool": pool_json(ctx, pool(&state, id)?)}))
}

/// API Reference: DeleteUserPool. Tokens of the pool stop working with it.
pub fn delete_user_pool(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: PoolIdIn = parse(input)?;
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
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListIn {
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
pub fn list_user_pools(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: ListIn = parse(input)?;
    let max = max_results(input.max_results, true)?;
    let state = ctx.shared.state();
    let all: Vec<Value> = state
        .pools
        .values()
        .map(|p| {
            json!({
                "Id": p.id,
                "Name": p.name,
                "Status": "Enabled",
                "CreationDate": epoch_secs(p.created_ms),
                "LastModifiedDate": epoch_secs(p.modified_ms),
            })
        })
        .collect();
    let (items, next) = page(&all, max, input.next_token.as_deref())?;
    let mut out = json!({"UserPools": items});
    if let (Some(n), Some(o)) = (next, out.as_object_mut()) {
        o.insert("NextToken".into(), json!(n));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct EnabledIn {
    enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SetMfaIn {
    user_pool_id: Option<String>,
    mfa_configuration: Option<String>,
    software_token_mfa_configuration: Option<EnabledIn>,
}

/// API Reference: SetUserPoolMfaConfig.
pub fn set_user_pool_mfa_config(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: SetMfaIn = parse(input)?;
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
    Ok(json!({
        "MfaConfiguration": mfa.wire(),
        "SoftwareTokenMfaConfiguration": {"Enabled": totp},
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UnitsIn {
    access_token: Option<String>,
    id_token: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RotationIn {
    feature: Option<String>,
    retry_grace_period_seconds: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateClientIn {
    user_pool_id: Option<String>,
    client_name: Option<String>,
    generate_secret: Option<bool>,
    #[serde(flatten)]
    settings: ClientSettingsIn,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateClientIn {
    user_pool_id: Option<String>,
    client_id: Option<String>,
    client_name: Option<String>,
    #[serde(flatten)]
    settings: ClientSettingsIn,
}

/// The settings CreateUserPoolClient and UpdateUserPoolClient share.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ClientSettingsIn {
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

/// Cognito always keeps ALLOW_REFRESH_TOKEN_AUTH in a client's ALLOW_ flows
/// (it adds it when a request omits it; the console cannot untick it).
pub fn with_refresh_flow(mut flows: Vec<String>) -> Vec<String> {
    let modern = flows.iter().any(|f| f.starts_with("ALLOW_"));
    if modern && !flows.iter().any(|f| f == "ALLOW_REFRESH_TOKEN_AUTH") {
        flows.push("ALLOW_REFRESH_TOKEN_AUTH".into());
    }
    flows
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
    flows: Vec<String>,
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
    let flows = match input.explicit_auth_flows {
        None => vec![
            "ALLOW_REFRESH_TOKEN_AUTH".to_string(),
            "ALLOW_CUSTOM_AUTH".to_string(),
            "ALLOW_USER_SRP_AUTH".to_string(),
        ],
        Some(f) => f,
    };
    match check_auth_flows(&flows) {
        Ok(()) => {}
        Err(FlowProblem::Unknown(f)) => {
            return Err(CognitoError::constraint(
                Some(&format!("[{f}]")),
                "explicitAuthFlows",
                format_args!(
                    "Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                    EXPLICIT_AUTH_FLOWS.join(", ")
                ),
            ));
        }
        Err(FlowProblem::Mixed) => {
            return Err(CognitoError::InvalidParameter(
                "Legacy auth flow values cannot be combined with ALLOW_ prefixed values.".into(),
            ));
        }
    }
    let flows = with_refresh_flow(flows);
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
pub fn create_user_pool_client(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: CreateClientIn = parse(input)?;
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
    let out = client_json(&pool_id, &client);
    pool.clients.insert(client_id.clone(), client);
    tracing::info!(pool = %pool_id, client = %client_id, "local cognito: app client created");
    Ok(json!({"UserPoolClient": out}))
}

/// API Reference: UpdateUserPoolClient — as in Cognito, every setting the
/// request leaves out returns to its default (read the client first and send
/// it back whole to change one thing); the name, id and secret stay.
pub fn update_user_pool_client(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: UpdateClientIn = parse(input)?;
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
    let out = client_json(&pool_id, client);
    tracing::info!(pool = %pool_id, client = %client_id, "local cognito: app client updated");
    Ok(json!({"UserPoolClient": out}))
}

fn client_json(pool_id: &str, c: &AppClient) -> Value {
    let mut out = json!({
        "UserPoolId": pool_id,
        "ClientName": c.name,
        "ClientId": c.id,
        "CreationDate": epoch_secs(c.created_ms),
        "LastModifiedDate": epoch_secs(c.modified_ms),
        "RefreshTokenValidity": c.refresh_validity.value,
        "AccessTokenValidity": c.access_validity.value,
        "IdTokenValidity": c.id_validity.value,
        "TokenValidityUnits": {
            "AccessToken": c.access_validity.unit.wire(),
            "IdToken": c.id_validity.unit.wire(),
            "RefreshToken": c.refresh_validity.unit.wire(),
        },
        "ExplicitAuthFlows": c.explicit_auth_flows,
        "AllowedOAuthFlowsUserPoolClient": false,
        "PreventUserExistenceErrors": if c.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" },
        "EnableTokenRevocation": c.enable_token_revocation,
        "EnablePropagateAdditionalUserContextData": false,
        "AuthSessionValidity": 3,
        "RefreshTokenRotation": {
            "Feature": if c.refresh_token_rotation { "ENABLED" } else { "DISABLED" },
            "RetryGracePeriodSeconds": c.retry_grace_period_secs,
        },
    });
    if let Some(o) = out.as_object_mut() {
        if let Some(secret) = &c.secret {
            o.insert("ClientSecret".into(), json!(secret));
        }
        if !c.read_attributes.is_empty() {
            o.insert("ReadAttributes".into(), json!(c.read_attributes));
        }
        if !c.write_attributes.is_empty() {
            o.insert("WriteAttributes".into(), json!(c.write_attributes));
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ClientIdIn {
    user_pool_id: Option<String>,
    client_id: Option<String>,
}

/// API Reference: DescribeUserPoolClient.
pub fn describe_user_pool_client(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: ClientIdIn = parse(input)?;
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let client_id = req(&input.client_id, "clientId")?;
    let state = ctx.shared.state();
    let client = pool(&state, pool_id)?
        .clients
        .get(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?;
    Ok(json!({"UserPoolClient": client_json(pool_id, client)}))
}

/// API Reference: ListUserPoolClients.
pub fn list_user_pool_clients(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: ListIn = parse(input)?;
    let pool_id = req(&input.user_pool_id, "userPoolId")?;
    let max = max_results(input.max_results, false)?;
    let state = ctx.shared.state();
    let all: Vec<Value> = pool(&state, pool_id)?
        .clients
        .values()
        .map(|c| json!({"ClientId": c.id, "UserPoolId": pool_id, "ClientName": c.name}))
        .collect();
    let (items, next) = page(&all, max, input.next_token.as_deref())?;
    let mut out = json!({"UserPoolClients": items});
    if let (Some(n), Some(o)) = (next, out.as_object_mut()) {
        o.insert("NextToken".into(), json!(n));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DomainIn {
    domain: Option<String>,
    user_pool_id: Option<String>,
}

/// API Reference: CreateUserPoolDomain (prefix domains; unique across pools).
pub fn create_user_pool_domain(ctx: &Ctx<'_>, input: Value) -> OpResult {
    let input: DomainIn = parse(input)?;
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
    Ok(json!({"ManagedLoginVersion": 1}))
}
