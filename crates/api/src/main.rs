//! `xjz-api`: thin shim over the library (STYLE §1).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "xjz-api",
    about = "xjz facetoface (当面付) API server",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve (the embedded default: SQLite + the built-in Alipay simulator).
    Serve,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = xjz_bootstrap::LoadOptions::from_process_env();
    let loaded = match xjz_bootstrap::load(&options) {
        Ok(loaded) => loaded,
        Err(error) => {
            // Telemetry needs the configuration; a configuration error goes to stderr as is.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("xjz-api: {error}");
            }
            return ExitCode::from(2);
        }
    };
    if let Err(error) = xjz_bootstrap::telemetry::init_subscriber(loaded.settings.log.format) {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("xjz-api: cannot start logging: {error}");
        }
        return ExitCode::FAILURE;
    }
    for notice in &loaded.notices {
        tracing::info!(key = %notice.key, "{}", notice.message);
    }
    let result = match cli.command {
        Command::Serve => xjz_api::serve::run(loaded.settings, &options.data_dir()).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error.cause_chain = ?error, error.message = %error, "xjz-api failed");
            ExitCode::FAILURE
        }
    }
}
