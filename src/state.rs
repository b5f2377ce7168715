//! The state every handler shares: cheap to clone (`Arc`s inside).

use std::sync::Arc;

use crate::cognito::CognitoClient;
use crate::config::Settings;
use crate::jwks::KeyStore;
use crate::verify::TokenVerifier;

/// Shared application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub cognito: CognitoClient,
    pub keys: Arc<KeyStore>,
    /// Verifies `/api` access tokens against `keys`.
    pub verifier: Arc<TokenVerifier>,
}
