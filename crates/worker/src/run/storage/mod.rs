//! The apalis job storage chosen from the database URL: apalis-sqlite in its own file for
//! SQLite, apalis-postgres (its own `apalis` schema) for PostgreSQL. Both run on sqlx 0.9,
//! the same sqlx as sea-orm 2, so one libsqlite3-sys links.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use apalis::layers::retry::RetryPolicy;
use apalis::prelude::{BackendExt, BoxDynError, Monitor, WorkerBuilder, WorkerBuilderExt};
use apalis_postgres::{PgPool, PostgresStorage};
use apalis_sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteStorage};
use tokio::sync::watch;
use xjz_domain::ports::repository::DueOrder;

use super::{Plan, WorkerError, tick_loop, worker_name};
use crate::job::{JobBackoff, POLL_QUEUE, RETRIES, poll_order, should_retry};
use fetch::FetchInterval;

mod fetch;

/// Builds the apalis worker over `$storage`, runs it under a monitor beside the tick loop,
/// and stops both on `$shutdown` (or when a `--once` tick is done). A macro rather than a
/// generic fn: the monitor's bounds over the storage's layers are not worth spelling out.
macro_rules! run_with_storage {
    ($plan:expr, $storage:expr, $shutdown:expr) => {{
        let plan: Plan = $plan;
        let storage = $storage;
        let stop = Arc::new(watch::channel(false).0);
        let external = {
            let stop = Arc::clone(&stop);
            let shutdown = $shutdown;
            tokio::spawn(async move {
                shutdown.await;
                tracing::info!("shutdown requested");
                stop.send_replace(true);
            })
        };
        let ticker = tokio::spawn(tick_loop(plan.ticks(), storage.clone(), Arc::clone(&stop)));
        let name = worker_name();
        let context = plan.context.clone();
        let outstanding = plan.outstanding.clone();
        let fetch = plan.options.fetch_interval;
        let backoff = plan.options.backoff_base;
        let concurrency = plan.concurrency;
        let monitor = Monitor::new()
            .register(move |restarts| {
                let outstanding = outstanding.clone();
                let metrics = context.metrics.clone();
                // A fresh name per restart: the storages refuse to register a name seen
                // within the last heartbeat, and the jobs the dead incarnation held are
                // re-enqueued as orphans once its heartbeat is stale.
                WorkerBuilder::new(format!("{name}-{restarts}"))
                    .backend(
                        storage
                            .clone()
                            .poll_with_strategy(FetchInterval::new(fetch)),
                    )
                    .data(context.clone())
                    // Outermost: runs once per job, after every retry.
                    .then(move |result: Result<(), BoxDynError>| {
                        let outstanding = outstanding.clone();
                        let metrics = metrics.clone();
                        async move {
                            outstanding.done();
                            metrics.set_outstanding(outstanding.get());
                            result
                        }
                    })
                    .concurrency(concurrency)
                    .retry(
                        RetryPolicy::retries(RETRIES)
                            .with_backoff(JobBackoff::new(backoff))
                            .retry_if(should_retry),
                    )
                    // Inside the retries: one span per attempt.
                    .enable_tracing()
                    .catch_panic()
                    .build(poll_order)
            })
            // A storage error (SQLite busy, a dropped PostgreSQL connection) ends the apalis
            // worker's stream; start it again unless we are shutting down.
            .should_restart(|ctx, error| {
                tracing::warn!(worker = ctx.name(), error.message = %error, "job worker failed; restarting");
                !ctx.is_shutting_down()
            })
            .shutdown_timeout(plan.options.shutdown_timeout);
        let mut stopped = stop.subscribe();
        let monitored = monitor
            .run_with_signal(async move {
                let _ = stopped.wait_for(|s| *s).await;
                Ok(())
            })
            .await;
        stop.send_replace(true);
        external.abort();
        let ticked = match ticker.await {
            Ok(result) => result,
            Err(join) => Err(WorkerError::Monitor(format!("tick loop failed: {join}"))),
        };
        monitored.map_err(|e| WorkerError::Monitor(e.to_string()))?;
        ticked
    }};
}

pub(crate) async fn run_sqlite(
    plan: Plan,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let path = plan.options.jobs_db.clone();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| WorkerError::JobStorage(format!("{}: {e}", parent.display())))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(|e| WorkerError::JobStorage(e.to_string()))?;
    SqliteStorage::setup(&pool)
        .await
        .map_err(|e| WorkerError::JobStorage(e.to_string()))?;
    let config = apalis_sqlite::Config::default().queue(POLL_QUEUE);
    let storage = SqliteStorage::<DueOrder>::new(&pool).with_config(config);
    let result = run_with_storage!(plan, storage, shutdown);
    pool.close().await;
    result
}

pub(crate) async fn run_postgres(
    plan: Plan,
    url: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let pool = PgPool::connect(url)
        .await
        .map_err(|e| WorkerError::JobStorage(e.to_string()))?;
    PostgresStorage::setup(&pool)
        .await
        .map_err(|e| WorkerError::JobStorage(e.to_string()))?;
    let config = apalis_postgres::Config::default().queue(POLL_QUEUE);
    let storage = PostgresStorage::<DueOrder>::new(&pool).with_config(config);
    let result = run_with_storage!(plan, storage, shutdown);
    pool.close().await;
    result
}
