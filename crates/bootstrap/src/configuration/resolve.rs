//! From raw layered values to [`Settings`]: code defaults, derived defaults, `_FILE`s,
//! validation, production refusals, then development generation (only once nothing is
//! wrong, so a refused start leaves no files behind).

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use xjz_alipay_sim::test_keys;

use super::checks::{self, Candidate};
use super::db_url::{DatabaseKind, DatabaseUrl};
use super::defaults;
use super::error::{ConfigError, Problems};
use super::notice::{Notice, NoticeKind};
use super::raw::{self, RawSettings};
use super::secrets::{DevSecret, dev_secret, value_or_file};
use super::settings::{
    AlipaySettings, DatabaseSettings, EmbeddedSettings, Environment, LogSettings, PollSettings,
    SecuritySettings, ServerSettings, Settings, WorkerSettings,
};
use super::validate;

const JWT_SECRET: DevSecret = DevSecret {
    key: "XJZ__SECURITY__JWT_SECRET",
    file_name: "jwt_secret",
    bytes: 48,
};

const DATA_KEY: DevSecret = DevSecret {
    key: "XJZ__SECURITY__DATA_KEY",
    file_name: "data_key",
    bytes: 32,
};

/// Resolves and checks everything; generates missing development secrets under `data_dir`.
pub(crate) fn resolve(
    raw: RawSettings,
    environment: Environment,
    data_dir: &Path,
) -> Result<(Settings, Vec<Notice>), ConfigError> {
    let mut problems = Problems::default();
    let mut notices = Vec::new();
    let development = environment == Environment::Development;

    let embedded = EmbeddedSettings {
        worker: raw.embedded.worker.unwrap_or(development),
        simulator: raw.embedded.simulator.unwrap_or(development),
        simulator_bind: text(
            raw.embedded.simulator_bind,
            defaults::EMBEDDED_SIMULATOR_BIND,
        ),
    };
    validate::bind(
        &mut problems,
        "XJZ__EMBEDDED__SIMULATOR_BIND",
        &embedded.simulator_bind,
    );
    let database = database(&mut problems, raw.database, data_dir);
    let server = server(&mut problems, raw.server);
    let worker = worker(&mut problems, raw.worker, embedded.worker);
    let poll = poll(&mut problems, raw.poll);

    let alipay = raw.alipay;
    let app_private_key = value_or_file(
        &mut problems,
        "XJZ__ALIPAY__APP_PRIVATE_KEY",
        alipay.app_private_key,
        alipay.app_private_key_file,
    );
    let alipay_public_key = value_or_file(
        &mut problems,
        "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
        alipay.alipay_public_key,
        alipay.alipay_public_key_file,
    )
    .map(|key| key.expose_secret().to_owned());
    if let Some(url) = &alipay.gateway_url {
        validate::http_url(&mut problems, "XJZ__ALIPAY__GATEWAY_URL", url);
    }
    if let Some(app_id) = &alipay.app_id {
        validate::app_id(&mut problems, app_id);
    }
    let timeout_secs = alipay.timeout_secs.unwrap_or(defaults::ALIPAY_TIMEOUT_SECS);
    let upload_timeout_secs = alipay
        .upload_timeout_secs
        .unwrap_or(defaults::ALIPAY_UPLOAD_TIMEOUT_SECS);
    validate::positive(&mut problems, "XJZ__ALIPAY__TIMEOUT_SECS", timeout_secs);
    validate::positive(
        &mut problems,
        "XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS",
        upload_timeout_secs,
    );

    let security = raw.security;
    let jwt_secret = value_or_file(
        &mut problems,
        JWT_SECRET.key,
        security.jwt_secret,
        security.jwt_secret_file,
    );
    let data_key = value_or_file(
        &mut problems,
        DATA_KEY.key,
        security.data_key,
        security.data_key_file,
    );
    let previous_data_keys = previous_data_keys(
        &mut problems,
        security.previous_data_keys,
        security.previous_data_keys_file,
    );
    let jwt_ttl_secs = security
        .jwt_ttl_secs
        .unwrap_or(defaults::SECURITY_JWT_TTL_SECS);
    validate::positive(&mut problems, "XJZ__SECURITY__JWT_TTL_SECS", jwt_ttl_secs);
    validate::data_keys(&mut problems, data_key.as_ref(), &previous_data_keys);

    if development {
        if let Some(reason) = jwt_secret
            .as_ref()
            .and_then(|s| checks::weak_jwt_secret(s.expose_secret()))
        {
            notices.push(Notice::new(
                NoticeKind::Warning,
                JWT_SECRET.key,
                format!("{reason}; accepted in development, refused in production"),
            ));
        }
    } else {
        checks::production(
            &mut problems,
            &Candidate {
                embedded_simulator: embedded.simulator,
                gateway_url: alipay.gateway_url.as_deref(),
                app_id: alipay.app_id.as_deref(),
                app_private_key: app_private_key.as_ref(),
                alipay_public_key: alipay_public_key.as_deref(),
                jwt_secret: jwt_secret.as_ref(),
                data_key: data_key.as_ref(),
                database_url: &database.url,
            },
        );
    }
    if !problems.is_empty() {
        return Err(ConfigError::Invalid(problems));
    }

    // Past this point production has every value explicitly (the checks above refuse a
    // missing one), so the fill-ins below only ever apply in development.
    let gateway_url = alipay.gateway_url.unwrap_or_else(|| {
        let url = format!("http://{}/gateway.do", embedded.simulator_bind);
        let whose = if embedded.simulator {
            "the embedded simulator"
        } else {
            "a simulator run separately (the embedded one is off)"
        };
        notices.push(Notice::new(
            NoticeKind::DevelopmentDefault,
            "XJZ__ALIPAY__GATEWAY_URL",
            format!("not set: using {whose} at {url}"),
        ));
        url
    });
    let uses_test_keys =
        alipay.app_id.is_none() || app_private_key.is_none() || alipay_public_key.is_none();
    if uses_test_keys {
        notices.push(Notice::new(
            NoticeKind::DevelopmentDefault,
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            "using the simulator's PUBLIC TEST keys/app id for what is not set \
             (development only; refused in production)",
        ));
    }
    let alipay = AlipaySettings {
        gateway_url,
        app_id: alipay
            .app_id
            .unwrap_or_else(|| test_keys::APP_ID.to_owned()),
        app_private_key: app_private_key
            .unwrap_or_else(|| SecretString::from(test_keys::APP_PRIVATE_KEY_PEM)),
        alipay_public_key: alipay_public_key
            .unwrap_or_else(|| test_keys::ALIPAY_PUBLIC_KEY_PEM.to_owned()),
        timeout_secs,
        upload_timeout_secs,
    };

    let jwt_secret = match jwt_secret {
        Some(secret) => secret,
        None => dev_secret(data_dir, &JWT_SECRET, &mut notices)?,
    };
    let data_key = match data_key {
        Some(key) => key,
        None => {
            let key = dev_secret(data_dir, &DATA_KEY, &mut notices)?;
            validate::data_keys(&mut problems, Some(&key), &[]);
            if !problems.is_empty() {
                problems.push(
                    DATA_KEY.key,
                    format!(
                        "the stored development key {} is malformed; delete it to generate \
                         a new one",
                        data_dir.join("secrets").join(DATA_KEY.file_name).display()
                    ),
                );
                return Err(ConfigError::Invalid(problems));
            }
            key
        }
    };

    let settings = Settings {
        environment,
        database,
        server,
        alipay,
        worker,
        poll,
        embedded,
        security: SecuritySettings {
            jwt_secret,
            jwt_ttl_secs,
            data_key,
            previous_data_keys,
        },
        log: LogSettings {
            format: raw.log.format.unwrap_or_default(),
        },
    };
    Ok((settings, notices))
}

fn text(value: Option<String>, default: &str) -> String {
    value.unwrap_or_else(|| default.to_owned())
}

fn database(problems: &mut Problems, raw: raw::RawDatabase, data_dir: &Path) -> DatabaseSettings {
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
    }
}

fn server(problems: &mut Problems, raw: raw::RawServer) -> ServerSettings {
    let server = ServerSettings {
        bind: text(raw.bind, defaults::SERVER_BIND),
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

fn worker(problems: &mut Problems, raw: raw::RawWorker, embedded: bool) -> WorkerSettings {
    let default_tick = if embedded {
        defaults::WORKER_TICK_SECS_EMBEDDED
    } else {
        defaults::WORKER_TICK_SECS
    };
    let worker = WorkerSettings {
        tick_secs: raw.tick_secs.unwrap_or(default_tick),
        concurrency: raw.concurrency.unwrap_or(defaults::WORKER_CONCURRENCY),
        max_qps: raw.max_qps.unwrap_or(defaults::WORKER_MAX_QPS),
        metrics_bind: text(raw.metrics_bind, defaults::WORKER_METRICS_BIND),
    };
    validate::positive(problems, "XJZ__WORKER__TICK_SECS", worker.tick_secs);
    validate::positive(
        problems,
        "XJZ__WORKER__CONCURRENCY",
        worker.concurrency.into(),
    );
    validate::positive(problems, "XJZ__WORKER__MAX_QPS", worker.max_qps.into());
    validate::bind(problems, "XJZ__WORKER__METRICS_BIND", &worker.metrics_bind);
    worker
}

fn poll(problems: &mut Problems, raw: raw::RawPoll) -> PollSettings {
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

fn previous_data_keys(
    problems: &mut Problems,
    value: Option<Vec<SecretString>>,
    file: Option<PathBuf>,
) -> Vec<SecretString> {
    let key = "XJZ__SECURITY__PREVIOUS_DATA_KEYS";
    match (value, file) {
        (Some(keys), None) => keys,
        (value, file) => {
            // Reuse the single-secret rules (both set, unreadable, empty) for the file form.
            let as_one = value.map(|_| SecretString::from("set"));
            value_or_file(problems, key, as_one, file)
                .map(|content| raw::split_list(content.expose_secret()))
                .unwrap_or_default()
        }
    }
}
