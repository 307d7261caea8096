//! The worker process: job storage, the apalis worker, the tick loop, `/metrics`, shutdown.

mod storage;

#[cfg(test)]
pub(crate) use storage::tune_postgres_storage;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::watch;
use xjz_bootstrap::Settings;
use xjz_bootstrap::configuration::DatabaseKind;

use crate::job::{DEFAULT_BACKOFF_BASE, JobContext, max_job_duration};
use crate::metrics::WorkerMetrics;
use crate::pacer::Pacer;
use crate::tick::{JobQueue, Outstanding, TickError, run_tick};
use crate::{BuildError, WorkerService, build_service};

/// Loop forever (until shutdown) or run one tick to completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// A tick every `WORKER__TICK_SECS` until the shutdown signal.
    Loop,
    /// One tick; returns when every job it enqueued is finished.
    Once,
}

/// How the worker runs, beyond [`Settings`].
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    pub mode: RunMode,
    /// The apalis SQLite job file when the database is SQLite (DESIGN §3: `data/jobs.db`).
    pub jobs_db: PathBuf,
    /// First retry delay of a transient failure (doubles each retry).
    pub backoff_base: Duration,
    /// How often an idle worker looks for jobs in the storage.
    pub fetch_interval: Duration,
    /// Serve `/healthz` and `/metrics` on `WORKER__METRICS_BIND`.
    pub serve_http: bool,
    /// How long a shutdown waits for jobs in flight.
    pub shutdown_timeout: Duration,
}

impl WorkerOptions {
    /// Defaults with the job file under `data_dir`.
    #[must_use]
    pub fn new(mode: RunMode, data_dir: &Path) -> Self {
        Self {
            mode,
            jobs_db: data_dir.join("jobs.db"),
            backoff_base: DEFAULT_BACKOFF_BASE,
            fetch_interval: Duration::from_millis(250),
            serve_http: true,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// Why the worker stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("cannot open the database")]
    Database(#[source] xjz_persistence::DbErr),
    #[error("cannot build the service")]
    Build(#[from] BuildError),
    #[error("the database URL is neither sqlite:// nor postgres://")]
    UnknownDatabase,
    #[error("cannot set up the job storage: {0}")]
    JobStorage(String),
    #[error("cannot serve /metrics on {bind}")]
    Http {
        bind: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot register metrics")]
    Metrics(#[from] prometheus::Error),
    #[error("the tick failed")]
    Tick(#[from] TickError),
    #[error("the apalis monitor failed: {0}")]
    Monitor(String),
}

/// Connects, migrates when configured, builds the service and runs the worker until
/// `shutdown` completes (or, with [`RunMode::Once`], until its tick's jobs are done).
///
/// # Errors
/// [`WorkerError`]: start-up failures, a failed `--once` tick, or the monitor failing.
pub async fn run_worker(
    settings: &Settings,
    options: WorkerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let db = xjz_persistence::connect(settings.database.url.expose_secret())
        .await
        .map_err(WorkerError::Database)?;
    if settings.database.auto_migrate {
        xjz_persistence::migrate(&db)
            .await
            .map_err(WorkerError::Database)?;
    }
    let service = build_service(settings, &db)?;
    run_worker_with(settings, service, options, shutdown).await
}

/// [`run_worker`] with a service built by the caller (the api's embedded worker).
///
/// # Errors
/// As [`run_worker`].
pub async fn run_worker_with(
    settings: &Settings,
    service: Arc<WorkerService>,
    options: WorkerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let metrics = WorkerMetrics::new()?;
    let http = if options.serve_http {
        let bind = settings.worker.metrics_bind.clone();
        Some(
            crate::http::start(&bind, metrics.clone())
                .map_err(|source| WorkerError::Http { bind, source })?,
        )
    } else {
        None
    };
    let plan = Plan {
        service: Arc::clone(&service),
        context: JobContext {
            service,
            pacer: Pacer::new(settings.worker.max_qps),
            metrics: metrics.clone(),
        },
        outstanding: Outstanding::default(),
        concurrency: usize::try_from(settings.worker.concurrency.max(1)).unwrap_or(1),
        tick: settings.worker.tick().max(Duration::from_millis(100)),
        budget: tick_budget(settings),
        lease: lease(settings),
        options,
    };
    if plan
        .lease
        .to_std()
        .is_ok_and(|lease| lease < default_lease(settings))
    {
        tracing::warn!(
            lease_secs = plan.lease.num_seconds(),
            derived_secs = default_lease(settings).as_secs(),
            "XJZ__WORKER__LEASE_SECS is shorter than one tick plus the longest poll job: an order still queued or in flight when its lease ends may be polled twice"
        );
    }
    tracing::info!(
        mode = ?plan.options.mode,
        tick_secs = settings.worker.tick_secs,
        concurrency = plan.concurrency,
        max_qps = settings.worker.max_qps,
        budget = plan.budget,
        lease_secs = plan.lease.num_seconds(),
        "worker starting"
    );
    let result = match settings.database.url.kind() {
        Some(DatabaseKind::Sqlite) => storage::run_sqlite(plan, shutdown).await,
        Some(DatabaseKind::Postgres) => {
            storage::run_postgres(plan, settings.database.url.expose_secret(), shutdown).await
        }
        None => Err(WorkerError::UnknownDatabase),
    };
    if let Some((handle, task)) = http {
        handle.stop(true).await;
        let _ = task.await;
    }
    tracing::info!(ok = result.is_ok(), "worker stopped");
    result
}

/// Orders one tick may claim: what the QPS ceiling polls in one tick period, so every
/// claimed order is polled well inside its lease.
#[must_use]
pub fn tick_budget(settings: &Settings) -> u64 {
    match settings.worker.max_qps {
        0 => u64::MAX,
        qps => u64::from(qps).saturating_mul(settings.worker.tick_secs.max(1)),
    }
}

/// The claim's lease: `XJZ__WORKER__LEASE_SECS` when set, else one tick period (the budget
/// drains in it) plus twice the longest a job may take, so a killed worker's orders come
/// back soon after.
#[must_use]
pub fn lease(settings: &Settings) -> TimeDelta {
    let span = match settings.worker.lease_secs {
        Some(secs) => Duration::from_secs(secs),
        None => default_lease(settings),
    };
    TimeDelta::from_std(span).unwrap_or(TimeDelta::hours(1))
}

/// The lease when `XJZ__WORKER__LEASE_SECS` is not set: one tick plus twice
/// [`max_job_duration`].
#[must_use]
pub fn default_lease(settings: &Settings) -> Duration {
    settings.worker.tick() + max_job_duration(settings.alipay.timeout()) * 2
}

/// Everything the storage-specific runners share.
pub(crate) struct Plan {
    pub service: Arc<WorkerService>,
    pub context: JobContext,
    pub outstanding: Outstanding,
    pub concurrency: usize,
    pub tick: Duration,
    pub budget: u64,
    pub lease: TimeDelta,
    pub options: WorkerOptions,
}

/// What the tick loop needs.
pub(crate) struct Ticks {
    service: Arc<WorkerService>,
    budget: u64,
    lease: TimeDelta,
    tick: Duration,
    mode: RunMode,
    outstanding: Outstanding,
    metrics: WorkerMetrics,
}

impl Plan {
    pub(crate) fn ticks(&self) -> Ticks {
        Ticks {
            service: Arc::clone(&self.service),
            budget: self.budget,
            lease: self.lease,
            tick: self.tick,
            mode: self.options.mode,
            outstanding: self.outstanding.clone(),
            metrics: self.context.metrics.clone(),
        }
    }
}

/// Runs ticks until stopped; in `Once` mode runs one, waits for its jobs, then stops the
/// worker. Returns the `Once` tick's error, if any.
pub(crate) async fn tick_loop<Q: JobQueue>(
    ticks: Ticks,
    mut queue: Q,
    stop: Arc<watch::Sender<bool>>,
) -> Result<(), WorkerError> {
    let Ticks {
        service: plan_service,
        budget,
        lease,
        tick,
        mode,
        outstanding,
        metrics,
    } = ticks;
    let mut stopped = stop.subscribe();
    if mode == RunMode::Once {
        let result = run_tick(
            &plan_service,
            &mut queue,
            budget,
            lease,
            &outstanding,
            &metrics,
        )
        .await;
        if result.is_ok() {
            tokio::select! {
                () = outstanding.wait_idle() => {}
                () = wait_stopped(&mut stopped) => {}
            }
        }
        metrics.set_outstanding(outstanding.get());
        stop.send_replace(true);
        return result.map(|_| ()).map_err(WorkerError::from);
    }
    let mut interval = tokio::time::interval(tick);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                // A failed tick is logged and counted; the next one tries again.
                let _ = run_tick(&plan_service, &mut queue, budget, lease, &outstanding, &metrics).await;
            }
            () = wait_stopped(&mut stopped) => return Ok(()),
        }
    }
}

async fn wait_stopped(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// A worker name unique across processes (the SQL storages register workers by name).
pub(crate) fn worker_name() -> String {
    format!(
        "xjz-worker-{}-{:08x}",
        std::process::id(),
        fastrand::u32(..)
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use xjz_bootstrap::{LoadOptions, load};

    use super::*;

    fn load_with(vars: &[(&str, &str)]) -> (tempfile::TempDir, Result<Settings, String>) {
        let dir = tempfile::tempdir().unwrap();
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain([("XJZ__EMBEDDED__WORKER".to_owned(), "false".to_owned())])
            .collect();
        let loaded = load(&LoadOptions {
            env,
            config_dir: Some(dir.path().join("config")),
            data_dir: Some(dir.path().join("data")),
        });
        (
            dir,
            loaded.map(|l| l.settings).map_err(|e| format!("{e:#}")),
        )
    }

    #[test]
    fn the_lease_is_derived_from_tick_and_timeout_unless_configured() {
        let (_dir, settings) = load_with(&[]);
        let settings = settings.unwrap();
        // 1800 s tick + 2 × (5 × 15 s + 1 + 2 + 4 + 8 s).
        assert_eq!(lease(&settings), TimeDelta::seconds(1980));
        let (_dir, settings) = load_with(&[("XJZ__WORKER__LEASE_SECS", "3")]);
        assert_eq!(lease(&settings.unwrap()), TimeDelta::seconds(3));
    }

    #[test]
    fn a_zero_lease_is_refused_by_name() {
        let (_dir, settings) = load_with(&[("XJZ__WORKER__LEASE_SECS", "0")]);
        let error = settings.unwrap_err();
        assert!(error.contains("XJZ__WORKER__LEASE_SECS"), "{error}");
    }
}
