//! Access-token verification: the adapter between jsonwebtoken plus the
//! cached JWKS ([`crate::jwks`]) and the domain's [`crate::auth::Principal`].

// Public (hidden) only so that `benches/token_cache.rs` can measure it.
#[doc(hidden)]
pub mod cache;
mod claims;
mod id_token;
mod verifier;

pub use cache::DEFAULT_CACHE_CAPACITY;
pub use verifier::{MAX_TOKEN_LEN, TokenVerifier};
