//! The typed settings, one struct per concern (DESIGN §3).
//!
//! Values here are already validated and resolved (derived defaults applied, `_FILE`s read,
//! development secrets generated). Secrets are `SecretString`s and the database URL redacts
//! its password, so `{:?}` of a whole [`Settings`] is safe to log.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::TimeDelta;
use secrecy::SecretString;
use serde::Deserialize;
use xjz_domain::polling::PollingPolicy;

pub use super::db_url::{DatabaseKind, DatabaseUrl};
use super::defaults;

/// `XJZ__ENVIRONMENT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum Environment {
    /// Generates missing secrets, runs the worker and simulator embedded, uses test keys.
    #[default]
    Development,
    /// Refuses test keys, missing secrets and default passwords.
    Production,
}

impl Environment {
    /// The value as written in configuration.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

impl TryFrom<String> for Environment {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "development" => Ok(Self::Development),
            "production" => Ok(Self::Production),
            other => Err(format!(
                "unknown environment {other:?}; use development or production"
            )),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `XJZ__LOG__FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(try_from = "String")]
pub enum LogFormat {
    /// Human-readable, multi-line.
    #[default]
    Pretty,
    /// One JSON object per line (for production log pipelines).
    Json,
}

impl TryFrom<String> for LogFormat {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "pretty" => Ok(Self::Pretty),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format {other:?}; use pretty or json")),
        }
    }
}

/// All settings of a deployment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `XJZ__ENVIRONMENT`
    pub environment: Environment,
    /// `XJZ__DATABASE__*`
    pub database: DatabaseSettings,
    /// `XJZ__SERVER__*`
    pub server: ServerSettings,
    /// `XJZ__ALIPAY__*`
    pub alipay: AlipaySettings,
    /// `XJZ__WORKER__*`
    pub worker: WorkerSettings,
    /// `XJZ__POLL__*`
    pub poll: PollSettings,
    /// `XJZ__EMBEDDED__*`
    pub embedded: EmbeddedSettings,
    /// `XJZ__SECURITY__*`
    pub security: SecuritySettings,
    /// `XJZ__LOG__*`
    pub log: LogSettings,
}

/// One line without secrets, for the start-up log.
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "environment={} database={} auto_migrate={} image_dir={} bind={} gateway={} \
             app_id={} embedded_worker={} embedded_simulator={} worker_tick_secs={} log={:?}",
            self.environment,
            self.database.url,
            self.database.auto_migrate,
            self.database.image_dir.display(),
            self.server.bind,
            self.alipay.gateway_url,
            self.alipay.app_id,
            self.embedded.worker,
            self.embedded.simulator,
            self.worker.tick_secs,
            self.log.format,
        )
    }
}

/// `XJZ__DATABASE__*`
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `URL` (secret: may carry a password; shown redacted).
    pub url: DatabaseUrl,
    /// `AUTO_MIGRATE`: default true for SQLite, false for PostgreSQL.
    pub auto_migrate: bool,
    /// `IMAGE_DIR`: where the orders' image files are (default `images` in the data
    /// directory); every API instance and worker on one database must see the same one.
    pub image_dir: PathBuf,
}

/// `XJZ__SERVER__*`
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// `BIND`: API listen address, `host:port`.
    pub bind: String,
    /// `STATIC_DIR`: the built web page served at `/`.
    pub static_dir: PathBuf,
    /// `MAX_UPLOAD_BYTES`: limit of a whole apply request.
    pub max_upload_bytes: u64,
    /// `TRUSTED_PROXIES`: IP addresses or CIDR blocks whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<String>,
}

/// `XJZ__ALIPAY__*`
#[derive(Debug, Clone)]
pub struct AlipaySettings {
    /// `GATEWAY_URL`: the gateway endpoint (`…/gateway.do`).
    pub gateway_url: String,
    /// `APP_ID`: the ISV application's id.
    pub app_id: String,
    /// `APP_PRIVATE_KEY`: PKCS#1 or PKCS#8, PEM or bare base64 (parsed by the adapter).
    pub app_private_key: SecretString,
    /// `ALIPAY_PUBLIC_KEY`: Alipay's SPKI public key, PEM or bare base64.
    pub alipay_public_key: String,
    /// `TIMEOUT_SECS`: per request.
    pub timeout_secs: u64,
    /// `UPLOAD_TIMEOUT_SECS`: for `alipay.open.agent.facetoface.sign` (carries images).
    pub upload_timeout_secs: u64,
}

impl AlipaySettings {
    /// [`Self::timeout_secs`] as a `Duration`.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }

    /// [`Self::upload_timeout_secs`] as a `Duration`.
    #[must_use]
    pub fn upload_timeout(&self) -> Duration {
        Duration::from_secs(self.upload_timeout_secs)
    }
}

/// `XJZ__WORKER__*`
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// `TICK_SECS`: how often due orders are claimed; default 1800, 10 when embedded.
    pub tick_secs: u64,
    /// `CONCURRENCY`: poll jobs in flight per worker process (≥ 1).
    pub concurrency: u32,
    /// `MAX_QPS`: Alipay calls per second per worker process (≥ 1).
    pub max_qps: u32,
    /// `LEASE_SECS`: how long a claimed order stays with the worker that claimed it before
    /// another may take it (a killed worker's orders come back after this). `None`: the
    /// worker derives it, one tick plus twice the longest a poll job may take.
    pub lease_secs: Option<u64>,
    /// `METRICS_BIND`: the worker's `/healthz` and `/metrics`.
    pub metrics_bind: String,
}

impl WorkerSettings {
    /// [`Self::tick_secs`] as a `Duration`.
    #[must_use]
    pub fn tick(&self) -> Duration {
        Duration::from_secs(self.tick_secs)
    }
}

/// `XJZ__POLL__*`: the polling policy's intervals and limits (DESIGN §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSettings {
    /// `FIRST_QUERY_DELAY_SECS`: first query after confirm.
    pub first_query_delay_secs: u64,
    /// `AUDIT_INTERVAL_SECS`: while SUBMITTED or MERCHANT_AUDITING.
    pub audit_interval_secs: u64,
    /// `CONFIRM_INTERVAL_SECS`: while MERCHANT_CONFIRM.
    pub confirm_interval_secs: u64,
    /// `CONFIRM_WINDOW_DAYS`: stop this long after entering MERCHANT_CONFIRM.
    pub confirm_window_days: u64,
    /// `MAX_DAYS`: stop this long after confirm, whatever the state.
    pub max_days: u64,
}

impl Default for PollSettings {
    fn default() -> Self {
        Self {
            first_query_delay_secs: defaults::POLL_FIRST_QUERY_DELAY_SECS,
            audit_interval_secs: defaults::POLL_AUDIT_INTERVAL_SECS,
            confirm_interval_secs: defaults::POLL_CONFIRM_INTERVAL_SECS,
            confirm_window_days: defaults::POLL_CONFIRM_WINDOW_DAYS,
            max_days: defaults::POLL_MAX_DAYS,
        }
    }
}

impl PollSettings {
    /// The domain's polling policy with these intervals.
    ///
    /// Loading refuses values above [`MAX_POLL_SECS`] / [`MAX_POLL_DAYS`]; hand-built settings
    /// beyond them are clamped to those bounds.
    #[must_use]
    pub fn policy(&self) -> PollingPolicy {
        PollingPolicy {
            first_query_delay: seconds(self.first_query_delay_secs),
            audit_interval: seconds(self.audit_interval_secs),
            confirm_interval: seconds(self.confirm_interval_secs),
            confirm_window: days(self.confirm_window_days),
            max_polling: days(self.max_days),
        }
    }
}

/// Upper bound of the `XJZ__POLL__*_SECS` keys (one year).
pub const MAX_POLL_SECS: u64 = 365 * 24 * 3600;
/// Upper bound of the `XJZ__POLL__*_DAYS` keys (ten years).
pub const MAX_POLL_DAYS: u64 = 3650;

/// Clamped to [`MAX_POLL_SECS`] so that date arithmetic in the domain can never overflow.
fn seconds(secs: u64) -> TimeDelta {
    let secs = i64::try_from(secs.min(MAX_POLL_SECS)).unwrap_or(0);
    TimeDelta::try_seconds(secs).unwrap_or_default()
}

/// Clamped to [`MAX_POLL_DAYS`] so that date arithmetic in the domain can never overflow.
fn days(days: u64) -> TimeDelta {
    let days = i64::try_from(days.min(MAX_POLL_DAYS)).unwrap_or(0);
    TimeDelta::try_days(days).unwrap_or_default()
}

/// `XJZ__EMBEDDED__*`
#[derive(Debug, Clone)]
pub struct EmbeddedSettings {
    /// `WORKER`: run the worker inside `xjz-api serve` (default: on in development).
    pub worker: bool,
    /// `SIMULATOR`: start the simulator inside `xjz-api serve` (default: on in development).
    pub simulator: bool,
    /// `SIMULATOR_BIND`: where the embedded simulator listens.
    pub simulator_bind: String,
}

/// `XJZ__SECURITY__*`
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    /// `JWT_SECRET`: token signing secret (≥ 32 bytes in production).
    pub jwt_secret: SecretString,
    /// `JWT_TTL_SECS`: token lifetime.
    pub jwt_ttl_secs: u64,
    /// `DATA_KEY`: base64 of 32 random bytes; encrypts secrets at rest.
    pub data_key: SecretString,
    /// `PREVIOUS_DATA_KEYS`: old data keys still accepted for reading (rotation).
    pub previous_data_keys: Vec<SecretString>,
}

/// `XJZ__LOG__*`
#[derive(Debug, Clone, Default)]
pub struct LogSettings {
    /// `FORMAT`: `pretty` or `json`.
    pub format: LogFormat,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_poll_settings_give_the_domain_default_policy() {
        assert_eq!(PollSettings::default().policy(), PollingPolicy::default());
    }

    #[test]
    fn poll_settings_convert_units() {
        let poll = PollSettings {
            first_query_delay_secs: 5,
            audit_interval_secs: 6,
            confirm_interval_secs: 7,
            confirm_window_days: 1,
            max_days: 2,
        };
        let policy = poll.policy();
        assert_eq!(policy.first_query_delay, TimeDelta::seconds(5));
        assert_eq!(policy.audit_interval, TimeDelta::seconds(6));
        assert_eq!(policy.confirm_interval, TimeDelta::seconds(7));
        assert_eq!(policy.confirm_window, TimeDelta::days(1));
        assert_eq!(policy.max_polling, TimeDelta::days(2));
    }

    #[test]
    fn absurd_hand_built_values_are_clamped_not_overflowed() {
        let poll = PollSettings {
            max_days: u64::MAX,
            audit_interval_secs: u64::MAX,
            ..PollSettings::default()
        };
        let policy = poll.policy();
        assert_eq!(policy.max_polling, TimeDelta::days(3650));
        assert_eq!(policy.audit_interval, TimeDelta::seconds(365 * 24 * 3600));
    }
}
