//! One tick: claim due orders page by page and enqueue one poll job per order.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use apalis::prelude::{BoxDynError, TaskSink};
use apalis_postgres::PostgresStorage;
use apalis_sqlite::SqliteStorage;
use chrono::TimeDelta;
use tokio::sync::Notify;
use xjz_domain::ServiceError;
use xjz_domain::ports::repository::DueOrder;

use crate::WorkerService;
use crate::job::POLL_QUEUE;
use crate::metrics::WorkerMetrics;

/// Orders claimed per `claim_due` call.
pub const CLAIM_PAGE: u64 = 200;

/// How long a finished poll job stays in the job storage before a tick deletes it. The
/// order's own timeline keeps what happened; without this the job table grows by one row
/// per poll forever (apalis keeps finished jobs).
pub const FINISHED_JOB_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// Where poll jobs go: the apalis storage the worker consumes.
pub trait JobQueue: Send {
    /// Enqueues one poll job per order.
    fn enqueue(
        &mut self,
        jobs: Vec<DueOrder>,
    ) -> impl Future<Output = Result<(), BoxDynError>> + Send;

    /// Deletes this queue's poll jobs that finished (done, killed, or failed with no attempt
    /// left) more than `older_than` ago; returns how many.
    fn purge_finished(
        &mut self,
        older_than: Duration,
    ) -> impl Future<Output = Result<u64, BoxDynError>> + Send;

    /// Brings the storage's planner statistics up to date after a tick changed many rows.
    fn refresh_statistics(&mut self) -> impl Future<Output = Result<(), BoxDynError>> + Send;
}

impl JobQueue for SqliteStorage<DueOrder> {
    async fn enqueue(&mut self, jobs: Vec<DueOrder>) -> Result<(), BoxDynError> {
        self.push_bulk(jobs).await.map_err(|e| e.to_string().into())
    }

    async fn purge_finished(&mut self, older_than: Duration) -> Result<u64, BoxDynError> {
        // apalis-sqlite stores `done_at` as Unix seconds.
        let purged = sqlx::query(
            "DELETE FROM Jobs WHERE job_type = ?1 \
             AND (status IN ('Done', 'Killed') OR (status = 'Failed' AND attempts >= max_attempts)) \
             AND done_at IS NOT NULL AND done_at < CAST(strftime('%s', 'now') AS INTEGER) - ?2",
        )
        .bind(POLL_QUEUE)
        .bind(i64::try_from(older_than.as_secs()).unwrap_or(i64::MAX))
        .execute(self.pool())
        .await?;
        Ok(purged.rows_affected())
    }

    /// Nothing to do: SQLite plans by the indexes it has, not by the table's size, unless
    /// `ANALYZE` has written `sqlite_stat1` (nobody runs it on the job file). The one plan
    /// that went wrong as the table grew is handled by dropping `LIdx` (`run::storage`).
    async fn refresh_statistics(&mut self) -> Result<(), BoxDynError> {
        Ok(())
    }
}

impl JobQueue for PostgresStorage<DueOrder> {
    async fn enqueue(&mut self, jobs: Vec<DueOrder>) -> Result<(), BoxDynError> {
        self.push_bulk(jobs).await.map_err(|e| e.to_string().into())
    }

    async fn purge_finished(&mut self, older_than: Duration) -> Result<u64, BoxDynError> {
        let purged = sqlx::query(
            "DELETE FROM apalis.jobs WHERE job_type = $1 \
             AND (status IN ('Done', 'Killed') OR (status = 'Failed' AND attempts >= max_attempts)) \
             AND done_at < now() - make_interval(secs => $2)",
        )
        .bind(POLL_QUEUE)
        .bind(older_than.as_secs_f64())
        .execute(self.pool())
        .await?;
        Ok(purged.rows_affected())
    }

    /// `ANALYZE apalis.jobs`. PostgreSQL keeps the generic plan of a prepared statement until
    /// something invalidates it, and a plan made while the table was small stays a sequential
    /// scan as it grows: apalis' ack (prepared once per pooled connection by sqlx) was caught
    /// planned as a hash join over the whole table when a tick enqueued 100,000 jobs — 16 ms
    /// per ack instead of 0.5, the PostgreSQL drain held at ~115 polls/s (`perf` of the
    /// backends: 11 % in `HeapTupleSatisfiesVisibility` under a seq scan feeding a hash).
    /// `ANALYZE` refreshes the statistics and invalidates those plans; autovacuum would do it
    /// eventually, when it runs at all.
    async fn refresh_statistics(&mut self) -> Result<(), BoxDynError> {
        sqlx::query("ANALYZE apalis.jobs")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// Jobs enqueued by this process and not finished yet (`--once` waits for zero).
#[derive(Debug, Clone, Default)]
pub struct Outstanding {
    count: Arc<AtomicI64>,
    changed: Arc<Notify>,
}

impl Outstanding {
    pub fn add(&self, n: usize) {
        self.count
            .fetch_add(i64::try_from(n).unwrap_or(i64::MAX), Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// One job is finished (settled, ended, or out of retries). Jobs left in the storage by
    /// an earlier run are not counted, so the count never goes below zero.
    pub fn done(&self) {
        let _ = self
            .count
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n > 0).then(|| n - 1)
            });
        self.changed.notify_waiters();
    }

    #[must_use]
    pub fn get(&self) -> i64 {
        self.count.load(Ordering::SeqCst)
    }

    /// Waits until every counted job is finished.
    pub async fn wait_idle(&self) {
        loop {
            let notified = self.changed.notified();
            if self.get() <= 0 {
                return;
            }
            // The timeout covers a notification between the check and the wait.
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }
}

/// What one tick did (also its log line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: u64,
    pub enqueued: u64,
    pub pages: u64,
    /// Finished jobs deleted from the job storage ([`FINISHED_JOB_RETENTION`]).
    pub purged: u64,
    pub elapsed: Duration,
}

/// Why a tick stopped early. Orders claimed but not enqueued come back after their lease.
#[derive(Debug, thiserror::Error)]
pub enum TickError {
    #[error("claiming due orders failed")]
    Claim(#[source] ServiceError),
    #[error("enqueueing poll jobs failed: {0}")]
    Enqueue(BoxDynError),
}

/// Claims due orders in pages of [`CLAIM_PAGE`] until a page comes back short or `budget`
/// orders are claimed, enqueueing a poll job for each.
///
/// The budget is what this process can poll before its leases run out (see
/// `run::tick_budget`); whatever is left stays due for the next tick or another worker.
///
/// # Errors
/// [`TickError`]: the claim or the enqueue failed (what was enqueued before stays).
pub async fn run_tick<Q: JobQueue>(
    service: &WorkerService,
    queue: &mut Q,
    budget: u64,
    lease: TimeDelta,
    outstanding: &Outstanding,
    metrics: &WorkerMetrics,
) -> Result<TickReport, TickError> {
    let started = Instant::now();
    let mut report = TickReport {
        claimed: 0,
        enqueued: 0,
        pages: 0,
        purged: 0,
        elapsed: Duration::ZERO,
    };
    let result = async {
        while report.claimed < budget {
            let limit = CLAIM_PAGE.min(budget - report.claimed);
            let page = service
                .claim_due(limit, lease)
                .await
                .map_err(TickError::Claim)?;
            let n = page.len() as u64;
            report.claimed += n;
            report.pages += 1;
            if n > 0 {
                outstanding.add(page.len());
                if let Err(error) = queue.enqueue(page).await {
                    // Not enqueued: not outstanding either; the lease brings them back.
                    for _ in 0..n {
                        outstanding.done();
                    }
                    return Err(TickError::Enqueue(error));
                }
                report.enqueued += n;
            }
            if n < limit {
                break;
            }
        }
        Ok(())
    }
    .await;
    // Housekeeping; a failure is logged and does not fail the tick.
    match queue.purge_finished(FINISHED_JOB_RETENTION).await {
        Ok(purged) => report.purged = purged,
        Err(error) => tracing::warn!(error.message = %error, "purging finished jobs failed"),
    }
    if report.enqueued + report.purged > 0
        && let Err(error) = queue.refresh_statistics().await
    {
        tracing::warn!(error.message = %error, "refreshing the job storage's statistics failed");
    }
    report.elapsed = started.elapsed();
    metrics.tick(report.claimed, report.enqueued);
    metrics.set_outstanding(outstanding.get());
    match result {
        Ok(()) => {
            tracing::info!(
                claimed = report.claimed,
                enqueued = report.enqueued,
                pages = report.pages,
                purged = report.purged,
                outstanding = outstanding.get(),
                elapsed_ms = u64::try_from(report.elapsed.as_millis()).unwrap_or(u64::MAX),
                "tick"
            );
            Ok(report)
        }
        Err(error) => {
            metrics.tick_failed();
            tracing::error!(
                claimed = report.claimed,
                enqueued = report.enqueued,
                pages = report.pages,
                error.cause_chain = ?error,
                error.message = %error,
                "tick failed"
            );
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use apalis_sqlite::{SqliteConnectOptions, SqlitePool};
    use xjz_domain::{OrderId, TenantId};

    use super::*;

    fn due(n: i64) -> Vec<DueOrder> {
        (1..=n)
            .map(|i| DueOrder {
                tenant_id: TenantId(1),
                order_id: OrderId(i),
            })
            .collect()
    }

    /// Marks the `n` oldest jobs finished `age_secs` ago with `status`.
    async fn finish(pool: &SqlitePool, status: &str, attempts: i64, age_secs: i64, n: i64) {
        sqlx::query(
            "UPDATE Jobs SET status = ?1, attempts = ?2, \
             done_at = CAST(strftime('%s', 'now') AS INTEGER) - ?3 \
             WHERE ROWID IN (SELECT ROWID FROM Jobs WHERE status = 'Pending' ORDER BY ROWID LIMIT ?4)",
        )
        .bind(status)
        .bind(attempts)
        .bind(age_secs)
        .bind(n)
        .execute(pool)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn only_jobs_finished_before_the_retention_are_purged() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("jobs.db"))
            .create_if_missing(true);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        SqliteStorage::setup(&pool).await.unwrap();
        let config = apalis_sqlite::Config::default().queue(POLL_QUEUE);
        let mut storage = SqliteStorage::<DueOrder>::new(&pool).with_config(config);
        storage.enqueue(due(10)).await.unwrap();
        let day = 24 * 60 * 60;
        finish(&pool, "Done", 1, day + 60, 2).await; // purged
        finish(&pool, "Killed", 1, day + 60, 1).await; // purged
        finish(&pool, "Failed", 25, day + 60, 1).await; // out of attempts: purged
        finish(&pool, "Failed", 1, day + 60, 1).await; // will be retried: kept
        finish(&pool, "Done", 1, 60, 2).await; // recent: kept
        // 3 left pending: kept.
        let purged = storage
            .purge_finished(FINISHED_JOB_RETENTION)
            .await
            .unwrap();
        assert_eq!(purged, 4);
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM Jobs")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 6);
        assert_eq!(
            storage
                .purge_finished(Duration::from_secs(0))
                .await
                .unwrap(),
            2,
            "the recent ones go with no retention"
        );
    }

    /// A fresh PostgreSQL database with apalis' tables, on `XJZ_TEST_POSTGRES_URL`'s server.
    struct FreshJobs {
        admin: apalis_postgres::PgPool,
        name: String,
        pool: apalis_postgres::PgPool,
    }

    impl FreshJobs {
        async fn create(prefix: &str) -> Option<Self> {
            let admin_url = std::env::var("XJZ_TEST_POSTGRES_URL").ok()?;
            let admin = apalis_postgres::PgPool::connect(&admin_url).await.unwrap();
            let name = format!("{prefix}_{:016x}", fastrand::u64(..));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .unwrap();
            let (base, _) = admin_url.rsplit_once('/').unwrap();
            let pool = apalis_postgres::PgPool::connect(&format!("{base}/{name}"))
                .await
                .unwrap();
            PostgresStorage::setup(&pool).await.unwrap();
            Some(Self { admin, name, pool })
        }

        fn storage(&self) -> PostgresStorage<DueOrder> {
            let config = apalis_postgres::Config::default().queue(POLL_QUEUE);
            PostgresStorage::<DueOrder>::new(&self.pool).with_config(config)
        }

        async fn drop_database(self) {
            self.pool.close().await;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {} WITH (FORCE)",
                self.name
            )))
            .execute(&self.admin)
            .await
            .unwrap();
        }
    }

    #[tokio::test]
    async fn postgres_purge_keeps_recent_and_retryable_jobs() {
        let Some(jobs) = FreshJobs::create("xjz_purge").await else {
            return;
        };
        let mut storage = jobs.storage();
        storage.enqueue(due(5)).await.unwrap();
        for (status, attempts, age_secs, n) in [
            ("Done", 1, 90_000, 1),
            ("Failed", 25, 90_000, 1),
            ("Failed", 1, 90_000, 1),
            ("Done", 1, 60, 1),
        ] {
            sqlx::query(
                "UPDATE apalis.jobs SET status = $1, attempts = $2, \
                 done_at = now() - make_interval(secs => $3) \
                 WHERE id IN (SELECT id FROM apalis.jobs WHERE status = 'Pending' ORDER BY id LIMIT $4)",
            )
            .bind(status)
            .bind(attempts)
            .bind(f64::from(age_secs))
            .bind(n)
            .execute(&jobs.pool)
            .await
            .unwrap();
        }
        let purged = storage.purge_finished(FINISHED_JOB_RETENTION).await;
        jobs.drop_database().await;
        assert_eq!(purged.unwrap(), 2);
    }

    /// apalis-postgres 1.0.0's `queries/task/handle_result.sql` (the ack).
    const POSTGRES_ACK: &str = "WITH j AS (SELECT (value ->> 'task_id')::text AS task_id, \
        (value ->> 'attempt')::integer AS attempt, value -> 'result' AS result, \
        value ->> 'status' AS status FROM jsonb_array_elements($1::jsonb) AS value), \
        locked AS (SELECT jobs.id FROM apalis.jobs AS jobs INNER JOIN j ON j.task_id = jobs.id \
        WHERE jobs.lock_by = $2 ORDER BY jobs.id FOR UPDATE) \
        UPDATE apalis.jobs AS jobs SET status = j.status, attempts = j.attempt, \
        last_result = j.result, done_at = NOW() FROM j INNER JOIN locked ON locked.id = j.task_id \
        WHERE jobs.id = locked.id";

    /// A statement prepared on one connection with PostgreSQL's generic plan forced: what a
    /// prepared statement runs after its first five executions (sqlx prepares each statement
    /// once per connection), made deterministic.
    struct GenericPlan(sqlx::pool::PoolConnection<sqlx::Postgres>);

    impl GenericPlan {
        async fn prepare(pool: &apalis_postgres::PgPool, name_and_types: &str, sql: &str) -> Self {
            let mut conn = pool.acquire().await.unwrap();
            for statement in [
                "SET plan_cache_mode = force_generic_plan".to_owned(),
                format!("PREPARE {name_and_types} AS {sql}"),
            ] {
                sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            Self(conn)
        }

        /// The plan `EXPLAIN EXECUTE …` shows, one line per node.
        async fn explain(&mut self, execute: &str) -> String {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("EXPLAIN EXECUTE {execute}")))
                .fetch_all(&mut *self.0)
                .await
                .unwrap()
                .iter()
                .map(|row| sqlx::Row::get::<String, _>(row, 0))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }

    #[tokio::test]
    async fn postgres_statistics_refresh_replans_the_ack_after_a_burst() {
        let Some(jobs) = FreshJobs::create("xjz_replan").await else {
            return;
        };
        // Autovacuum (when the server runs it) would refresh the plan on its own, some time.
        sqlx::query("ALTER TABLE apalis.jobs SET (autovacuum_enabled = false)")
            .execute(&jobs.pool)
            .await
            .unwrap();
        crate::run::tune_postgres_storage(&jobs.pool).await.unwrap();
        let mut ack = GenericPlan::prepare(&jobs.pool, "ack(jsonb, text)", POSTGRES_ACK).await;
        let ack_plan = "ack('[]', 'worker')";
        // Planned on the empty table.
        let empty = ack.explain(ack_plan).await;
        assert!(empty.contains("Seq Scan on jobs"), "{empty}");
        let mut storage = jobs.storage();
        storage.enqueue(due(100_000)).await.unwrap();
        let stale = ack.explain(ack_plan).await;
        storage.refresh_statistics().await.unwrap();
        let fresh = ack.explain(ack_plan).await;
        drop(ack);
        jobs.drop_database().await;
        assert!(
            stale.contains("Seq Scan on jobs"),
            "the plan did not go stale:\n{stale}"
        );
        assert!(
            fresh.contains("Index Scan using jobs_pkey") && !fresh.contains("Seq Scan on jobs"),
            "{fresh}"
        );
    }

    #[tokio::test]
    async fn postgres_fetch_takes_its_jobs_by_key_however_large_the_table() {
        let Some(jobs) = FreshJobs::create("xjz_fetch").await else {
            return;
        };
        crate::run::tune_postgres_storage(&jobs.pool).await.unwrap();
        let mut storage = jobs.storage();
        storage.enqueue(due(100_000)).await.unwrap();
        storage.refresh_statistics().await.unwrap();
        // The installed function's body, prepared as it is (positional parameters).
        let body: String = sqlx::query_scalar(
            "SELECT prosrc FROM pg_proc WHERE proname = 'get_jobs' \
             AND pronamespace = 'apalis'::regnamespace",
        )
        .fetch_one(&jobs.pool)
        .await
        .unwrap();
        let mut fetch =
            GenericPlan::prepare(&jobs.pool, "get_jobs_body(text, text, integer)", &body).await;
        let plan = fetch
            .explain("get_jobs_body('worker', 'xjz::facetoface::poll_order', 10)")
            .await;
        drop(fetch);
        jobs.drop_database().await;
        assert!(
            plan.contains("Index Scan using jobs_pkey on jobs j") && !plan.contains("Seq Scan"),
            "{plan}"
        );
    }
}
