//! What the service keeps between requests, inside encrypted cookies.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The refresh cookie's content: the refresh token and the Cognito username
/// it belongs to (SECRET_HASH on refresh needs the username, not an alias).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshSession {
    #[serde(rename = "u")]
    pub username: String,
    #[serde(rename = "t")]
    pub refresh_token: String,
    /// The `origin_jti` of the sign-in (absent in cookies sealed before it
    /// was recorded): what sign-out revokes for the guard.
    #[serde(rename = "j", default, skip_serializing_if = "Option::is_none")]
    pub origin_jti: Option<String>,
}

impl fmt::Debug for RefreshSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshSession")
            .field("username", &self.username)
            .field("refresh_token", &"[REDACTED]")
            .field("origin_jti", &self.origin_jti)
            .finish()
    }
}
