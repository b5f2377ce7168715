//! [`TokenVerifier`]: turns an access token into a [`Principal`] or a
//! refusal, with jsonwebtoken and the cached signing keys.
//!
//! The hot path first looks the token up in a bounded cache of verified
//! tokens (see [`super::cache`] for its rules: whole-token match, successes
//! only, never past `exp`, dropped when the key set changes); tenant
//! resolution runs on every request, hit or miss. A miss reads the key set
//! lock-free (an `ArcSwap` snapshot), uses a `Validation` built once at
//! start, and awaits only on the rare unknown-`kid` path (the key store's
//! single-flight refetch). Refusals are logged at debug with a fixed reason
//! word; the token itself is never logged.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use super::cache::{DEFAULT_CACHE_CAPACITY, TokenCache, VerifiedToken};
use super::claims::AccessClaims;
use crate::auth::{
    AuthError, Identity, Principal, Revocations, SessionBinding, TenantSource, TokenFacts,
    resolve_tenant, split_scopes,
};
use crate::config::{OrgIdSource, Settings};
use crate::jwks::{KeyStore, RefetchOutcome};

pub use crate::auth::MAX_TOKEN_LEN;

/// Verifies Cognito access tokens for this service's user pool and app client.
pub struct TokenVerifier {
    pub(super) keys: Arc<KeyStore>,
    pub(super) validation: Validation,
    pub(super) issuers: Vec<String>,
    pub(super) client_id: String,
    pub(super) leeway_secs: u64,
    pub(super) org_claim: String,
    pub(super) org_source: TenantSource,
    pub(super) cache: TokenCache<VerifiedToken>,
    /// Sessions and users signed out through this instance.
    revocations: Arc<Revocations>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuers", &self.issuers)
            .field("client_id", &self.client_id)
            .field("leeway_secs", &self.leeway_secs)
            .field("org_claim", &self.org_claim)
            .field("org_source", &self.org_source)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// Logs why a token was refused (a fixed word, never the token) and
/// answers `unauthenticated`.
pub(super) fn refuse(reason: &'static str) -> AuthError {
    tracing::debug!(reason, "access token refused");
    AuthError::Unauthenticated
}

/// The `kid` of an RS256 token's header, read unverified only to choose
/// the key; nothing in it is trusted beyond that. An `alg` jsonwebtoken does
/// not know (`none`) fails here, as does a token longer than
/// [`MAX_TOKEN_LEN`] or with characters no JWS has (not worth parsing).
fn header_kid(token: &str) -> Result<String, AuthError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(refuse("token too long"));
    }
    if !looks_like_jws(token) {
        return Err(refuse("token has characters a JWT cannot have"));
    }
    let header =
        jsonwebtoken::decode_header(token).map_err(|_| refuse("malformed token or header"))?;
    if header.alg != Algorithm::RS256 {
        return Err(refuse("algorithm is not RS256"));
    }
    header.kid.ok_or_else(|| refuse("no kid"))
}

/// Only base64url and `.`, as in a JWS compact serialisation. A fold without
/// early exit, which the compiler turns into SIMD.
fn looks_like_jws(token: &str) -> bool {
    token.bytes().fold(true, |ok, b| {
        ok & (b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_') | (b == b'.'))
    })
}

impl TokenVerifier {
    /// A verifier for the pool, issuer(s), app client and tenant rule of
    /// `settings`, using the keys of `keys`, caching up to
    /// [`DEFAULT_CACHE_CAPACITY`] verified tokens.
    pub fn new(settings: &Settings, keys: Arc<KeyStore>) -> Self {
        Self::with_cache_capacity(settings, keys, DEFAULT_CACHE_CAPACITY)
    }

    /// As [`TokenVerifier::new`], caching at most `capacity` verified tokens
    /// (`0`: no cache, every token is verified in full, e.g. to benchmark
    /// the first verification of a token).
    pub fn with_cache_capacity(settings: &Settings, keys: Arc<KeyStore>, capacity: usize) -> Self {
        let tokens = &settings.tokens;
        let leeway_secs = tokens.clock_leeway.as_secs();
        // Security: RS256 is the only algorithm Cognito signs with. Listing
        // only it stops algorithm confusion (HS256 keyed with the public key,
        // `none`); the header is also checked before any key is looked up.
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.required_spec_claims =
            HashSet::from(["exp".to_owned(), "iss".to_owned(), "sub".to_owned()]);
        validation.set_issuer(&tokens.issuers);
        // Access tokens carry no `aud`; the app client is in `client_id`,
        // checked below.
        validation.validate_aud = false;
        Self {
            keys,
            validation,
            issuers: tokens.issuers.clone(),
            client_id: settings.cognito.client_id.clone(),
            leeway_secs,
            org_claim: tokens.org_id_claim.clone(),
            org_source: match tokens.org_id_source {
                OrgIdSource::AccessToken => TenantSource::AccessToken,
                OrgIdSource::IdToken => TenantSource::IdToken,
            },
            cache: TokenCache::new(capacity),
            revocations: Arc::new(Revocations::new(
                crate::auth::revocation::DEFAULT_CAPACITY,
                leeway_secs,
            )),
        }
    }

    /// What was signed out through this instance: the sessions service
    /// records into it, the guard reads it on every request.
    pub fn revocations(&self) -> &Arc<Revocations> {
        &self.revocations
    }

    /// How many verified tokens are cached (metrics, tests).
    pub fn cached_tokens(&self) -> usize {
        self.cache.len()
    }

    /// Forgets every cached verification (the next use of each token is
    /// verified in full).
    pub fn clear_cache(&self) {
        self.cache.clear();
    }

    /// Verifies `token` and resolves the caller's tenant (with `session`,
    /// the tenant bound to the session when `BFF_ORG_ID_SOURCE=id_token`).
    ///
    /// Errors: `TokenExpired` for an expired but otherwise well-signed token,
    /// `UpstreamUnavailable` while no signing key was ever loaded, and
    /// `Unauthenticated` for everything else (a session signed out through
    /// this instance included). A valid token without a tenant gives a
    /// principal without one.
    pub async fn verify(
        &self,
        token: &str,
        session: Option<&SessionBinding>,
    ) -> Result<Principal, AuthError> {
        if let Some(decided) = self.verify_now(token, session) {
            return decided;
        }
        // The token names a key the key set does not hold: a shared refetch
        // (at most one per cool-down window), then the full verification.
        let generation = self.keys.generation();
        let now = jsonwebtoken::get_current_timestamp();
        let kid = header_kid(token)?;
        let keys = self.keys_with(&kid).await?;
        let key = keys.get(&kid).ok_or_else(|| refuse("unknown kid"))?;
        let claims = self.checked_claims(token, key)?;
        let verified = self.remember(token, generation, now, claims);
        self.principal(token, &verified, session, now)
    }

    /// As [`TokenVerifier::verify`], without waiting: `None` when the
    /// token's key is not in the key set (only [`TokenVerifier::verify`] may
    /// fetch it). The guard's every request takes this path: a cache lookup,
    /// or a signature check with the keys at hand; no lock, no `.await`.
    pub fn verify_now(
        &self,
        token: &str,
        session: Option<&SessionBinding>,
    ) -> Option<Result<Principal, AuthError>> {
        // Read before the key snapshot the full verification takes: an entry
        // is never labelled with a newer key set than the one that verified it.
        let generation = self.keys.generation();
        let now = jsonwebtoken::get_current_timestamp();
        let verified = match self.cache.get(token, generation, now) {
            Some(hit) => hit,
            None => {
                let kid = match header_kid(token) {
                    Ok(kid) => kid,
                    Err(e) => return Some(Err(e)),
                };
                let keys = self.keys.snapshot();
                let key = keys.get(&kid)?;
                match self.checked_claims(token, key) {
                    Ok(claims) => self.remember(token, generation, now, claims),
                    Err(e) => return Some(Err(e)),
                }
            }
        };
        Some(self.principal(token, &verified, session, now))
    }

    /// The principal of verified `token`, with its tenant for this request.
    fn principal(
        &self,
        token: &str,
        verified: &VerifiedToken,
        session: Option<&SessionBinding>,
        now: u64,
    ) -> Result<Principal, AuthError> {
        // Security: checked after the cache, so a signed-out session's
        // cached tokens are refused too (and leave the cache); one atomic
        // load while nothing was signed out.
        if self.revocations.access_revoked(
            verified.origin_jti.as_deref(),
            &verified.identity.sub,
            verified.iat,
            now,
        ) {
            self.cache.remove(token);
            return Err(refuse("signed out"));
        }
        let org_id = resolve_tenant(
            TokenFacts {
                sub: &verified.identity.sub,
                jti: verified.jti.as_deref(),
                exp: verified.identity.exp,
                org_claim: verified.org_claim.as_ref(),
            },
            self.org_source,
            session,
        );
        // No copy: the principal shares what the (cached) token says.
        Ok(Principal::new(Arc::clone(&verified.identity), org_id))
    }

    /// Caches what the verified `claims` of `token` say (see [`TokenCache`]).
    fn remember(
        &self,
        token: &str,
        generation: u64,
        now: u64,
        claims: AccessClaims,
    ) -> Arc<VerifiedToken> {
        let verified = Arc::new(VerifiedToken {
            org_claim: claims.string_claim(&self.org_claim).map(Arc::from),
            origin_jti: claims.origin_jti,
            jti: claims.jti,
            iat: claims.iat.unwrap_or(0),
            identity: Arc::new(Identity {
                scopes: split_scopes(claims.scope.as_deref()),
                sub: claims.sub,
                username: claims.username,
                client_id: claims.client_id,
                exp: claims.exp,
                groups: claims.groups,
            }),
        });
        self.cache
            .insert(token, generation, Arc::clone(&verified), now);
        verified
    }

    /// Signature, algorithm, issuer, times, token use and app client, the
    /// key set fetched when it lacks the token's key (for callers that do
    /// not cache: the id-token check at sign-in).
    pub(super) async fn verified_claims(&self, token: &str) -> Result<AccessClaims, AuthError> {
        let kid = header_kid(token)?;
        let keys = self.keys_with(&kid).await?;
        let key = keys.get(&kid).ok_or_else(|| refuse("unknown kid"))?;
        self.checked_claims(token, key)
    }

    /// Signature, algorithm, issuer, times, token use and app client, with `key`.
    fn checked_claims(&self, token: &str, key: &DecodingKey) -> Result<AccessClaims, AuthError> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, key, &self.validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    tracing::debug!(reason = "expired", "access token refused");
                    AuthError::TokenExpired
                }
                ErrorKind::InvalidSignature => refuse("bad signature"),
                ErrorKind::ImmatureSignature => refuse("nbf in the future"),
                ErrorKind::InvalidIssuer => refuse("wrong issuer"),
                ErrorKind::MissingRequiredClaim(_) => refuse("a required claim is missing"),
                ErrorKind::InvalidAlgorithm => refuse("algorithm does not match the key"),
                _ => refuse("malformed claims"),
            },
        )?;
        let claims = data.claims;
        // Defence in depth: jsonwebtoken checked `iss` already; the claim is
        // a single string (see `AccessClaims`), compared exactly.
        if !self.issuers.contains(&claims.iss) {
            return Err(refuse("wrong issuer"));
        }
        // Security: an id token of the same pool is signed by the same keys;
        // only access tokens grant API access.
        if claims.token_use != "access" {
            return Err(refuse("not an access token"));
        }
        // A token issued to another app client of the same pool is not ours.
        if claims.client_id != self.client_id {
            return Err(refuse("issued to another app client"));
        }
        // A token "issued in the future" means a broken or forging issuer.
        let now = jsonwebtoken::get_current_timestamp();
        if claims
            .iat
            .is_some_and(|iat| iat > now.saturating_add(self.leeway_secs))
        {
            return Err(refuse("iat in the future"));
        }
        Ok(claims)
    }

    /// A snapshot of the key set that holds `kid`: the cached one, else the
    /// one after a shared refetch (at most one per cool-down window across
    /// all requests).
    pub(super) async fn keys_with(
        &self,
        kid: &str,
    ) -> Result<Arc<HashMap<String, DecodingKey>>, AuthError> {
        let keys = self.keys.snapshot();
        if keys.contains_key(kid) {
            return Ok(keys);
        }
        drop(keys);
        match self.keys.refetch_for(kid).await {
            RefetchOutcome::Found => {
                let keys = self.keys.snapshot();
                if keys.contains_key(kid) {
                    Ok(keys)
                } else {
                    Err(refuse("unknown kid"))
                }
            }
            RefetchOutcome::NotFound | RefetchOutcome::CoolingDown if !self.keys.is_ready() => {
                // No key was ever loaded: the service is not ready, the token
                // may be fine. Not a 401, which would make the SPA sign out.
                Err(AuthError::UpstreamUnavailable(
                    "signing keys not loaded".to_owned(),
                ))
            }
            RefetchOutcome::NotFound | RefetchOutcome::CoolingDown => Err(refuse("unknown kid")),
        }
    }
}
