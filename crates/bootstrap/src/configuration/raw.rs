//! What the layered sources say, before defaults and checks: every key optional.
//!
//! Unknown keys are rejected so that a misspelt `XJZ__…` variable fails loudly instead of
//! silently falling back to a default. Numbers and booleans arriving as environment strings
//! are parsed by the `config` crate's deserializer; lists accept a TOML array or a
//! comma-separated string.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::settings::{Environment, LogFormat};

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawSettings {
    pub environment: Option<Environment>,
    pub database: RawDatabase,
    pub server: RawServer,
    pub alipay: RawAlipay,
    pub worker: RawWorker,
    pub poll: RawPoll,
    pub embedded: RawEmbedded,
    pub security: RawSecurity,
    pub log: RawLog,
}

/// Only the environment, read first to pick `config/{environment}.toml`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawEnvironment {
    pub environment: Option<Environment>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawDatabase {
    pub url: Option<SecretString>,
    pub url_file: Option<PathBuf>,
    pub auto_migrate: Option<bool>,
    pub image_dir: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawServer {
    pub bind: Option<String>,
    pub static_dir: Option<PathBuf>,
    pub max_upload_bytes: Option<u64>,
    #[serde(deserialize_with = "list")]
    pub trusted_proxies: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawAlipay {
    pub gateway_url: Option<String>,
    pub app_id: Option<String>,
    pub app_private_key: Option<SecretString>,
    pub app_private_key_file: Option<PathBuf>,
    pub alipay_public_key: Option<SecretString>,
    pub alipay_public_key_file: Option<PathBuf>,
    pub timeout_secs: Option<u64>,
    pub upload_timeout_secs: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawWorker {
    pub tick_secs: Option<u64>,
    pub concurrency: Option<u32>,
    pub max_qps: Option<u32>,
    pub lease_secs: Option<u64>,
    pub metrics_bind: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawPoll {
    pub first_query_delay_secs: Option<u64>,
    pub audit_interval_secs: Option<u64>,
    pub confirm_interval_secs: Option<u64>,
    pub confirm_window_days: Option<u64>,
    pub max_days: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawEmbedded {
    pub worker: Option<bool>,
    pub simulator: Option<bool>,
    pub simulator_bind: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawSecurity {
    pub jwt_secret: Option<SecretString>,
    pub jwt_secret_file: Option<PathBuf>,
    pub jwt_ttl_secs: Option<u64>,
    pub data_key: Option<SecretString>,
    pub data_key_file: Option<PathBuf>,
    #[serde(deserialize_with = "list")]
    pub previous_data_keys: Option<Vec<SecretString>>,
    pub previous_data_keys_file: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RawLog {
    pub format: Option<LogFormat>,
}

/// Splits a comma- or newline-separated list, trimming items and dropping empty ones.
pub(crate) fn split_list<T: From<String>>(value: &str) -> Vec<T> {
    value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| T::from(item.to_owned()))
        .collect()
}

/// A list from a TOML array or a comma-separated string (how lists arrive from env).
fn list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    struct ListVisitor<T>(PhantomData<T>);

    impl<'de, T: From<String>> Visitor<'de> for ListVisitor<T> {
        type Value = Option<Vec<T>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or a comma-separated string")
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Some(split_list(value)))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                let item = item.trim();
                if !item.is_empty() {
                    items.push(T::from(item.to_owned()));
                }
            }
            Ok(Some(items))
        }
    }

    deserializer.deserialize_any(ListVisitor(PhantomData))
}
