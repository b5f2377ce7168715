//! Issue 8: upstream faults (Cognito, JWKS) and hostile input. The service
//! must keep serving, answer problem+json, and log nothing sensitive.

mod bad_input_matrix;
mod cognito;
pub mod fixtures;
mod jwks;
mod random_input;
