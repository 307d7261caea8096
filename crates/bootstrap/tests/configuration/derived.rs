//! Defaults that depend on other keys.

use chrono::TimeDelta;

use crate::helpers::TestEnv;

#[test]
fn auto_migrate_defaults_by_database_kind() {
    for (url, expected) in [
        ("sqlite://data/other.db?mode=rwc", true),
        ("postgres://xjz:pw-unique@db/xjz", false),
        ("postgresql://xjz:pw-unique@db/xjz", false),
    ] {
        let mut t = TestEnv::new();
        t.set("XJZ__DATABASE__URL", url);
        assert_eq!(
            t.load_ok().settings.database.auto_migrate,
            expected,
            "{url}"
        );
    }
    let mut t = TestEnv::new();
    t.set("XJZ__DATABASE__URL", "postgres://xjz:pw-unique@db/xjz")
        .set("XJZ__DATABASE__AUTO_MIGRATE", "true");
    assert!(t.load_ok().settings.database.auto_migrate);
}

#[test]
fn the_image_directory_follows_the_data_directory_unless_set() {
    let mut t = TestEnv::new();
    assert_eq!(
        t.load_ok().settings.database.image_dir,
        t.data_dir().join("images")
    );
    t.set("XJZ__DATABASE__IMAGE_DIR", "/srv/xjz/images");
    assert_eq!(
        t.load_ok().settings.database.image_dir,
        std::path::PathBuf::from("/srv/xjz/images")
    );
}

#[test]
fn worker_tick_is_10_embedded_and_1800_standalone() {
    assert_eq!(TestEnv::new().load_ok().settings.worker.tick_secs, 10);

    let mut t = TestEnv::new();
    t.set("XJZ__EMBEDDED__WORKER", "false");
    assert_eq!(t.load_ok().settings.worker.tick_secs, 1800);

    t.set("XJZ__WORKER__TICK_SECS", "60");
    assert_eq!(t.load_ok().settings.worker.tick_secs, 60);

    assert_eq!(
        TestEnv::production().load_ok().settings.worker.tick_secs,
        1800
    );
}

#[test]
fn gateway_url_defaults_to_the_simulator_bind() {
    let mut t = TestEnv::new();
    t.set("XJZ__EMBEDDED__SIMULATOR_BIND", "127.0.0.1:18090");
    assert_eq!(
        t.load_ok().settings.alipay.gateway_url,
        "http://127.0.0.1:18090/gateway.do"
    );

    t.set(
        "XJZ__ALIPAY__GATEWAY_URL",
        "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
    );
    let loaded = t.load_ok();
    assert_eq!(
        loaded.settings.alipay.gateway_url,
        "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
    );
    assert!(
        loaded
            .notices
            .iter()
            .all(|n| n.key != "XJZ__ALIPAY__GATEWAY_URL")
    );
}

#[test]
fn embedded_switches_default_by_environment() {
    let dev = TestEnv::new().load_ok().settings.embedded;
    assert!(dev.worker && dev.simulator);
    let prod = TestEnv::production().load_ok().settings.embedded;
    assert!(!prod.worker && !prod.simulator);
}

#[test]
fn poll_keys_build_the_domain_policy() {
    let mut t = TestEnv::new();
    t.set("XJZ__POLL__FIRST_QUERY_DELAY_SECS", "5")
        .set("XJZ__POLL__AUDIT_INTERVAL_SECS", "30")
        .set("XJZ__POLL__CONFIRM_INTERVAL_SECS", "90")
        .set("XJZ__POLL__CONFIRM_WINDOW_DAYS", "2")
        .set("XJZ__POLL__MAX_DAYS", "3");

    let policy = t.load_ok().settings.poll.policy();

    assert_eq!(policy.first_query_delay, TimeDelta::seconds(5));
    assert_eq!(policy.audit_interval, TimeDelta::seconds(30));
    assert_eq!(policy.confirm_interval, TimeDelta::seconds(90));
    assert_eq!(policy.confirm_window, TimeDelta::days(2));
    assert_eq!(policy.max_polling, TimeDelta::days(3));
}

#[test]
fn default_poll_keys_give_designs_policy() {
    let policy = TestEnv::new().load_ok().settings.poll.policy();
    assert_eq!(policy, xjz_domain::polling::PollingPolicy::default());
}
