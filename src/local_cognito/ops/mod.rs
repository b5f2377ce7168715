//! The operations, grouped by area, and what they share: request parsing and
//! validation, app client lookup, SECRET_HASH, access-token checks, token
//! issuance and the post-password MFA decision.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac as _};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::Sha256;
use std::collections::BTreeMap;

use super::codes::InboxEntry;
use super::error::CognitoError;
use super::shared::Shared;
use super::state::{
    AppClient, Challenge, Family, MfaMode, Pool, RefreshRecord, Session, State, User, now_ms,
};
use super::tokens;
use shapes::{AuthOut, AuthenticationResult, CodeDeliveryDetails};

pub mod admin;
pub mod auth;
pub mod mfa;
pub mod pool_shapes;
pub mod pools;
pub mod reset;
pub mod session_tokens;
pub mod shapes;
pub mod signup;

/// What an operation sees.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    /// From the SigV4 credential scope when present, else us-east-1.
    pub region: String,
}

/// An operation after type erasure, as the wire calls it: the request's
/// JSON object in, the reply's JSON out.
pub type OpFn = fn(&Ctx<'_>, Value) -> Result<Value, CognitoError>;

/// Erases an operation `fn(&Ctx, Input) -> Result<Output, CognitoError>`:
/// the input is deserialized into its type (a member of the wrong JSON type
/// is a SerializationException) and the output serialized from its type.
macro_rules! op {
    ($f:path) => {
        (|ctx: &Ctx<'_>, input: Value| reply($f(ctx, parse(input)?)?)) as OpFn
    };
}

fn reply<T: Serialize>(out: T) -> Result<Value, CognitoError> {
    serde_json::to_value(out).map_err(|e| CognitoError::Internal(format!("reply: {e}")))
}

/// The operation table: handler and whether it may change persisted state.
pub fn lookup(op: &str) -> Option<(OpFn, bool)> {
    let entry: (OpFn, bool) = match op {
        "CreateUserPool" => (op!(pools::create_user_pool), true),
        "DescribeUserPool" => (op!(pools::describe_user_pool), false),
        "DeleteUserPool" => (op!(pools::delete_user_pool), true),
        "ListUserPools" => (op!(pools::list_user_pools), false),
        "SetUserPoolMfaConfig" => (op!(pools::set_user_pool_mfa_config), true),
        "CreateUserPoolClient" => (op!(pools::create_user_pool_client), true),
        "DescribeUserPoolClient" => (op!(pools::describe_user_pool_client), false),
        "ListUserPoolClients" => (op!(pools::list_user_pool_clients), false),
        "UpdateUserPoolClient" => (op!(pools::update_user_pool_client), true),
        "CreateUserPoolDomain" => (op!(pools::create_user_pool_domain), true),
        "AdminCreateUser" => (op!(admin::admin_create_user), true),
        "AdminGetUser" => (op!(admin::admin_get_user), false),
        "AdminDeleteUser" => (op!(admin::admin_delete_user), true),
        "AdminSetUserPassword" => (op!(admin::admin_set_user_password), true),
        "AdminConfirmSignUp" => (op!(admin::admin_confirm_sign_up), true),
        "AdminDisableUser" => (op!(admin::admin_disable_user), true),
        "AdminEnableUser" => (op!(admin::admin_enable_user), true),
        "AdminResetUserPassword" => (op!(admin::admin_reset_user_password), true),
        "AdminUserGlobalSignOut" => (op!(admin::admin_user_global_sign_out), true),
        "AdminUpdateUserAttributes" => (op!(admin::admin_update_user_attributes), true),
        "AdminDeleteUserAttributes" => (op!(admin::admin_delete_user_attributes), true),
        "UpdateUserAttributes" => (op!(session_tokens::update_user_attributes), true),
        "SignUp" => (op!(signup::sign_up), true),
        "ConfirmSignUp" => (op!(signup::confirm_sign_up), true),
        "ResendConfirmationCode" => (op!(signup::resend_confirmation_code), true),
        "InitiateAuth" => (op!(auth::initiate_auth), true),
        "RespondToAuthChallenge" => (op!(auth::respond_to_auth_challenge), true),
        "AssociateSoftwareToken" => (op!(mfa::associate_software_token), true),
        "VerifySoftwareToken" => (op!(mfa::verify_software_token), true),
        "SetUserMFAPreference" => (op!(mfa::set_user_mfa_preference), true),
        "ForgotPassword" => (op!(reset::forgot_password), true),
        "ConfirmForgotPassword" => (op!(reset::confirm_forgot_password), true),
        "GetUser" => (op!(session_tokens::get_user), false),
        "GetTokensFromRefreshToken" => (op!(session_tokens::get_tokens_from_refresh_token), true),
        "GlobalSignOut" => (op!(session_tokens::global_sign_out), true),
        "RevokeToken" => (op!(session_tokens::revoke_token), true),
        _ => return None,
    };
    Some(entry)
}

/// Standard attributes a pool always has (Developer Guide: "Standard attributes").
pub const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

// ---------------------------------------------------------------- parsing

/// Deserializes the request; a member of the wrong JSON type is a
/// SerializationException, as AWS answers.
pub fn parse<T: DeserializeOwned>(input: Value) -> Result<T, CognitoError> {
    serde_json::from_value(input)
        .map_err(|e| CognitoError::Serialization(format!("Unable to deserialize the request: {e}")))
}

/// A required, non-empty string member (the value is never echoed).
pub fn req<'a>(value: &'a Option<String>, member: &str) -> Result<&'a str, CognitoError> {
    match value.as_deref() {
        None => Err(CognitoError::missing_member(member)),
        Some("") => Err(CognitoError::constraint(
            None,
            member,
            "Member must have length greater than or equal to 1",
        )),
        Some(v) => Ok(v),
    }
}

/// A required entry of `AuthParameters` / `ChallengeResponses`.
pub fn param<'a>(map: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, CognitoError> {
    match map.get(name).map(String::as_str) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(CognitoError::InvalidParameter(format!(
            "Missing required parameter {name}"
        ))),
    }
}

/// `AttributeType` as sent by callers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeIn {
    pub name: Option<String>,
    pub value: Option<String>,
}

/// `[{"Name","Value"}]` -> map, rejecting unnamed entries.
pub fn attributes_in(
    list: Option<Vec<AttributeIn>>,
) -> Result<BTreeMap<String, String>, CognitoError> {
    let mut out = BTreeMap::new();
    for a in list.unwrap_or_default() {
        let name = req(&a.name, "userAttributes.member.name")?.to_string();
        out.insert(name, a.value.unwrap_or_default());
    }
    Ok(out)
}

/// The attribute names and values a pool accepts. API Reference: SignUp —
/// InvalidParameterException "Attributes did not conform to the schema".
pub fn validate_attributes(
    pool: &Pool,
    attrs: &BTreeMap<String, String>,
) -> Result<(), CognitoError> {
    for (name, value) in attrs {
        let known = match name.strip_prefix("custom:") {
            Some(bare) => pool.custom_attributes.iter().any(|c| c == bare),
            None => STANDARD_ATTRIBUTES.contains(&name.as_str()),
        };
        if !known {
            return Err(CognitoError::InvalidParameter(format!(
                "Attributes did not conform to the schema: Type for attribute {{{name}}} could not be determined"
            )));
        }
        if value.chars().count() > 2048 {
            return Err(CognitoError::InvalidParameter(format!(
                "Attributes did not conform to the schema: {name}: String must be no longer than 2048 characters"
            )));
        }
        if name == "email" && !looks_like_email(value) {
            return Err(CognitoError::InvalidParameter(
                "Invalid email address format.".into(),
            ));
        }
        if (name == "email_verified" || name == "phone_number_verified")
            && value != "true"
            && value != "false"
        {
            return Err(CognitoError::InvalidParameter(format!(
                "Attributes did not conform to the schema: {name}: Value must be true or false"
            )));
        }
        if name == "phone_number"
            && !(value.starts_with('+')
                && value.len() > 4
                && value[1..].chars().all(|c| c.is_ascii_digit()))
        {
            return Err(CognitoError::InvalidParameter(
                "Invalid phone number format.".into(),
            ));
        }
    }
    Ok(())
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Sets (or, for an empty value, removes) `attrs` on `user`. Changing the
/// email marks it unverified unless `email_verified` is set in the same call.
pub fn apply_attributes(user: &mut User, attrs: BTreeMap<String, String>) {
    if let Some(email) = attrs.get("email")
        && user.email() != Some(email.as_str())
        && !attrs.contains_key("email_verified")
    {
        user.attributes
            .insert("email_verified".into(), "false".into());
    }
    for (k, v) in attrs {
        if v.is_empty() {
            user.attributes.remove(&k);
        } else {
            user.attributes.insert(k, v);
        }
    }
    user.modified_ms = now_ms();
}

/// Revokes every token family of a user issued up to now
/// (API Reference: GlobalSignOut / AdminUserGlobalSignOut).
pub fn sign_out_everywhere(state: &mut State, pool_id: &str, sub: &str) -> usize {
    let now = now_ms();
    let mut n = 0;
    for f in state.families.values_mut() {
        if f.pool_id == pool_id && f.sub == sub && f.issued_ms <= now && !f.revoked {
            f.revoked = true;
            n += 1;
        }
    }
    n
}

/// Developer Guide: "Attribute permissions and scopes" — an app client
/// writes only its WriteAttributes; anything else is refused whole, before
/// any change (NotAuthorizedException).
pub fn check_writable(
    client: &AppClient,
    attrs: &BTreeMap<String, String>,
) -> Result<(), CognitoError> {
    if attrs.keys().all(|name| client.can_write(name)) {
        return Ok(());
    }
    Err(CognitoError::NotAuthorized(
        "A client attempted to write unauthorized attribute".into(),
    ))
}

// ---------------------------------------------------------------- lookups

pub fn pool<'a>(state: &'a State, pool_id: &str) -> Result<&'a Pool, CognitoError> {
    state
        .pools
        .get(pool_id)
        .ok_or_else(|| CognitoError::pool_not_found(pool_id))
}

pub fn pool_mut<'a>(state: &'a mut State, pool_id: &str) -> Result<&'a mut Pool, CognitoError> {
    state
        .pools
        .get_mut(pool_id)
        .ok_or_else(|| CognitoError::pool_not_found(pool_id))
}

/// The app client and its pool id. API Reference: InitiateAuth —
/// ResourceNotFoundException for an unknown client.
pub fn client(state: &State, client_id: &str) -> Result<(String, AppClient), CognitoError> {
    let pool = state
        .pool_of_client(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?;
    let client = pool
        .clients
        .get(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?;
    Ok((pool.id.clone(), client.clone()))
}

/// A user of a pool by username (case-insensitive).
pub fn user_key(username: &str) -> String {
    username.to_lowercase()
}

/// Admin operations: UserNotFoundException "User does not exist.".
pub fn admin_user<'a>(
    state: &'a mut State,
    pool_id: &str,
    username: &str,
) -> Result<&'a mut User, CognitoError> {
    pool_mut(state, pool_id)?
        .users
        .get_mut(&user_key(username))
        .ok_or_else(CognitoError::user_does_not_exist)
}

// ---------------------------------------------------------------- secrets

/// base64(HMAC-SHA256(key = client secret, message = username + client id)).
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// API Reference: InitiateAuth — a client with a secret requires SECRET_HASH
/// on every flow; NotAuthorizedException otherwise.
pub fn check_secret_hash(
    client: &AppClient,
    username: &str,
    given: Option<&str>,
) -> Result<(), CognitoError> {
    let Some(secret) = client.secret.as_deref() else {
        return Ok(());
    };
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(CognitoError::NotAuthorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id
        )));
    };
    let expected = secret_hash(secret, username, &client.id);
    let ok: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes()).into();
    if ok {
        Ok(())
    } else {
        Err(CognitoError::NotAuthorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// GetTokensFromRefreshToken / RevokeToken carry the client secret itself.
pub fn client_secret_matches(client: &AppClient, given: Option<&str>) -> bool {
    match client.secret.as_deref() {
        None => true,
        Some(secret) => given
            .is_some_and(|g| subtle::ConstantTimeEq::ct_eq(secret.as_bytes(), g.as_bytes()).into()),
    }
}

// ---------------------------------------------------------------- access tokens

/// The user behind a verified, unrevoked access token.
#[derive(Debug)]
pub struct Caller {
    pub pool_id: String,
    pub user_key: String,
    pub claims: Value,
}

impl Caller {
    /// The app client the token was issued to.
    pub fn client_id(&self) -> &str {
        self.claims
            .get("client_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

/// API Reference: GetUser — the token must be signed by the pool, unexpired,
/// unrevoked (RevokeToken / GlobalSignOut: "Access Token has been revoked"),
/// and its user must exist and be enabled.
pub fn caller(ctx: &Ctx<'_>, state: &State, token: &str) -> Result<Caller, CognitoError> {
    let now = now_ms();
    let claims = tokens::verify_access_token(&ctx.shared.keys, token, now / 1000)?;
    let claim = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let iss = claim("iss");
    let pool_id = iss
        .strip_prefix(&format!("{}/", ctx.shared.base_url))
        .ok_or_else(CognitoError::invalid_access_token)?
        .to_string();
    let pool = state
        .pools
        .get(&pool_id)
        .ok_or_else(CognitoError::invalid_access_token)?;
    if !pool.clients.contains_key(&claim("client_id")) {
        return Err(CognitoError::invalid_access_token());
    }
    match state.families.get(&claim("origin_jti")) {
        Some(f) if !f.revoked => {}
        _ => {
            return Err(CognitoError::NotAuthorized(
                "Access Token has been revoked".into(),
            ));
        }
    }
    let key = user_key(&claim("username"));
    let user = pool
        .users
        .get(&key)
        .filter(|u| u.sub == claim("sub"))
        .ok_or_else(CognitoError::user_does_not_exist)?;
    if !user.enabled {
        return Err(CognitoError::user_disabled());
    }
    if user.status == super::state::UserStatus::ResetRequired {
        return Err(CognitoError::PasswordResetRequired(
            "Password reset required for the user".into(),
        ));
    }
    Ok(Caller {
        pool_id,
        user_key: key,
        claims,
    })
}

// ---------------------------------------------------------------- issuance

/// Mints access + id tokens (and a refresh token when `family` is None, i.e.
/// a new authentication) and returns `AuthenticationResult`.
pub fn issue_tokens(
    ctx: &Ctx<'_>,
    state: &mut State,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    family: Option<&str>,
) -> Result<AuthenticationResult, CognitoError> {
    let now = now_ms();
    let now_s = now / 1000;
    let pool = pool(state, pool_id)?;
    let client = pool
        .clients
        .get(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?
        .clone();
    let user = pool
        .users
        .get(user_key)
        .ok_or_else(CognitoError::user_does_not_exist)?
        .clone();
    let claim_mapping = pool.claim_mapping.clone();

    let (origin_jti, auth_time, new_refresh) = match family {
        Some(jti) => {
            let f = state
                .families
                .get(jti)
                .ok_or_else(CognitoError::invalid_refresh_token)?;
            (jti.to_string(), f.auth_time, None)
        }
        None => {
            let jti = super::ids::uuid();
            let expires_ms =
                now.saturating_add(client.refresh_validity.secs().saturating_mul(1000));
            state.families.insert(
                jti.clone(),
                Family {
                    pool_id: pool_id.to_string(),
                    client_id: client_id.to_string(),
                    sub: user.sub.clone(),
                    auth_time: now_s,
                    issued_ms: now,
                    expires_ms,
                    revoked: false,
                },
            );
            let refresh = tokens::new_refresh_token();
            state.refresh_tokens.insert(
                tokens::hash_token(&refresh),
                RefreshRecord {
                    origin_jti: jti.clone(),
                    pool_id: pool_id.to_string(),
                    client_id: client_id.to_string(),
                    sub: user.sub.clone(),
                    expires_ms,
                    rotated_at_ms: None,
                },
            );
            (jti, now_s, Some(refresh))
        }
    };

    let issuer = ctx.shared.issuer(pool_id);
    let event_id = super::ids::uuid();
    let access_exp = now_s.saturating_add(client.access_validity.secs());
    let id_exp = now_s.saturating_add(client.id_validity.secs());

    let mut access = Map::new();
    access.insert("sub".into(), json!(user.sub));
    if !user.groups.is_empty() {
        access.insert("cognito:groups".into(), json!(user.groups));
    }
    access.insert("iss".into(), json!(issuer));
    access.insert("client_id".into(), json!(client_id));
    access.insert("origin_jti".into(), json!(origin_jti));
    access.insert("event_id".into(), json!(event_id));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!("aws.cognito.signin.user.admin"));
    access.insert("auth_time".into(), json!(auth_time));
    access.insert("exp".into(), json!(access_exp));
    access.insert("iat".into(), json!(now_s));
    access.insert("jti".into(), json!(super::ids::uuid()));
    access.insert("username".into(), json!(user.username));
    access.insert("version".into(), json!(2));

    let mut id = Map::new();
    id.insert("sub".into(), json!(user.sub));
    if !user.groups.is_empty() {
        id.insert("cognito:groups".into(), json!(user.groups));
    }
    for (name, value) in user.attributes.iter().filter(|(k, _)| client.can_read(k)) {
        let v = match name.as_str() {
            // Cognito renders the *_verified attributes as JSON booleans.
            "email_verified" | "phone_number_verified" => json!(value == "true"),
            _ => json!(value),
        };
        id.insert(name.clone(), v);
    }
    id.insert("iss".into(), json!(issuer));
    id.insert("cognito:username".into(), json!(user.username));
    id.insert("origin_jti".into(), json!(origin_jti));
    id.insert("aud".into(), json!(client_id));
    id.insert("event_id".into(), json!(event_id));
    id.insert("token_use".into(), json!("id"));
    id.insert("auth_time".into(), json!(auth_time));
    id.insert("exp".into(), json!(id_exp));
    id.insert("iat".into(), json!(now_s));
    id.insert("jti".into(), json!(super::ids::uuid()));

    // Pre-token-generation V2 emulation: mapped attributes become claims in both.
    for (attr, claim) in &claim_mapping {
        if let Some(value) = user.attributes.get(attr) {
            access.insert(claim.clone(), json!(value));
            id.insert(claim.clone(), json!(value));
        }
    }

    Ok(AuthenticationResult {
        access_token: ctx.shared.keys.access.sign(&Value::Object(access))?,
        expires_in: client.access_validity.secs(),
        token_type: "Bearer",
        id_token: ctx.shared.keys.id.sign(&Value::Object(id))?,
        refresh_token: new_refresh,
    })
}

/// Opens a challenge session and returns its id.
pub fn open_session(
    ctx: &Ctx<'_>,
    state: &mut State,
    pool_id: &str,
    client_id: &str,
    user: &User,
    challenge: Challenge,
) -> String {
    let id = super::ids::session();
    let ttl = ctx.shared.limits().session_ttl;
    state.sessions.insert(
        id.clone(),
        Session {
            pool_id: pool_id.to_string(),
            client_id: client_id.to_string(),
            user_key: user_key(&user.username),
            sub: user.sub.clone(),
            challenge,
            expires_ms: now_ms().saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)),
            setup_secret: None,
            setup_verified: false,
        },
    );
    id
}

/// Takes a live session out of the state (sessions are single use).
/// API Reference: RespondToAuthChallenge — "Invalid session for the user,
/// session is expired." for an unknown, used or expired session.
pub fn take_session(state: &mut State, session: &str) -> Result<Session, CognitoError> {
    let s = state
        .sessions
        .remove(session)
        .ok_or_else(CognitoError::invalid_session)?;
    if s.expires_ms <= now_ms() {
        return Err(CognitoError::invalid_session());
    }
    Ok(s)
}

/// After the password (and any new password) is settled: either the MFA
/// challenge the pool and user call for, or tokens.
pub fn finish_sign_in(
    ctx: &Ctx<'_>,
    state: &mut State,
    pool_id: &str,
    client_id: &str,
    key: &str,
) -> Result<AuthOut, CognitoError> {
    let pool = pool(state, pool_id)?;
    let user = pool
        .users
        .get(key)
        .ok_or_else(CognitoError::user_does_not_exist)?
        .clone();
    let has_totp = user.totp_secret.is_some();
    let challenge = match pool.mfa {
        MfaMode::Off => None,
        MfaMode::On if has_totp => Some(Challenge::SoftwareTokenMfa),
        MfaMode::On => Some(Challenge::MfaSetup),
        MfaMode::Optional if has_totp && user.totp_enabled => Some(Challenge::SoftwareTokenMfa),
        MfaMode::Optional => None,
    };
    let Some(c) = challenge else {
        tracing::info!(pool = %pool_id, username = %user.username, "local cognito: signed in");
        return issue_tokens(ctx, state, pool_id, client_id, key, None).map(AuthOut::tokens);
    };
    let session = open_session(ctx, state, pool_id, client_id, &user, c);
    let mut params = BTreeMap::from([("USER_ID_FOR_SRP", user.username.clone())]);
    match c {
        Challenge::SoftwareTokenMfa => {
            params.insert("FRIENDLY_DEVICE_NAME", "TOTP device".to_owned());
        }
        Challenge::MfaSetup => {
            params.insert("MFAS_CAN_SETUP", r#"["SOFTWARE_TOKEN_MFA"]"#.to_owned());
        }
        Challenge::NewPasswordRequired => params.clear(),
    }
    Ok(AuthOut::challenge(c.wire(), session, params))
}

/// "Sends" a code: the inbox, and the log (the only place a code is logged).
pub fn deliver(
    state: &mut State,
    pool_id: &str,
    user: &User,
    kind: &str,
    code: &str,
) -> CodeDeliveryDetails {
    let email = user.email().unwrap_or_default().to_string();
    let destination = super::codes::mask_email(&email);
    tracing::info!(
        pool = %pool_id,
        username = %user.username,
        kind,
        code,
        destination = %destination,
        "local cognito: code sent"
    );
    state.inbox.push(InboxEntry {
        pool_id: pool_id.to_string(),
        username: user.username.clone(),
        kind: kind.to_string(),
        code: code.to_string(),
        destination: email.clone(),
        sent_at_ms: now_ms(),
    });
    CodeDeliveryDetails::email(destination)
}
