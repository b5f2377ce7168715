//! Placeholder until the local Cognito lands.
#![allow(missing_docs)]
use serde::Deserialize;
#[derive(Debug, Clone, Deserialize)]
pub struct Seed {
    #[serde(default)]
    pub pools: Vec<SeedPool>,
}
#[derive(Debug, Clone, Deserialize)]
pub struct SeedPool {
    pub id: String,
    #[serde(default)]
    pub clients: Vec<SeedClient>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
}
#[derive(Debug, Clone, Deserialize)]
pub struct SeedClient {
    pub id: String,
    pub secret: Option<String>,
}
#[derive(Debug, Clone, Deserialize)]
pub struct SeedUser {
    pub username: String,
    pub password: String,
}
#[derive(Debug)]
pub struct Options {
    pub listen: std::net::SocketAddr,
    pub data_dir: Option<std::path::PathBuf>,
    pub seed: Seed,
    pub code_ttl: std::time::Duration,
}
#[derive(Debug)]
pub struct LocalCognito {
    addr: std::net::SocketAddr,
}
#[derive(Debug, thiserror::Error)]
#[error("placeholder")]
pub struct StartError;
impl LocalCognito {
    pub async fn start(o: Options) -> Result<Self, StartError> {
        Ok(Self { addr: o.listen })
    }
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn issuer(&self, pool: &str) -> String {
        format!("http://{}/{pool}", self.addr)
    }
    pub async fn shutdown(self) {}
}
