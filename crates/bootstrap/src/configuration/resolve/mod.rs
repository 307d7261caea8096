//! From raw layered values to [`Settings`]: code defaults, derived defaults, `_FILE`s,
//! validation, production refusals, then development fill-ins and generation — only once
//! nothing is wrong, so a refused start leaves no files behind.
//!
//! - `plain`: database, server, worker, poll (no development fill-ins).
//! - `alipay`: gateway URL and the simulator's test keys as development defaults.
//! - `security`: JWT secret and data keys, generated in development.

mod alipay;
mod plain;
mod security;

use std::path::Path;

use super::checks::{self, Candidate};
use super::db_url::DatabaseKind;
use super::defaults;
use super::error::{ConfigError, Problems};
use super::notice::{Notice, NoticeKind};
use super::raw::RawSettings;
use super::settings::{EmbeddedSettings, Environment, LogSettings, Settings};
use super::validate;

/// Resolves and checks everything; generates missing development secrets under `data_dir`.
pub(crate) fn resolve(
    raw: RawSettings,
    environment: Environment,
    data_dir: &Path,
) -> Result<(Settings, Vec<Notice>), ConfigError> {
    let mut problems = Problems::default();
    let mut notices = Vec::new();
    let development = environment == Environment::Development;

    let embedded = embedded(&mut problems, raw.embedded, development);
    let database = plain::database(&mut problems, raw.database, data_dir);
    let server = plain::server(&mut problems, raw.server);
    let worker = plain::worker(&mut problems, raw.worker, embedded.worker);
    let poll = plain::poll(&mut problems, raw.poll);
    let alipay = alipay::Pending::read(&mut problems, raw.alipay);
    let security = security::Pending::read(&mut problems, raw.security);

    if development {
        security.warn_if_weak(&mut notices);
    } else {
        checks::production(
            &mut problems,
            &Candidate {
                embedded_simulator: embedded.simulator,
                gateway_url: alipay.gateway_url.as_deref(),
                app_id: alipay.app_id.as_deref(),
                app_private_key: alipay.app_private_key.as_ref(),
                alipay_public_key: alipay.alipay_public_key.as_deref(),
                jwt_secret: security.jwt_secret.as_ref(),
                data_key: security.data_key.as_ref(),
                database_url: &database.url,
            },
        );
    }
    if !problems.is_empty() {
        return Err(ConfigError::Invalid(problems));
    }

    if !development && database.url.kind() == Some(DatabaseKind::Sqlite) {
        notices.push(Notice::new(
            NoticeKind::Warning,
            "XJZ__DATABASE__URL",
            "SQLite in production: only one process may write; scale-out needs PostgreSQL",
        ));
    }

    let fill_in = if development {
        FillIn::Development { data_dir }
    } else {
        FillIn::Production
    };
    let alipay = alipay.finish(&fill_in, &embedded, &mut notices)?;
    let security = security.finish(&fill_in, &mut notices)?;
    let settings = Settings {
        environment,
        database,
        server,
        alipay,
        worker,
        poll,
        embedded,
        security,
        log: LogSettings {
            format: raw.log.format.unwrap_or_default(),
        },
    };
    Ok((settings, notices))
}

/// What may stand in for a value that is not configured.
pub(super) enum FillIn<'a> {
    /// Test keys, the simulator's gateway, secrets generated under `data_dir`.
    Development { data_dir: &'a Path },
    /// Nothing: the production checks have already refused every missing value, so a gap
    /// here is a bug, reported as a problem rather than papered over.
    Production,
}

impl FillIn<'_> {
    /// The error for a value production must have; unreachable after the checks.
    pub(super) fn missing(key: &str) -> ConfigError {
        let mut problems = Problems::default();
        problems.push(key, "is required in production");
        ConfigError::Invalid(problems)
    }
}

fn embedded(
    problems: &mut Problems,
    raw: super::raw::RawEmbedded,
    development: bool,
) -> EmbeddedSettings {
    let embedded = EmbeddedSettings {
        worker: raw.worker.unwrap_or(development),
        simulator: raw.simulator.unwrap_or(development),
        simulator_bind: raw
            .simulator_bind
            .unwrap_or_else(|| defaults::EMBEDDED_SIMULATOR_BIND.to_owned()),
    };
    validate::bind(
        problems,
        "XJZ__EMBEDDED__SIMULATOR_BIND",
        &embedded.simulator_bind,
    );
    embedded
}
