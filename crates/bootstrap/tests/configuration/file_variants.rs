//! Every secret has a `_FILE` variant.

use std::fs;

use secrecy::ExposeSecret;

use crate::helpers::{DATA_KEY, OLD_DATA_KEY, TestEnv};

#[test]
fn a_file_variant_is_read_and_one_trailing_newline_trimmed() {
    let mut t = TestEnv::new();
    let jwt = t.file("jwt", "a-jwt-secret-read-from-a-file-0123456789\n\n");
    let db = t.file("db", "postgres://xjz:from-file@db/xjz\r\n");
    let key = t.file(
        "key",
        "-----BEGIN PRIVATE KEY-----\nABC\n-----END PRIVATE KEY-----\n",
    );
    let public = t.file("public", "MIIBpublic");
    t.set("XJZ__SECURITY__JWT_SECRET_FILE", &jwt.display().to_string())
        .set("XJZ__DATABASE__URL_FILE", &db.display().to_string())
        .set(
            "XJZ__ALIPAY__APP_PRIVATE_KEY_FILE",
            &key.display().to_string(),
        )
        .set(
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY_FILE",
            &public.display().to_string(),
        );

    let s = t.load_ok().settings;

    // Exactly one newline goes: the second one is part of the value.
    assert_eq!(
        s.security.jwt_secret.expose_secret(),
        "a-jwt-secret-read-from-a-file-0123456789\n"
    );
    assert_eq!(
        s.database.url.expose_secret(),
        "postgres://xjz:from-file@db/xjz"
    );
    assert_eq!(
        s.alipay.app_private_key.expose_secret(),
        "-----BEGIN PRIVATE KEY-----\nABC\n-----END PRIVATE KEY-----"
    );
    assert_eq!(s.alipay.alipay_public_key, "MIIBpublic");
}

#[test]
fn data_keys_come_from_files_too() {
    let mut t = TestEnv::new();
    let current = t.file("data_key", &format!("{DATA_KEY}\n"));
    let previous = t.file("previous", &format!("{OLD_DATA_KEY}\n{DATA_KEY}\n"));
    t.set(
        "XJZ__SECURITY__DATA_KEY_FILE",
        &current.display().to_string(),
    )
    .set(
        "XJZ__SECURITY__PREVIOUS_DATA_KEYS_FILE",
        &previous.display().to_string(),
    );

    let s = t.load_ok().settings;

    assert_eq!(s.security.data_key.expose_secret(), DATA_KEY);
    let previous: Vec<&str> = s
        .security
        .previous_data_keys
        .iter()
        .map(|k| k.expose_secret())
        .collect();
    assert_eq!(previous, [OLD_DATA_KEY, DATA_KEY]);
    assert!(!t.data_dir().join("secrets/data_key").exists());
}

#[test]
fn value_and_file_together_are_an_error() {
    let mut t = TestEnv::new();
    let jwt = t.file("jwt", "from-file");
    t.set("XJZ__SECURITY__JWT_SECRET", "from-env")
        .set("XJZ__SECURITY__JWT_SECRET_FILE", &jwt.display().to_string());

    let error = t.error();

    assert_eq!(error.problems()[0].key, "XJZ__SECURITY__JWT_SECRET");
    let text = error.to_string();
    assert!(text.contains("XJZ__SECURITY__JWT_SECRET_FILE"), "{text}");
    assert!(
        !text.contains("from-env") && !text.contains("from-file"),
        "{text}"
    );
}

#[test]
fn value_in_a_config_file_and_file_in_the_environment_are_also_both_set() {
    let mut t = TestEnv::new();
    t.config_file(
        "base.toml",
        "[security]\ndata_key = \"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"\n",
    );
    let key = t.file("data_key", DATA_KEY);
    t.set("XJZ__SECURITY__DATA_KEY_FILE", &key.display().to_string());
    assert_eq!(t.problem_keys(), ["XJZ__SECURITY__DATA_KEY"]);
}

#[test]
fn a_missing_file_is_an_error_naming_key_and_path() {
    let mut t = TestEnv::new();
    let missing = t.dir.path().join("no-such-secret");
    t.set(
        "XJZ__SECURITY__DATA_KEY_FILE",
        &missing.display().to_string(),
    );

    let error = t.error();

    let problem = &error.problems()[0];
    assert_eq!(problem.key, "XJZ__SECURITY__DATA_KEY_FILE");
    assert!(
        problem.message.contains(&missing.display().to_string()),
        "{problem}"
    );
}

#[test]
fn an_unreadable_file_is_an_error_that_never_shows_content() {
    let mut t = TestEnv::new();
    // A directory cannot be read as a file, even by root.
    let dir = t.dir.path().join("a-directory");
    fs::create_dir(&dir).unwrap();
    let bad_key = t.file("bad_key", "SECRET-CONTENT-not-base64-of-32-bytes\n");
    let empty = t.file("empty", "\n");
    t.set(
        "XJZ__ALIPAY__APP_PRIVATE_KEY_FILE",
        &dir.display().to_string(),
    )
    .set(
        "XJZ__SECURITY__DATA_KEY_FILE",
        &bad_key.display().to_string(),
    )
    .set(
        "XJZ__SECURITY__JWT_SECRET_FILE",
        &empty.display().to_string(),
    );

    let error = t.error();

    let keys: Vec<&str> = error.problems().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "XJZ__ALIPAY__APP_PRIVATE_KEY_FILE",
            "XJZ__SECURITY__JWT_SECRET_FILE",
            "XJZ__SECURITY__DATA_KEY",
        ]
    );
    let text = format!("{error} {error:?}");
    assert!(!text.contains("SECRET-CONTENT"), "{text}");
    assert!(text.contains("is empty"), "{text}");
}

#[test]
fn previous_keys_from_the_environment_are_comma_separated() {
    let mut t = TestEnv::new();
    t.set(
        "XJZ__SECURITY__PREVIOUS_DATA_KEYS",
        &format!("{OLD_DATA_KEY}, {DATA_KEY}"),
    );

    let s = t.load_ok().settings;

    let bytes = s.security.previous_data_key_bytes().unwrap();
    assert_eq!(bytes.len(), 2);
    use secrecy::ExposeSecret as _;
    assert_eq!(
        bytes[0].expose_secret(),
        b"ffffffffffffffffffffffffffffffff"
    );
    assert_eq!(
        bytes[1].expose_secret(),
        b"0123456789abcdef0123456789abcdef"
    );
}

#[test]
fn a_malformed_previous_key_is_reported_by_position_without_its_value() {
    let mut t = TestEnv::new();
    t.set(
        "XJZ__SECURITY__PREVIOUS_DATA_KEYS",
        &format!("{DATA_KEY},c2hvcnQ="),
    );

    let error = t.error();

    assert_eq!(error.problems()[0].key, "XJZ__SECURITY__PREVIOUS_DATA_KEYS");
    assert!(error.problems()[0].message.contains("entry 2"));
    assert!(!error.to_string().contains("c2hvcnQ="));
}
