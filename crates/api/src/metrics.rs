//! Prometheus metrics of the API process (`/metrics`): requests by route and code, a latency
//! histogram, and Alipay calls by method and outcome (incremented by the modules that call
//! Alipay through [`Metrics::alipay_call`]).

use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

/// The process's metrics.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    alipay_calls: IntCounterVec,
    alipay_latency: HistogramVec,
}

impl Metrics {
    /// A fresh registry (one per application, so tests do not share counters).
    ///
    /// # Errors
    /// A metric could not be registered (duplicate names: a programming error).
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route pattern and envelope code",
            ),
            &["method", "route", "code"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["method", "route"],
        )?;
        let alipay_calls = IntCounterVec::new(
            Opts::new(
                "alipay_calls_total",
                "Alipay gateway calls by method and outcome",
            ),
            &["method", "outcome"],
        )?;
        let alipay_latency = HistogramVec::new(
            HistogramOpts::new(
                "alipay_call_duration_seconds",
                "Alipay gateway calls' duration (signing, sending, the answer and its check) by method",
            )
            .buckets(vec![
                0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            ]),
            &["method"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(alipay_calls.clone()))?;
        registry.register(Box::new(alipay_latency.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            alipay_calls,
            alipay_latency,
        })
    }

    /// Counts one answered request.
    pub fn request(&self, method: &str, route: &str, code: u32, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &code.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// Counts one Alipay call (`outcome`: `success` or the gateway error class) and its
    /// duration.
    pub fn alipay_call(&self, method: &str, outcome: &str, seconds: f64) {
        self.alipay_calls
            .with_label_values(&[method, outcome])
            .inc();
        self.alipay_latency
            .with_label_values(&[method])
            .observe(seconds);
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "encoding metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

impl xjz_alipay_adapter::CallObserver for Metrics {
    fn call_finished(&self, method: &'static str, outcome: &str, latency: std::time::Duration) {
        self.alipay_call(method, outcome, latency.as_secs_f64());
    }
}
