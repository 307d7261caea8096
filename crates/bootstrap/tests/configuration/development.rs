//! In development missing secrets are generated under the data directory and reused.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use secrecy::ExposeSecret;
use xjz_bootstrap::configuration::NoticeKind;

use crate::helpers::{DATA_KEY, TestEnv};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn missing_secrets_are_generated_private_and_announced() {
    // Arrange
    let t = TestEnv::new();

    // Act
    let loaded = t.load_ok();

    // Assert
    let secrets = t.data_dir().join("secrets");
    let jwt_path = secrets.join("jwt_secret");
    let key_path = secrets.join("data_key");
    assert_eq!(mode(&secrets), 0o700);
    assert_eq!(mode(&jwt_path), 0o600);
    assert_eq!(mode(&key_path), 0o600);

    let security = &loaded.settings.security;
    assert_eq!(
        fs::read_to_string(&jwt_path).unwrap(),
        format!("{}\n", security.jwt_secret.expose_secret())
    );
    assert!(security.jwt_secret.expose_secret().len() >= 32);
    assert_eq!(security.data_key_bytes().unwrap().expose_secret().len(), 32);

    let generated: Vec<&str> = loaded
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Generated)
        .map(|n| n.key.as_str())
        .collect();
    assert_eq!(
        generated,
        ["XJZ__SECURITY__JWT_SECRET", "XJZ__SECURITY__DATA_KEY"]
    );
    for notice in &loaded.notices {
        assert!(!notice.message.contains(security.jwt_secret.expose_secret()));
        assert!(!notice.message.contains(security.data_key.expose_secret()));
    }
    let jwt_notice = loaded
        .notices
        .iter()
        .find(|n| n.kind == NoticeKind::Generated)
        .unwrap();
    assert!(
        jwt_notice.message.contains(&jwt_path.display().to_string()),
        "{jwt_notice}"
    );
}

#[test]
fn generated_secrets_are_reused_on_the_next_start() {
    let t = TestEnv::new();
    let first = t.load_ok().settings.security;

    let second = t.load_ok();

    let security = &second.settings.security;
    assert_eq!(
        security.jwt_secret.expose_secret(),
        first.jwt_secret.expose_secret()
    );
    assert_eq!(
        security.data_key.expose_secret(),
        first.data_key.expose_secret()
    );
    assert!(
        second
            .notices
            .iter()
            .all(|n| n.kind != NoticeKind::Generated)
    );
    let reused = second
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::Reused)
        .count();
    assert_eq!(reused, 2);
}

#[test]
fn two_data_directories_get_different_secrets() {
    let a = TestEnv::new().load_ok().settings.security;
    let b = TestEnv::new().load_ok().settings.security;
    assert_ne!(a.jwt_secret.expose_secret(), b.jwt_secret.expose_secret());
    assert_ne!(a.data_key.expose_secret(), b.data_key.expose_secret());
}

#[test]
fn a_loosened_secret_file_is_tightened_with_a_warning() {
    let t = TestEnv::new();
    t.load_ok();
    let path = t.data_dir().join("secrets/jwt_secret");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

    let loaded = t.load_ok();

    assert_eq!(mode(&path), 0o600);
    assert!(
        loaded
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::Warning && n.key == "XJZ__SECURITY__JWT_SECRET")
    );
}

#[test]
fn configured_secrets_are_not_generated() {
    let mut t = TestEnv::new();
    t.set("XJZ__SECURITY__DATA_KEY", DATA_KEY).set(
        "XJZ__SECURITY__JWT_SECRET",
        "a-development-secret-long-enough-0123456789",
    );

    let loaded = t.load_ok();

    assert!(!t.data_dir().join("secrets").exists());
    assert!(
        loaded
            .notices
            .iter()
            .all(|n| n.kind != NoticeKind::Generated)
    );
}

#[test]
fn a_corrupted_stored_data_key_is_an_error_naming_the_file() {
    let t = TestEnv::new();
    t.load_ok();
    let path = t.data_dir().join("secrets/data_key");
    fs::write(&path, "not-a-key\n").unwrap();

    let error = t.error();

    assert_eq!(error.problems()[0].key, "XJZ__SECURITY__DATA_KEY");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    assert!(!error.to_string().contains("not-a-key"));
}

#[test]
fn an_unwritable_data_directory_is_an_error_naming_the_path() {
    let t = TestEnv::new();
    // A file where the data directory should be.
    fs::write(t.data_dir(), "").unwrap();

    let error = t.error();

    assert!(
        matches!(
            error,
            xjz_bootstrap::ConfigError::SecretStore {
                key: "XJZ__SECURITY__JWT_SECRET",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("secrets"), "{error}");
}

#[test]
fn a_weak_jwt_secret_is_accepted_with_a_warning() {
    let mut t = TestEnv::new();
    t.set("XJZ__SECURITY__JWT_SECRET", "dev");

    let loaded = t.load_ok();

    assert_eq!(loaded.settings.security.jwt_secret.expose_secret(), "dev");
    let warning = loaded
        .notices
        .iter()
        .find(|n| n.kind == NoticeKind::Warning)
        .unwrap();
    assert_eq!(warning.key, "XJZ__SECURITY__JWT_SECRET");
    assert!(warning.message.contains("refused in production"));
}

#[test]
fn the_test_keys_in_use_are_announced() {
    let loaded = TestEnv::new().load_ok();
    assert!(
        loaded
            .notices
            .iter()
            .any(|n| n.kind == NoticeKind::DevelopmentDefault && n.message.contains("TEST"))
    );
}
