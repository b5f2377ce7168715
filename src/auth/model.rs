//! What the Cognito flows produce, in the domain's words. Types that hold a
//! token, a password or a challenge session redact it in `Debug`.

use std::collections::BTreeMap;
use std::fmt;

/// The longest access token the service handles. Cognito access tokens are 1-2 KB (a few
/// more with many groups); anything far longer is refused unparsed, so a
/// client cannot make the service base64-decode and parse megabytes.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Tokens issued by a successful authentication or refresh.
#[derive(Clone)]
pub struct TokenSet {
    pub access_token: String,
    pub id_token: Option<String>,
    /// Absent on a plain refresh; present at sign-in and on rotation.
    pub refresh_token: Option<String>,
    /// The access token's lifetime in seconds.
    pub expires_in: u64,
    /// What the access token says about its sign-in, read by the adapter
    /// from the token the provider just issued (nothing is authorised from
    /// it: `/api` verifies every token).
    pub issued: Issued,
}

/// The access token's `username`, `sub` and `origin_jti`, as issued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issued {
    /// The provider's username (not an alias): SECRET_HASH on refresh needs it.
    pub username: Option<String>,
    pub sub: Option<String>,
    /// Shared by every token of one sign-in: what sign-out revokes.
    pub origin_jti: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[REDACTED]")
            .field("id_token", &self.id_token.as_ref().map(|_| "[REDACTED]"))
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("expires_in", &self.expires_in)
            .field("issued", &self.issued)
            .finish()
    }
}

/// A further step Cognito asks for before it issues tokens.
#[derive(Clone)]
pub struct Challenge {
    /// Cognito's challenge name, e.g. `NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`.
    pub name: String,
    /// The opaque challenge session, passed back with the answer.
    pub session: String,
    /// Cognito's challenge parameters (no secrets: attribute names, MFA options).
    pub parameters: BTreeMap<String, String>,
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("session", &"[REDACTED]")
            .field("parameters", &self.parameters.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The result of a sign-in step.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    SignedIn(TokenSet),
    Challenge(Challenge),
}

/// Where Cognito sent a code, as Cognito reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CodeDelivery {
    pub destination: Option<String>,
    pub medium: Option<String>,
    pub attribute: Option<String>,
}

/// The result of a sign-up.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignUpResult {
    pub user_confirmed: bool,
    pub user_sub: String,
    pub code_delivery: Option<CodeDelivery>,
}

/// A TOTP secret being set up (MFA_SETUP).
#[derive(Clone)]
pub struct TotpSetup {
    pub secret_code: String,
    pub session: Option<String>,
}

impl fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSetup([REDACTED])")
    }
}
