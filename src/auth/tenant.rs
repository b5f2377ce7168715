//! Tenant resolution: which organisation a verified caller acts for.
//!
//! One function, [`resolve_tenant`], decides it for every protected request,
//! so that the rule lives in one place:
//!
//! - `BFF_ORG_ID_SOURCE=access_token`: the tenant claim of the verified
//!   access token (set by a pre-token-generation V2 trigger).
//! - `BFF_ORG_ID_SOURCE=id_token`: the tenant read at sign-in/refresh from
//!   the verified id token and bound to the session (the encrypted session
//!   cookie), accepted only when the binding names the same `sub` and
//!   `origin_jti` as the verified access token; a caller without such a
//!   binding (a Bearer caller) can only get its tenant from an access token
//!   claim.
//!
//! Anything else is `missing_org`: the service fails closed rather than
//! guess a tenant.

use std::sync::Arc;

use crate::auth::AuthError;
use crate::config::OrgIdSource;

/// The tenant bound to a session at sign-in or refresh, decrypted from the
/// session cookie (built by the cookie codec; only verified values go in).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionBinding {
    /// The tenant from the verified id token.
    #[serde(rename = "o")]
    pub org_id: String,
    /// The `sub` of the access token issued with that id token.
    #[serde(rename = "s")]
    pub sub: String,
    /// The `origin_jti` of that access token: it stays the same across
    /// refreshes of one sign-in and differs between sign-ins.
    #[serde(rename = "j")]
    pub origin_jti: String,
}

/// What the verified access token says, as far as tenant resolution cares.
#[derive(Debug, Clone, Copy)]
pub struct TokenFacts<'a> {
    pub sub: &'a str,
    pub origin_jti: Option<&'a str>,
    /// The configured tenant claim when it is a string; `None` when absent
    /// or of another type. Shared: the usual tenant costs no copy.
    pub org_claim: Option<&'a Arc<str>>,
}

/// The tenant of a verified access token, or `MissingOrg`.
pub fn resolve_tenant(
    token: TokenFacts<'_>,
    source: OrgIdSource,
    session: Option<&SessionBinding>,
) -> Result<Arc<str>, AuthError> {
    if source == OrgIdSource::IdToken
        && let Some(binding) = session
    {
        // Security: the binding counts only for the very sign-in it was made
        // for. A session cookie copied from another login (another user, or
        // the same user's other sign-in) names another sub or origin_jti.
        let same_login = binding.sub == token.sub
            && token
                .origin_jti
                .is_some_and(|jti| jti == binding.origin_jti);
        if same_login && non_blank(&binding.org_id) {
            return Ok(binding.org_id.as_str().into());
        }
        tracing::debug!(
            reason = "session binding does not match the access token",
            "tenant refused"
        );
        return Err(AuthError::MissingOrg);
    }
    // Both sources: a tenant claim in the verified access token is signed by
    // Cognito and therefore trusted as is.
    match token.org_claim {
        Some(org) if non_blank(org) => Ok(Arc::clone(org)),
        _ => {
            tracing::debug!(reason = "no tenant claim", "tenant refused");
            Err(AuthError::MissingOrg)
        }
    }
}

/// An empty or all-blank tenant id is no tenant: it would put every such
/// caller into one shared "" tenant.
fn non_blank(s: &str) -> bool {
    !s.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(org: Option<&'a Arc<str>>, jti: Option<&'a str>) -> TokenFacts<'a> {
        TokenFacts {
            sub: "sub-1",
            origin_jti: jti,
            org_claim: org,
        }
    }

    fn claim(org: &str) -> Arc<str> {
        org.into()
    }

    fn binding(sub: &str, jti: &str) -> SessionBinding {
        SessionBinding {
            org_id: "org-b".into(),
            sub: sub.into(),
            origin_jti: jti.into(),
        }
    }

    #[test]
    fn the_access_token_claim_is_the_tenant_by_default() {
        let org = claim("org-a");
        let t = resolve_tenant(facts(Some(&org), None), OrgIdSource::AccessToken, None);
        assert_eq!(t, Ok(org));
    }

    #[test]
    fn an_absent_empty_or_blank_claim_is_missing_org() {
        for org in [None, Some(claim("")), Some(claim("  "))] {
            let t = resolve_tenant(facts(org.as_ref(), None), OrgIdSource::AccessToken, None);
            assert_eq!(t, Err(AuthError::MissingOrg), "{org:?}");
        }
    }

    #[test]
    fn a_session_binding_is_ignored_when_the_source_is_the_access_token() {
        let b = binding("sub-1", "jti-1");
        let t = resolve_tenant(
            facts(None, Some("jti-1")),
            OrgIdSource::AccessToken,
            Some(&b),
        );
        assert_eq!(t, Err(AuthError::MissingOrg));
    }

    #[test]
    fn a_matching_session_binding_gives_the_tenant_with_the_id_token_source() {
        let b = binding("sub-1", "jti-1");
        let t = resolve_tenant(facts(None, Some("jti-1")), OrgIdSource::IdToken, Some(&b));
        assert_eq!(t, Ok(claim("org-b")));
    }

    #[test]
    fn a_session_binding_from_another_login_is_refused() {
        let org = claim("org-a");
        for b in [binding("sub-2", "jti-1"), binding("sub-1", "jti-2")] {
            let t = resolve_tenant(
                facts(Some(&org), Some("jti-1")),
                OrgIdSource::IdToken,
                Some(&b),
            );
            assert_eq!(t, Err(AuthError::MissingOrg), "{b:?}");
        }
        let b = binding("sub-1", "jti-1");
        let t = resolve_tenant(facts(None, None), OrgIdSource::IdToken, Some(&b));
        assert_eq!(t, Err(AuthError::MissingOrg));
    }

    #[test]
    fn without_a_binding_the_id_token_source_falls_back_to_the_access_token_claim_only() {
        let org = claim("org-a");
        let t = resolve_tenant(facts(Some(&org), None), OrgIdSource::IdToken, None);
        assert_eq!(t, Ok(org));
        let t = resolve_tenant(facts(None, Some("jti-1")), OrgIdSource::IdToken, None);
        assert_eq!(t, Err(AuthError::MissingOrg));
    }
}
