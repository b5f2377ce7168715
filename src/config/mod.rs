//! Configuration: layered `config/default.toml` < `config/<profile>.toml` <
//! `BFF_*` environment variables, validated once at start into [`Settings`].
//!
//! Everything after startup reads the typed [`Settings`]; nothing else looks
//! at the environment. Validation reports every problem at once, one line per
//! setting, naming the environment variable an operator would fix.

mod error;
mod load;
mod raw;
mod scalar;
mod settings;
mod tenant;
mod validate;

pub use error::ConfigError;
pub use load::{Sources, load};
pub use settings::{
    CognitoSettings, CookieKeys, LocalCognitoSettings, OrgIdSource, Profile, RateLimit,
    RateLimitSettings, Settings, TokenSettings,
};
pub use tenant::is_tenant_attribute;
pub use validate::generate_key;
