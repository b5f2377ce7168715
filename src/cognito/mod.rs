//! The Cognito adapter: the only module that speaks to Amazon Cognito, through
//! the real `aws-sdk-cognitoidentityprovider` client, and translates its
//! results and errors into the domain's types.
//!
//! The service uses only Cognito's public (unsigned) operations, so the client
//! carries no AWS credentials and the service needs no IAM permission.

mod account;
mod client;
mod convert;
pub mod error;
mod flows;
mod metrics;
mod provider;
mod secret_hash;
mod user;

pub use client::CognitoClient;
pub use error::{Flow, classify};
pub use secret_hash::secret_hash;
