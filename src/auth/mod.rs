//! The domain: what signing in, sessions and principals mean, independent of
//! HTTP (axum) and of the AWS SDK. Adapters translate into these types.

mod error;
mod model;
mod session;
mod single_flight;

pub use error::AuthError;
pub use model::{
    AuthOutcome, Challenge, CodeDelivery, SignUpResult, TokenSet, TotpSetup, UserAttributes,
};
pub use session::{RefreshSession, SessionBinding};
pub use single_flight::SingleFlight;
