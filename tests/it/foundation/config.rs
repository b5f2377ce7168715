//! Layered configuration and its validation, through the public loader.

use std::time::Duration;

use cognito_bff::config::{OrgIdSource, Profile, load};

use crate::helpers::{cookie_key, production_env, sources};

fn problems(env: &[(&str, &str)]) -> Vec<String> {
    load(&sources(env))
        .expect_err("configuration must be refused")
        .problems
}

fn has(problems: &[String], prefix: &str) -> bool {
    problems.iter().any(|p| p.starts_with(prefix))
}

#[test]
fn production_without_cognito_settings_names_each_missing_one() {
    let p = problems(&[("BFF_PROFILE", "production")]);
    for var in [
        "BFF_COGNITO_REGION:",
        "BFF_COGNITO_USER_POOL_ID:",
        "BFF_COGNITO_CLIENT_ID:",
        "BFF_COOKIE_KEY:",
    ] {
        assert!(has(&p, var), "{var} not named in {p:?}");
    }
}

#[test]
fn a_pool_id_in_the_environment_selects_the_production_profile() {
    let p = problems(&[("BFF_COGNITO_USER_POOL_ID", "eu-west-1_Abc")]);
    assert!(has(&p, "BFF_COOKIE_KEY:"), "{p:?}");
    assert!(has(&p, "BFF_COGNITO_REGION:"), "{p:?}");
}

#[test]
fn a_cookie_key_shorter_than_64_bytes_is_refused_with_its_length() {
    let short = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [1u8; 32]);
    let p = problems(&[("BFF_COOKIE_KEY", &short)]);
    assert!(
        p.iter()
            .any(|l| l.starts_with("BFF_COOKIE_KEY:") && l.contains("32 bytes")),
        "{p:?}"
    );
    // The key itself never appears in the message.
    assert!(!p.iter().any(|l| l.contains(&short)), "{p:?}");
}

#[test]
fn a_cookie_key_that_is_not_base64_is_refused() {
    let p = problems(&[("BFF_COOKIE_KEY", "not base64 at all!")]);
    assert!(has(&p, "BFF_COOKIE_KEY: is not valid base64"), "{p:?}");
}

#[test]
fn malformed_urls_and_listen_addresses_are_each_named() {
    let p = problems(&[
        ("BFF_LISTEN", "localhost"),
        ("BFF_COGNITO_ENDPOINT_URL", "not a url"),
        ("BFF_JWKS_URL", "ftp://example.com/keys"),
        ("BFF_PUBLIC_URL", "://"),
    ]);
    for var in [
        "BFF_LISTEN:",
        "BFF_COGNITO_ENDPOINT_URL:",
        "BFF_JWKS_URL:",
        "BFF_PUBLIC_URL:",
    ] {
        assert!(has(&p, var), "{var} not named in {p:?}");
    }
}

#[test]
fn an_unknown_bff_variable_is_refused_so_typos_do_not_pass_silently() {
    let p = problems(&[("BFF_COOKIE_SECUR", "false")]);
    assert!(p.iter().any(|l| l.contains("cookie_secur")), "{p:?}");
}

#[test]
fn ill_typed_values_name_their_variable() {
    let p = problems(&[
        ("BFF_COOKIE_SECURE", "maybe"),
        ("BFF_CLOCK_LEEWAY_SECS", "soon"),
    ]);
    assert!(has(&p, "BFF_COOKIE_SECURE:"), "{p:?}");
    assert!(has(&p, "BFF_CLOCK_LEEWAY_SECS:"), "{p:?}");
}

#[test]
fn a_clock_leeway_over_300_seconds_is_refused() {
    let p = problems(&[("BFF_CLOCK_LEEWAY_SECS", "301")]);
    assert!(has(&p, "BFF_CLOCK_LEEWAY_SECS:"), "{p:?}");
}

#[test]
fn allowed_origins_must_be_bare_origins_and_never_a_wildcard() {
    let p = problems(&[("BFF_ALLOWED_ORIGINS", "https://app.example.com/path,*")]);
    assert_eq!(
        p.iter()
            .filter(|l| l.starts_with("BFF_ALLOWED_ORIGINS:"))
            .count(),
        2,
        "{p:?}"
    );
}

#[test]
fn an_unknown_profile_or_org_id_source_is_refused() {
    let p = problems(&[("BFF_PROFILE", "staging")]);
    assert!(has(&p, "BFF_PROFILE:"), "{p:?}");
    let p = problems(&[("BFF_ORG_ID_SOURCE", "header")]);
    assert!(has(&p, "BFF_ORG_ID_SOURCE:"), "{p:?}");
}

#[test]
fn local_mode_takes_pool_and_client_from_the_seed_and_generates_a_cookie_key() {
    let s = load(&sources(&[])).unwrap();
    assert_eq!(s.profile, Profile::Local);
    assert_eq!(s.cognito.user_pool_id, "us-east-1_localdemo");
    assert_eq!(s.cognito.region, "us-east-1");
    assert!(!s.cognito.client_id.is_empty());
    assert!(s.cookie_keys.generated);
    assert!(s.cookie_keys.current.len() >= 64);
    // config/local.toml overrides config/default.toml.
    assert!(!s.cookie_secure);
    assert!(!s.json_logs);
}

#[test]
fn the_environment_overrides_the_files() {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.push(("BFF_CLOCK_LEEWAY_SECS".into(), "5".into()));
    env.push(("BFF_ORG_ID_SOURCE".into(), "id_token".into()));
    env.push((
        "BFF_ALLOWED_ORIGINS".into(),
        "https://app.example.com, http://localhost:5173".into(),
    ));
    env.push(("BFF_SIGNUP_ATTRIBUTES".into(), "email".into()));
    let s = crate::helpers::settings_from(env);
    assert_eq!(s.profile, Profile::Production);
    assert_eq!(s.tokens.clock_leeway, Duration::from_secs(5));
    assert_eq!(s.tokens.org_id_source, OrgIdSource::IdToken);
    assert_eq!(
        s.allowed_origins,
        ["https://app.example.com", "http://localhost:5173"]
    );
    assert_eq!(s.signup_attributes, ["email"]);
    assert!(s.cookie_secure, "default.toml's value stands");
    assert!(s.json_logs, "production.toml asks for JSON logs");
}

#[test]
fn without_an_issuer_both_cognito_issuer_forms_are_accepted_and_jwks_derives_from_the_first() {
    let mut env = production_env("");
    env.retain(|(k, _)| k != "BFF_JWKS_URL");
    let s = crate::helpers::settings_from(env);
    assert_eq!(
        s.tokens.issuers,
        [
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
            "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
        ]
    );
    assert_eq!(
        s.tokens.jwks_url.as_str(),
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1/.well-known/jwks.json"
    );
}

#[test]
fn a_pool_id_from_another_region_is_refused() {
    let key = cookie_key();
    let p = problems(&[
        ("BFF_PROFILE", "production"),
        ("BFF_COGNITO_REGION", "eu-west-1"),
        ("BFF_COGNITO_USER_POOL_ID", "us-east-1_Abc"),
        ("BFF_COGNITO_CLIENT_ID", "abc"),
        ("BFF_COOKIE_KEY", &key),
    ]);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(has(&p, "BFF_COGNITO_USER_POOL_ID:"), "{p:?}");
}

#[test]
fn a_numeric_looking_client_id_is_kept_as_text() {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.retain(|(k, _)| k != "BFF_COGNITO_CLIENT_ID");
    env.push(("BFF_COGNITO_CLIENT_ID".into(), "1234567890".into()));
    assert_eq!(
        crate::helpers::settings_from(env).cognito.client_id,
        "1234567890"
    );
}

#[test]
fn debug_output_redacts_the_client_secret_and_cookie_keys() {
    let mut env = production_env("http://127.0.0.1:9/jwks.json");
    env.push((
        "BFF_COGNITO_CLIENT_SECRET".into(),
        "very-secret-value".into(),
    ));
    let s = crate::helpers::settings_from(env);
    let debug = format!("{s:?}");
    assert!(!debug.contains("very-secret-value"), "{debug}");
    assert!(!debug.contains(&cookie_key()), "{debug}");
    assert!(debug.contains("REDACTED"), "{debug}");
}

#[test]
fn check_config_exits_1_naming_each_problem_and_0_with_secrets_redacted() {
    let bin = env!("CARGO_BIN_EXE_cognito-bff");
    let bad = std::process::Command::new(bin)
        .arg("check-config")
        .env_clear()
        .env("BFF_CONFIG_DIR", crate::helpers::config_dir())
        .env("BFF_PROFILE", "production")
        .env("BFF_LISTEN", "nowhere")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("BFF_LISTEN:") && stderr.contains("BFF_COGNITO_USER_POOL_ID:"),
        "{stderr}"
    );

    let mut cmd = std::process::Command::new(bin);
    cmd.arg("check-config")
        .env_clear()
        .env("BFF_CONFIG_DIR", crate::helpers::config_dir());
    for (k, v) in production_env("http://127.0.0.1:9/jwks.json") {
        cmd.env(k, v);
    }
    let good = cmd
        .env("BFF_COGNITO_CLIENT_SECRET", "very-secret-value")
        .output()
        .unwrap();
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert!(stdout.contains("eu-west-1_TestPool1"), "{stdout}");
    assert!(
        !stdout.contains("very-secret-value") && !stdout.contains(&cookie_key()),
        "{stdout}"
    );
}
