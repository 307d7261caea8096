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
use crate::metrics::WorkerMetrics;

/// Orders claimed per `claim_due` call.
pub const CLAIM_PAGE: u64 = 200;

/// Where poll jobs go: the apalis storage the worker consumes.
pub trait JobQueue: Send {
    /// Enqueues one poll job per order.
    fn enqueue(
        &mut self,
        jobs: Vec<DueOrder>,
    ) -> impl Future<Output = Result<(), BoxDynError>> + Send;
}

impl JobQueue for SqliteStorage<DueOrder> {
    async fn enqueue(&mut self, jobs: Vec<DueOrder>) -> Result<(), BoxDynError> {
        self.push_bulk(jobs).await.map_err(|e| e.to_string().into())
    }
}

impl JobQueue for PostgresStorage<DueOrder> {
    async fn enqueue(&mut self, jobs: Vec<DueOrder>) -> Result<(), BoxDynError> {
        self.push_bulk(jobs).await.map_err(|e| e.to_string().into())
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
    report.elapsed = started.elapsed();
    metrics.tick(report.claimed, report.enqueued);
    metrics.set_outstanding(outstanding.get());
    match result {
        Ok(()) => {
            tracing::info!(
                claimed = report.claimed,
                enqueued = report.enqueued,
                pages = report.pages,
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
