//! The worker (DESIGN §5): claims due orders every tick and polls Alipay for each one as an
//! apalis job, with bounded concurrency and a per-process QPS ceiling.
//!
//! Design:
//! - The claim in the orders table (`claim_due`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, a
//!   lease) is what makes many workers safe: each tick derives its jobs from it, so the job
//!   queue holds nothing the database does not also know.
//! - A poll job is one `FacetofaceService::poll` call; the service records every outcome and
//!   re-plans `next_query_time`. The worker only decides retry (transient) or stop.
//! - [`run_worker`] is the whole process; the binary and `xjz-api serve` (embedded) call it.

pub mod job;
pub mod metrics;
pub mod pacer;
pub mod run;
pub mod tick;

mod http;

pub use job::{POLL_QUEUE, PollJobError};
pub use metrics::WorkerMetrics;
pub use pacer::Pacer;
pub use run::{RunMode, WorkerError, WorkerOptions, run_worker};
pub use tick::{TickReport, run_tick};
pub use xjz_bootstrap::wiring::{
    BuildError, FacetofaceServiceImpl as WorkerService, build_facetoface_service as build_service,
};
