//! `XJZ__SECURITY__*`: in development a missing JWT secret or data key is generated under
//! the data directory (and reused); production has refused any gap before
//! [`Pending::finish`] runs.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::FillIn;
use crate::configuration::checks;
use crate::configuration::defaults;
use crate::configuration::error::{ConfigError, Problems};
use crate::configuration::notice::{Notice, NoticeKind};
use crate::configuration::raw::{self, RawSecurity};
use crate::configuration::secrets::{DevSecret, dev_secret, value_or_file};
use crate::configuration::settings::SecuritySettings;
use crate::configuration::validate;

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

/// The security values as configured, gaps still open.
pub(super) struct Pending {
    pub jwt_secret: Option<SecretString>,
    pub data_key: Option<SecretString>,
    previous_data_keys: Vec<SecretString>,
    jwt_ttl_secs: u64,
}

impl Pending {
    pub(super) fn read(problems: &mut Problems, raw: RawSecurity) -> Self {
        let pending = Self {
            jwt_secret: value_or_file(
                problems,
                JWT_SECRET.key,
                raw.jwt_secret,
                raw.jwt_secret_file,
            ),
            data_key: value_or_file(problems, DATA_KEY.key, raw.data_key, raw.data_key_file),
            previous_data_keys: previous_data_keys(
                problems,
                raw.previous_data_keys,
                raw.previous_data_keys_file,
            ),
            jwt_ttl_secs: raw.jwt_ttl_secs.unwrap_or(defaults::SECURITY_JWT_TTL_SECS),
        };
        validate::positive(
            problems,
            "XJZ__SECURITY__JWT_TTL_SECS",
            pending.jwt_ttl_secs,
        );
        validate::data_keys(
            problems,
            pending.data_key.as_ref(),
            &pending.previous_data_keys,
        );
        pending
    }

    /// Development accepts a JWT secret production would refuse, but says so.
    pub(super) fn warn_if_weak(&self, notices: &mut Vec<Notice>) {
        let reason = self
            .jwt_secret
            .as_ref()
            .and_then(|secret| checks::weak_jwt_secret(secret.expose_secret()));
        if let Some(reason) = reason {
            notices.push(Notice::new(
                NoticeKind::Warning,
                JWT_SECRET.key,
                format!("{reason}; accepted in development, refused in production"),
            ));
        }
    }

    pub(super) fn finish(
        self,
        fill_in: &FillIn<'_>,
        notices: &mut Vec<Notice>,
    ) -> Result<SecuritySettings, ConfigError> {
        let jwt_secret = match self.jwt_secret {
            Some(secret) => secret,
            None => generate(fill_in, &JWT_SECRET, notices)?,
        };
        let data_key = match self.data_key {
            Some(key) => key,
            None => {
                let key = generate(fill_in, &DATA_KEY, notices)?;
                check_stored_data_key(fill_in, &key)?;
                key
            }
        };
        Ok(SecuritySettings {
            jwt_secret,
            jwt_ttl_secs: self.jwt_ttl_secs,
            data_key,
            previous_data_keys: self.previous_data_keys,
        })
    }
}

fn generate(
    fill_in: &FillIn<'_>,
    secret: &DevSecret,
    notices: &mut Vec<Notice>,
) -> Result<SecretString, ConfigError> {
    match fill_in {
        FillIn::Development { data_dir } => dev_secret(data_dir, secret, notices),
        FillIn::Production => Err(FillIn::missing(secret.key)),
    }
}

/// A stored key may have been edited by hand since it was generated.
fn check_stored_data_key(fill_in: &FillIn<'_>, key: &SecretString) -> Result<(), ConfigError> {
    let mut problems = Problems::default();
    validate::data_keys(&mut problems, Some(key), &[]);
    if problems.is_empty() {
        return Ok(());
    }
    let path = match fill_in {
        FillIn::Development { data_dir } => data_dir.join("secrets").join(DATA_KEY.file_name),
        FillIn::Production => PathBuf::new(),
    };
    problems.push(
        DATA_KEY.key,
        format!(
            "the stored development key {} is malformed; delete it to generate a new one",
            path.display()
        ),
    );
    Err(ConfigError::Invalid(problems))
}

/// A list from the value, or from `_FILE` (comma- or newline-separated).
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
