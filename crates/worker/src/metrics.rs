//! The worker's Prometheus metrics (`/metrics`).

use std::time::Duration;

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use xjz_domain::ports::gateway::ErrorClass;

/// Counters and histograms of one worker process. Cheap to clone (shared inside).
#[derive(Debug, Clone)]
pub struct WorkerMetrics {
    registry: Registry,
    ticks: IntCounter,
    tick_failures: IntCounter,
    claimed: IntCounter,
    enqueued: IntCounter,
    polled: IntCounterVec,
    errors: IntCounterVec,
    in_flight: IntGauge,
    poll_seconds: Histogram,
}

/// Error classes besides the gateway's (see `PollJobError::class`).
const OTHER_CLASSES: [&str; 5] = [
    "stale_version",
    "repository",
    "not_found",
    "transition",
    "other",
];

impl WorkerMetrics {
    /// Registers every metric in a fresh registry.
    ///
    /// # Errors
    /// A metric definition is refused (a bug: names are constants).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let ticks = IntCounter::new("xjz_worker_ticks_total", "Ticks run")?;
        let tick_failures = IntCounter::new(
            "xjz_worker_tick_failures_total",
            "Ticks that failed to claim or enqueue",
        )?;
        let claimed = IntCounter::new("xjz_worker_claimed_total", "Due orders claimed")?;
        let enqueued = IntCounter::new("xjz_worker_enqueued_total", "Poll jobs enqueued")?;
        let polled = IntCounterVec::new(
            Opts::new(
                "xjz_worker_polled_total",
                "Polls that settled, by the order's status afterwards (or skipped)",
            ),
            &["outcome"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new(
                "xjz_worker_poll_errors_total",
                "Failed poll attempts by error class",
            ),
            &["class"],
        )?;
        let in_flight = IntGauge::new(
            "xjz_worker_jobs_outstanding",
            "Jobs of this process's ticks not finished yet",
        )?;
        let poll_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "xjz_worker_poll_seconds",
                "Time of one poll attempt: the Alipay call(s) plus loading and saving the order",
            )
            .buckets(vec![
                0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
        )?;
        registry.register(Box::new(ticks.clone()))?;
        registry.register(Box::new(tick_failures.clone()))?;
        registry.register(Box::new(claimed.clone()))?;
        registry.register(Box::new(enqueued.clone()))?;
        registry.register(Box::new(polled.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(poll_seconds.clone()))?;
        // Every error class shows up at 0 so rates and alerts work from the start.
        for class in ErrorClass::ALL
            .iter()
            .map(|c| c.as_str())
            .chain(OTHER_CLASSES)
        {
            errors.with_label_values(&[class]);
        }
        Ok(Self {
            registry,
            ticks,
            tick_failures,
            claimed,
            enqueued,
            polled,
            errors,
            in_flight,
            poll_seconds,
        })
    }

    pub fn tick(&self, claimed: u64, enqueued: u64) {
        self.ticks.inc();
        self.claimed.inc_by(claimed);
        self.enqueued.inc_by(enqueued);
    }

    pub fn tick_failed(&self) {
        self.tick_failures.inc();
    }

    pub fn polled(&self, outcome: &str) {
        self.polled.with_label_values(&[outcome]).inc();
    }

    pub fn error(&self, class: &str) {
        self.errors.with_label_values(&[class]).inc();
    }

    pub fn observe_poll(&self, elapsed: Duration) {
        self.poll_seconds.observe(elapsed.as_secs_f64());
    }

    pub fn set_outstanding(&self, jobs: i64) {
        self.in_flight.set(jobs);
    }

    /// The Prometheus text exposition.
    #[must_use]
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error.message = %error, "cannot encode metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}
