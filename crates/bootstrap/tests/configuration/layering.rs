//! Code defaults → config/base.toml → config/{environment}.toml → XJZ__ environment.

use std::path::PathBuf;

use secrecy::ExposeSecret;
use xjz_alipay_sim::test_keys;
use xjz_bootstrap::configuration::{ConfigError, Environment, LoadOptions, LogFormat};

use crate::helpers::TestEnv;

#[test]
fn defaults_are_designs_when_nothing_is_configured() {
    // Arrange
    let t = TestEnv::new();

    // Act
    let s = t.load_ok().settings;

    // Assert
    assert_eq!(s.environment, Environment::Development);
    let db = format!("sqlite://{}/xjz.db?mode=rwc", t.data_dir().display());
    assert_eq!(s.database.url.expose_secret(), db);
    assert!(s.database.auto_migrate);
    assert_eq!(s.server.bind, "127.0.0.1:8080");
    assert_eq!(s.server.static_dir, PathBuf::from("frontend/dist"));
    assert_eq!(s.server.max_upload_bytes, 30 * 1024 * 1024);
    assert!(s.server.trusted_proxies.is_empty());
    assert_eq!(s.alipay.gateway_url, "http://127.0.0.1:8090/gateway.do");
    assert_eq!(s.alipay.app_id, test_keys::APP_ID);
    assert_eq!(
        s.alipay.app_private_key.expose_secret(),
        test_keys::APP_PRIVATE_KEY_PEM
    );
    assert_eq!(s.alipay.alipay_public_key, test_keys::ALIPAY_PUBLIC_KEY_PEM);
    assert_eq!(s.alipay.timeout_secs, 15);
    assert_eq!(s.alipay.upload_timeout_secs, 120);
    assert_eq!(s.worker.tick_secs, 10);
    assert_eq!(s.worker.concurrency, 16);
    assert_eq!(s.worker.max_qps, 10);
    assert_eq!(s.worker.metrics_bind, "127.0.0.1:9091");
    assert_eq!(s.poll.first_query_delay_secs, 60);
    assert_eq!(s.poll.audit_interval_secs, 600);
    assert_eq!(s.poll.confirm_interval_secs, 1800);
    assert_eq!(s.poll.confirm_window_days, 16);
    assert_eq!(s.poll.max_days, 30);
    assert!(s.embedded.worker);
    assert!(s.embedded.simulator);
    assert_eq!(s.embedded.simulator_bind, "127.0.0.1:8090");
    assert_eq!(s.security.jwt_ttl_secs, 7200);
    assert!(s.security.previous_data_keys.is_empty());
    assert_eq!(s.log.format, LogFormat::Pretty);
}

#[test]
fn base_file_overrides_defaults() {
    let t = TestEnv::new();
    t.config_file(
        "base.toml",
        "[server]\nbind = \"0.0.0.0:9000\"\ntrusted_proxies = [\"10.0.0.1\", \"10.1.0.0/16\"]\n\
         [worker]\nconcurrency = 4\n[log]\nformat = \"json\"\n",
    );

    let loaded = t.load_ok();

    assert_eq!(loaded.settings.server.bind, "0.0.0.0:9000");
    assert_eq!(
        loaded.settings.server.trusted_proxies,
        ["10.0.0.1", "10.1.0.0/16"]
    );
    assert_eq!(loaded.settings.worker.concurrency, 4);
    assert_eq!(loaded.settings.log.format, LogFormat::Json);
    assert_eq!(loaded.files, [t.dir.path().join("config/base.toml")]);
}

#[test]
fn environment_file_overrides_base_file() {
    let t = TestEnv::new();
    t.config_file("base.toml", "[worker]\nconcurrency = 4\nmax_qps = 3\n");
    t.config_file("development.toml", "[worker]\nconcurrency = 8\n");
    t.config_file("production.toml", "[worker]\nconcurrency = 99\n");

    let loaded = t.load_ok();

    assert_eq!(loaded.settings.worker.concurrency, 8);
    assert_eq!(loaded.settings.worker.max_qps, 3);
    assert_eq!(loaded.files.len(), 2);
}

#[test]
fn the_environment_set_in_base_toml_picks_the_environment_file() {
    let mut t = TestEnv::production();
    t.unset("XJZ__ENVIRONMENT");
    t.config_file("base.toml", "environment = \"production\"\n");
    t.config_file("development.toml", "[worker]\nconcurrency = 8\n");
    t.config_file("production.toml", "[worker]\nconcurrency = 99\n");

    let s = t.load_ok().settings;

    assert_eq!(s.environment, Environment::Production);
    assert_eq!(s.worker.concurrency, 99);
}

#[test]
fn environment_overrides_files() {
    let mut t = TestEnv::new();
    t.config_file(
        "base.toml",
        "[alipay]\ntimeout_secs = 20\n[server]\nbind = \"0.0.0.0:9000\"\n",
    );
    t.config_file("development.toml", "[alipay]\ntimeout_secs = 30\n");
    t.set("XJZ__ALIPAY__TIMEOUT_SECS", "45");

    let s = t.load_ok().settings;

    assert_eq!(s.alipay.timeout_secs, 45);
    assert_eq!(s.server.bind, "0.0.0.0:9000");
}

#[test]
fn numbers_booleans_and_lists_parse_from_environment_strings() {
    let mut t = TestEnv::new();
    t.set("XJZ__SERVER__MAX_UPLOAD_BYTES", "1048576")
        .set("XJZ__DATABASE__AUTO_MIGRATE", "false")
        .set("XJZ__EMBEDDED__WORKER", "FALSE")
        .set("XJZ__EMBEDDED__SIMULATOR", "yes")
        .set(
            "XJZ__SERVER__TRUSTED_PROXIES",
            "10.0.0.1, 192.168.0.0/24,,fd00::/8",
        )
        .set("XJZ__POLL__MAX_DAYS", "20")
        .set("XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS", "300");

    let s = t.load_ok().settings;

    assert_eq!(s.server.max_upload_bytes, 1_048_576);
    assert!(!s.database.auto_migrate);
    assert!(!s.embedded.worker);
    assert!(s.embedded.simulator);
    assert_eq!(
        s.server.trusted_proxies,
        ["10.0.0.1", "192.168.0.0/24", "fd00::/8"]
    );
    assert_eq!(s.poll.max_days, 20);
    assert_eq!(s.alipay.upload_timeout_secs, 300);
}

#[test]
fn a_secret_that_looks_like_a_number_keeps_every_character() {
    let mut t = TestEnv::new();
    t.set(
        "XJZ__SECURITY__JWT_SECRET",
        "00012345678901234567890123456789000",
    );
    let s = t.load_ok().settings;
    assert_eq!(
        s.security.jwt_secret.expose_secret(),
        "00012345678901234567890123456789000"
    );
}

#[test]
fn a_malformed_number_is_an_error_naming_the_key() {
    let mut t = TestEnv::new();
    t.set("XJZ__WORKER__CONCURRENCY", "many");
    let error = t.error();
    assert!(matches!(error, ConfigError::Source(_)), "{error}");
    assert!(error.to_string().contains("worker.concurrency"), "{error}");
}

#[test]
fn a_misspelt_key_is_rejected_not_ignored() {
    let mut t = TestEnv::new();
    t.set("XJZ__ALIPAY__APPID", "2021009999999999");
    let error = t.error();
    assert!(error.to_string().contains("appid"), "{error}");
}

#[test]
fn an_unknown_environment_name_is_rejected() {
    let mut t = TestEnv::new();
    t.set("XJZ__ENVIRONMENT", "prod");
    let error = t.error();
    assert!(matches!(error, ConfigError::Source(_)));
    assert!(
        error.to_string().contains("use development or production"),
        "{error}"
    );
}

#[test]
fn an_unknown_log_format_is_rejected() {
    let mut t = TestEnv::new();
    t.set("XJZ__LOG__FORMAT", "xml");
    let error = t.error();
    assert!(error.to_string().contains("use pretty or json"), "{error}");
}

#[test]
fn variables_without_the_prefix_are_ignored() {
    let mut t = TestEnv::new();
    t.set("DATABASE__URL", "postgres://elsewhere/db")
        .set("XJZ_SERVER__BIND", "nonsense")
        .set("PATH", "/usr/bin");
    let s = t.load_ok().settings;
    assert!(!s.database.url.expose_secret().contains("elsewhere"));
    assert_eq!(s.server.bind, "127.0.0.1:8080");
}

#[test]
fn an_environment_file_may_not_switch_the_environment() {
    let t = TestEnv::new();
    t.config_file("development.toml", "environment = \"production\"\n");
    assert_eq!(t.problem_keys(), ["XJZ__ENVIRONMENT"]);
}

#[test]
fn config_and_data_directories_come_from_the_environment_map() {
    let t = TestEnv::new();
    let config_dir = t.dir.path().join("elsewhere");
    std::fs::create_dir(&config_dir).unwrap();
    std::fs::write(config_dir.join("base.toml"), "[worker]\nmax_qps = 2\n").unwrap();
    let data_dir = t.dir.path().join("state");
    let mut options = LoadOptions::default();
    options
        .env
        .insert("XJZ_CONFIG_DIR".into(), config_dir.display().to_string());
    options
        .env
        .insert("XJZ_DATA_DIR".into(), data_dir.display().to_string());

    let loaded = xjz_bootstrap::load(&options).unwrap();

    assert_eq!(loaded.settings.worker.max_qps, 2);
    assert!(data_dir.join("secrets/jwt_secret").is_file());
}

#[test]
fn a_toml_syntax_error_names_the_file() {
    let t = TestEnv::new();
    t.config_file("base.toml", "[server\nbind = ");
    let error = t.error();
    assert!(error.to_string().contains("base.toml"), "{error}");
}

#[test]
fn invalid_values_are_all_reported_with_their_keys() {
    let mut t = TestEnv::new();
    t.set("XJZ__WORKER__CONCURRENCY", "0")
        .set("XJZ__WORKER__MAX_QPS", "0")
        .set("XJZ__WORKER__TICK_SECS", "0")
        .set("XJZ__POLL__AUDIT_INTERVAL_SECS", "0")
        .set("XJZ__POLL__CONFIRM_INTERVAL_SECS", "0")
        .set("XJZ__POLL__FIRST_QUERY_DELAY_SECS", "0")
        .set("XJZ__POLL__MAX_DAYS", "99999")
        .set("XJZ__POLL__CONFIRM_WINDOW_DAYS", "0")
        .set("XJZ__ALIPAY__TIMEOUT_SECS", "0")
        .set("XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS", "0")
        .set("XJZ__SECURITY__JWT_TTL_SECS", "0")
        .set("XJZ__SERVER__MAX_UPLOAD_BYTES", "0")
        .set("XJZ__SERVER__BIND", "8080")
        .set("XJZ__WORKER__METRICS_BIND", "localhost:http")
        .set("XJZ__EMBEDDED__SIMULATOR_BIND", ":8090")
        .set(
            "XJZ__SERVER__TRUSTED_PROXIES",
            "10.0.0.1,not-an-ip,10.0.0.0/33",
        )
        .set("XJZ__ALIPAY__GATEWAY_URL", "openapi.alipay.com/gateway.do")
        .set("XJZ__ALIPAY__APP_ID", "app-1")
        .set("XJZ__DATABASE__URL", "mysql://db/xjz");

    let keys = t.problem_keys();

    for key in [
        "XJZ__WORKER__CONCURRENCY",
        "XJZ__WORKER__MAX_QPS",
        "XJZ__WORKER__TICK_SECS",
        "XJZ__POLL__AUDIT_INTERVAL_SECS",
        "XJZ__POLL__CONFIRM_INTERVAL_SECS",
        "XJZ__POLL__FIRST_QUERY_DELAY_SECS",
        "XJZ__POLL__MAX_DAYS",
        "XJZ__POLL__CONFIRM_WINDOW_DAYS",
        "XJZ__ALIPAY__TIMEOUT_SECS",
        "XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS",
        "XJZ__SECURITY__JWT_TTL_SECS",
        "XJZ__SERVER__MAX_UPLOAD_BYTES",
        "XJZ__SERVER__BIND",
        "XJZ__WORKER__METRICS_BIND",
        "XJZ__EMBEDDED__SIMULATOR_BIND",
        "XJZ__ALIPAY__GATEWAY_URL",
        "XJZ__ALIPAY__APP_ID",
        "XJZ__DATABASE__URL",
    ] {
        assert!(keys.iter().any(|k| k == key), "{key} missing from {keys:?}");
    }
    let proxies = keys
        .iter()
        .filter(|k| *k == "XJZ__SERVER__TRUSTED_PROXIES")
        .count();
    assert_eq!(proxies, 2, "{keys:?}");
    // A refused start generates nothing.
    assert!(!t.data_dir().exists());
}

#[test]
fn the_default_database_is_designs_with_the_default_data_directory() {
    // Secrets given, so nothing is generated in the working directory.
    let mut options = LoadOptions::default();
    options
        .env
        .insert("XJZ__SECURITY__JWT_SECRET".into(), "x".repeat(40));
    options.env.insert(
        "XJZ__SECURITY__DATA_KEY".into(),
        crate::helpers::DATA_KEY.to_owned(),
    );
    options.config_dir = Some(PathBuf::from("/nonexistent-xjz-config"));

    let s = xjz_bootstrap::load(&options).unwrap().settings;

    assert_eq!(
        s.database.url.expose_secret(),
        "sqlite://data/xjz.db?mode=rwc"
    );
    assert_eq!(options.data_dir(), PathBuf::from("data"));
}
