//! What the local Cognito's handlers share: the state behind its lock, the
//! tunables, the signing keys, call counts and the persister. Apart from
//! `state`, so that the persister (which writes the state) and the state
//! do not depend on each other.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::persist::Persister;
use super::state::{Limits, State};
use super::tokens::Keys;

/// Everything the handlers share.
#[derive(Debug)]
pub struct Shared {
    pub state: Mutex<State>,
    pub limits: Mutex<Limits>,
    pub keys: Keys,
    /// `http://127.0.0.1:PORT`, the prefix of every issuer.
    pub base_url: String,
    pub calls: Mutex<BTreeMap<String, u64>>,
    pub persister: Option<Persister>,
}

impl Shared {
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn limits(&self) -> Limits {
        self.limits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn issuer(&self, pool_id: &str) -> String {
        format!("{}/{pool_id}", self.base_url)
    }
}
