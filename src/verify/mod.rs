//! Access-token verification: the adapter between jsonwebtoken plus the
//! cached JWKS ([`crate::jwks`]) and the domain's [`crate::auth::Principal`].

mod claims;
mod id_token;
mod verifier;

pub use verifier::{MAX_TOKEN_LEN, TokenVerifier};
