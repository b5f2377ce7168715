//! Reading the layers: the files of `config/` and the `BFF_*` environment.
//!
//! The environment is passed in ([`Sources`]) rather than read here, so tests
//! can load any configuration without touching the process environment.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Data, Format, Serialized, Toml};
use figment::value::{Dict, Value};

use super::raw::RawSettings;
use super::settings::{Profile, Settings};
use super::{ConfigError, validate};

/// Copies of the shipped files, used when the config directory is absent so the
/// binary also runs outside the repository (`cargo install`, a container).
const EMBEDDED_DEFAULT: &str = include_str!("../../config/default.toml");
const EMBEDDED_LOCAL: &str = include_str!("../../config/local.toml");
const EMBEDDED_PRODUCTION: &str = include_str!("../../config/production.toml");

const PREFIX: &str = "BFF_";

/// Where the configuration comes from.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The directory holding `default.toml` and `<profile>.toml`.
    pub config_dir: PathBuf,
    /// Environment variables (only `BFF_*` ones are read).
    pub env: Vec<(String, String)>,
}

impl Sources {
    /// The process environment; `BFF_CONFIG_DIR` moves the config directory.
    pub fn from_process() -> Self {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let config_dir = env
            .iter()
            .find(|(k, _)| k == "BFF_CONFIG_DIR")
            .map(|(_, v)| PathBuf::from(v))
            .unwrap_or_else(|| PathBuf::from("config"));
        Self { config_dir, env }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `BFF_PROFILE`, else production when a user pool is configured.
    fn profile(&self) -> Result<Profile, ConfigError> {
        match self.var("BFF_PROFILE") {
            Some("local") => Ok(Profile::Local),
            Some("production") => Ok(Profile::Production),
            Some(other) => Err(ConfigError::single(format!(
                "BFF_PROFILE: `{other}` is neither `local` nor `production`"
            ))),
            None if self.var("BFF_COGNITO_USER_POOL_ID").is_some() => Ok(Profile::Production),
            None => Ok(Profile::Local),
        }
    }
}

/// Loads, merges and validates the configuration.
pub fn load(sources: &Sources) -> Result<Settings, ConfigError> {
    let profile = sources.profile()?;
    let figment = Figment::new()
        .merge(file(&sources.config_dir, "default", EMBEDDED_DEFAULT))
        .merge(file(
            &sources.config_dir,
            profile.as_str(),
            profile_embedded(profile),
        ))
        .merge(Serialized::defaults(env_dict(&sources.env)));
    let raw: RawSettings = figment.extract().map_err(describe)?;
    validate::validate(raw, profile)
}

fn profile_embedded(profile: Profile) -> &'static str {
    match profile {
        Profile::Local => EMBEDDED_LOCAL,
        Profile::Production => EMBEDDED_PRODUCTION,
    }
}

fn file(dir: &Path, name: &str, embedded: &'static str) -> Data<Toml> {
    if dir.is_dir() {
        Toml::file_exact(dir.join(format!("{name}.toml")))
    } else {
        Toml::string(embedded)
    }
}

/// `BFF_COOKIE_SECURE=false` -> `cookie_secure = false`, values parsed the way
/// figment's `Env` provider parses them (numbers and booleans typed).
fn env_dict(env: &[(String, String)]) -> Dict {
    env.iter()
        .filter_map(|(k, v)| {
            let key = k.strip_prefix(PREFIX)?;
            // Read before the layers (they depend on it), not a setting.
            if key == "CONFIG_DIR" || key == "PROFILE" {
                return None;
            }
            let value = v
                .parse::<Value>()
                .unwrap_or_else(|_| Value::from(v.clone()));
            Some((key.to_ascii_lowercase(), value))
        })
        .collect()
}

/// One line per figment error, named by environment variable.
fn describe(err: figment::Error) -> ConfigError {
    let problems = err
        .into_iter()
        .map(|e| {
            let var = if e.path.is_empty() {
                "configuration".to_owned()
            } else {
                format!("BFF_{}", e.path.join("_").to_ascii_uppercase())
            };
            let source = e
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            format!("{var}: {}{source}", e.kind)
        })
        .collect();
    ConfigError { problems }
}
