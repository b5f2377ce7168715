//! The pool's signing keys (JWKS), fetched over HTTP and cached.
//!
//! Verification on the request path reads the cached set without a lock or an
//! await (an `ArcSwap`). The network is touched at start (retried with
//! backoff until the keys load; `/readyz` is 503 until then), periodically
//! (keeping the last good set when a fetch fails), and when a token names an
//! unknown `kid` — at most once per cool-down window across all requests, with
//! one fetch shared by every waiting request.

mod fetch;
mod store;

pub use fetch::{FetchError, Fetcher, parse};
pub use store::{KeyStore, KeyStoreOptions, Keys, RefetchOutcome};
