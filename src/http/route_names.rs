//! Route templates as shared strings, for the request metric's `route`
//! label: the metrics registry knows no web types, and a request's label is
//! one `Arc` clone after the first request of its route (no allocation).
//! Bounded by the router's templates: only a matched route's template
//! (axum's `MatchedPath`, never a raw path) is ever looked up.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

#[derive(Debug, Default)]
pub struct RouteNames(RwLock<HashMap<Box<str>, Arc<str>>>);

impl RouteNames {
    /// The shared name of `template`.
    pub fn get(&self, template: &str) -> Arc<str> {
        let known = self.0.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(name) = known.get(template) {
            return Arc::clone(name);
        }
        drop(known);
        let mut names = self.0.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            names
                .entry(template.into())
                .or_insert_with(|| Arc::from(template)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_one_shared_string() {
        let names = RouteNames::default();
        let a = names.get("/api/me");
        let b = names.get("/api/me");
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&*names.get("/auth/signin"), "/auth/signin");
    }
}
