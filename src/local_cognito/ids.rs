//! Random identifiers shaped like Cognito's: pool ids, app client ids and
//! secrets, opaque sessions. Kept in one place so every shape is consistent.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use rand::RngCore as _;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn from_charset(charset: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(charset[rng.random_range(0..charset.len())]))
        .collect()
}

/// `us-east-1_AbCdEfGh1`: region, underscore, 9 alphanumerics.
pub fn pool_id(region: &str) -> String {
    format!("{region}_{}", from_charset(ALNUM, 9))
}

/// App client ids are 26 lowercase alphanumerics.
pub fn client_id() -> String {
    from_charset(LOWER_ALNUM, 26)
}

/// App client secrets are 51 lowercase alphanumerics.
pub fn client_secret() -> String {
    from_charset(LOWER_ALNUM, 51)
}

/// `n` random bytes, base64url without padding.
pub fn random_b64(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Opaque challenge session (Cognito's are ~900 chars of base64).
pub fn session() -> String {
    random_b64(480)
}

/// A v4 UUID string (sub, jti, event_id, origin_jti).
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Fixed-length decimal code, e.g. "042917".
pub fn digits(len: usize) -> String {
    from_charset(b"0123456789", len)
}

/// A temporary password that satisfies the default policy.
pub fn temporary_password() -> String {
    let mut rng = rand::rng();
    let mut s = from_charset(ALNUM, 10);
    s.push(char::from(b'A' + rng.random_range(0..26u8)));
    s.push(char::from(b'a' + rng.random_range(0..26u8)));
    s.push(char::from(b'0' + rng.random_range(0..10u8)));
    s.push('!');
    s
}
