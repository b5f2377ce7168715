//! The command line: `serve` (the default), `check-config`, `local-cognito`,
//! and `admin` (which never loads the service's configuration).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::admin::{self, AdminArgs};
use crate::config::{self, Settings, Sources};
use crate::local_cognito::LocalCognito;
use crate::startup::{App, shutdown_signal};
use crate::telemetry;

/// A backend-for-frontend that keeps Amazon Cognito tokens in httpOnly cookies.
#[derive(Debug, Parser)]
#[command(name = "cognito-bff", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service (the default). Local mode starts the embedded local Cognito.
    Serve,
    /// Load and validate the configuration, print it with secrets redacted, exit 0 or 1.
    CheckConfig,
    /// Run only the embedded local Cognito, for other services and SPAs.
    LocalCognito {
        /// Where to listen (default: BFF_LOCAL_COGNITO_LISTEN, 127.0.0.1:9229).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Keep state and signing keys in this directory across restarts.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Allow a non-loopback --listen address and any Host header (for a
        /// compose network or a second machine; never on a shared network).
        #[arg(long)]
        allow_remote: bool,
    },
    /// Manage Cognito user pools, app clients, domains and users (AWS or --endpoint-url).
    Admin(AdminArgs),
}

/// Parses the arguments and runs the chosen command.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        // `admin` talks to Cognito with AWS credentials; it needs no BFF settings.
        Command::Admin(args) => admin::run(args).await,
        Command::Serve => match settings() {
            Ok(settings) => serve(settings).await,
            Err(code) => code,
        },
        Command::CheckConfig => match settings() {
            Ok(settings) => check_config(&settings),
            Err(code) => code,
        },
        Command::LocalCognito {
            listen,
            data_dir,
            allow_remote,
        } => match settings() {
            Ok(settings) => run_local_cognito(settings, listen, data_dir, allow_remote).await,
            Err(code) => code,
        },
    }
}

/// The configuration, or the exit code after printing why it is invalid.
fn settings() -> Result<Settings, ExitCode> {
    config::load(&Sources::from_process()).map_err(|e| {
        eprint!("{e}");
        ExitCode::FAILURE
    })
}

/// `check-config`: valid settings (and, in local mode, a seed the local
/// Cognito can use), printed with secrets redacted.
fn check_config(settings: &Settings) -> ExitCode {
    if settings.profile == crate::config::Profile::Local
        && let Err(e) = crate::startup::local_cognito_options(settings)
    {
        eprintln!("invalid configuration:\n  - {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "configuration is valid ({} profile)",
        settings.profile.as_str()
    );
    println!("{settings:#?}");
    ExitCode::SUCCESS
}

async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(settings.json_logs);
    let app = match App::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "startup failed");
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %app.addr(), profile = app.state().settings.profile.as_str(), "listening");
    if let Some(banner) = crate::banner::local_banner(&app) {
        println!("{banner}");
    }
    match app.run_until_stopped(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}

async fn run_local_cognito(
    settings: Settings,
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    allow_remote: bool,
) -> ExitCode {
    telemetry::init(settings.json_logs);
    let mut options = match crate::startup::local_cognito_options(&settings) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(listen) = listen {
        options.listen = listen;
    }
    if data_dir.is_some() {
        options.data_dir = data_dir;
    }
    options.allow_remote = allow_remote;
    match LocalCognito::start(options).await {
        Ok(lc) => {
            println!("local Cognito listening on {}", lc.endpoint_url());
            println!(
                "  aws cognito-idp --endpoint-url {} list-user-pools --max-results 10",
                lc.endpoint_url()
            );
            tracing::warn!("the local Cognito is for development and tests, not for production");
            shutdown_signal().await;
            lc.shutdown().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
