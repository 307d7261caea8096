//! `Debug`/`Display` of settings, options and errors never show a secret.

use crate::helpers::{
    ALIPAY_PUBLIC_KEY, APP_PRIVATE_KEY, DATA_KEY, DB_PASSWORD, JWT_SECRET, OLD_DATA_KEY, TestEnv,
};

#[test]
fn debug_and_display_of_settings_show_no_secret() {
    // Arrange
    let mut t = TestEnv::production();
    t.set("XJZ__SECURITY__PREVIOUS_DATA_KEYS", OLD_DATA_KEY);

    // Act
    let loaded = t.load_ok();
    let debug = format!("{:?}", loaded.settings);
    let pretty = format!("{:#?}", loaded);
    let display = loaded.settings.to_string();

    // Assert
    for text in [&debug, &pretty, &display] {
        for secret in [
            JWT_SECRET,
            DATA_KEY,
            OLD_DATA_KEY,
            DB_PASSWORD,
            APP_PRIVATE_KEY,
        ] {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
    assert!(
        debug.contains("postgres://xjz:[REDACTED]@db.internal:5432/xjz"),
        "{debug}"
    );
    assert!(
        display.contains("postgres://xjz:[REDACTED]@db.internal:5432/xjz"),
        "{display}"
    );
    // The public key is not a secret and may be shown.
    assert!(debug.contains(ALIPAY_PUBLIC_KEY));
}

#[test]
fn debug_of_generated_development_secrets_shows_none() {
    let loaded = TestEnv::new().load_ok();
    let debug = format!("{loaded:?}");
    use secrecy::ExposeSecret;
    assert!(!debug.contains(loaded.settings.security.jwt_secret.expose_secret()));
    assert!(!debug.contains(loaded.settings.security.data_key.expose_secret()));
    assert!(!debug.contains("BEGIN PRIVATE KEY"));
}

#[test]
fn debug_of_load_options_shows_variable_names_only() {
    let t = TestEnv::production();
    let debug = format!("{:?}", t.options());
    assert!(debug.contains("XJZ__SECURITY__JWT_SECRET"));
    assert!(
        !debug.contains(JWT_SECRET) && !debug.contains(DB_PASSWORD),
        "{debug}"
    );
}
