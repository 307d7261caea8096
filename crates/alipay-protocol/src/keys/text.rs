//! Turning key text (PEM, or the bare base64 body Alipay's key tool prints) into DER.
//!
//! PEM is decoded by `pem-rfc7468`, base64 by `base64`; nothing here looks inside the DER,
//! that is left to `ring`, `spki` and `pkcs1`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::KeyErrorReason;

/// DER bytes plus the PEM label they came with (`None` for bare base64).
pub(super) struct KeyMaterial {
    pub(super) label: Option<String>,
    pub(super) der: Vec<u8>,
}

/// Decodes `text` as PEM when it holds an encapsulation boundary, else as bare base64
/// (whitespace and line breaks anywhere are ignored, as Alipay's tool wraps lines).
pub(super) fn decode(text: &str) -> Result<KeyMaterial, KeyErrorReason> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(KeyErrorReason::Empty);
    }
    if trimmed.starts_with("-----BEGIN ") {
        let (label, der) =
            pem_rfc7468::decode_vec(trimmed.as_bytes()).map_err(|_| KeyErrorReason::InvalidPem)?;
        return Ok(KeyMaterial {
            label: Some(label.to_owned()),
            der,
        });
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let der = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| KeyErrorReason::InvalidBase64)?;
    Ok(KeyMaterial { label: None, der })
}
