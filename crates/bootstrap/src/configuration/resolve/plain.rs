//! Concerns without development fill-ins: database, server, worker, poll. Each applies its
//! defaults (some derived) and validates.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::configuration::db_url::{DatabaseKind, DatabaseUrl};
use crate::configuration::defaults;
use crate::configuration::error::Problems;
use crate::configuration::raw::{RawDatabase, RawPoll, RawServer, RawWorker};
use crate::configuration::secrets::value_or_file;
use crate::configuration::settings::{
    DatabaseSettings, PollSettings, ServerSettings, WorkerSettings,
};
use crate::configuration::validate;

/// The URL defaults to `xjz.db` in the data directory, the image directory to `images` in
/// it; auto-migrate to "is it SQLite".
pub(super) fn database(
    problems: &mut Problems,
    raw: RawDatabase,
    data_dir: &Path,
) -> DatabaseSettings {
    let key = "XJZ__DATABASE__URL";
    let url = value_or_file(problems, key, raw.url, raw.url_file)
        .unwrap_or_else(|| SecretString::from(defaults::database_url(data_dir)));
    let url = DatabaseUrl::new(url);
    let kind = url.kind();
    if kind.is_none() {
        problems.push(
            key,
            format!("{url} is not supported; use sqlite://… or postgres://… (postgresql://…)"),
        );
    }
    DatabaseSettings {
        auto_migrate: raw
            .auto_migrate
            .unwrap_or(kind == Some(DatabaseKind::Sqlite)),
        url,
        image_dir: raw
            .image_dir
            .unwrap_or_else(|| defaults::image_dir(data_dir)),
    }
}

pub(super) fn server(problems: &mut Problems, raw: RawServer) -> ServerSettings {
    let server = ServerSettings {
        bind: raw.bind.unwrap_or_else(|| defaults::SERVER_BIND.to_owned()),
        static_dir: raw
            .static_dir
            .unwrap_or_else(|| PathBuf::from(defaults::SERVER_STATIC_DIR)),
        max_upload_bytes: raw
            .max_upload_bytes
            .unwrap_or(defaults::SERVER_MAX_UPLOAD_BYTES),
        trusted_proxies: raw.trusted_proxies.unwrap_or_default(),
    };
    validate::bind(problems, "XJZ__SERVER__BIND", &server.bind);
    validate::positive(
        problems,
        "XJZ__SERVER__MAX_UPLOAD_BYTES",
        server.max_upload_bytes,
    );
    validate::trusted_proxies(problems, &server.trusted_proxies);
    server
}

/// The tick defaults to 10 s when the worker runs embedded, else to the plan's 30 minutes.
pub(super) fn worker(problems: &mut Problems, raw: RawWorker, embedded: bool) -> WorkerSettings {
    let default_tick = if embedded {
        defaults::WORKER_TICK_SECS_EMBEDDED
    } else {
        defaults::WORKER_TICK_SECS
    };
    let worker = WorkerSettings {
        tick_secs: raw.tick_secs.unwrap_or(default_tick),
        concurrency: raw.concurrency.unwrap_or(defaults::WORKER_CONCURRENCY),
        max_qps: raw.max_qps.unwrap_or(defaults::WORKER_MAX_QPS),
        lease_secs: raw.lease_secs,
        metrics_bind: raw
            .metrics_bind
            .unwrap_or_else(|| defaults::WORKER_METRICS_BIND.to_owned()),
    };
    validate::positive(problems, "XJZ__WORKER__TICK_SECS", worker.tick_secs);
    validate::positive(
        problems,
        "XJZ__WORKER__CONCURRENCY",
        worker.concurrency.into(),
    );
    validate::positive(problems, "XJZ__WORKER__MAX_QPS", worker.max_qps.into());
    if let Some(lease_secs) = worker.lease_secs {
        validate::positive(problems, "XJZ__WORKER__LEASE_SECS", lease_secs);
    }
    validate::bind(problems, "XJZ__WORKER__METRICS_BIND", &worker.metrics_bind);
    worker
}

pub(super) fn poll(problems: &mut Problems, raw: RawPoll) -> PollSettings {
    let d = PollSettings::default();
    let poll = PollSettings {
        first_query_delay_secs: raw
            .first_query_delay_secs
            .unwrap_or(d.first_query_delay_secs),
        audit_interval_secs: raw.audit_interval_secs.unwrap_or(d.audit_interval_secs),
        confirm_interval_secs: raw.confirm_interval_secs.unwrap_or(d.confirm_interval_secs),
        confirm_window_days: raw.confirm_window_days.unwrap_or(d.confirm_window_days),
        max_days: raw.max_days.unwrap_or(d.max_days),
    };
    validate::poll(problems, &poll);
    poll
}
