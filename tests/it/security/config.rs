//! Start-up refuses what would expose users: local mode (its demo user, a
//! generated key, the local Cognito) anywhere but on loopback, a pool id
//! that is set but blank (which used to fall back to local mode), and in
//! production cookies without `Secure` or Cognito, keys or SPA origins over
//! plain http to other hosts.

use crate::admin::{command, run};
use crate::helpers::{cookie_key, production_env, sources};

/// `cognito-bff serve` with exactly these `BFF_*` variables: it must exit
/// non-zero before serving, naming each problem on its own line.
async fn refused_at_start(env: &[(&str, &str)], expected: &[&str]) -> String {
    let mut cmd = command(env);
    cmd.arg("serve").env(
        "BFF_CONFIG_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/config"),
    );
    let out = tokio::time::timeout(std::time::Duration::from_secs(20), run(cmd))
        .await
        .expect("the service must refuse to start, not serve");
    assert_ne!(out.code, Some(0), "{out:?}");
    for line in expected {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.trim_start_matches("  - ").starts_with(line)),
            "no line starting {line:?}: {out:?}"
        );
    }
    out.stderr
}

#[tokio::test]
async fn local_mode_refuses_to_listen_beyond_loopback() {
    let stderr = refused_at_start(
        &[("BFF_LISTEN", "0.0.0.0:8080")],
        &["BFF_LISTEN: `0.0.0.0:8080` is not a loopback address"],
    )
    .await;
    assert!(stderr.contains("BFF_PROFILE=production"), "{stderr}");
    refused_at_start(
        &[
            ("BFF_LISTEN", "127.0.0.1:0"),
            ("BFF_LOCAL_COGNITO_LISTEN", "[::]:9229"),
        ],
        &["BFF_LOCAL_COGNITO_LISTEN:"],
    )
    .await;
}

#[tokio::test]
async fn a_pool_id_that_is_set_but_blank_is_an_error_not_local_mode() {
    for blank in ["", "   "] {
        refused_at_start(
            &[
                ("BFF_LISTEN", "127.0.0.1:0"),
                ("BFF_COGNITO_USER_POOL_ID", blank),
            ],
            &["BFF_COGNITO_USER_POOL_ID: is set but blank"],
        )
        .await;
    }
}

#[test]
fn production_refuses_insecure_cookies_and_plain_http_beyond_loopback() {
    let mut env = production_env("http://keys.example.com/jwks.json");
    env.retain(|(k, _)| k != "BFF_COGNITO_ENDPOINT_URL");
    let owned: Vec<(String, String)> = env
        .into_iter()
        .chain([
            ("BFF_COOKIE_SECURE".into(), "false".into()),
            (
                "BFF_COGNITO_ENDPOINT_URL".into(),
                "http://cognito.internal:9229".into(),
            ),
            (
                "BFF_ALLOWED_ORIGINS".into(),
                "http://app.example.com,https://ok.example.com".into(),
            ),
        ])
        .collect();
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let problems = cognito_bff::config::load(&sources(&pairs))
        .expect_err("refused")
        .problems;
    for var in [
        "BFF_COOKIE_SECURE:",
        "BFF_JWKS_URL:",
        "BFF_COGNITO_ENDPOINT_URL:",
        "BFF_ALLOWED_ORIGINS: `http://app.example.com/`",
    ] {
        let lines: Vec<&String> = problems.iter().filter(|p| p.starts_with(var)).collect();
        assert_eq!(lines.len(), 1, "one line for {var}: {problems:?}");
    }
    assert_eq!(problems.len(), 4, "{problems:?}");

    // Plain http on loopback (an emulator, a sidecar) and https elsewhere are fine.
    let key = cookie_key();
    cognito_bff::config::load(&sources(&[
        ("BFF_PROFILE", "production"),
        ("BFF_LISTEN", "0.0.0.0:8080"),
        ("BFF_COGNITO_REGION", "eu-west-1"),
        ("BFF_COGNITO_USER_POOL_ID", "eu-west-1_TestPool1"),
        ("BFF_COGNITO_CLIENT_ID", "testclient123"),
        ("BFF_COGNITO_ENDPOINT_URL", "http://127.0.0.1:9229"),
        ("BFF_JWKS_URL", "http://localhost:9229/jwks.json"),
        (
            "BFF_ALLOWED_ORIGINS",
            "http://localhost:3000,https://app.example.com",
        ),
        ("BFF_COOKIE_KEY", &key),
    ]))
    .expect("loopback http and remote https are accepted");
}
