//! The `cognito-bff` binary: everything lives in the library.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    cognito_bff::cli::run().await
}
