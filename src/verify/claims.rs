//! The claims of a Cognito access token, as the verifier reads them.
//!
//! Typed fields make the shape part of verification: a token whose `iss`,
//! `client_id` or `username` is missing or not a string fails to
//! deserialise and is refused, instead of being half-read.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The claims of an access token (Cognito puts `sub, iss, client_id,
/// origin_jti, event_id, token_use, scope, auth_time, exp, iat, jti,
/// username, cognito:groups` in it, plus any pre-token-generation claims).
#[derive(Debug, Deserialize)]
pub(crate) struct AccessClaims {
    pub sub: String,
    /// A single string: an array `iss` (allowed by RFC 7519) is refused, so
    /// the issuer check is an exact match of one value.
    pub iss: String,
    pub token_use: String,
    pub client_id: String,
    pub username: String,
    pub exp: u64,
    #[serde(default)]
    pub iat: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub origin_jti: Option<String>,
    #[serde(default)]
    pub jti: Option<String>,
    /// Every other claim, where a configured tenant claim (`org_id`,
    /// `custom:org_id` ...) is looked up.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl AccessClaims {
    /// The value of claim `name` when it is a string. Looks at the typed
    /// fields too, in case the tenant claim was configured as one of them.
    pub fn string_claim(&self, name: &str) -> Option<&str> {
        match name {
            "sub" => Some(&self.sub),
            "username" => Some(&self.username),
            "client_id" => Some(&self.client_id),
            "iss" => Some(&self.iss),
            "token_use" => Some(&self.token_use),
            "scope" => self.scope.as_deref(),
            "origin_jti" => self.origin_jti.as_deref(),
            _ => self.other.get(name).and_then(Value::as_str),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(extra: Value) -> Result<AccessClaims, serde_json::Error> {
        let mut base = serde_json::json!({
            "sub": "s", "iss": "https://issuer", "token_use": "access",
            "client_id": "c", "username": "u", "exp": 10
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        serde_json::from_value(base)
    }

    #[test]
    fn a_tenant_claim_is_read_by_its_configured_name_and_only_as_a_string() {
        let c = claims(serde_json::json!({"org_id": "org-a", "custom:org_id": 7})).expect("claims");
        assert_eq!(c.string_claim("org_id"), Some("org-a"));
        assert_eq!(c.string_claim("custom:org_id"), None);
        assert_eq!(c.string_claim("absent"), None);
        assert_eq!(c.string_claim("username"), Some("u"));
    }

    #[test]
    fn an_array_issuer_or_a_missing_username_does_not_deserialise() {
        assert!(claims(serde_json::json!({"iss": ["https://issuer"]})).is_err());
        let mut v = serde_json::json!({"sub": "s", "iss": "i", "token_use": "access", "client_id": "c", "exp": 1});
        assert!(serde_json::from_value::<AccessClaims>(v.take()).is_err());
    }

    #[test]
    fn groups_and_scope_default_to_empty() {
        let c = claims(serde_json::json!({})).expect("claims");
        assert!(c.groups.is_empty());
        assert!(c.scope.is_none());
    }
}
