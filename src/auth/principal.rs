//! The verified caller of a protected route: who they are, which tenant they
//! act for, and what they may do. Built only by the token verifier from a
//! verified access token, so a handler that holds one can trust every field.

use serde::Serialize;

/// The caller behind a verified access token, as handlers receive it.
///
/// Serialised as the contract's principal:
/// `{"sub","username","org_id","groups","scopes","client_id","exp"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The user's stable id (the token's `sub`).
    pub sub: String,
    /// The Cognito username (`username` claim).
    pub username: String,
    /// The tenant the caller acts for. Never empty: a token without one is
    /// refused with `missing_org` before a `Principal` exists.
    pub org_id: String,
    /// `cognito:groups`; empty when absent.
    pub groups: Vec<String>,
    /// The `scope` claim split on whitespace; empty when absent.
    pub scopes: Vec<String>,
    /// The app client the token was issued to (always the configured one).
    pub client_id: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
}

impl Principal {
    /// True when the caller is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// True when the token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
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
}
