//! Tracing set-up (STYLE §10): `tracing` only, filter from `RUST_LOG` (default `info`),
//! pretty output in development and one JSON object per line when `XJZ__LOG__FORMAT=json`.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::{EnvFilter, Registry};

use crate::configuration::LogFormat;

/// The filter used when `RUST_LOG` is unset or invalid.
pub const DEFAULT_FILTER: &str = "info";

/// Why the global subscriber could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The filter directives do not parse.
    #[error("invalid log filter: {0}")]
    Filter(#[from] tracing_subscriber::filter::ParseError),
    /// A global subscriber was already installed.
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled(#[from] tracing::subscriber::SetGlobalDefaultError),
}

/// A subscriber writing to `sink` in `format`, filtered by `filter` (`RUST_LOG` syntax).
///
/// # Errors
/// [`TelemetryError::Filter`] when `filter` does not parse.
pub fn get_subscriber<Sink>(
    format: LogFormat,
    filter: &str,
    sink: Sink,
) -> Result<Box<dyn Subscriber + Send + Sync>, TelemetryError>
where
    Sink: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let registry = Registry::default().with(EnvFilter::try_new(filter)?);
    let subscriber: Box<dyn Subscriber + Send + Sync> = match format {
        LogFormat::Pretty => {
            Box::new(registry.with(tracing_subscriber::fmt::layer().pretty().with_writer(sink)))
        }
        LogFormat::Json => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_ansi(false)
                    .with_writer(sink),
            ),
        ),
    };
    Ok(subscriber)
}

/// Installs the global subscriber: stdout, `format`, filter from `RUST_LOG` (else `info`).
/// Call once, early in `main`.
///
/// # Errors
/// [`TelemetryError::AlreadyInstalled`] when called twice.
pub fn init_subscriber(format: LogFormat) -> Result<(), TelemetryError> {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|directives| EnvFilter::try_new(directives).is_ok())
        .unwrap_or_else(|| DEFAULT_FILTER.to_owned());
    let subscriber = get_subscriber(format, &filter, std::io::stdout)?;
    tracing::subscriber::set_global_default(subscriber)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    #[test]
    fn json_format_writes_one_object_per_line() {
        let buffer = Buffer::default();
        let subscriber = get_subscriber(LogFormat::Json, "info", buffer.clone()).unwrap();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(order_id = 7, "polled");
            tracing::debug!("filtered out at info");
        });
        let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), 1, "{output}");
        let event: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(event["fields"]["message"], "polled");
        assert_eq!(event["fields"]["order_id"], 7);
        assert_eq!(event["level"], "INFO");
    }

    #[test]
    fn pretty_format_is_not_json() {
        let buffer = Buffer::default();
        let subscriber = get_subscriber(LogFormat::Pretty, "debug", buffer.clone()).unwrap();
        tracing::subscriber::with_default(subscriber, || tracing::debug!("hello"));
        let output = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(output.contains("hello"));
        assert!(serde_json::from_str::<serde_json::Value>(output.trim()).is_err());
    }

    #[test]
    fn a_bad_filter_is_an_error() {
        assert!(get_subscriber(LogFormat::Json, "info,[", std::io::sink).is_err());
    }
}
