//! The settings as the layers provide them: every field optional and as
//! written, before any validation (numbers and booleans too, so that each
//! ill-typed one is reported with the others). Field names are the environment variable
//! names without `BFF_`, lower-cased, so one key means the same in a TOML file
//! and in the environment.

use serde::Deserialize;

use super::scalar::{opt_list, opt_string};

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSettings {
    #[serde(default, deserialize_with = "opt_string")]
    pub listen: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_region: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_user_pool_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_client_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_client_secret: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_endpoint_url: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_connect_timeout_ms: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_timeout_ms: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cognito_max_attempts: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub issuer: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub jwks_url: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub jwks_refresh_interval_secs: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub org_id_claim: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub org_id_source: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cookie_key: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    pub cookie_keys_previous: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cookie_secure: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub refresh_cookie_max_age_days: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_string")]
    pub public_url: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    pub signup_attributes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_string")]
    pub clock_leeway_secs: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub refresh_rotation: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub request_timeout_ms: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub shutdown_grace_secs: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub log_format: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    pub trusted_proxies: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_string")]
    pub rate_limit_per_ip_per_min: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub rate_limit_per_ip_burst: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub rate_limit_per_username_per_min: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub rate_limit_per_username_burst: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub metrics_listen: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub static_dir: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub local_cognito_listen: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub local_cognito_code_ttl_secs: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub local_cognito_data_dir: Option<String>,
    /// The remote APIs: text or a list of tables (`config::upstreams` reads it).
    pub upstreams: Option<figment::value::Value>,
    /// The local Cognito's seed (`[local_cognito]` in `config/local.toml`);
    /// validated by the local Cognito's own types.
    pub local_cognito: Option<figment::value::Value>,
}
