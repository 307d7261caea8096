//! `xjz-worker`: polls Alipay for submitted applications (DESIGN §5). A thin shim over
//! [`xjz_worker::run_worker`].

use std::process::ExitCode;

use clap::Parser;
use xjz_bootstrap::{LoadOptions, load, telemetry};
use xjz_worker::{RunMode, WorkerOptions, run_worker};

/// Polls Alipay for every submitted face-to-face application until it settles.
#[derive(Debug, Parser)]
#[command(name = "xjz-worker", version)]
struct Cli {
    /// Run one tick to completion (every job it enqueued finished) and exit.
    #[arg(long)]
    once: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = LoadOptions::from_process_env();
    let loaded = match load(&options) {
        Ok(loaded) => loaded,
        Err(error) => {
            // No subscriber yet: the configuration names the log format.
            let _ = telemetry::init_subscriber(xjz_bootstrap::configuration::LogFormat::Pretty);
            tracing::error!(error.cause_chain = ?error, error.message = %error, "cannot load configuration");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = telemetry::init_subscriber(loaded.settings.log.format) {
        let _ = error;
        return ExitCode::FAILURE;
    }
    for notice in &loaded.notices {
        tracing::info!(notice = %notice, "configuration");
    }
    tracing::info!(settings = %loaded.settings, "starting xjz-worker");
    let mode = if cli.once {
        RunMode::Once
    } else {
        RunMode::Loop
    };
    let worker_options = WorkerOptions::new(mode, &options.data_dir());
    match run_worker(&loaded.settings, worker_options, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error.cause_chain = ?error, error.message = %error, "worker failed");
            ExitCode::FAILURE
        }
    }
}

/// SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
