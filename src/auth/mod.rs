//! The domain: what signing in, sessions and principals mean, independent of
//! HTTP (axum) and of the AWS SDK. Adapters translate into these types.

mod error;

pub use error::AuthError;
