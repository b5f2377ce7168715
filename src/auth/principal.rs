//! The verified caller of a protected route: who they are, which tenant they
//! act for, and what they may do. Built only by the token verifier from a
//! verified access token (its constructor is crate-private), so a handler
//! that holds one can trust every field.
//!
//! The guard hands one to every `/api` request, so it is cheap to build and
//! to clone: what the token says is shared (an `Arc`) by every request that
//! presents the same token, and only the tenant is per request.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::AuthError;

/// What a verified access token says about its holder, independent of the
/// request (the tenant may depend on the session: it is not in here).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub sub: String,
    pub username: String,
    pub groups: Vec<String>,
    pub scopes: Vec<String>,
    pub client_id: String,
    pub exp: u64,
}

/// The caller behind a verified access token, as handlers receive it.
///
/// Serialised as the contract's principal:
/// `{"sub","username","org_id","groups","scopes","client_id","exp"}`.
/// Cloning it copies two pointers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    identity: Arc<Identity>,
    org_id: Option<Arc<str>>,
}

impl Principal {
    pub(crate) fn new(identity: Arc<Identity>, org_id: Option<Arc<str>>) -> Self {
        Self { identity, org_id }
    }

    /// The user's stable id (the token's `sub`).
    pub fn sub(&self) -> &str {
        &self.identity.sub
    }

    /// The Cognito username (`username` claim).
    pub fn username(&self) -> &str {
        &self.identity.username
    }

    /// The tenant the caller acts for; `None` for a user without one (a
    /// self-service sign-up no administrator has placed yet). Never empty
    /// when present. Routes that need a tenant take the `Tenant` extractor
    /// (or call [`Principal::tenant`]) and scope every query by it.
    pub fn org_id(&self) -> Option<&str> {
        self.org_id.as_deref()
    }

    /// The tenant, or `MissingOrg` (403 `missing_org`) for a caller without one.
    pub fn tenant(&self) -> Result<&Arc<str>, AuthError> {
        self.org_id.as_ref().ok_or(AuthError::MissingOrg)
    }

    /// `cognito:groups`; empty when absent.
    pub fn groups(&self) -> &[String] {
        &self.identity.groups
    }

    /// The `scope` claim split on whitespace; empty when absent.
    pub fn scopes(&self) -> &[String] {
        &self.identity.scopes
    }

    /// The app client the token was issued to (always the configured one).
    pub fn client_id(&self) -> &str {
        &self.identity.client_id
    }

    /// Expiry of the access token, seconds since the Unix epoch.
    pub fn exp(&self) -> u64 {
        self.identity.exp
    }

    /// True when the caller is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups().iter().any(|g| g == group)
    }

    /// True when the token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().iter().any(|s| s == scope)
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Principal", 7)?;
        s.serialize_field("sub", self.sub())?;
        s.serialize_field("username", self.username())?;
        s.serialize_field("org_id", &self.org_id())?;
        s.serialize_field("groups", self.groups())?;
        s.serialize_field("scopes", self.scopes())?;
        s.serialize_field("client_id", self.client_id())?;
        s.serialize_field("exp", &self.exp())?;
        s.end()
    }
}

/// Splits an OAuth `scope` claim (space-separated) into its scopes.
pub fn split_scopes(scope: Option<&str>) -> Vec<String> {
    scope
        .map(|s| s.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_split_on_any_whitespace_and_empty_when_absent() {
        assert_eq!(
            split_scopes(Some("aws.cognito.signin.user.admin  openid\tprofile")),
            vec!["aws.cognito.signin.user.admin", "openid", "profile"]
        );
        assert!(split_scopes(None).is_empty());
        assert!(split_scopes(Some("  ")).is_empty());
    }

    #[test]
    fn a_principal_serialises_as_the_contracts_principal() {
        let p = Principal::new(
            Arc::new(Identity {
                sub: "s-1".into(),
                username: "ann".into(),
                groups: vec!["admins".into()],
                scopes: vec!["openid".into()],
                client_id: "c-1".into(),
                exp: 42,
            }),
            Some("org-a".into()),
        );
        assert_eq!(
            serde_json::to_value(&p).expect("json"),
            serde_json::json!({
                "sub": "s-1", "username": "ann", "org_id": "org-a",
                "groups": ["admins"], "scopes": ["openid"],
                "client_id": "c-1", "exp": 42
            })
        );
        assert!(p.in_group("admins") && !p.in_group("admin"));
        assert!(p.has_scope("openid") && !p.has_scope("profile"));
        assert_eq!(p.tenant().map(|t| &**t), Ok("org-a"));
    }

    #[test]
    fn a_principal_without_a_tenant_serialises_a_null_org_id_and_has_no_tenant() {
        let p = Principal::new(
            Arc::new(Identity {
                sub: "s-1".into(),
                username: "ann".into(),
                groups: vec![],
                scopes: vec![],
                client_id: "c-1".into(),
                exp: 42,
            }),
            None,
        );
        assert_eq!(
            serde_json::to_value(&p).expect("json")["org_id"],
            serde_json::Value::Null
        );
        assert_eq!(p.tenant(), Err(AuthError::MissingOrg));
    }
}
