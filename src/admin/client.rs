//! The admin CLI's SDK configuration: unlike the service's adapter
//! ([`crate::cognito`]), admin operations are SigV4-signed, so this resolves
//! region and credentials through aws-config's default chains, like the AWS
//! CLI, with `--region`, `--profile` and `--endpoint-url` on top.
//!
//! Against the local Cognito (an `--endpoint-url` on a loopback host), two
//! fallbacks keep `cognito-bff admin` usable on a machine with no AWS set-up:
//! - no `--region` and no `AWS_REGION`/`AWS_DEFAULT_REGION`/`--profile`:
//!   region `us-east-1`;
//! - no `AWS_ACCESS_KEY_ID` and no `--profile`/`AWS_PROFILE`: the static dummy
//!   credentials `local`/`local` (the local Cognito does not verify signatures,
//!   the SDK only needs something to sign with).
//!
//! Neither fallback applies to any other endpoint: real AWS gets exactly what
//! the default chains resolve.

use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider as cip;
use aws_sdk_cognitoidentityprovider::config::{Credentials, Region};

use super::{AdminError, GlobalOpts};

/// The region used against a loopback endpoint when none is configured.
pub const LOCAL_REGION: &str = "us-east-1";

/// An SDK client plus what the commands need to know about its target.
#[derive(Debug, Clone)]
pub struct Admin {
    pub sdk: cip::Client,
    /// The resolved region.
    pub region: String,
    /// `--endpoint-url`, without a trailing slash.
    pub endpoint_url: Option<String>,
}

/// Whether `url`'s host is 127.0.0.0/8, `::1` or `localhost`.
pub fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// Builds the client from the global flags and the default chains.
pub async fn connect(opts: &GlobalOpts) -> Result<Admin, AdminError> {
    let endpoint = opts
        .endpoint_url
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_owned());
    if let Some(url) = &endpoint
        && url::Url::parse(url).is_err()
    {
        return Err(AdminError::usage(
            "InvalidEndpointUrl",
            format!("`{url}` is not a URL"),
        ));
    }
    let local = endpoint.as_deref().is_some_and(is_loopback);
    let profile_given = opts.profile.is_some() || env_set("AWS_PROFILE");

    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &endpoint {
        loader = loader.endpoint_url(url);
    }
    match &opts.region {
        Some(r) => loader = loader.region(Region::new(r.clone())),
        None if local
            && !profile_given
            && !env_set("AWS_REGION")
            && !env_set("AWS_DEFAULT_REGION") =>
        {
            loader = loader.region(Region::from_static(LOCAL_REGION));
        }
        None => {}
    }
    if local && !profile_given && !env_set("AWS_ACCESS_KEY_ID") {
        loader = loader.credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "cognito-bff-local",
        ));
    }
    let config = loader.load().await;
    let region = config
        .region()
        .map(|r| r.as_ref().to_owned())
        .ok_or_else(|| {
            AdminError::usage(
                "MissingRegion",
                "no region: pass --region, set AWS_REGION, or configure one in the AWS profile",
            )
        })?;
    Ok(Admin {
        sdk: cip::Client::new(&config),
        region,
        endpoint_url: endpoint,
    })
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts_are_recognised_and_others_are_not() {
        assert!(is_loopback("http://127.0.0.1:9229"));
        assert!(is_loopback("http://localhost:9229/"));
        assert!(is_loopback("http://[::1]:9229"));
        assert!(!is_loopback("https://cognito-idp.eu-west-1.amazonaws.com"));
        assert!(!is_loopback("not a url"));
    }
}
