//! Building the SDK client from the settings: region, endpoint override,
//! timeouts and the SDK's standard retry strategy (throttling, transient 5xx
//! and I/O errors only; a 400 is never retried).

use std::fmt;
use std::sync::Arc;

use aws_sdk_cognitoidentityprovider as cip;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use secrecy::{ExposeSecret, SecretString};

use super::metrics::LatencyInterceptor;
use crate::config::CognitoSettings;
use crate::metrics::Metrics;

/// The service's handle on Cognito: the SDK client plus the app client it acts as.
#[derive(Clone)]
pub struct CognitoClient {
    pub(crate) sdk: cip::Client,
    inner: Arc<Inner>,
}

struct Inner {
    client_id: String,
    client_secret: Option<SecretString>,
}

impl fmt::Debug for CognitoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CognitoClient")
            .field("client_id", &self.inner.client_id)
            .field(
                "client_secret",
                &self.inner.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

impl CognitoClient {
    /// A client for the configured region and endpoint. No credentials: the
    /// operations the service calls are public ones that Cognito authorises by
    /// client id, SECRET_HASH and tokens, not by SigV4.
    pub fn new(settings: &CognitoSettings) -> Self {
        Self::with_metrics(settings, Arc::new(Metrics::new()))
    }

    /// As [`CognitoClient::new`], recording each operation's latency in `metrics`.
    pub fn with_metrics(settings: &CognitoSettings, metrics: Arc<Metrics>) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(settings.connect_timeout)
            .operation_timeout(settings.operation_timeout)
            .operation_attempt_timeout(settings.operation_timeout / settings.max_attempts.max(1))
            .build();
        let mut config = cip::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(settings.region.clone()))
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts))
            .interceptor(LatencyInterceptor(metrics));
        if let Some(url) = &settings.endpoint_url {
            config = config.endpoint_url(url.as_str().trim_end_matches('/'));
        }
        Self {
            sdk: cip::Client::from_conf(config.build()),
            inner: Arc::new(Inner {
                client_id: settings.client_id.clone(),
                client_secret: settings.client_secret.clone(),
            }),
        }
    }

    /// The app client id every call names.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// SECRET_HASH for `username` when the app client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.inner
            .client_secret
            .as_ref()
            .map(|s| super::secret_hash(s.expose_secret(), username, &self.inner.client_id))
    }

    /// The client secret, for calls that take it as such (RevokeToken).
    pub(crate) fn client_secret(&self) -> Option<&str> {
        self.inner.client_secret.as_ref().map(|s| s.expose_secret())
    }
}
