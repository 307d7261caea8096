//! `CallObserver`: told about every Alipay call once it has ended (the binaries count them
//! in their metrics: `alipay_calls_total{method,outcome}`).

use std::time::Duration;

/// Receives each call's method, outcome (`success` or the error class, e.g. `timeout`,
/// `business`) and latency. Called on the request's task: keep it cheap and non-blocking.
pub trait CallObserver: Send + Sync {
    fn call_finished(&self, method: &'static str, outcome: &str, latency: Duration);
}
