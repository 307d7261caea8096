//! Configuration loading and the wiring shared by the binaries (`xjz-api`, `xjz-worker`).
//!
//! - [`configuration`]: DESIGN §3 — typed [`Settings`] layered from code defaults, optional
//!   `config/*.toml` and `XJZ__…` environment variables, with `_FILE` secrets, production
//!   refusals and development secret generation. Entry point: [`load`].
//! - [`telemetry`]: the tracing subscriber (`pretty` or `json`, filter from `RUST_LOG`).
//!
//! ```no_run
//! let loaded = xjz_bootstrap::load(&xjz_bootstrap::LoadOptions::from_process_env())?;
//! xjz_bootstrap::telemetry::init_subscriber(loaded.settings.log.format)?;
//! for notice in &loaded.notices {
//!     tracing::info!(key = %notice.key, "{}", notice.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod configuration;
pub mod telemetry;

pub use configuration::{ConfigError, LoadOptions, Loaded, Settings, load};
