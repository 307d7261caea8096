//! The poll job: one `FacetofaceService::poll` per claimed order.
//!
//! The payload is the claim (tenant id, order id), never the order: the service reloads it
//! and decides from its current state, so a job that runs twice is harmless.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use apalis::layers::retry::backoff::Backoff;
use apalis::prelude::{BoxDynError, Data};
use xjz_domain::ServiceError;
use xjz_domain::ports::repository::DueOrder;
use xjz_domain::service::PollOutcome;

use crate::WorkerService;
use crate::metrics::WorkerMetrics;
use crate::pacer::Pacer;

/// The apalis queue of poll jobs. Storage format: never rename it.
pub const POLL_QUEUE: &str = "xjz::facetoface::poll_order";

/// Retries of a transient failure after the first attempt.
pub const RETRIES: usize = 4;

/// The longest one job may take: every attempt timing out plus every backoff (at the
/// default base). The claim's lease is twice this.
#[must_use]
pub fn max_job_duration(alipay_timeout: Duration) -> Duration {
    let attempts = u32::try_from(RETRIES + 1).unwrap_or(u32::MAX);
    let backoffs: Duration = (0..RETRIES)
        .map(|i| backoff_delay(DEFAULT_BACKOFF_BASE, i))
        .sum();
    alipay_timeout * attempts + backoffs
}

/// The first retry's delay; each next one doubles, up to [`MAX_BACKOFF`].
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

fn backoff_delay(base: Duration, retry: usize) -> Duration {
    let factor = 1u32 << retry.min(16);
    (base * factor).min(MAX_BACKOFF)
}

/// What the job hands back to apalis when a poll did not settle.
#[derive(Debug, thiserror::Error)]
pub enum PollJobError {
    /// Worth another attempt (timeout, 5xx, rate limit, lost reply, someone else's update).
    #[error("transient ({class}): {message}")]
    Transient {
        class: &'static str,
        message: String,
    },
    /// Recorded on the order (or not about Alipay at all); retrying would not help.
    #[error("permanent ({class}): {message}")]
    Permanent {
        class: &'static str,
        message: String,
    },
}

impl PollJobError {
    /// Whether the retry policy should try again.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, PollJobError::Transient { .. })
    }

    /// The error class, as counted in `/metrics`.
    #[must_use]
    pub fn class(&self) -> &'static str {
        match self {
            PollJobError::Transient { class, .. } | PollJobError::Permanent { class, .. } => class,
        }
    }

    fn from_service(error: &ServiceError) -> Self {
        let message = error.to_string();
        match error {
            ServiceError::Gateway { error, .. } => {
                let class = error.class().as_str();
                if error.is_transient() {
                    PollJobError::Transient { class, message }
                } else {
                    PollJobError::Permanent { class, message }
                }
            }
            ServiceError::StaleVersion => PollJobError::Transient {
                class: "stale_version",
                message,
            },
            ServiceError::Repository(_) => PollJobError::Transient {
                class: "repository",
                message,
            },
            ServiceError::NotFound => PollJobError::Permanent {
                class: "not_found",
                message,
            },
            ServiceError::Transition(_) => PollJobError::Permanent {
                class: "transition",
                message,
            },
            ServiceError::Validation(_) | ServiceError::Idempotency(_) => PollJobError::Permanent {
                class: "other",
                message,
            },
        }
    }
}

/// Whether apalis should retry after `error` (the retry policy's predicate).
#[must_use]
pub fn should_retry(error: &BoxDynError) -> bool {
    error
        .downcast_ref::<PollJobError>()
        .is_some_and(PollJobError::is_retryable)
}

/// What every poll job shares.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub service: Arc<WorkerService>,
    pub pacer: Pacer,
    pub metrics: WorkerMetrics,
}

/// The apalis handler: waits for a QPS slot, polls, counts, classifies.
///
/// # Errors
/// [`PollJobError`]: transient ones are retried by the worker's retry policy.
pub async fn poll_order(due: DueOrder, ctx: Data<JobContext>) -> Result<(), PollJobError> {
    ctx.pacer.acquire().await;
    let started = Instant::now();
    let result = ctx.service.poll(due).await;
    ctx.metrics.observe_poll(started.elapsed());
    match result {
        Ok(PollOutcome::Polled(status)) => {
            ctx.metrics.polled(status.as_str());
            tracing::debug!(order_id = due.order_id.0, tenant_id = due.tenant_id.0, status = %status, "polled");
            Ok(())
        }
        Ok(PollOutcome::Skipped) => {
            ctx.metrics.polled("skipped");
            Ok(())
        }
        Err(error) => {
            let job_error = PollJobError::from_service(&error);
            ctx.metrics.error(job_error.class());
            tracing::warn!(
                order_id = due.order_id.0,
                tenant_id = due.tenant_id.0,
                retryable = job_error.is_retryable(),
                error.class = job_error.class(),
                error.message = %error,
                "poll failed"
            );
            Err(job_error)
        }
    }
}

/// Exponential backoff with ±25 % jitter; one per job (the retry policy is cloned per task).
#[derive(Debug, Clone)]
pub struct JobBackoff {
    base: Duration,
    retry: usize,
}

impl JobBackoff {
    #[must_use]
    pub fn new(base: Duration) -> Self {
        Self { base, retry: 0 }
    }
}

impl Backoff for JobBackoff {
    type Future = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn next_backoff(&mut self) -> Self::Future {
        let delay = backoff_delay(self.base, self.retry);
        self.retry += 1;
        let jitter = 0.75 + fastrand::f64() * 0.5;
        Box::pin(tokio::time::sleep(delay.mul_f64(jitter)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let base = Duration::from_secs(1);
        assert_eq!(backoff_delay(base, 0), Duration::from_secs(1));
        assert_eq!(backoff_delay(base, 3), Duration::from_secs(8));
        assert_eq!(backoff_delay(base, 10), MAX_BACKOFF);
    }

    #[test]
    fn only_transient_errors_are_retried() {
        let transient: BoxDynError = Box::new(PollJobError::Transient {
            class: "timeout",
            message: String::new(),
        });
        let permanent: BoxDynError = Box::new(PollJobError::Permanent {
            class: "business",
            message: String::new(),
        });
        let foreign: BoxDynError = "panic".into();
        assert!(should_retry(&transient));
        assert!(!should_retry(&permanent));
        assert!(!should_retry(&foreign));
    }

    #[test]
    fn the_lease_covers_every_attempt() {
        let d = max_job_duration(Duration::from_secs(15));
        assert_eq!(d, Duration::from_secs(15 * 5 + 1 + 2 + 4 + 8));
    }
}
