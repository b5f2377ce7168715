//! Checks on request fields before they reach Cognito: presence, length and
//! no control characters (which could forge log lines or headers downstream).
//! Messages name the field, never its value.

use crate::auth::AuthError;

/// Limits, generous enough for any real value.
pub(super) const USERNAME_MAX: usize = 128;
pub(super) const PASSWORD_MAX: usize = 256;
pub(super) const CODE_MAX: usize = 64;
pub(super) const SESSION_MAX: usize = 8192;
pub(super) const ATTRIBUTE_MAX: usize = 2048;

/// `value` must be 1..=`max` characters with no control characters.
pub(super) fn text<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str, AuthError> {
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(AuthError::InvalidRequest(format!(
            "`{field}` must be 1 to {max} characters, without control characters."
        )));
    }
    Ok(value)
}

/// A username: as [`text`], and without surrounding spaces.
pub(super) fn username(value: &str) -> Result<&str, AuthError> {
    let value = text("username", value, USERNAME_MAX)?;
    if value.trim() != value {
        return Err(AuthError::InvalidRequest(
            "`username` must not start or end with spaces.".into(),
        ));
    }
    Ok(value)
}

pub(super) fn password<'a>(field: &str, value: &'a str) -> Result<&'a str, AuthError> {
    text(field, value, PASSWORD_MAX)
}

pub(super) fn code(value: &str) -> Result<&str, AuthError> {
    text("code", value, CODE_MAX)
}

pub(super) fn session(value: &str) -> Result<&str, AuthError> {
    text("session", value, SESSION_MAX)
}
