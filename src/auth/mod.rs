//! The domain: what signing in, sessions and principals mean, independent of
//! HTTP (axum) and of the AWS SDK. Adapters translate into these types.

mod error;
mod principal;
mod tenant;
mod user;

pub use error::AuthError;
pub use principal::{Principal, split_scopes};
pub use tenant::{SessionBinding, TokenFacts, resolve_tenant};
pub use user::UserAttributes;
