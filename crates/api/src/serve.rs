//! `xjz-api serve`: the embedded default of DESIGN §6: the HTTP API on `SERVER__BIND`
//! (migrating when `DATABASE__AUTO_MIGRATE`, seeding the demo tenant and admin on a
//! development first start), the embedded simulator (`EMBEDDED__SIMULATOR`) and the embedded
//! worker (`EMBEDDED__WORKER`), all stopped together on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use xjz_alipay_sim::{SimConfig, SimHandle, Simulator};
use xjz_bootstrap::Settings;

use crate::cli;
use crate::startup::{self, Application};

/// Runs until SIGINT/SIGTERM.
///
/// # Errors
/// A bad Alipay key, a database or address that is unavailable, or a simulator that cannot
/// start (e.g. its port is taken).
pub async fn run(mut settings: Settings, data_dir: &Path) -> anyhow::Result<()> {
    settings
        .alipay
        .client_config()
        .context("Alipay configuration")?;
    let db = startup::open_database(&settings).await?;
    cli::seed_development(&settings, &db).await?;
    let stop = shutdown_signal();
    let simulator = start_simulator(&settings, data_dir).await?;
    if let Some(sim) = &simulator {
        // The derived gateway URL names the configured bind; with port 0 only the simulator
        // knows its port.
        let derived = format!("http://{}/gateway.do", settings.embedded.simulator_bind);
        if settings.alipay.gateway_url == derived {
            settings.alipay.gateway_url = sim.gateway_url();
        }
    }
    let worker = start_worker(&settings, &db, data_dir)?;
    let app = Application::build_with(&settings, db, startup::Options::default()).await?;
    let handle = app.handle();
    tracing::info!(
        bind = %settings.server.bind,
        port = app.port(),
        gateway = %settings.alipay.gateway_url,
        environment = settings.environment.as_str(),
        "xjz-api is up; Ctrl-C stops it"
    );
    let server = tokio::spawn(app.run_until_stopped());
    stop.await;
    handle.stop(true).await;
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(%error, "HTTP server failed"),
        Err(error) => tracing::error!(%error, "HTTP server task failed"),
    }
    if let Some((stop, task)) = worker {
        let _ = stop.send(());
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::error!(error.cause_chain = ?error, "embedded worker failed"),
            Err(error) => tracing::error!(%error, "embedded worker task failed"),
        }
    }
    if let Some(sim) = simulator {
        sim.stop().await;
    }
    tracing::info!("stopped");
    Ok(())
}

type WorkerTask = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), xjz_worker::WorkerError>>,
);

/// Runs the polling worker inside this process when `EMBEDDED__WORKER` (the default in
/// development), on the same database; it stops when the returned sender fires.
fn start_worker(
    settings: &Settings,
    db: &xjz_persistence::DatabaseConnection,
    data_dir: &Path,
) -> anyhow::Result<Option<WorkerTask>> {
    if !settings.embedded.worker {
        return Ok(None);
    }
    let service = xjz_bootstrap::wiring::build_facetoface_service(settings, db)
        .context("building the embedded worker's service")?;
    let mut options = xjz_worker::WorkerOptions::new(xjz_worker::RunMode::Loop, data_dir);
    // The API's own /metrics and /healthz cover the process.
    options.serve_http = false;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tracing::info!(
        tick_secs = settings.worker.tick_secs,
        "embedded worker started"
    );
    let settings = settings.clone();
    let task = tokio::spawn(async move {
        xjz_worker::run::run_worker_with(&settings, service, options, async move {
            let _ = stopped.await;
        })
        .await
    });
    Ok(Some((stop, task)))
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

/// Listens for SIGINT and SIGTERM from the moment it is called (not from the first poll), so
/// a signal sent right after "xjz-api is up" is never missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {},
                        _ = terminate.recv() => {},
                    }
                }
                (Err(error), _) | (_, Err(error)) => {
                    tracing::error!(%error, "cannot listen for signals; stopping");
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C; stopping");
        }
    }
}
