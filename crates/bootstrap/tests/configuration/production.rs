//! In production the services refuse test keys, missing secrets and default passwords.

use secrecy::ExposeSecret;
use xjz_alipay_sim::test_keys;
use xjz_bootstrap::configuration::Environment;

use crate::helpers::{DB_PASSWORD, JWT_SECRET, TestEnv};

#[test]
fn a_complete_production_configuration_loads_without_generating_anything() {
    let t = TestEnv::production();

    let loaded = t.load_ok();

    let s = loaded.settings;
    assert_eq!(s.environment, Environment::Production);
    assert!(!s.embedded.worker && !s.embedded.simulator);
    assert_eq!(s.worker.tick_secs, 1800);
    assert!(!s.database.auto_migrate);
    assert_eq!(
        s.alipay.gateway_url,
        "https://openapi.alipay.com/gateway.do"
    );
    assert_eq!(s.security.jwt_secret.expose_secret(), JWT_SECRET);
    assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
    assert!(!t.data_dir().exists());
}

#[test]
fn the_simulators_app_id_is_refused() {
    let mut t = TestEnv::production();
    t.set("XJZ__ALIPAY__APP_ID", test_keys::APP_ID);
    assert_eq!(t.problem_keys(), ["XJZ__ALIPAY__APP_ID"]);
}

#[test]
fn the_simulators_keys_are_refused_in_any_encoding() {
    let pkcs1_bare: String = test_keys::APP_PRIVATE_KEY_PKCS1_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for private_key in [
        test_keys::APP_PRIVATE_KEY_PEM.to_owned(),
        pkcs1_bare,
        test_keys::APP_PRIVATE_KEY_PEM.replace('\n', "\\n"),
        test_keys::ALIPAY_PRIVATE_KEY_PEM.to_owned(),
    ] {
        let mut t = TestEnv::production();
        t.set("XJZ__ALIPAY__APP_PRIVATE_KEY", &private_key);
        assert_eq!(t.problem_keys(), ["XJZ__ALIPAY__APP_PRIVATE_KEY"]);
    }
    let mut t = TestEnv::production();
    t.set(
        "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
        test_keys::ALIPAY_PUBLIC_KEY_PEM,
    );
    assert_eq!(t.problem_keys(), ["XJZ__ALIPAY__ALIPAY_PUBLIC_KEY"]);
}

#[test]
fn each_missing_secret_is_refused() {
    for key in [
        "XJZ__ALIPAY__GATEWAY_URL",
        "XJZ__ALIPAY__APP_ID",
        "XJZ__ALIPAY__APP_PRIVATE_KEY",
        "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
        "XJZ__SECURITY__JWT_SECRET",
        "XJZ__SECURITY__DATA_KEY",
    ] {
        let mut t = TestEnv::production();
        t.unset(key);
        let error = t.error();
        assert_eq!(error.problems().len(), 1, "{error}");
        assert_eq!(error.problems()[0].key, key);
        assert!(error.to_string().contains("production"), "{error}");
    }
}

#[test]
fn a_short_or_well_known_jwt_secret_is_refused() {
    for secret in [
        "0123456789abcdef0123456789abcde",
        "secret",
        "changeme-changeme-changeme-changeme-changeme",
        "your-secret-key-for-jwt-signing-0123456789",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ] {
        let mut t = TestEnv::production();
        t.set("XJZ__SECURITY__JWT_SECRET", secret);
        let error = t.error();
        assert_eq!(error.problems().len(), 1, "{secret}: {error}");
        assert_eq!(error.problems()[0].key, "XJZ__SECURITY__JWT_SECRET");
        assert!(!error.to_string().contains(secret), "{error}");
    }
}

#[test]
fn a_jwt_secret_of_exactly_32_bytes_is_accepted() {
    let mut t = TestEnv::production();
    t.set(
        "XJZ__SECURITY__JWT_SECRET",
        "0123456789abcdef0123456789abcdeZ",
    );
    t.load_ok();
}

#[test]
fn a_data_key_that_is_not_base64_of_32_bytes_is_refused() {
    for key in [
        "not base64!",
        "c2hvcnQ=",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWZn",
    ] {
        let mut t = TestEnv::production();
        t.set("XJZ__SECURITY__DATA_KEY", key);
        assert_eq!(t.problem_keys(), ["XJZ__SECURITY__DATA_KEY"], "{key}");
    }
}

#[test]
fn a_well_known_database_password_is_refused() {
    for password in [
        "postgres", "password", "root", "admin", "changeme", "123456", "xjz", "Postgres",
    ] {
        let mut t = TestEnv::production();
        t.set(
            "XJZ__DATABASE__URL",
            &format!("postgres://xjz:{password}@db.internal:5432/xjz"),
        );
        let error = t.error();
        assert_eq!(error.problems().len(), 1, "{password}: {error}");
        assert_eq!(error.problems()[0].key, "XJZ__DATABASE__URL");
        assert!(
            !error.to_string().contains(&format!(":{password}@")),
            "{error}"
        );
    }
    let mut t = TestEnv::production();
    t.set(
        "XJZ__DATABASE__URL",
        "postgres://db.internal/xjz?user=xjz&password=postgres",
    );
    assert_eq!(t.problem_keys(), ["XJZ__DATABASE__URL"]);
}

#[test]
fn the_embedded_simulator_is_refused() {
    let mut t = TestEnv::production();
    t.set("XJZ__EMBEDDED__SIMULATOR", "true");
    assert_eq!(t.problem_keys(), ["XJZ__EMBEDDED__SIMULATOR"]);
}

#[test]
fn the_embedded_worker_is_allowed() {
    let mut t = TestEnv::production();
    t.set("XJZ__EMBEDDED__WORKER", "true");
    assert_eq!(t.load_ok().settings.worker.tick_secs, 10);
}

#[test]
fn every_refusal_is_reported_at_once() {
    // Arrange: the development defaults carried into production, plus bad values.
    let mut t = TestEnv::new();
    t.set("XJZ__ENVIRONMENT", "production")
        .set("XJZ__EMBEDDED__SIMULATOR", "on")
        .set("XJZ__ALIPAY__APP_ID", test_keys::APP_ID)
        .set(
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            test_keys::APP_PRIVATE_KEY_PEM,
        )
        .set(
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            test_keys::ALIPAY_PUBLIC_KEY_PEM,
        )
        .set("XJZ__SECURITY__JWT_SECRET", "changeme")
        .set("XJZ__SECURITY__DATA_KEY", "c2hvcnQ=")
        .set("XJZ__DATABASE__URL", "postgres://postgres:postgres@db/xjz");

    // Act
    let error = t.error();

    // Assert
    let mut keys: Vec<&str> = error.problems().iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            "XJZ__ALIPAY__APP_ID",
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            "XJZ__ALIPAY__GATEWAY_URL",
            "XJZ__DATABASE__URL",
            "XJZ__EMBEDDED__SIMULATOR",
            "XJZ__SECURITY__DATA_KEY",
            "XJZ__SECURITY__JWT_SECRET",
        ]
    );
    let text = error.to_string();
    assert!(text.contains("8 problem(s)"), "{text}");
    assert!(!t.data_dir().exists());
}

#[test]
fn an_empty_production_configuration_lists_every_missing_secret() {
    let mut t = TestEnv::new();
    t.set("XJZ__ENVIRONMENT", "production");
    let mut keys = t.problem_keys();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            "XJZ__ALIPAY__APP_ID",
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            "XJZ__ALIPAY__GATEWAY_URL",
            "XJZ__SECURITY__DATA_KEY",
            "XJZ__SECURITY__JWT_SECRET",
        ]
    );
}

#[test]
fn refusals_never_echo_secret_values() {
    let mut t = TestEnv::production();
    t.set("XJZ__SECURITY__JWT_SECRET", "tooShortSecretValue")
        .set(
            "XJZ__SECURITY__DATA_KEY",
            "bm90LTMyLWJ5dGVzLWxvbmctc2VjcmV0",
        )
        .set(
            "XJZ__DATABASE__URL",
            &format!("postgres://xjz:{DB_PASSWORD}@db/xjz?password=admin"),
        );
    let error = t.error();
    let text = format!("{error}\n{error:?}");
    for secret in [
        "tooShortSecretValue",
        "bm90LTMyLWJ5dGVzLWxvbmctc2VjcmV0",
        DB_PASSWORD,
        "=admin",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn sqlite_in_production_is_accepted_with_a_warning() {
    let mut t = TestEnv::production();
    t.set(
        "XJZ__DATABASE__URL",
        "sqlite:///var/lib/xjz/xjz.db?mode=rwc",
    );

    let loaded = t.load_ok();

    assert!(loaded.settings.database.auto_migrate);
    let warning = &loaded.notices[0];
    assert_eq!(
        warning.kind,
        xjz_bootstrap::configuration::NoticeKind::Warning
    );
    assert_eq!(warning.key, "XJZ__DATABASE__URL");
}
