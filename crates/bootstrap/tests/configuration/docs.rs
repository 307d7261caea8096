//! `.env.example`, `docs/configuration.md` and `config/example.toml` stay in step with the
//! loader.

use std::collections::BTreeSet;

use crate::helpers::TestEnv;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Every settings key of DESIGN §3, without the `_FILE` variants.
const KEYS: &[&str] = &[
    "XJZ__ENVIRONMENT",
    "XJZ__DATABASE__URL",
    "XJZ__DATABASE__AUTO_MIGRATE",
    "XJZ__DATABASE__IMAGE_DIR",
    "XJZ__SERVER__BIND",
    "XJZ__SERVER__STATIC_DIR",
    "XJZ__SERVER__MAX_UPLOAD_BYTES",
    "XJZ__SERVER__TRUSTED_PROXIES",
    "XJZ__ALIPAY__GATEWAY_URL",
    "XJZ__ALIPAY__APP_ID",
    "XJZ__ALIPAY__APP_PRIVATE_KEY",
    "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
    "XJZ__ALIPAY__TIMEOUT_SECS",
    "XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS",
    "XJZ__WORKER__TICK_SECS",
    "XJZ__WORKER__CONCURRENCY",
    "XJZ__WORKER__MAX_QPS",
    "XJZ__WORKER__LEASE_SECS",
    "XJZ__WORKER__METRICS_BIND",
    "XJZ__POLL__FIRST_QUERY_DELAY_SECS",
    "XJZ__POLL__AUDIT_INTERVAL_SECS",
    "XJZ__POLL__CONFIRM_INTERVAL_SECS",
    "XJZ__POLL__CONFIRM_WINDOW_DAYS",
    "XJZ__POLL__MAX_DAYS",
    "XJZ__EMBEDDED__WORKER",
    "XJZ__EMBEDDED__SIMULATOR",
    "XJZ__EMBEDDED__SIMULATOR_BIND",
    "XJZ__SECURITY__JWT_SECRET",
    "XJZ__SECURITY__JWT_TTL_SECS",
    "XJZ__SECURITY__DATA_KEY",
    "XJZ__SECURITY__PREVIOUS_DATA_KEYS",
    "XJZ__LOG__FORMAT",
];

const SECRETS: &[&str] = &[
    "XJZ__DATABASE__URL",
    "XJZ__ALIPAY__APP_PRIVATE_KEY",
    "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
    "XJZ__SECURITY__JWT_SECRET",
    "XJZ__SECURITY__DATA_KEY",
    "XJZ__SECURITY__PREVIOUS_DATA_KEYS",
];

fn all_keys() -> BTreeSet<String> {
    KEYS.iter()
        .map(|k| (*k).to_owned())
        .chain(SECRETS.iter().map(|k| format!("{k}_FILE")))
        .collect()
}

/// Every `XJZ__…` name mentioned in a text.
fn names_in(text: &str) -> BTreeSet<String> {
    text.match_indices("XJZ__")
        .map(|(at, _)| {
            text[at..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.ends_with("__"))
        .collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap()
}

#[test]
fn env_example_lists_exactly_every_key() {
    assert_eq!(names_in(&read(".env.example")), all_keys());
}

#[test]
fn configuration_doc_mentions_every_key_and_no_other() {
    let doc = read("docs/configuration.md");
    let mut names = names_in(&doc);
    names.remove("XJZ__SECTION__KEY"); // the naming pattern, not a key
    let known = all_keys();
    let unknown: Vec<&String> = names.difference(&known).collect();
    assert!(unknown.is_empty(), "documented but unknown: {unknown:?}");
    for key in KEYS {
        assert!(
            doc.contains(&format!("| `{key}`")),
            "{key} has no table row"
        );
    }
}

#[test]
fn every_listed_key_is_accepted_by_the_loader() {
    for key in all_keys() {
        let mut t = TestEnv::new();
        t.set(&key, "1");
        if let Err(error) = t.load() {
            assert!(
                !error.to_string().contains("unknown field"),
                "{key}: {error}"
            );
        }
    }
}

#[test]
fn example_toml_loads_as_base_and_as_environment_file() {
    let example = read("config/example.toml");

    let t = TestEnv::new();
    t.config_file("base.toml", &example);
    let loaded = t.load_ok();
    assert_eq!(loaded.files.len(), 1);
    assert_eq!(loaded.settings.worker.concurrency, 16);

    let t = TestEnv::production();
    t.config_file("production.toml", &example);
    assert_eq!(t.load_ok().files.len(), 1);
}
