//! Signing keys (RSA-2048, one for access tokens and one for id tokens, each
//! with its own `kid`), RS256 JWT minting and verification, the JWKS, and
//! opaque refresh tokens shaped like Cognito's (a 5-part JWE of ~1.8 KB).

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::sync::{Mutex, PoisonError};

use super::error::CognitoError;

/// An RSA signing key and what the JWKS publishes about it.
pub struct SigningKey {
    pub kid: String,
    pair: KeyPair,
    pkcs8: Vec<u8>,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("RSA key generation failed")]
    Generate,
    #[error("stored RSA key is invalid: {0}")]
    Invalid(String),
}

impl SigningKey {
    pub fn generate() -> Result<Self, KeyError> {
        let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
        let pkcs8 = pair
            .as_der()
            .map_err(|_| KeyError::Generate)?
            .as_ref()
            .to_vec();
        Ok(Self::from_parts(pair, pkcs8))
    }

    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = KeyPair::from_pkcs8(der).map_err(|e| KeyError::Invalid(e.to_string()))?;
        Ok(Self::from_parts(pair, der.to_vec()))
    }

    fn from_parts(pair: KeyPair, pkcs8: Vec<u8>) -> Self {
        let components = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        // Cognito's kids are base64 (standard alphabet) digests of the key.
        let mut h = Sha256::new();
        h.update(&components.n);
        h.update(&components.e);
        let kid = STANDARD.encode(h.finalize());
        Self {
            kid,
            pair,
            pkcs8,
            n: components.n,
            e: components.e,
        }
    }

    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(&self.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "use": "sig",
        })
    }

    /// `header.payload.signature`, RS256.
    pub fn sign(&self, claims: &Value) -> Result<String, CognitoError> {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                input.as_bytes(),
                &mut sig,
            )
            .map_err(|_| CognitoError::Internal("token signing failed".into()))?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }

    fn verify_signature(&self, message: &[u8], sig: &[u8]) -> bool {
        signature::RsaPublicKeyComponents {
            n: &self.n,
            e: &self.e,
        }
        .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
        .is_ok()
    }
}

/// The server's two keys.
#[derive(Debug)]
pub struct Keys {
    pub access: SigningKey,
    pub id: SigningKey,
}

impl Keys {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self {
            access: SigningKey::generate()?,
            id: SigningKey::generate()?,
        })
    }

    /// Keys shared by every instance of this process that has no data dir:
    /// RSA generation is slow in debug builds, and a process normally runs
    /// one instance. Instances with a data dir generate (or load) their own.
    pub fn process_shared() -> Result<Self, KeyError> {
        static SHARED: Mutex<Option<(Vec<u8>, Vec<u8>)>> = Mutex::new(None);
        let mut cached = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((access, id)) = cached.as_ref() {
            return Ok(Self {
                access: SigningKey::from_pkcs8(access)?,
                id: SigningKey::from_pkcs8(id)?,
            });
        }
        let keys = Self::generate()?;
        *cached = Some((keys.access.pkcs8.clone(), keys.id.pkcs8.clone()));
        Ok(keys)
    }

    pub fn jwks(&self) -> Value {
        json!({"keys": [self.access.jwk(), self.id.jwk()]})
    }
}

/// Verifies an access token's signature (with the access key only), `alg`,
/// `token_use` and `exp`, and returns its claims. Issuer and revocation are
/// checked by the caller against the state.
///
/// API Reference: GetUser — NotAuthorizedException "Invalid Access Token" /
/// "Access Token has expired".
pub fn verify_access_token(keys: &Keys, token: &str, now_secs: u64) -> Result<Value, CognitoError> {
    let invalid = CognitoError::invalid_access_token;
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(invalid)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256")
        || header.get("kid").and_then(Value::as_str) != Some(keys.access.kid.as_str())
    {
        return Err(invalid());
    }
    let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
    let signed = &token[..h.len() + 1 + p.len()];
    if !keys.access.verify_signature(signed.as_bytes(), &sig) {
        return Err(invalid());
    }
    let claims: Value = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(invalid)?;
    if claims.get("token_use").and_then(Value::as_str) != Some("access") {
        return Err(invalid());
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or_else(invalid)?;
    if exp <= now_secs {
        return Err(CognitoError::NotAuthorized(
            "Access Token has expired".into(),
        ));
    }
    Ok(claims)
}

/// Whether `token` looks like a JWS (access or id token) rather than a refresh token.
pub fn is_jws(token: &str) -> bool {
    token.split('.').count() == 3
}

/// A new opaque refresh token: a JWE-looking string of Cognito's size.
pub fn new_refresh_token() -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#);
    format!(
        "{header}.{}.{}.{}.{}",
        super::ids::random_b64(256),
        super::ids::random_b64(12),
        super::ids::random_b64(1000),
        super::ids::random_b64(16)
    )
}

/// How refresh tokens are stored: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
