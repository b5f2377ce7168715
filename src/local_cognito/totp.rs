//! Software-token MFA: RFC 6238 TOTP (SHA-1, 6 digits, 30 s steps, +-1 step),
//! the algorithm authenticator apps implement and Cognito verifies.

use totp_rs::{Builder, Secret};

/// A fresh shared secret, base32 as Cognito's `SecretCode` (32 random bytes).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    Secret::from(bytes).to_base32()
}

/// Whether `code` is valid now for the base32 `secret` (one step of skew).
pub fn verify(secret: &str, code: &str) -> bool {
    let Ok(secret) = Secret::try_from_base32(secret) else {
        return false;
    };
    let Ok(totp) = Builder::new()
        .with_secret(secret)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .build()
    else {
        return false;
    };
    totp.check_current(code).is_some()
}
