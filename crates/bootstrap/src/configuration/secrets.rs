//! Secrets: `_FILE` variants, development generation under the data directory, and decoding
//! of the data keys.
//!
//! Values are only ever held in `SecretString`/`SecretBox`; errors and notices name the key
//! and the path, never the content.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use super::error::{ConfigError, Problems};
use super::notice::{Notice, NoticeKind};
use super::settings::SecuritySettings;

/// A secret given either directly or as `{key}_FILE`; both at once is a problem.
pub(crate) fn value_or_file(
    problems: &mut Problems,
    key: &str,
    value: Option<SecretString>,
    file: Option<PathBuf>,
) -> Option<SecretString> {
    match (value, file) {
        (Some(_), Some(path)) => {
            problems.push(
                key,
                format!(
                    "both {key} and {key}_FILE ({}) are set; set only one",
                    path.display()
                ),
            );
            None
        }
        (Some(value), None) => Some(value),
        (None, Some(path)) => read_secret_file(problems, key, &path),
        (None, None) => None,
    }
}

fn read_secret_file(problems: &mut Problems, key: &str, path: &Path) -> Option<SecretString> {
    match read_trimmed(path) {
        Ok(Some(value)) => Some(value),
        Ok(None) => {
            problems.push(
                format!("{key}_FILE"),
                format!("{} is empty", path.display()),
            );
            None
        }
        Err(error) => {
            problems.push(
                format!("{key}_FILE"),
                format!("cannot read {}: {error}", path.display()),
            );
            None
        }
    }
}

/// The file's content without one trailing newline (`\n` or `\r\n`); `None` when empty.
fn read_trimmed(path: &Path) -> io::Result<Option<SecretString>> {
    let mut content = fs::read_to_string(path)?;
    if content.ends_with('\n') {
        content.pop();
        if content.ends_with('\r') {
            content.pop();
        }
    }
    if content.is_empty() {
        return Ok(None);
    }
    Ok(Some(SecretString::from(content)))
}

/// A development secret to keep under `{data_dir}/secrets/`.
pub(crate) struct DevSecret {
    /// The setting it stands in for, e.g. `XJZ__SECURITY__JWT_SECRET`.
    pub key: &'static str,
    /// File name under `secrets/`.
    pub file_name: &'static str,
    /// Random bytes drawn; the file holds their standard base64.
    pub bytes: usize,
}

/// Reuses `{data_dir}/secrets/{file_name}` or generates it (dir 0700, file 0600).
pub(crate) fn dev_secret(
    data_dir: &Path,
    secret: &DevSecret,
    notices: &mut Vec<Notice>,
) -> Result<SecretString, ConfigError> {
    let dir = data_dir.join("secrets");
    let path = dir.join(secret.file_name);
    let store_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ConfigError::SecretStore {
            key: secret.key,
            path,
            source,
        }
    };
    create_private_dir(&dir).map_err(store_error(&dir))?;

    if let Some(value) = reuse(&path, secret, notices).map_err(store_error(&path))? {
        return Ok(value);
    }

    let mut bytes = vec![0_u8; secret.bytes];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ConfigError::Random)?;
    let mut encoded = STANDARD.encode(&bytes);
    bytes.zeroize();
    match write_private_file(&path, &encoded) {
        Ok(()) => {}
        // Another process generated it between our read and our write: use theirs.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            encoded.zeroize();
            return reuse(&path, secret, notices)
                .map_err(store_error(&path))?
                .ok_or_else(|| store_error(&path)(io::ErrorKind::InvalidData.into()));
        }
        Err(error) => return Err(store_error(&path)(error)),
    }
    notices.push(Notice::new(
        NoticeKind::Generated,
        secret.key,
        format!(
            "generated a development value and stored it in {} (mode 0600); it is reused on \
             the next start, delete the file to replace it",
            path.display()
        ),
    ));
    Ok(SecretString::from(encoded))
}

/// Reads a previously generated secret, tightening its permissions if they were loosened.
fn reuse(
    path: &Path,
    secret: &DevSecret,
    notices: &mut Vec<Notice>,
) -> io::Result<Option<SecretString>> {
    let value = match read_trimmed(path) {
        Ok(Some(value)) => value,
        Ok(None) => return Err(io::Error::new(io::ErrorKind::InvalidData, "file is empty")),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    if tighten_permissions(path)? {
        notices.push(Notice::new(
            NoticeKind::Warning,
            secret.key,
            format!(
                "{} was readable by others; its mode is now 0600",
                path.display()
            ),
        ));
    }
    notices.push(Notice::new(
        NoticeKind::Reused,
        secret.key,
        format!("using the development value kept in {}", path.display()),
    ));
    Ok(Some(value))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn write_private_file(path: &Path, value: &str) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(value.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private_file(path: &Path, value: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(value.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

/// Sets mode 0600 when group or others had any access; true when it changed something.
#[cfg(unix)]
fn tighten_permissions(path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)?.permissions().mode();
    if mode & 0o077 == 0 {
        return Ok(false);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    Ok(true)
}

#[cfg(not(unix))]
fn tighten_permissions(_path: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Decodes a data key: base64 (standard or URL-safe, padded or not) of exactly 32 bytes.
///
/// # Errors
/// [`ConfigError::DataKey`] naming `key` when the value is not base64 or not 32 bytes long.
pub fn decode_data_key(
    key: &str,
    value: &SecretString,
) -> Result<SecretBox<[u8; 32]>, ConfigError> {
    let text = value.expose_secret().trim();
    for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        if let Ok(mut bytes) = engine.decode(text) {
            let decoded = <[u8; 32]>::try_from(bytes.as_slice()).ok();
            bytes.zeroize();
            if let Some(array) = decoded {
                return Ok(SecretBox::new(Box::new(array)));
            }
        }
    }
    Err(ConfigError::DataKey {
        key: key.to_owned(),
    })
}

impl SecuritySettings {
    /// The current data key as 32 bytes (encrypts new secrets at rest).
    ///
    /// # Errors
    /// [`ConfigError::DataKey`] if the key is malformed (never for loaded settings).
    pub fn data_key_bytes(&self) -> Result<SecretBox<[u8; 32]>, ConfigError> {
        decode_data_key("XJZ__SECURITY__DATA_KEY", &self.data_key)
    }

    /// The previous data keys as 32 bytes each, in configured order (decrypt only).
    ///
    /// # Errors
    /// [`ConfigError::DataKey`] naming the first malformed key (never for loaded settings).
    pub fn previous_data_key_bytes(&self) -> Result<Vec<SecretBox<[u8; 32]>>, ConfigError> {
        self.previous_data_keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                decode_data_key(&format!("XJZ__SECURITY__PREVIOUS_DATA_KEYS[{i}]"), key)
            })
            .collect()
    }
}
