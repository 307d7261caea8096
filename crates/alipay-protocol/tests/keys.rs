//! Key loading: every accepted form, and every refusal names the key without showing it.

#![allow(clippy::unwrap_used)]

use serde_json::Value;
use xjz_alipay_protocol::{
    AlipayPublicKey, AppPrivateKey, KeyErrorReason, KeyRole, RsaPrivateKey, RsaPublicKey, Signer,
    Verifier,
};

/// A P-256 public key (made for this test; no private half kept).
const EC_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3vGj8VwxY7vkLkKvh3ZA0inlHN7m
5hZ02PgKN4tLpFGskx30RpnimTLq0+mjI3T5ktF2wdtuXb4E1pk6B3g0RQ==
-----END PUBLIC KEY-----";

/// A 1024-bit RSA key pair made for this test: too small for RSA2.
const RSA1024_PRIVATE_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXwIBAAKBgQC7m2oE/v05Kw6k7l/d3YAemkQXzhBgmJbE9A5gsXcIBr+D7/VE
CyNgWrpOg6plrxtZ3uUNWfUL9sMn+1uWMyxJxoHWP6dpX3u1jXhWZ9+bSYPhpuZE
uOfEiOAxHrT8y+ahtO+Xgmi5O02fx141/kkGTUFZNF/EPcaIgk2QDsjuuwIDAQAB
AoGBALUifN6OA5eqxtzfepgQQJ9Leusw/gcFzKwkp60cKz0IpuiQSlKEHoftkWw1
G9RJmTLQTn7xl/MRMaPswKToi5yYQr02HUI4kPnwKXth55p30FaeM1mRNMH8eLMR
eScKpfEOoAOueHbsUCT67x8GsFFoPhiFxeDevU+YKm1ECINhAkEA4QVt05rfz+QP
gcAi2H7bIzIQwxi0f6PPqgUg+T2lsqe4/DX5NluPhVnnm4iedsI61k/mAQlqroJF
JVpMQTHubQJBANVvX+Pf5zBTbUVdsPs53HTLz3B1UWo53I7/YTb5sVo3f5gUWPVw
ZFKboTYPxz723LaobcvBhQZdf9ErPH6b+McCQQC2trDSFLzNUrLguYHR51fLAVkp
AcN2rS3vMVDv8QW9xoDnkm/0mm40aqcs3MdHSTl7Uc9CYkIUx0ScKvEmMwQVAkEA
u5LR9vZDu5jWI2wfqepD8PFdMTwpfO21BIcz7JisYNj9ba4UMD/CK0dS+qwLMy7I
8k47kCJWwi1Rs4YH+E0i6QJBAJDILk2s+awyS8KFjiB3USnen0T+qWjAHdNHY4pz
6hJy7tFMwDD2fYajyCOZZfHvWBG4nHwVJBohiJpMUggelck=
-----END RSA PRIVATE KEY-----";

const RSA1024_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7m2oE/v05Kw6k7l/d3YAemkQX
zhBgmJbE9A5gsXcIBr+D7/VECyNgWrpOg6plrxtZ3uUNWfUL9sMn+1uWMyxJxoHW
P6dpX3u1jXhWZ9+bSYPhpuZEuOfEiOAxHrT8y+ahtO+Xgmi5O02fx141/kkGTUFZ
NF/EPcaIgk2QDsjuuwIDAQAB
-----END PUBLIC KEY-----";

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/vectors.json")).unwrap()
}

fn key(v: &Value, owner: &str, form: &str) -> String {
    v["keys"][owner][form].as_str().unwrap().to_owned()
}

fn private_reason(text: &str) -> KeyErrorReason {
    let err = AppPrivateKey::parse(text).unwrap_err();
    assert_eq!(err.role(), KeyRole::AppPrivateKey);
    let message = err.to_string();
    assert!(message.starts_with("app private key "), "{message}");
    if text.len() > 40 {
        assert!(
            !message.contains(&text[30..40]),
            "key material in {message}"
        );
    }
    err.reason().clone()
}

fn public_reason(text: &str) -> KeyErrorReason {
    let err = AlipayPublicKey::parse(text).unwrap_err();
    assert_eq!(err.role(), KeyRole::AlipayPublicKey);
    let message = err.to_string();
    assert!(message.starts_with("alipay public key "), "{message}");
    if text.len() > 40 {
        assert!(
            !message.contains(&text[30..40]),
            "key material in {message}"
        );
    }
    err.reason().clone()
}

#[test]
fn private_keys_load_from_pkcs1_and_pkcs8_pem_bare_wrapped_and_crlf() {
    let v = vectors();
    let reference = AppPrivateKey::parse(&key(&v, "app", "private_key_pkcs1_base64")).unwrap();
    let expected = reference.sign(b"x").unwrap();
    let pkcs8 = key(&v, "app", "private_key_pkcs8_base64");
    let wrapped: String = pkcs8
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let crlf_pem = key(&v, "app", "private_key_pkcs1_pem").replace('\n', "\r\n");
    let padded = format!("  \n{}\n\n", key(&v, "app", "private_key_pkcs8_pem"));
    for text in [pkcs8.clone(), wrapped, crlf_pem, padded] {
        assert_eq!(
            AppPrivateKey::parse(&text).unwrap().sign(b"x").unwrap(),
            expected
        );
    }
}

#[test]
fn a_private_key_yields_its_public_key() {
    let v = vectors();
    let app = AppPrivateKey::parse(&key(&v, "app", "private_key_pkcs8_pem")).unwrap();
    let sig = app.sign(b"content").unwrap();
    app.public_key().unwrap().verify(b"content", &sig).unwrap();
    let spki = RsaPublicKey::parse(
        &key(&v, "app", "public_key_spki_pem"),
        KeyRole::AppPublicKey,
    )
    .unwrap();
    spki.verify(b"content", &sig).unwrap();
}

#[test]
fn wrong_or_broken_private_keys_are_typed_errors_naming_the_key() {
    let v = vectors();
    assert_eq!(private_reason(""), KeyErrorReason::Empty);
    assert_eq!(private_reason(" \n\t "), KeyErrorReason::Empty);
    assert_eq!(
        private_reason("not base64 at all!"),
        KeyErrorReason::InvalidBase64
    );
    assert_eq!(
        private_reason("-----BEGIN RSA PRIVATE KEY-----\n@@@@\n-----END RSA PRIVATE KEY-----"),
        KeyErrorReason::InvalidPem
    );
    assert_eq!(
        private_reason(&key(&v, "app", "public_key_spki_pem")),
        KeyErrorReason::PublicWherePrivateExpected
    );
    assert_eq!(
        private_reason(&key(&v, "app", "public_key_spki_base64")),
        KeyErrorReason::PublicWherePrivateExpected
    );
    assert!(matches!(
        private_reason("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
        KeyErrorReason::UnsupportedPemLabel(label) if label == "CERTIFICATE"
    ));
    assert!(matches!(
        private_reason("AAAAAAAA"),
        KeyErrorReason::Rejected(_)
    ));
    // Truncated key material: decodes, but is no key.
    let pkcs8 = key(&v, "app", "private_key_pkcs8_base64");
    assert!(matches!(
        private_reason(&pkcs8[..400]),
        KeyErrorReason::Rejected(_) | KeyErrorReason::InvalidBase64
    ));
    // ring refuses RSA keys under 2048 bits.
    assert!(matches!(
        private_reason(RSA1024_PRIVATE_PEM),
        KeyErrorReason::Rejected(_) | KeyErrorReason::ModulusSize(1024)
    ));
}

#[test]
fn wrong_or_broken_public_keys_are_typed_errors_naming_the_key() {
    let v = vectors();
    assert_eq!(public_reason(""), KeyErrorReason::Empty);
    assert_eq!(public_reason("%%%"), KeyErrorReason::InvalidBase64);
    assert_eq!(
        public_reason(&key(&v, "alipay", "private_key_pkcs1_pem")),
        KeyErrorReason::PrivateWherePublicExpected
    );
    assert_eq!(
        public_reason(&key(&v, "alipay", "private_key_pkcs8_base64")),
        KeyErrorReason::PrivateWherePublicExpected
    );
    assert_eq!(public_reason(EC_PUBLIC_PEM), KeyErrorReason::NotRsa);
    assert_eq!(
        public_reason(RSA1024_PUBLIC_PEM),
        KeyErrorReason::ModulusSize(1024)
    );
    assert!(matches!(
        public_reason("AAAAAAAA"),
        KeyErrorReason::Rejected(_)
    ));
}

#[test]
fn debug_output_shows_role_and_size_only() {
    let v = vectors();
    let private_text = key(&v, "app", "private_key_pkcs8_base64");
    let private = RsaPrivateKey::parse(&private_text, KeyRole::AppPrivateKey).unwrap();
    let app = AppPrivateKey::parse(&private_text).unwrap();
    let public_text = key(&v, "alipay", "public_key_spki_base64");
    let public = AlipayPublicKey::parse(&public_text).unwrap();
    for debug in [
        format!("{private:?}"),
        format!("{app:?}"),
        format!("{public:?}"),
    ] {
        assert!(debug.contains("modulus_bits: 2048"), "{debug}");
        assert!(!debug.contains(&private_text[40..60]), "{debug}");
        assert!(!debug.contains(&public_text[40..60]), "{debug}");
    }
    assert!(format!("{private:?}").contains("app private key"));
    assert!(format!("{public:?}").contains("alipay public key"));
}

#[test]
fn a_signature_must_be_base64_and_must_match() {
    use xjz_alipay_protocol::VerifyError;
    let v = vectors();
    let app = AppPrivateKey::parse(&key(&v, "app", "private_key_pkcs1_pem")).unwrap();
    let public = app.public_key().unwrap();
    let sig = app.sign(b"a").unwrap();
    assert_eq!(public.verify(b"a", "***"), Err(VerifyError::NotBase64));
    assert_eq!(public.verify(b"b", &sig), Err(VerifyError::Mismatch));
    let huge = "A".repeat(4000);
    assert_eq!(public.verify(b"a", &huge), Err(VerifyError::Mismatch));
    let other = AlipayPublicKey::parse(&key(&v, "alipay", "public_key_spki_pem")).unwrap();
    assert_eq!(other.verify(b"a", &sig), Err(VerifyError::Mismatch));
}
