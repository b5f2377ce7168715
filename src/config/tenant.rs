//! The one rule about the tenant that configuration enforces: which user
//! attributes carry it, so that no list of attributes a user may write
//! (`BFF_SIGNUP_ATTRIBUTES`) ever holds it.

/// True when user attribute `name` is, or feeds, the tenant claim
/// `claim`: the claim's own name and its `custom:` attribute (a
/// pre-token-generation trigger maps `custom:org_id` to `org_id`), compared
/// without regard to case. No path that writes user attributes on a user's
/// behalf may take one of these.
pub fn is_tenant_attribute(name: &str, claim: &str) -> bool {
    let bare = |s: &str| {
        let lower = s.to_ascii_lowercase();
        match lower.strip_prefix("custom:") {
            Some(rest) => rest.to_owned(),
            None => lower,
        }
    };
    bare(name) == bare(claim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_attribute_is_the_claim_with_or_without_custom_in_any_case() {
        for name in ["org_id", "custom:org_id", "CUSTOM:Org_Id"] {
            assert!(is_tenant_attribute(name, "org_id"), "{name}");
            assert!(is_tenant_attribute(name, "custom:org_id"), "{name}");
        }
        for name in ["email", "custom:org", "org_id2", "custom:role"] {
            assert!(!is_tenant_attribute(name, "org_id"), "{name}");
        }
    }
}
