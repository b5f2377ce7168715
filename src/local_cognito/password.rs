//! Password policy (Cognito's default: 8+ characters with upper, lower, digit
//! and symbol) and salted PBKDF2 password hashes; passwords are never stored
//! or logged in clear.

use aws_lc_rs::pbkdf2;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;

use super::error::CognitoError;

/// The symbols Cognito counts as "special characters" (Cognito Developer
/// Guide: "Password requirements").
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// A user pool's password policy (`PasswordPolicyType`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

impl PasswordPolicy {
    /// API Reference: SignUp — InvalidPasswordException, with Cognito's reason
    /// ("Password did not conform with policy: Password not long enough", ...).
    pub fn check(&self, password: &str) -> Result<(), CognitoError> {
        // Cognito's PasswordType pattern `^[\S]+.*[\S]+$` rejects leading or
        // trailing whitespace with a validation error, not a policy error.
        if password.is_empty() || password.len() > 256 {
            return Err(CognitoError::InvalidParameter(
                "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256 and greater than or equal to 1".into(),
            ));
        }
        if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
            return Err(CognitoError::InvalidParameter(
                "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$".into(),
            ));
        }
        let reason = |r: &str| {
            Err(CognitoError::InvalidPassword(format!(
                "Password did not conform with policy: {r}"
            )))
        };
        if (password.chars().count() as u32) < self.minimum_length {
            return reason("Password not long enough");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            return reason("Password must have lowercase characters");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            return reason("Password must have uppercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return reason("Password must have numeric characters");
        }
        if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            return reason("Password must have symbol characters");
        }
        Ok(())
    }
}

const ITERATIONS: u32 = 10_000;

/// `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl PasswordHash {
    pub fn new(password: &str) -> Self {
        let salt = super::ids::random_b64(16);
        let hash = derive(ITERATIONS, salt.as_bytes(), password);
        Self(format!(
            "pbkdf2-sha256${ITERATIONS}${salt}${}",
            STANDARD.encode(hash)
        ))
    }

    /// Constant-time check; a malformed stored hash never verifies.
    pub fn verify(&self, password: &str) -> bool {
        let mut parts = self.0.split('$');
        let (Some("pbkdf2-sha256"), Some(iter), Some(salt), Some(hash), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        let (Ok(iter), Ok(expected)) = (iter.parse::<u32>(), STANDARD.decode(hash)) else {
            return false;
        };
        let Some(iter) = NonZeroU32::new(iter) else {
            return false;
        };
        pbkdf2::verify(
            pbkdf2::PBKDF2_HMAC_SHA256,
            iter,
            salt.as_bytes(),
            password.as_bytes(),
            &expected,
        )
        .is_ok()
    }
}

fn derive(iterations: u32, salt: &[u8], password: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let iterations = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt,
        password.as_bytes(),
        &mut out,
    );
    out
}
