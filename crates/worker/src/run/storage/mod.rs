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
use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
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

fn job_storage(e: impl std::fmt::Display) -> WorkerError {
    WorkerError::JobStorage(e.to_string())
}

pub(crate) async fn run_sqlite(
    plan: Plan,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let path = plan.options.jobs_db.clone();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| job_storage(format!("{}: {e}", parent.display())))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .busy_timeout(Duration::from_secs(5))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    // apalis' setup also sets per-connection pragmas on the connection it runs on —
    // `synchronous = OFF` and a 64,000-page cache, which held the job table of a 100,000-order
    // drain in memory (peak RSS 49.9 MiB, growing with the jobs). So it runs on a pool of its
    // own; the worker's pool keeps a durable WAL and a small page cache (the job table is read
    // by key and by its fetch index; with this and the orders database's smaller cache the
    // 100,000-order drain's peak RSS fell from 53.1 to 39.7 MiB, measured).
    let setup = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options.clone())
        .await
        .map_err(job_storage)?;
    SqliteStorage::setup(&setup).await.map_err(job_storage)?;
    drop_lock_index(&setup).await.map_err(job_storage)?;
    setup.close().await;
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options.pragma("cache_size", "-512"))
        .await
        .map_err(job_storage)?;
    let config = apalis_sqlite::Config::default().queue(POLL_QUEUE);
    let storage = SqliteStorage::<DueOrder>::new(&pool).with_config(config);
    let result = run_with_storage!(plan, storage, shutdown);
    pool.close().await;
    result
}

/// Drops apalis-sqlite's index on `Jobs(lock_by)` (`LIdx`).
///
/// apalis-sqlite 1.0's ack (`UPDATE Jobs SET … FROM (json_each(?)) j WHERE Jobs.id =
/// j.task_id AND Jobs.lock_by = ?`) is planned through that index: a walk over every job this
/// worker has ever locked (finished jobs keep `lock_by`) that parses the acked JSON again for
/// each row — 13.6 ms per ack at 10,000 jobs, so the cost of a poll grew with every poll
/// before it (the SQLite drain of issue #8). Without the index SQLite walks the acked ids and
/// looks each job up by its key (0.14 ms; plain SQLite, measured). apalis' other statements
/// that filter on `lock_by` find their rows by id or status first.
async fn drop_lock_index(pool: &apalis_sqlite::SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("DROP INDEX IF EXISTS LIdx")
        .execute(pool)
        .await
        .map(drop)
}

pub(crate) async fn run_postgres(
    plan: Plan,
    url: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WorkerError> {
    let pool = PgPool::connect(url).await.map_err(job_storage)?;
    PostgresStorage::setup(&pool).await.map_err(job_storage)?;
    tune_postgres_storage(&pool).await.map_err(job_storage)?;
    let config = apalis_postgres::Config::default().queue(POLL_QUEUE);
    let storage = PostgresStorage::<DueOrder>::new(&pool).with_config(config);
    let result = run_with_storage!(plan, storage, shutdown);
    pool.close().await;
    result
}

/// Fixes two plans of apalis-postgres 1.0 that grow with the job table (both measured on a
/// drain of 100,000 orders, see docs/performance.md); run after `PostgresStorage::setup`,
/// which never undoes them (its migrations are applied once).
///
/// 1. Drops every index of `apalis.jobs` on `lock_by` alone, whatever its name. apalis'
///    ack joins the acked ids to `apalis.jobs … WHERE lock_by = $2`, and with statistics that
///    lag a burst of jobs PostgreSQL walks every job this worker locked through such an index
///    — 20 ms per ack at 100,000 jobs against 0.2–0.5 ms by the primary key (the same trap as
///    SQLite's, see [`drop_lock_index`]). apalis creates two: `idx_apalis_jobs_lock_by` and,
///    from its first migration, `lidx` (its "streamline" migration drops the other old
///    indexes but not that one); `pg_stat_user_indexes` showed `lidx` reading 150 million
///    entries in 6,900 scans of one drain.
/// 2. Replaces `apalis.get_jobs` (the fetch) with the same statement written so that its
///    plan cannot depend on the table's size. apalis' version selects the ids in a CTE with
///    `LIMIT v_job_count`; a SQL function's `LIMIT` is a parameter, which PostgreSQL guesses
///    at 10 % of the rows, so the `UPDATE … FROM` the CTE became a hash join over a
///    sequential scan of the whole table: 38–45 ms per fetch of 10 jobs at 100,000 jobs,
///    capping the drain at ~170 polls/s. Matching `id = ANY(ARRAY(…))` looks the chosen ids
///    up by the primary key: 0.35 ms (EXPLAIN ANALYZE of both, same data). Same arguments,
///    same rows locked and returned; positional parameters so that a test can prepare the
///    installed body as it is.
///
/// Workers starting together would race (`CREATE OR REPLACE FUNCTION` from two sessions fails
/// with "tuple concurrently updated"; seen as a worker exiting at start in the 3-worker test),
/// so the changes run in one transaction holding [`TUNING_LOCK`].
pub(crate) async fn tune_postgres_storage(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(TUNING_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DO $$ DECLARE ix regclass; BEGIN \
           FOR ix IN SELECT i.indexrelid::regclass FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
             WHERE i.indrelid = 'apalis.jobs'::regclass AND i.indnatts = 1 \
               AND a.attname = 'lock_by' \
           LOOP EXECUTE format('DROP INDEX IF EXISTS %s', ix); END LOOP; END $$",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::raw_sql(POSTGRES_GET_JOBS).execute(&mut *tx).await?;
    tx.commit().await
}

/// The advisory lock key of [`tune_postgres_storage`] (an arbitrary constant: "xjzapals").
const TUNING_LOCK: i64 = 0x786a_7a61_7061_6c73;

/// `apalis.get_jobs` as [`tune_postgres_storage`] installs it.
const POSTGRES_GET_JOBS: &str = "\
CREATE OR REPLACE FUNCTION apalis.get_jobs(
    worker_id TEXT,
    v_job_type TEXT,
    v_job_count INTEGER DEFAULT 5
)
RETURNS SETOF apalis.jobs
LANGUAGE sql
VOLATILE
AS $$
    UPDATE apalis.jobs j
    SET status = 'Queued', lock_by = $1, lock_at = now()
    WHERE j.id = ANY (ARRAY(
        SELECT id
        FROM apalis.jobs
        WHERE (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts))
          AND run_at < now()
          AND job_type = $2
        ORDER BY priority DESC, run_at ASC
        LIMIT $3
        FOR UPDATE SKIP LOCKED
    ))
    RETURNING j.*;
$$";

#[cfg(test)]
mod tests {
    use apalis_sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use sqlx::Row as _;

    use super::*;

    /// apalis-sqlite 1.0.0's `queries/task/ack.sql`.
    const ACK: &str = "WITH j AS (SELECT value ->> 'task_id' AS task_id, \
        value ->> 'attempt' AS attempt, value ->> 'result' AS result, \
        value ->> 'status' AS status FROM json_each(?1)) \
        UPDATE Jobs SET status = j.status, attempts = j.attempt, last_result = j.result, \
        done_at = strftime('%s', 'now') FROM j WHERE Jobs.id = j.task_id AND Jobs.lock_by = ?2";

    #[tokio::test]
    async fn the_ack_looks_jobs_up_by_key() {
        let dir = tempfile::tempdir().unwrap();
        // One connection: another pooled connection would answer with its own cached plan.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .filename(dir.path().join("jobs.db"))
                    .create_if_missing(true),
            )
            .await
            .unwrap();
        SqliteStorage::setup(&pool).await.unwrap();
        let plan = || async {
            sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {ACK}")))
                .bind(r#"[{"task_id":"a","attempt":1,"result":"null","status":"Done"}]"#)
                .bind("worker")
                .persistent(false)
                .fetch_all(&pool)
                .await
                .unwrap()
                .iter()
                .map(|row| row.get::<String, _>(3))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        assert!(plan().await.contains("LIdx"), "apalis' own plan changed");
        drop_lock_index(&pool).await.unwrap();
        let tuned = plan().await;
        assert!(
            tuned.starts_with("SCAN json_each") && tuned.contains("(id=?)"),
            "{tuned}"
        );
    }
}
