//! The domain: what signing in, sessions and principals mean, independent of
//! HTTP (axum) and of the AWS SDK. Adapters translate into these types.

mod error;
mod model;
mod principal;
mod provider;
pub mod revocation;
mod session;
mod sessions;
mod single_flight;
mod tenant;
mod user;

pub use error::AuthError;
pub use model::{
    AuthOutcome, Challenge, CodeDelivery, Issued, MAX_TOKEN_LEN, SignUpResult, TokenSet, TotpSetup,
};
pub(crate) use principal::Identity;
pub use principal::{Principal, split_scopes};
pub use provider::IdentityProvider;
pub use revocation::{Revocations, TokenHash};
pub use session::RefreshSession;
pub use sessions::{Refreshed, SessionPolicy, Sessions};
pub use single_flight::SingleFlight;
pub use tenant::{SessionBinding, TenantSource, TokenFacts, resolve_tenant};
pub use user::UserAttributes;
