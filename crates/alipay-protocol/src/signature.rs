//! The RSA2 scheme as two small traits, plus Alipay's sign content rule (API.md §3.1).
//!
//! Traits rather than concrete types so the simulator can sign with the Alipay key and the
//! adapter with the app key through one code path, and tests can swap in a wrong key.

/// Signs content with RSASSA-PKCS1-v1_5 / SHA-256 and returns standard base64 with padding.
pub trait Signer {
    /// Signature of `content` (the UTF-8 bytes of the sign content or the response node).
    ///
    /// # Errors
    /// [`SignError`] only if the system random source fails (ring blinds RSA signing).
    fn sign(&self, content: &[u8]) -> Result<String, SignError>;
}

/// Verifies an RSASSA-PKCS1-v1_5 / SHA-256 signature given as standard base64.
pub trait Verifier {
    /// Checks `signature_base64` over `content`.
    ///
    /// # Errors
    /// [`VerifyError::NotBase64`] when the signature does not decode,
    /// [`VerifyError::Mismatch`] when it does not verify.
    fn verify(&self, content: &[u8], signature_base64: &str) -> Result<(), VerifyError>;
}

/// Signing failed (the system random source was unavailable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("RSA signing failed")]
pub struct SignError;

/// A signature that does not check out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The `sign` value is not standard base64.
    #[error("signature is not valid base64")]
    NotBase64,
    /// The signature does not match the content under this key.
    #[error("signature does not match the content")]
    Mismatch,
}

/// Alipay's sign content: every parameter except `sign` and except empty values, sorted by
/// key in byte order, joined as raw `key=value` pairs with `&` (no URL-encoding, no trimming).
///
/// `sign_type` is included, as Alipay requires for requests. Files are never parameters
/// here: pass only text parameters.
#[must_use]
pub fn sign_content<I, K, V>(params: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut pairs: Vec<(K, V)> = params
        .into_iter()
        .filter(|(k, v)| k.as_ref() != "sign" && !v.as_ref().is_empty())
        .collect();
    // `str` orders by bytes, which is Alipay's (Java/Python) order for these ASCII keys.
    pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    let len = pairs
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    let mut out = String::with_capacity(len);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k.as_ref());
        out.push('=');
        out.push_str(v.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sign_content;

    #[test]
    fn sign_and_empty_values_are_left_out_and_keys_sorted_bytewise() {
        let content = sign_content([
            ("b", "2"),
            ("sign", "x"),
            ("a_b", "1"),
            ("aB", "3"),
            ("e", ""),
        ]);
        assert_eq!(content, "aB=3&a_b=1&b=2");
    }

    #[test]
    fn no_parameters_give_an_empty_content() {
        assert_eq!(sign_content(Vec::<(&str, &str)>::new()), "");
    }
}
