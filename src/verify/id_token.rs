//! `BFF_ORG_ID_SOURCE=id_token`: at sign-in and refresh the id token is
//! verified and its tenant claim bound, in the encrypted session cookie, to
//! the access token issued with it (its `sub`, `jti` and `exp`).
//!
//! The tenant then never travels in a token the SPA could present alone: the
//! guard accepts it only from the session cookie, and only for the access
//! token it was issued with (see `auth::resolve_tenant`).

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::verifier::{TokenVerifier, refuse};
use crate::auth::{AuthError, SessionBinding, TokenSet};

/// The claims of an id token the binding needs.
#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    token_use: String,
    #[serde(flatten)]
    other: Map<String, Value>,
}

impl TokenVerifier {
    /// Verifies the id and access tokens Cognito just issued and returns the
    /// session binding: the id token's tenant claim (`None` when it has
    /// none), the access token's `sub`, `jti` and `exp`.
    pub async fn session_binding(&self, tokens: &TokenSet) -> Result<SessionBinding, AuthError> {
        let access = self.verified_claims(&tokens.access_token).await?;
        let id_token = tokens
            .id_token
            .as_deref()
            .ok_or_else(|| AuthError::Internal("Cognito issued no id token".into()))?;
        let id = self.verified_id_claims(id_token).await?;
        // Both tokens come from one authentication: the same user.
        if id.sub != access.sub {
            return Err(AuthError::Internal(
                "id and access tokens name different users".into(),
            ));
        }
        let org_id = id
            .other
            .get(&self.org_claim)
            .and_then(Value::as_str)
            .filter(|org| !org.trim().is_empty())
            .map(str::to_owned);
        let jti = access
            .jti
            .ok_or_else(|| AuthError::Internal("access token without jti".into()))?;
        Ok(SessionBinding {
            org_id,
            sub: access.sub,
            jti,
            exp: access.exp,
        })
    }

    /// RS256 signature by a pool key, `iss`, `exp`, `aud` == the app client
    /// and `token_use == "id"`.
    async fn verified_id_claims(&self, token: &str) -> Result<IdClaims, AuthError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| refuse("malformed id token"))?;
        if header.alg != Algorithm::RS256 {
            return Err(refuse("id token algorithm is not RS256"));
        }
        let kid = header.kid.ok_or_else(|| refuse("id token without kid"))?;
        let keys = self.keys_with(&kid).await?;
        let key = keys.get(&kid).ok_or_else(|| refuse("unknown kid"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = self.leeway_secs;
        validation.set_issuer(&self.issuers);
        validation.set_audience(&[&self.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        let claims = jsonwebtoken::decode::<IdClaims>(token, key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthError::TokenExpired,
                _ => refuse("id token refused"),
            })?
            .claims;
        if claims.token_use != "id" {
            return Err(refuse("not an id token"));
        }
        Ok(claims)
    }
}
