//! The `/api` guard, end to end: a JWKS server on 127.0.0.1:0, tokens minted
//! here, and the service spawned in production mode, spoken to over HTTP.

mod attributes;
mod bad_tokens;
mod cache;
mod credentials;
pub(crate) mod fixtures;
mod keys;
mod large_tokens;
mod readiness;
mod tenant_notes;
mod valid_tokens;
mod with_local_cognito;
