//! `cognito-bff admin`: the management side of Cognito (user pools, app
//! clients, domains, users, and a one-shot `bootstrap` for the BFF), from the
//! same binary, against AWS or the local Cognito (`--endpoint-url`).
//!
//! This module holds the clap arguments shared by every subcommand, the
//! dispatch, and the output rules:
//! - success: exactly one JSON object on stdout (`bootstrap --format env`:
//!   `KEY=value` lines instead);
//! - failure: one line on stderr, `error: <CognitoErrorName>: <message>`, and
//!   exit 1 (2 for usage errors, as clap does for its own);
//! - no secret is ever printed, except the app client secret that
//!   `client create --secret` exists to show.
//!
//! It never loads the service's configuration: `admin` runs on a machine with
//! no `BFF_*` settings at all.

mod bootstrap;
mod client;
mod clients;
mod pools;
mod users;

use std::io::Write as _;
use std::process::ExitCode;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use clap::{Args, Subcommand};
use serde_json::Value;

pub use client::{Admin, connect, is_loopback};

/// Manage Cognito user pools, app clients, domains and users (JSON output).
#[derive(Debug, Args)]
#[command(
    after_help = "Credentials and region come from the AWS default chains (environment, \
~/.aws/config, SSO, instance roles), like the AWS CLI. Against the local Cognito \
(--endpoint-url on 127.0.0.1/localhost) the region defaults to us-east-1 and, when no \
AWS_ACCESS_KEY_ID or profile is set, dummy credentials are used.\n\n\
Output: one JSON object on stdout; errors: `error: <CognitoErrorName>: <message>` on \
stderr, exit 1 (2 for usage errors). No secret is printed, except the app client secret \
of `client create --secret`."
)]
pub struct AdminArgs {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// The flags every admin subcommand takes, named as in the AWS CLI.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalOpts {
    /// AWS region (default: AWS_REGION, the profile's region; us-east-1 against a local endpoint).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Cognito API endpoint, e.g. the local Cognito's `http://127.0.0.1:9229`.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Named profile from ~/.aws/config and ~/.aws/credentials.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// User pools: create, describe, delete.
    #[command(subcommand)]
    Pool(pools::PoolCommand),
    /// App clients.
    #[command(subcommand)]
    Client(clients::ClientCommand),
    /// The pool's hosted domain prefix.
    #[command(subcommand)]
    Domain(pools::DomainCommand),
    /// Users: create, set-password, confirm, set-attribute, delete.
    #[command(subcommand)]
    User(users::UserCommand),
    /// Create a pool with `custom:org_id` and an app client fit for the BFF,
    /// and print the BFF_* settings to run the service against them.
    Bootstrap(bootstrap::BootstrapArgs),
}

/// A failed admin command: the Cognito error name (or one of ours), a
/// one-line message and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminError {
    pub name: String,
    pub message: String,
    pub exit: u8,
}

impl AdminError {
    /// A failure reported by (or on the way to) Cognito: exit 1.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            message: message.into(),
            exit: 1,
        }
    }

    /// A usage problem clap cannot see (malformed `k=v`, no region): exit 2.
    pub fn usage(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            exit: 2,
            ..Self::new(name, message)
        }
    }

    /// From an SDK error: the Cognito exception name when there is one,
    /// else the kind of failure (`DispatchFailure`, `TimeoutError`, ...).
    pub fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        if let Some(code) = err.code() {
            let message = err.message().unwrap_or("").to_owned();
            return Self::new(code, message);
        }
        let name = match &err {
            SdkError::ConstructionFailure(_) => "ConstructionFailure",
            SdkError::TimeoutError(_) => "TimeoutError",
            SdkError::DispatchFailure(_) => "DispatchFailure",
            SdkError::ResponseError(_) => "ResponseError",
            SdkError::ServiceError(_) => "ServiceError",
            _ => "SdkError",
        };
        // "dispatch failure: io error: ... Connection refused (os error 111)"
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            let text = s.to_string();
            if !message.ends_with(&text) {
                message = format!("{message}: {text}");
            }
            source = s.source();
        }
        Self::new(name, message)
    }

    /// The stderr line: `error: <Name>: <message>`, on one line.
    pub fn line(&self) -> String {
        let message = self
            .message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        format!("error: {}: {message}", self.name)
    }
}

impl<E, R> From<SdkError<E, R>> for AdminError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    fn from(err: SdkError<E, R>) -> Self {
        Self::from_sdk(err)
    }
}

/// What a command prints on success.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// One JSON object on stdout.
    Json(Value),
    /// Plain lines on stdout (`bootstrap --format env`).
    Lines(Vec<String>),
}

/// Runs one admin command and prints its output or its error.
pub async fn run(args: AdminArgs) -> ExitCode {
    let text = match execute(args).await {
        Ok(Output::Json(v)) => {
            serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string()) + "\n"
        }
        Ok(Output::Lines(lines)) => lines.iter().map(|l| format!("{l}\n")).collect(),
        Err(e) => {
            eprintln!("{}", e.line());
            return ExitCode::from(e.exit);
        }
    };
    // A closed pipe (`... | head`) is not worth a panic.
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

async fn execute(args: AdminArgs) -> Result<Output, AdminError> {
    let admin = connect(&args.global).await?;
    match args.command {
        AdminCommand::Pool(cmd) => pools::run(&admin, cmd).await.map(Output::Json),
        AdminCommand::Domain(cmd) => pools::run_domain(&admin, cmd).await.map(Output::Json),
        AdminCommand::Client(cmd) => clients::run(&admin, cmd).await.map(Output::Json),
        AdminCommand::User(cmd) => users::run(&admin, cmd).await.map(Output::Json),
        AdminCommand::Bootstrap(cmd) => bootstrap::run(&admin, cmd).await,
    }
}

/// Parses `key=value` (the value may be empty, to clear an attribute).
pub(crate) fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("`{s}` is not of the form name=value")),
    }
}

#[cfg(test)]
mod tests {
    use super::{AdminError, key_value};

    #[test]
    fn an_error_line_is_one_line_with_the_cognito_name() {
        let e = AdminError::new("ResourceNotFoundException", "User pool x\ndoes not exist.");
        assert_eq!(
            e.line(),
            "error: ResourceNotFoundException: User pool x does not exist."
        );
    }

    #[test]
    fn attributes_split_on_the_first_equals_sign() {
        assert_eq!(
            key_value("custom:org_id=a=b"),
            Ok(("custom:org_id".into(), "a=b".into()))
        );
        assert_eq!(key_value("name="), Ok(("name".into(), String::new())));
        assert!(key_value("=x").is_err());
        assert!(key_value("novalue").is_err());
    }
}
