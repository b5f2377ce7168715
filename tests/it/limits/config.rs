//! The new settings: defaults, and each invalid one named.

use cognito_bff::config::{RateLimit, load};

use crate::helpers::{production_env, settings_from, sources};

#[test]
fn defaults_are_60_and_10_a_minute_no_trusted_proxy_and_no_metrics_listener() {
    let s = settings_from(production_env("http://127.0.0.1:9/jwks.json"));
    assert_eq!(
        s.rate_limits.per_ip,
        Some(RateLimit {
            per_minute: 60,
            burst: 60
        })
    );
    assert_eq!(
        s.rate_limits.per_username,
        Some(RateLimit {
            per_minute: 10,
            burst: 10
        })
    );
    assert!(s.rate_limits.trusted_proxies.is_empty());
    assert_eq!(s.metrics_listen, None);
}

#[test]
fn limits_proxies_and_the_metrics_listener_are_read_from_the_environment() {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.extend(
        [
            ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "120"),
            ("BFF_RATE_LIMIT_PER_IP_BURST", "30"),
            ("BFF_RATE_LIMIT_PER_USERNAME_PER_MIN", "0"),
            ("BFF_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7,2001:db8::/32"),
            ("BFF_METRICS_LISTEN", "127.0.0.1:9100"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    let s = settings_from(env);
    assert_eq!(
        s.rate_limits.per_ip,
        Some(RateLimit {
            per_minute: 120,
            burst: 30
        })
    );
    assert_eq!(s.rate_limits.per_username, None);
    let proxies: Vec<String> = s
        .rate_limits
        .trusted_proxies
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(proxies, ["10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"]);
    assert_eq!(s.metrics_listen, Some("127.0.0.1:9100".parse().unwrap()));
}

#[test]
fn invalid_values_are_each_named() {
    let env = [
        ("BFF_RATE_LIMIT_PER_IP_PER_MIN", "lots"),
        ("BFF_RATE_LIMIT_PER_USERNAME_BURST", "0"),
        ("BFF_TRUSTED_PROXIES", "10.0.0.0/33,proxy.internal"),
        ("BFF_METRICS_LISTEN", "9100"),
    ];
    let err = load(&sources(&env)).unwrap_err();
    let text = err.problems.join("\n");
    for var in [
        "BFF_RATE_LIMIT_PER_IP_PER_MIN",
        "BFF_RATE_LIMIT_PER_USERNAME_BURST",
        "BFF_METRICS_LISTEN",
    ] {
        assert!(text.contains(var), "{var} not named in:\n{text}");
    }
    assert_eq!(
        err.problems
            .iter()
            .filter(|p| p.starts_with("BFF_TRUSTED_PROXIES"))
            .count(),
        2,
        "{text}"
    );
}
