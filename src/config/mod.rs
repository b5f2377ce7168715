//! Configuration: layered `config/default.toml` < `config/<profile>.toml` <
//! `BFF_*` environment variables, validated once at start into [`Settings`].
//!
//! Everything after startup reads the typed [`Settings`]; nothing else looks
//! at the environment. Validation reports every problem at once, one line per
//! setting, naming the environment variable an operator would fix.

mod error;
mod load;
mod problems;
mod raw;
mod scalar;
mod settings;
mod tenant;
mod upstreams;
mod validate;

pub use error::ConfigError;
pub use load::{Sources, load};
pub use settings::{
    CognitoSettings, CookieKeys, LocalCognitoSettings, OrgIdSource, Profile, RateLimit,
    RateLimitSettings, Settings, TokenSettings, Upstream, is_trusted_proxy,
};
pub use tenant::is_tenant_attribute;
pub use upstreams::{
    DEFAULT_UPSTREAM_MAX_BODY_BYTES, DEFAULT_UPSTREAM_TIMEOUT_MS, RESERVED_API_PATHS,
};
pub use validate::generate_key;
