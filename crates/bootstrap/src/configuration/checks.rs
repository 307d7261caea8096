//! Production refusals (DESIGN §3): in `production` the services refuse to start with the
//! simulator's keys, a missing secret or a default password. Every refusal is added to the
//! problem list so the operator sees all of them at once. Messages name the key, never the
//! value.

use secrecy::{ExposeSecret, SecretString};
use xjz_alipay_sim::test_keys;

use super::db_url::DatabaseUrl;
use super::error::Problems;

/// Minimum JWT secret length in production, in bytes.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Database passwords refused in production (compared case-insensitively).
pub const WELL_KNOWN_DB_PASSWORDS: &[&str] = &[
    "postgres",
    "password",
    "root",
    "admin",
    "changeme",
    "change-me",
    "change_me",
    "123456",
    "12345678",
    "123456789",
    "xjz",
    "xjz123",
    "secret",
    "pass",
    "passwd",
    "test",
    "qwerty",
    "letmein",
    "default",
];

/// JWT secrets refused in production (compared case-insensitively), beyond placeholders.
const WELL_KNOWN_JWT_SECRETS: &[&str] = &[
    "secret",
    "jwt_secret",
    "jwt-secret",
    "jwtsecret",
    "changeme",
    "change-me",
    "change_me",
    "development",
    "production",
    "xjz",
    "test",
    "password",
];

/// Fragments that mark a JWT secret as a placeholder copied from an example.
const PLACEHOLDER_FRAGMENTS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "change-this",
    "change_this",
    "your-secret",
    "your_secret",
    "yoursecret",
    "replace-me",
    "replace_me",
    "example",
    "xxxxxxxx",
];

/// The values production checks look at, before development defaults are filled in.
pub(crate) struct Candidate<'a> {
    pub embedded_simulator: bool,
    pub gateway_url: Option<&'a str>,
    pub app_id: Option<&'a str>,
    pub app_private_key: Option<&'a SecretString>,
    pub alipay_public_key: Option<&'a str>,
    pub jwt_secret: Option<&'a SecretString>,
    pub data_key: Option<&'a SecretString>,
    pub database_url: &'a DatabaseUrl,
}

/// Adds every production refusal that applies.
pub(crate) fn production(problems: &mut Problems, c: &Candidate<'_>) {
    if c.embedded_simulator {
        problems.push(
            "XJZ__EMBEDDED__SIMULATOR",
            "the embedded simulator must be off in production; set it to false",
        );
    }
    if c.gateway_url.is_none() {
        problems.push(
            "XJZ__ALIPAY__GATEWAY_URL",
            "must be set explicitly in production (the real gateway, \
             https://openapi.alipay.com/gateway.do)",
        );
    }
    match c.app_id {
        None => missing(problems, "XJZ__ALIPAY__APP_ID", false),
        Some(app_id) if app_id.trim() == test_keys::APP_ID => problems.push(
            "XJZ__ALIPAY__APP_ID",
            "is the simulator's test app id; set your ISV application's app id",
        ),
        Some(_) => {}
    }
    match c.app_private_key {
        None => missing(problems, "XJZ__ALIPAY__APP_PRIVATE_KEY", true),
        Some(key) if is_test_key(key.expose_secret()) => problems.push(
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            "is one of the simulator's public test keys; set your application's private key",
        ),
        Some(_) => {}
    }
    match c.alipay_public_key {
        None => missing(problems, "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY", true),
        Some(key) if is_test_key(key) => problems.push(
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            "is one of the simulator's public test keys; set Alipay's public key from the \
             open platform console",
        ),
        Some(_) => {}
    }
    match c.jwt_secret {
        None => missing(problems, "XJZ__SECURITY__JWT_SECRET", true),
        Some(secret) => {
            if let Some(reason) = weak_jwt_secret(secret.expose_secret()) {
                problems.push("XJZ__SECURITY__JWT_SECRET", reason);
            }
        }
    }
    if c.data_key.is_none() {
        missing(problems, "XJZ__SECURITY__DATA_KEY", true);
    }
    let weak_password = c.database_url.passwords().into_iter().any(|password| {
        WELL_KNOWN_DB_PASSWORDS
            .iter()
            .any(|known| password.eq_ignore_ascii_case(known))
    });
    if weak_password {
        problems.push(
            "XJZ__DATABASE__URL",
            "the database password is a well-known default; use a strong, unique password",
        );
    }
}

fn missing(problems: &mut Problems, key: &str, has_file_variant: bool) {
    let how = if has_file_variant {
        format!("set {key} or {key}_FILE")
    } else {
        format!("set {key}")
    };
    problems.push(key, format!("is required in production; {how}"));
}

/// Why a JWT secret is too weak for production, if it is.
pub(crate) fn weak_jwt_secret(secret: &str) -> Option<String> {
    let lower = secret.to_ascii_lowercase();
    if WELL_KNOWN_JWT_SECRETS.contains(&lower.as_str())
        || PLACEHOLDER_FRAGMENTS
            .iter()
            .any(|fragment| lower.contains(fragment))
        || secret.bytes().all(|b| Some(b) == secret.bytes().next())
    {
        return Some(
            "is a well-known default or placeholder; generate one with \
             `openssl rand -base64 48`"
                .to_owned(),
        );
    }
    if secret.len() < MIN_JWT_SECRET_BYTES {
        return Some(format!(
            "is {} bytes long; production needs at least {MIN_JWT_SECRET_BYTES} \
             (generate one with `openssl rand -base64 48`)",
            secret.len()
        ));
    }
    None
}

/// True when `key` (PEM or bare base64, any line breaks) is one of the simulator's keys.
pub(crate) fn is_test_key(key: &str) -> bool {
    let body = key_body(key);
    !body.is_empty()
        && test_keys::ALL_KEYS_PEM
            .iter()
            .any(|test_key| key_body(test_key) == body)
}

/// The base64 body of a PEM or bare key: armour lines, `\n` escapes and whitespace removed.
fn key_body(key: &str) -> String {
    key.replace("\\n", "\n")
        .lines()
        .filter(|line| !line.trim_start().starts_with("-----"))
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_keys_are_recognised_in_any_spelling() {
        assert!(is_test_key(test_keys::APP_PRIVATE_KEY_PEM));
        assert!(is_test_key(test_keys::APP_PRIVATE_KEY_PKCS1_PEM));
        assert!(is_test_key(&key_body(test_keys::ALIPAY_PUBLIC_KEY_PEM)));
        assert!(is_test_key(
            &test_keys::APP_PRIVATE_KEY_PEM.replace('\n', "\\n")
        ));
        assert!(!is_test_key(
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAother"
        ));
        assert!(!is_test_key(""));
    }

    #[test]
    fn weak_jwt_secrets_are_named_without_echoing_them() {
        assert!(weak_jwt_secret("short").is_some());
        assert!(weak_jwt_secret("please-changeme-in-production-0123456789").is_some());
        assert!(weak_jwt_secret(&"a".repeat(64)).is_some());
        assert!(weak_jwt_secret("Secret").is_some());
        let reason = weak_jwt_secret("tooShortButNotKnown").unwrap_or_default();
        assert!(!reason.contains("tooShortButNotKnown"));
        assert!(weak_jwt_secret("q3Vx9fT2mL8rK1pZ7wY4nB6cD0hJ5sA2eG8uI3oR").is_none());
    }
}
