//! `xjz-rekey`: re-encrypts stored secrets with the current data key (docs/operations.md,
//! "Data key rotation"). Reads `XJZ__DATABASE__URL`, `XJZ__SECURITY__DATA_KEY` and
//! `XJZ__SECURITY__PREVIOUS_DATA_KEYS` (base64 keys separated by commas or newlines), or
//! their `_FILE` variants.

use std::io::Write as _;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use xjz_persistence::{DataKeys, connect, reencrypt_secrets};

fn setting(key: &str) -> anyhow::Result<Option<String>> {
    let file_key = format!("{key}_FILE");
    match (std::env::var(key).ok(), std::env::var(&file_key).ok()) {
        (Some(_), Some(_)) => bail!("set only one of {key} and {file_key}"),
        (Some(value), None) => Ok(Some(value)),
        (None, Some(path)) => Ok(Some(
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {file_key}"))?,
        )),
        (None, None) => Ok(None),
    }
}

fn decode(key: &str, text: &str) -> anyhow::Result<[u8; 32]> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .with_context(|| format!("{key} must be base64 of 32 bytes"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let url = setting("XJZ__DATABASE__URL")?
        .unwrap_or_else(|| "sqlite://data/xjz.db?mode=rwc".to_owned());
    let current =
        setting("XJZ__SECURITY__DATA_KEY")?.context("XJZ__SECURITY__DATA_KEY is required")?;
    let previous = setting("XJZ__SECURITY__PREVIOUS_DATA_KEYS")?.unwrap_or_default();
    let keys = DataKeys {
        current: decode("XJZ__SECURITY__DATA_KEY", &current)?,
        previous: previous
            .split([',', '\n'])
            .filter(|k| !k.trim().is_empty())
            .map(|k| decode("XJZ__SECURITY__PREVIOUS_DATA_KEYS", k))
            .collect::<anyhow::Result<_>>()?,
    };
    let db = connect(url.trim()).await.context("cannot connect")?;
    let report = reencrypt_secrets(&db, &keys).await?;
    writeln!(
        std::io::stdout(),
        "re-encrypted {} secrets with key {} ({} changed concurrently, already current)",
        report.reencrypted,
        xjz_persistence::key_id(&keys.current),
        report.skipped
    )?;
    Ok(())
}
