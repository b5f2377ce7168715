//! `cognito-bff admin`, through the binary itself, against a local Cognito
//! of each test's own (`--endpoint-url`).

mod bootstrap;
mod pools;
mod users;

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// The binary under test, pinned at first use.
///
/// `target/debug/cognito-bff` is shared by every worktree that builds into
/// the same target dir, and a build elsewhere replaces it while these tests
/// run. Cargo re-links this worktree's binary there when `cargo test` starts;
/// a hard link taken at the first spawn keeps that very file for the whole
/// run. With a shared target dir, compile first (`cargo test --no-run`) so
/// that the tests start right after that re-link.
fn binary() -> &'static PathBuf {
    static PINNED: OnceLock<PathBuf> = OnceLock::new();
    PINNED.get_or_init(|| {
        let built = PathBuf::from(env!("CARGO_BIN_EXE_cognito-bff"));
        let tag: String = env!("CARGO_MANIFEST_DIR")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let pinned = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cognito-bff-{tag}"));
        let _ = std::fs::remove_file(&pinned);
        match std::fs::hard_link(&built, &pinned) {
            Ok(()) => pinned,
            Err(_) => built,
        }
    })
}

/// What one run of the binary left behind.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success (exit 0, nothing on stderr) and parses stdout as the
    /// one JSON object it must be.
    pub fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "{self:?}");
        assert_eq!(self.stderr, "", "{self:?}");
        let v: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON value ({e}): {self:?}"));
        assert!(v.is_object(), "{self:?}");
        v
    }

    /// Asserts a failure: non-zero exit, nothing on stdout, one stderr line
    /// `error: <name>: ...`.
    pub fn fails_with(&self, name: &str) {
        assert_ne!(self.code, Some(0), "{self:?}");
        assert_eq!(self.stdout, "", "{self:?}");
        let line = self.stderr.trim_end_matches('\n');
        assert!(!line.contains('\n'), "more than one line: {self:?}");
        assert!(
            line.starts_with(&format!("error: {name}: ")),
            "expected {name}: {self:?}"
        );
    }
}

/// Every variable that could point the SDK elsewhere or change its
/// credentials, region or config files.
const AWS_VARS: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// The binary with a clean AWS environment: no profile, no config files,
/// no instance metadata, and `extra` variables on top.
pub fn command(extra: &[(&str, &str)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(binary());
    for var in AWS_VARS {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUST_LOG", "off");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd
}

/// Runs `cognito-bff admin <args> --endpoint-url <endpoint>` with dummy
/// AWS credentials in the environment.
pub async fn admin_cli(endpoint: &str, args: &[&str]) -> Run {
    let mut cmd = command(&[
        ("AWS_ACCESS_KEY_ID", "local"),
        ("AWS_SECRET_ACCESS_KEY", "local"),
    ]);
    cmd.arg("admin")
        .args(args)
        .args(["--endpoint-url", endpoint]);
    run(cmd).await
}

/// Runs a prepared command to completion.
pub async fn run(mut cmd: tokio::process::Command) -> Run {
    let out = cmd.output().await.expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("unrecognized subcommand 'admin'"),
        "{} is another worktree's build (shared target dir): run `cargo test --no-run`, then the tests again",
        binary().display()
    );
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// A fresh pool with `custom:org_id` made through the CLI; its id.
pub async fn new_pool(endpoint: &str, name: &str) -> String {
    let pool = admin_cli(
        endpoint,
        &[
            "pool",
            "create",
            "--name",
            name,
            "--custom-attribute",
            "org_id",
        ],
    )
    .await
    .json();
    pool["id"].as_str().unwrap().to_owned()
}
