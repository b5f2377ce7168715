//! Fetching and parsing a JWKS document, with a timeout and a size cap.

use std::collections::HashMap;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use url::Url;

/// Why a fetch gave no usable keys. None of these carry key material.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("JWKS request failed: {0}")]
    Http(String),
    #[error("JWKS endpoint answered {0}")]
    Status(u16),
    #[error("JWKS document is larger than {0} bytes")]
    TooLarge(usize),
    #[error("JWKS document is not a key set: {0}")]
    Malformed(String),
    #[error("JWKS document has no usable RS256 signing key")]
    NoKeys,
}

/// Fetches the key set from one URL.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    url: Url,
    max_bytes: usize,
}

impl Fetcher {
    /// A fetcher for `url` with a per-request `timeout` and a `max_bytes` cap.
    pub fn new(url: Url, timeout: Duration, max_bytes: usize) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| FetchError::Http(e.to_string()))?;
        Ok(Self {
            client,
            url,
            max_bytes,
        })
    }

    /// The URL keys come from.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// One fetch: the RS256 signing keys by `kid`.
    pub async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, FetchError> {
        let mut response = self
            .client
            .get(self.url.clone())
            .send()
            .await
            .map_err(|e| FetchError::Http(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|n| n as usize > self.max_bytes)
        {
            return Err(FetchError::TooLarge(self.max_bytes));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Http(e.without_url().to_string()))?
        {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(FetchError::TooLarge(self.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        parse(&body)
    }
}

/// Keeps only keys that can verify RS256 signatures: RSA, `use` absent or
/// `sig`, `alg` absent or RS256, and a `kid` to find them by.
pub fn parse(body: &[u8]) -> Result<HashMap<String, DecodingKey>, FetchError> {
    let set: JwkSet =
        serde_json::from_slice(body).map_err(|e| FetchError::Malformed(e.to_string()))?;
    let keys: HashMap<_, _> = set
        .keys
        .iter()
        .filter(|k| matches!(k.algorithm, AlgorithmParameters::RSA(_)))
        .filter(|k| {
            matches!(
                k.common.public_key_use,
                None | Some(PublicKeyUse::Signature)
            )
        })
        .filter(|k| matches!(k.common.key_algorithm, None | Some(KeyAlgorithm::RS256)))
        .filter_map(|k| {
            let kid = k.common.key_id.clone()?;
            DecodingKey::from_jwk(k).ok().map(|key| (kid, key))
        })
        .collect();
    if keys.is_empty() {
        return Err(FetchError::NoKeys);
    }
    Ok(keys)
}
