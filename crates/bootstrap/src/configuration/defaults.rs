//! Code defaults: the first layer, for the keys whose default does not depend on other keys.
//!
//! Derived defaults (auto-migrate, worker tick, embedded switches, gateway URL, test keys)
//! are computed in `resolve` from the other values.

use std::path::{Path, PathBuf};

/// `XJZ__DATABASE__URL` with the default data directory.
pub const DATABASE_URL: &str = "sqlite://data/xjz.db?mode=rwc";

/// `XJZ__DATABASE__URL`: the SQLite file `xjz.db` in the data directory, so the default
/// database follows `XJZ_DATA_DIR` (and equals [`DATABASE_URL`] for the default `data`).
#[must_use]
pub fn database_url(data_dir: &Path) -> String {
    format!("sqlite://{}/xjz.db?mode=rwc", data_dir.display())
}

/// The orders' image files: `images` in the data directory.
pub fn image_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("images")
}
/// `XJZ__SERVER__BIND`
pub const SERVER_BIND: &str = "127.0.0.1:8080";
/// `XJZ__SERVER__STATIC_DIR`
pub const SERVER_STATIC_DIR: &str = "frontend/dist";
/// `XJZ__SERVER__MAX_UPLOAD_BYTES`: 30 MiB (5 images × 5 MB + fields).
pub const SERVER_MAX_UPLOAD_BYTES: u64 = 30 * 1024 * 1024;
/// `XJZ__ALIPAY__TIMEOUT_SECS`
pub const ALIPAY_TIMEOUT_SECS: u64 = 15;
/// `XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS`
pub const ALIPAY_UPLOAD_TIMEOUT_SECS: u64 = 120;
/// `XJZ__WORKER__TICK_SECS` for a standalone worker (the plan's 30 minutes).
pub const WORKER_TICK_SECS: u64 = 1800;
/// `XJZ__WORKER__TICK_SECS` when the worker runs embedded (`XJZ__EMBEDDED__WORKER`).
pub const WORKER_TICK_SECS_EMBEDDED: u64 = 10;
/// `XJZ__WORKER__CONCURRENCY`
pub const WORKER_CONCURRENCY: u32 = 16;
/// `XJZ__WORKER__MAX_QPS`
pub const WORKER_MAX_QPS: u32 = 10;
/// `XJZ__WORKER__METRICS_BIND`
pub const WORKER_METRICS_BIND: &str = "127.0.0.1:9091";
/// `XJZ__POLL__FIRST_QUERY_DELAY_SECS`
pub const POLL_FIRST_QUERY_DELAY_SECS: u64 = 60;
/// `XJZ__POLL__AUDIT_INTERVAL_SECS`
pub const POLL_AUDIT_INTERVAL_SECS: u64 = 600;
/// `XJZ__POLL__CONFIRM_INTERVAL_SECS`
pub const POLL_CONFIRM_INTERVAL_SECS: u64 = 1800;
/// `XJZ__POLL__CONFIRM_WINDOW_DAYS`
pub const POLL_CONFIRM_WINDOW_DAYS: u64 = 16;
/// `XJZ__POLL__MAX_DAYS`
pub const POLL_MAX_DAYS: u64 = 30;
/// `XJZ__EMBEDDED__SIMULATOR_BIND`
pub const EMBEDDED_SIMULATOR_BIND: &str = "127.0.0.1:8090";
/// `XJZ__SECURITY__JWT_TTL_SECS`
pub const SECURITY_JWT_TTL_SECS: u64 = 7200;
/// Where development secrets and the default SQLite database live unless `LoadOptions` or
/// `XJZ_DATA_DIR` say otherwise.
pub const DATA_DIR: &str = "data";
/// Where the optional TOML files live unless `LoadOptions`/`XJZ_CONFIG_DIR` say otherwise.
pub const CONFIG_DIR: &str = "config";
