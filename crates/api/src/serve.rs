//! `xjz-api serve`: the embedded default of DESIGN §6, as far as it exists today: the HTTP
//! API on `SERVER__BIND` (migrating when `DATABASE__AUTO_MIGRATE`, seeding the demo tenant
//! and admin on a development first start) and the embedded simulator.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use xjz_alipay_sim::{SimConfig, SimHandle, Simulator};
use xjz_bootstrap::Settings;

use crate::cli;
use crate::startup::{self, Application};

/// What is not there yet, said at every start so nobody mistakes the process for the
/// finished service.
pub const NOT_LANDED: [(&str, &str); 3] = [
    ("facetoface routes", "issue #7"),
    ("embedded worker", "issue #8"),
    ("admin web page", "issue #9"),
];

/// Runs until SIGINT/SIGTERM.
///
/// # Errors
/// A bad Alipay key, a database or address that is unavailable, or a simulator that cannot
/// start (e.g. its port is taken).
pub async fn run(settings: Settings, data_dir: &Path) -> anyhow::Result<()> {
    settings
        .alipay
        .client_config()
        .context("Alipay configuration")?;
    let db = startup::open_database(&settings).await?;
    cli::seed_development(&settings, &db).await?;
    let simulator = start_simulator(&settings, data_dir).await?;
    let app = Application::build_with(&settings, db, startup::Options::default()).await?;
    let handle = app.handle();
    for (part, issue) in NOT_LANDED {
        tracing::warn!(part, issue, "not landed yet");
    }
    tracing::info!(
        bind = %settings.server.bind,
        port = app.port(),
        gateway = %settings.alipay.gateway_url,
        environment = settings.environment.as_str(),
        "xjz-api is up; Ctrl-C stops it"
    );
    let server = tokio::spawn(app.run_until_stopped());
    shutdown_signal().await;
    handle.stop(true).await;
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(%error, "HTTP server failed"),
        Err(error) => tracing::error!(%error, "HTTP server task failed"),
    }
    if let Some(sim) = simulator {
        sim.stop().await;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn start_simulator(
    settings: &Settings,
    data_dir: &Path,
) -> anyhow::Result<Option<SimHandle>> {
    if !settings.embedded.simulator {
        return Ok(None);
    }
    let bind: SocketAddr = settings.embedded.simulator_bind.parse().with_context(|| {
        format!(
            "XJZ__EMBEDDED__SIMULATOR_BIND {:?}",
            settings.embedded.simulator_bind
        )
    })?;
    let config = SimConfig {
        bind,
        // Keeps working batches across restarts of the embedded default.
        state_file: Some(data_dir.join("alipay-sim.json")),
        ..SimConfig::default()
    };
    let sim = Simulator::start(config)
        .await
        .context("starting the embedded Alipay simulator")?;
    tracing::info!(gateway = %sim.gateway_url(), "embedded Alipay simulator started (test keys only)");
    Ok(Some(sim))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
