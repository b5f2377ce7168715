//! One-time confirmation and password-reset codes, and the local inbox where
//! "sent" messages land (Cognito would email or text them).
//!
//! Codes are 6 digits, single use, expire after the configured TTL, and a
//! newer code of the same purpose replaces the older one.

use serde::{Deserialize, Serialize};

use super::error::CognitoError;

/// A code waiting to be confirmed.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingCode {
    pub code: String,
    pub expires_ms: u64,
}

impl std::fmt::Debug for PendingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingCode")
            .field("code", &"<redacted>")
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

impl PendingCode {
    pub fn new(now_ms: u64, ttl_ms: u64) -> Self {
        Self {
            code: super::ids::digits(6),
            expires_ms: now_ms.saturating_add(ttl_ms),
        }
    }
}

/// API Reference: ConfirmSignUp / ConfirmForgotPassword — a wrong code is
/// CodeMismatchException, an expired (or already used) one ExpiredCodeException.
/// The caller removes the code on success (single use).
pub fn check(pending: Option<&PendingCode>, given: &str, now_ms: u64) -> Result<(), CognitoError> {
    let Some(pending) = pending else {
        return Err(expired());
    };
    let matches: bool =
        subtle::ConstantTimeEq::ct_eq(pending.code.as_bytes(), given.as_bytes()).into();
    if !matches {
        return Err(mismatch());
    }
    if now_ms > pending.expires_ms {
        return Err(expired());
    }
    Ok(())
}

pub fn mismatch() -> CognitoError {
    CognitoError::CodeMismatch("Invalid verification code provided, please try again.".into())
}

pub fn expired() -> CognitoError {
    CognitoError::ExpiredCode("Invalid code provided, please request a code again.".into())
}

/// One message "sent" to a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxEntry {
    pub pool_id: String,
    pub username: String,
    pub kind: String,
    pub code: String,
    pub destination: String,
    pub sent_at_ms: u64,
}

/// An entry as `GET /_local/inbox` shows it.
#[derive(Debug, Serialize)]
pub struct InboxMessage<'a> {
    pub username: &'a str,
    pub kind: &'a str,
    pub code: &'a str,
    pub destination: &'a str,
    pub sent_at: String,
}

impl InboxEntry {
    pub fn message(&self) -> InboxMessage<'_> {
        InboxMessage {
            username: &self.username,
            kind: &self.kind,
            code: &self.code,
            destination: &self.destination,
            sent_at: rfc3339(self.sent_at_ms),
        }
    }
}

fn rfc3339(ms: u64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Cognito's masked destination: `d***@e***` for email, `+*******1234` for phones.
pub fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}
