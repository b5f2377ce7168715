//! A user's attributes as Cognito's GetUser returns them, for
//! `GET /api/me/attributes`.

use std::collections::BTreeMap;

use serde::Serialize;

/// `{"username","attributes":{...}}`: the Cognito username and every
/// attribute that has a value (`sub`, `email`, `custom:*` ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserAttributes {
    pub username: String,
    /// Sorted by name, so responses are stable.
    pub attributes: BTreeMap<String, String>,
}
