//! Tenant resolution: which organisation a verified caller acts for.
//!
//! One function, [`resolve_tenant`], decides it for every protected request,
//! so that the rule lives in one place:
//!
//! - `BFF_ORG_ID_SOURCE=access_token`: the tenant claim of the verified
//!   access token (set by a pre-token-generation V2 trigger).
//! - `BFF_ORG_ID_SOURCE=id_token`: the tenant read at sign-in/refresh from
//!   the verified id token and bound to the session (the encrypted session
//!   cookie), accepted only when the binding names the very access token
//!   presented (its `sub`, `jti` and `exp`); a caller without such a
//!   binding (a Bearer caller) can only get its tenant from an access token
//!   claim.
//!
//! Anything else is no tenant (`None`): the caller is still authenticated
//! (`/api/me` answers with `"org_id": null`), and every route that needs a
//! tenant refuses with `missing_org`. The service never guesses one.

use std::sync::Arc;

/// Where a caller's tenant comes from (the service's `BFF_ORG_ID_SOURCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantSource {
    /// A claim of the verified access token.
    AccessToken,
    /// The verified id token's claim, bound to the session cookie.
    IdToken,
}

/// The tenant bound to one access token at sign-in or refresh, decrypted
/// from the session cookie (built by the cookie codec; only verified values
/// go in).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionBinding {
    /// The tenant from the verified id token; `None` when it has none.
    #[serde(rename = "o")]
    pub org_id: Option<String>,
    /// The `sub` of the access token issued with that id token.
    #[serde(rename = "s")]
    pub sub: String,
    /// The `jti` of that access token: unique to it, so a session cookie
    /// kept from before a refresh does not fit the refreshed token (a
    /// tenant change takes effect at the next refresh).
    #[serde(rename = "j")]
    pub jti: String,
    /// The `exp` of that access token.
    #[serde(rename = "x")]
    pub exp: u64,
}

/// What the verified access token says, as far as tenant resolution cares.
#[derive(Debug, Clone, Copy)]
pub struct TokenFacts<'a> {
    pub sub: &'a str,
    pub jti: Option<&'a str>,
    pub exp: u64,
    /// The configured tenant claim when it is a string; `None` when absent
    /// or of another type. Shared: the usual tenant costs no copy.
    pub org_claim: Option<&'a Arc<str>>,
}

/// The tenant of a verified access token, `None` when it has none.
pub fn resolve_tenant(
    token: TokenFacts<'_>,
    source: TenantSource,
    session: Option<&SessionBinding>,
) -> Option<Arc<str>> {
    if source == TenantSource::IdToken
        && let Some(binding) = session
    {
        // Security: the binding counts only for the very access token it
        // was made for. A session cookie copied from another login, another
        // user, or kept from before a refresh names another sub, jti or exp.
        let same_token = binding.sub == token.sub
            && binding.exp == token.exp
            && token.jti.is_some_and(|jti| jti == binding.jti);
        if !same_token {
            tracing::debug!(
                reason = "session binding does not match the access token",
                "no tenant"
            );
            return None;
        }
        return binding
            .org_id
            .as_deref()
            .filter(|org| non_blank(org))
            .map(Arc::from);
    }
    // Both sources: a tenant claim in the verified access token is signed by
    // Cognito and therefore trusted as is.
    token.org_claim.filter(|org| non_blank(org)).cloned()
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
            jti,
            exp: 1_000,
            org_claim: org,
        }
    }

    fn claim(org: &str) -> Arc<str> {
        org.into()
    }

    fn binding(sub: &str, jti: &str, exp: u64) -> SessionBinding {
        SessionBinding {
            org_id: Some("org-b".into()),
            sub: sub.into(),
            jti: jti.into(),
            exp,
        }
    }

    #[test]
    fn the_access_token_claim_is_the_tenant_by_default() {
        let org = claim("org-a");
        let t = resolve_tenant(facts(Some(&org), None), TenantSource::AccessToken, None);
        assert_eq!(t, Some(org));
    }

    #[test]
    fn an_absent_empty_or_blank_claim_is_no_tenant() {
        for org in [None, Some(claim("")), Some(claim("  "))] {
            let t = resolve_tenant(facts(org.as_ref(), None), TenantSource::AccessToken, None);
            assert_eq!(t, None, "{org:?}");
        }
    }

    #[test]
    fn a_session_binding_is_ignored_when_the_source_is_the_access_token() {
        let b = binding("sub-1", "jti-1", 1_000);
        let t = resolve_tenant(
            facts(None, Some("jti-1")),
            TenantSource::AccessToken,
            Some(&b),
        );
        assert_eq!(t, None);
    }

    #[test]
    fn a_matching_session_binding_gives_the_tenant_with_the_id_token_source() {
        let b = binding("sub-1", "jti-1", 1_000);
        let t = resolve_tenant(facts(None, Some("jti-1")), TenantSource::IdToken, Some(&b));
        assert_eq!(t, Some(claim("org-b")));
        let none = SessionBinding { org_id: None, ..b };
        let t = resolve_tenant(
            facts(None, Some("jti-1")),
            TenantSource::IdToken,
            Some(&none),
        );
        assert_eq!(t, None);
    }

    #[test]
    fn a_session_binding_of_another_token_gives_no_tenant() {
        let org = claim("org-a");
        for b in [
            binding("sub-2", "jti-1", 1_000),
            binding("sub-1", "jti-2", 1_000),
            binding("sub-1", "jti-1", 999),
        ] {
            let t = resolve_tenant(
                facts(Some(&org), Some("jti-1")),
                TenantSource::IdToken,
                Some(&b),
            );
            assert_eq!(t, None, "{b:?}");
        }
        let b = binding("sub-1", "jti-1", 1_000);
        let t = resolve_tenant(facts(None, None), TenantSource::IdToken, Some(&b));
        assert_eq!(t, None);
    }

    #[test]
    fn without_a_binding_the_id_token_source_falls_back_to_the_access_token_claim_only() {
        let org = claim("org-a");
        let t = resolve_tenant(facts(Some(&org), None), TenantSource::IdToken, None);
        assert_eq!(t, Some(org));
        let t = resolve_tenant(facts(None, Some("jti-1")), TenantSource::IdToken, None);
        assert_eq!(t, None);
    }
}
