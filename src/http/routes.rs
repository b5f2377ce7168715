//! The service's own routes are mounted through [`Routes`], which records
//! each method and path as it mounts it. `/openapi.json` is tested against
//! that record, so a route cannot be added without being documented.
//! (clippy's `disallowed-methods` keeps `Router::route` out of the rest of
//! the crate.)

use axum::Router;
use axum::handler::Handler;
use axum::routing::{any, get, post};

use crate::state::AppState;

/// One mounted route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full path, e.g. `/auth/signin`.
    pub path: String,
}

/// A router and the record of what it mounts.
#[derive(Debug, Default)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<Route>,
    /// Prepended to every path mounted with `get`/`post`.
    prefix: &'static str,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes whose paths are given relative to `prefix` and mounted at the
    /// full path: the same URLs as [`Routes::nest`] under `prefix`, without
    /// the per-request prefix stripping of a nested router (for the hot
    /// `/api` routes).
    pub fn under(prefix: &'static str) -> Self {
        Self {
            prefix,
            ..Self::default()
        }
    }

    fn full(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }

    fn record(mut self, method: &'static str, path: String) -> Self {
        self.list.push(Route { method, path });
        self
    }

    /// Mounts `GET path`.
    #[allow(clippy::disallowed_methods)] // the one place routes are mounted
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let path = self.full(path);
        self.router = self.router.route(&path, get(handler));
        self.record("GET", path)
    }

    /// Mounts `POST path`.
    #[allow(clippy::disallowed_methods)] // the one place routes are mounted
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let path = self.full(path);
        self.router = self.router.route(&path, post(handler));
        self.record("POST", path)
    }

    /// Mounts `handler` for every method at `path` and every path under it,
    /// unrecorded: the remote APIs' routes come from the configuration, not
    /// from the service, and `/openapi.json` describes them as a pattern.
    #[allow(clippy::disallowed_methods)] // the one place routes are mounted
    pub fn any_under<H, T>(mut self, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState> + Clone,
        T: 'static,
    {
        // `{*rest}` matches a non-empty remainder only: `<path>/` is its own route.
        self.router = self
            .router
            .route(path, any(handler.clone()))
            .route(&format!("{path}/"), any(handler.clone()))
            .route(&format!("{path}/{{*rest}}"), any(handler));
        self
    }

    /// Mounts `child` under `prefix`.
    pub fn nest(mut self, prefix: &str, child: Routes) -> Self {
        self.router = self.router.nest(prefix, child.router);
        self.list.extend(child.list.into_iter().map(|r| Route {
            method: r.method,
            path: format!("{prefix}{}", r.path),
        }));
        self
    }

    /// Mounts `other`'s routes (full paths) next to these.
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Changes the router (layers, fallbacks, merged foreign routes) keeping the record.
    pub fn map_router(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Self {
        self.router = f(self.router);
        self
    }

    /// The routes mounted, sorted.
    pub fn list(&self) -> Vec<Route> {
        let mut list = self.list.clone();
        list.sort();
        list
    }

    /// The router.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// True when `path` is `prefix` or under it (`/api`, `/api/me`; not `/apis`):
/// what a router nested at `prefix` would answer.
pub fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_covers_itself_and_its_subpaths_only() {
        for path in ["/api", "/api/", "/api/me", "/api/x/y"] {
            assert!(is_under(path, "/api"), "{path}");
        }
        for path in ["/", "/apis", "/ap", "/auth/api", "/API/me"] {
            assert!(!is_under(path, "/api"), "{path}");
        }
    }
}
