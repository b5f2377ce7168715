//! The emulator's whole state: pools with their app clients and users, token
//! families and refresh tokens, challenge sessions and the inbox. It lives in
//! memory behind one `std::sync::Mutex` (never held across `.await`) and is
//! what `persist` writes to the data dir.

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::codes::{InboxEntry, PendingCode};
use super::flows::ExplicitAuthFlow;
use super::password::{PasswordHash, PasswordPolicy};

thread_local! {
    /// The instance's clock skew while one of its operations runs (operations
    /// are synchronous, so they never leave the thread that set it).
    static CLOCK_OFFSET_MS: Cell<i64> = const { Cell::new(0) };
}

/// Milliseconds since the Unix epoch, as the running operation sees them.
pub fn now_ms() -> u64 {
    let real = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    real.saturating_add_signed(CLOCK_OFFSET_MS.with(Cell::get))
}

/// Runs `f` with the clock shifted by `offset_ms`.
pub fn with_clock_offset<R>(offset_ms: i64, f: impl FnOnce() -> R) -> R {
    struct Restore(i64);
    impl Drop for Restore {
        fn drop(&mut self) {
            CLOCK_OFFSET_MS.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CLOCK_OFFSET_MS.with(|c| c.replace(offset_ms)));
    f()
}

/// Epoch seconds with millisecond precision, the JSON 1.1 timestamp form.
pub fn epoch_secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// Pool-level MFA setting (`MfaConfiguration`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum MfaMode {
    #[default]
    Off,
    Optional,
    On,
}

impl MfaMode {
    pub fn wire(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Optional => "OPTIONAL",
            Self::On => "ON",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "OFF" => Some(Self::Off),
            "OPTIONAL" => Some(Self::Optional),
            "ON" => Some(Self::On),
            _ => None,
        }
    }
}

/// `UserStatusType`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum UserStatus {
    #[serde(rename = "UNCONFIRMED")]
    Unconfirmed,
    #[serde(rename = "CONFIRMED")]
    Confirmed,
    #[serde(rename = "FORCE_CHANGE_PASSWORD")]
    ForceChangePassword,
    #[serde(rename = "RESET_REQUIRED")]
    ResetRequired,
}

impl UserStatus {
    pub fn wire(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }
}

impl Pool {
    /// An empty pool with CreateUserPool's defaults (MFA off, the default
    /// password policy, no custom attributes): the one constructor of the
    /// API and the seed.
    pub fn new(id: &str, name: &str, now_ms: u64) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            created_ms: now_ms,
            modified_ms: now_ms,
            mfa: MfaMode::Off,
            software_token_mfa: false,
            password_policy: PasswordPolicy::default(),
            custom_attributes: Vec::new(),
            required_attributes: Vec::new(),
            claim_mapping: BTreeMap::new(),
            clients: BTreeMap::new(),
            users: BTreeMap::new(),
            domain: None,
        }
    }
}

/// A user pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pool {
    pub id: String,
    pub name: String,
    pub created_ms: u64,
    pub modified_ms: u64,
    pub mfa: MfaMode,
    /// `SoftwareTokenMfaConfiguration.Enabled`.
    pub software_token_mfa: bool,
    pub password_policy: PasswordPolicy,
    /// Custom attribute names without the `custom:` prefix.
    pub custom_attributes: Vec<String>,
    /// Standard attributes marked `Required` in the schema.
    pub required_attributes: Vec<String>,
    /// Pre-token-generation emulation: user attribute -> extra claim.
    pub claim_mapping: BTreeMap<String, String>,
    pub clients: BTreeMap<String, AppClient>,
    /// Keyed by lowercase username (usernames are case-insensitive, as in
    /// pools created with `UsernameConfiguration.CaseSensitive = false`).
    pub users: BTreeMap<String, User>,
    pub domain: Option<String>,
}

/// The unit of a token validity (`TimeUnitsType`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    pub fn secs(self, value: u64) -> u64 {
        value.saturating_mul(match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3600,
            Self::Days => 86_400,
        })
    }

    pub fn wire(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "seconds" => Some(Self::Seconds),
            "minutes" => Some(Self::Minutes),
            "hours" => Some(Self::Hours),
            "days" => Some(Self::Days),
            _ => None,
        }
    }
}

/// A token validity: the number and its unit, as the client reports them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Validity {
    pub value: u64,
    pub unit: TimeUnit,
}

impl Validity {
    pub fn secs(self) -> u64 {
        self.unit.secs(self.value)
    }
}

/// An app client.
#[derive(Clone, Serialize, Deserialize)]
pub struct AppClient {
    pub id: String,
    pub name: String,
    pub secret: Option<String>,
    pub explicit_auth_flows: Vec<ExplicitAuthFlow>,
    pub access_validity: Validity,
    pub id_validity: Validity,
    pub refresh_validity: Validity,
    pub enable_token_revocation: bool,
    pub prevent_user_existence_errors: bool,
    pub refresh_token_rotation: bool,
    pub retry_grace_period_secs: u64,
    /// `ReadAttributes`: what the client may read (GetUser, the id token);
    /// empty means every attribute, as in Cognito.
    #[serde(default)]
    pub read_attributes: Vec<String>,
    /// `WriteAttributes`: what the client may write (SignUp,
    /// UpdateUserAttributes, a NEW_PASSWORD_REQUIRED answer); empty means
    /// every attribute, as in Cognito.
    #[serde(default)]
    pub write_attributes: Vec<String>,
    pub created_ms: u64,
    pub modified_ms: u64,
}

impl std::fmt::Debug for AppClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppClient")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("explicit_auth_flows", &self.explicit_auth_flows)
            .field("read_attributes", &self.read_attributes)
            .field("write_attributes", &self.write_attributes)
            .finish_non_exhaustive()
    }
}

impl AppClient {
    /// A client with CreateUserPoolClient's defaults (API Reference):
    /// refresh + custom + SRP flows, 60-minute access and id tokens, 30-day
    /// refresh tokens, revocation on, user existence errors LEGACY, no
    /// rotation, every attribute readable and writable. The one constructor
    /// of the API and the seed.
    pub fn new(id: &str, name: &str, secret: Option<String>, now_ms: u64) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            secret,
            explicit_auth_flows: ExplicitAuthFlow::DEFAULT.to_vec(),
            access_validity: Validity {
                value: 1,
                unit: TimeUnit::Hours,
            },
            id_validity: Validity {
                value: 1,
                unit: TimeUnit::Hours,
            },
            refresh_validity: Validity {
                value: 30,
                unit: TimeUnit::Days,
            },
            enable_token_revocation: true,
            prevent_user_existence_errors: false,
            refresh_token_rotation: false,
            retry_grace_period_secs: 0,
            read_attributes: Vec::new(),
            write_attributes: Vec::new(),
            created_ms: now_ms,
            modified_ms: now_ms,
        }
    }

    /// Whether the client may read attribute `name` (`sub` always).
    pub fn can_read(&self, name: &str) -> bool {
        name == "sub"
            || self.read_attributes.is_empty()
            || self.read_attributes.iter().any(|a| a == name)
    }

    /// Whether the client may write attribute `name`.
    pub fn can_write(&self, name: &str) -> bool {
        self.write_attributes.is_empty() || self.write_attributes.iter().any(|a| a == name)
    }

    /// Whether `flow` is enabled (legacy names count as their `ALLOW_` values).
    pub fn allows(&self, flow: ExplicitAuthFlow) -> bool {
        super::flows::allows(&self.explicit_auth_flows, flow)
    }
}

/// A user of a pool.
#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    pub sub: String,
    /// Every attribute except `sub`.
    pub attributes: BTreeMap<String, String>,
    pub password: PasswordHash,
    pub status: UserStatus,
    pub enabled: bool,
    pub created_ms: u64,
    pub modified_ms: u64,
    pub groups: Vec<String>,
    /// Set for FORCE_CHANGE_PASSWORD users created by an administrator.
    pub temporary_password_expires_ms: Option<u64>,
    /// A verified software token (base32 secret).
    pub totp_secret: Option<String>,
    /// A secret from AssociateSoftwareToken(AccessToken) awaiting verification.
    pub totp_pending: Option<String>,
    pub totp_enabled: bool,
    pub totp_preferred: bool,
    pub failed_attempts: u32,
    pub locked_until_ms: Option<u64>,
    pub signup_code: Option<PendingCode>,
    pub reset_code: Option<PendingCode>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .field("sub", &self.sub)
            .field("status", &self.status)
            .field("enabled", &self.enabled)
            .field("totp", &self.totp_secret.is_some())
            .finish_non_exhaustive()
    }
}

impl User {
    /// A new, enabled user with a fresh `sub` and nothing else set: the one
    /// constructor of the seed, AdminCreateUser and SignUp.
    pub fn new(
        username: &str,
        password: &str,
        status: UserStatus,
        attributes: BTreeMap<String, String>,
        now_ms: u64,
    ) -> Self {
        Self {
            username: username.to_owned(),
            sub: super::ids::uuid(),
            attributes,
            password: PasswordHash::new(password),
            status,
            enabled: true,
            created_ms: now_ms,
            modified_ms: now_ms,
            groups: Vec::new(),
            temporary_password_expires_ms: None,
            totp_secret: None,
            totp_pending: None,
            totp_enabled: false,
            totp_preferred: false,
            failed_attempts: 0,
            locked_until_ms: None,
            signup_code: None,
            reset_code: None,
        }
    }

    pub fn email(&self) -> Option<&str> {
        self.attributes.get("email").map(String::as_str)
    }

    pub fn email_verified(&self) -> bool {
        self.attributes.get("email_verified").map(String::as_str) == Some("true")
    }
}

/// All the tokens of one authentication (one `origin_jti`): its refresh
/// tokens and every access/id token minted from them. Revoking the family
/// revokes them all (API Reference: RevokeToken).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Family {
    pub pool_id: String,
    pub client_id: String,
    pub sub: String,
    pub auth_time: u64,
    pub issued_ms: u64,
    pub expires_ms: u64,
    pub revoked: bool,
}

/// A refresh token, stored by the SHA-256 of its value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub origin_jti: String,
    pub pool_id: String,
    pub client_id: String,
    pub sub: String,
    pub expires_ms: u64,
    /// When rotation replaced it; it keeps working for the grace period.
    pub rotated_at_ms: Option<u64>,
}

/// The challenge a session is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Challenge {
    NewPasswordRequired,
    SoftwareTokenMfa,
    MfaSetup,
}

impl Challenge {
    pub fn wire(self) -> &'static str {
        match self {
            Self::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
            Self::MfaSetup => "MFA_SETUP",
        }
    }
}

/// A challenge session (opaque to the caller, single use).
#[derive(Clone)]
pub struct Session {
    pub pool_id: String,
    pub client_id: String,
    pub user_key: String,
    pub sub: String,
    pub challenge: Challenge,
    pub expires_ms: u64,
    /// MFA_SETUP: the secret handed out by AssociateSoftwareToken.
    pub setup_secret: Option<String>,
    /// MFA_SETUP: VerifySoftwareToken succeeded.
    pub setup_verified: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("pool_id", &self.pool_id)
            .field("challenge", &self.challenge)
            .field("expires_ms", &self.expires_ms)
            .finish_non_exhaustive()
    }
}

/// Tunables; tests shorten them through `LocalCognito`.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Cognito locks sign-in after 5 consecutive failed password attempts
    /// (Developer Guide: "User sign-in lockout": after five failures the
    /// lockout starts at 1 s and doubles up to ~15 min). We use a fixed window.
    pub lockout_threshold: u32,
    pub lockout_window: Duration,
    /// Challenge sessions expire after 3 minutes (the app client's
    /// AuthSessionValidity default).
    pub session_ttl: Duration,
    pub code_ttl: Duration,
    /// Test knob: shifts the emulator's clock (negative = the past).
    pub clock_offset_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            lockout_threshold: 5,
            lockout_window: Duration::from_secs(15 * 60),
            session_ttl: Duration::from_secs(180),
            code_ttl: Duration::from_secs(3600),
            clock_offset_ms: 0,
        }
    }
}

/// Everything that persists across restarts (plus the transient parts).
#[derive(Default, Serialize, Deserialize)]
pub struct State {
    pub pools: BTreeMap<String, Pool>,
    pub families: HashMap<String, Family>,
    pub refresh_tokens: HashMap<String, RefreshRecord>,
    pub inbox: Vec<InboxEntry>,
    #[serde(skip)]
    pub sessions: HashMap<String, Session>,
    /// Bumped on each snapshot, so an older snapshot never overwrites a newer one.
    #[serde(skip)]
    pub generation: u64,
}

/// Counts only: the state holds codes, TOTP secrets and session ids.
impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("pools", &self.pools.len())
            .field("families", &self.families.len())
            .field("refresh_tokens", &self.refresh_tokens.len())
            .field("sessions", &self.sessions.len())
            .field("inbox", &self.inbox.len())
            .finish()
    }
}

impl State {
    /// Finds the pool owning an app client.
    pub fn pool_of_client(&self, client_id: &str) -> Option<&Pool> {
        self.pools
            .values()
            .find(|p| p.clients.contains_key(client_id))
    }

    /// Drops expired sessions, families and refresh tokens.
    pub fn prune(&mut self, now: u64) {
        self.sessions.retain(|_, s| s.expires_ms > now);
        self.families.retain(|_, f| f.expires_ms > now);
        let families = &self.families;
        self.refresh_tokens
            .retain(|_, r| r.expires_ms > now && families.contains_key(&r.origin_jti));
        const INBOX_MAX: usize = 1000;
        if self.inbox.len() > INBOX_MAX {
            let excess = self.inbox.len() - INBOX_MAX;
            self.inbox.drain(..excess);
        }
    }
}
