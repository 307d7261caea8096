//! RSA keys of the RSA2 scheme: parsing key text once, signing and verifying with `ring`.
//!
//! Accepted text (API.md §3.3): a private key as PKCS#1 (`RSA PRIVATE KEY`, Alipay's
//! "non-Java" form) or PKCS#8 (`PRIVATE KEY`, its "Java" form); a public key as
//! SubjectPublicKeyInfo (`PUBLIC KEY`, what the Alipay console shows) or PKCS#1
//! (`RSA PUBLIC KEY`). Either as PEM or as the bare base64 body, line breaks allowed.
//!
//! Design: a key is parsed at start-up into `ring` types and never kept as text. Errors
//! name the key's role ("app private key", "alipay public key", …) and say what is wrong
//! with it, never what it contains; `Debug` shows the role and modulus size only.

mod text;

use std::fmt;

use base64::DecodeSliceError;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use pkcs1::der::Decode as _;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, RsaPublicKeyComponents};

use crate::signature::{SignError, Signer, Verifier, VerifyError};

/// Smallest and largest modulus accepted, in bits (RSA2 keys are 2048-bit; ring verifies
/// 2048..=8192 with `RSA_PKCS1_2048_8192_SHA256`).
const MIN_MODULUS_BITS: usize = 2048;
const MAX_MODULUS_BITS: usize = 8192;

/// Which key a value is, for messages: the four keys of the two RSA2 key pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// The ISV application's private key: signs requests (held by the adapter).
    AppPrivateKey,
    /// The ISV application's public key: verifies requests (held by Alipay / the simulator).
    AppPublicKey,
    /// Alipay's private key: signs responses (held by the simulator only).
    AlipayPrivateKey,
    /// Alipay's public key: verifies responses (held by the adapter).
    AlipayPublicKey,
}

impl KeyRole {
    /// The role as written in messages, e.g. `"app private key"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AppPrivateKey => "app private key",
            Self::AppPublicKey => "app public key",
            Self::AlipayPrivateKey => "alipay private key",
            Self::AlipayPublicKey => "alipay public key",
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key that could not be loaded. Carries the role and the reason, never key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{role} {reason}")]
pub struct KeyError {
    role: KeyRole,
    reason: KeyErrorReason,
}

impl KeyError {
    /// Which key failed.
    #[must_use]
    pub const fn role(&self) -> KeyRole {
        self.role
    }

    /// What is wrong with it.
    #[must_use]
    pub const fn reason(&self) -> &KeyErrorReason {
        &self.reason
    }
}

/// Why a key was refused. The `Display` text completes "`<role>` …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyErrorReason {
    /// Nothing but whitespace.
    #[error("is empty")]
    Empty,
    /// Starts like PEM but is not valid PEM.
    #[error("is not valid PEM")]
    InvalidPem,
    /// Neither PEM nor standard base64.
    #[error("is neither PEM nor valid base64")]
    InvalidBase64,
    /// A PEM block of a kind this role does not take (the label is not secret).
    #[error("is a PEM `{0}` block, which is not accepted here")]
    UnsupportedPemLabel(String),
    /// A public key where a private key belongs.
    #[error("holds a public key, not a private key")]
    PublicWherePrivateExpected,
    /// A private key where a public key belongs.
    #[error("holds a private key, not a public key")]
    PrivateWherePublicExpected,
    /// Decoded, but not an RSA key of a supported structure.
    #[error("is not a valid RSA key ({0})")]
    Rejected(String),
    /// A key of another algorithm (e.g. EC, SM2).
    #[error("is not an RSA key")]
    NotRsa,
    /// A modulus outside what RSA2 allows.
    #[error("has a {0}-bit modulus; RSA2 needs 2048 to 8192 bits")]
    ModulusSize(usize),
}

fn key_error(role: KeyRole) -> impl Fn(KeyErrorReason) -> KeyError {
    move |reason| KeyError { role, reason }
}

/// An RSA private key ready to sign with RSASSA-PKCS1-v1_5 / SHA-256 (Alipay RSA2).
pub struct RsaPrivateKey {
    role: KeyRole,
    pair: RsaKeyPair,
    rng: SystemRandom,
}

impl RsaPrivateKey {
    /// Parses a PKCS#1 or PKCS#8 RSA private key, PEM or bare base64.
    ///
    /// # Errors
    /// [`KeyError`] naming `role` when the text is empty, badly encoded, not an RSA private
    /// key (e.g. a public key), or has a modulus below 2048 bits.
    pub fn parse(text: &str, role: KeyRole) -> Result<Self, KeyError> {
        let err = key_error(role);
        let material = text::decode(text).map_err(&err)?;
        let pair = match material.label.as_deref() {
            Some("RSA PRIVATE KEY") => RsaKeyPair::from_der(&material.der),
            Some("PRIVATE KEY") => RsaKeyPair::from_pkcs8(&material.der),
            Some("PUBLIC KEY" | "RSA PUBLIC KEY") => {
                return Err(err(KeyErrorReason::PublicWherePrivateExpected));
            }
            Some(other) => return Err(err(KeyErrorReason::UnsupportedPemLabel(other.to_owned()))),
            None => RsaKeyPair::from_pkcs8(&material.der).or_else(|pkcs8_error| {
                RsaKeyPair::from_der(&material.der).map_err(|_| pkcs8_error)
            }),
        };
        let pair = match pair {
            Ok(pair) => pair,
            Err(rejected) => {
                if material.label.is_none() && decode_public_der(&material.der).is_ok() {
                    return Err(err(KeyErrorReason::PublicWherePrivateExpected));
                }
                return Err(err(KeyErrorReason::Rejected(rejected.to_string())));
            }
        };
        let bits = pair.public().modulus_len() * 8;
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(err(KeyErrorReason::ModulusSize(bits)));
        }
        Ok(Self {
            role,
            pair,
            rng: SystemRandom::new(),
        })
    }

    /// The role this key was loaded as.
    #[must_use]
    pub const fn role(&self) -> KeyRole {
        self.role
    }

    /// Modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.pair.public().modulus_len() * 8
    }

    /// The matching public key, under `role` (e.g. the app public key the simulator needs).
    ///
    /// # Errors
    /// Only if `ring`'s own encoding of the public key would not parse back, which would be
    /// a bug; reported as a [`KeyError`] for `role`.
    pub fn public_key(&self, role: KeyRole) -> Result<RsaPublicKey, KeyError> {
        RsaPublicKey::from_pkcs1_der(self.pair.public().as_ref(), role)
    }
}

impl Signer for RsaPrivateKey {
    fn sign(&self, content: &[u8]) -> Result<String, SignError> {
        let mut buf = [0u8; MAX_MODULUS_BITS / 8];
        let signature = buf
            .get_mut(..self.pair.public().modulus_len())
            .ok_or(SignError)?;
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &self.rng, content, signature)
            .map_err(|_| SignError)?;
        Ok(STANDARD.encode(signature))
    }
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("role", &self.role.as_str())
            .field("modulus_bits", &self.modulus_bits())
            .finish_non_exhaustive()
    }
}

/// An RSA public key ready to verify RSASSA-PKCS1-v1_5 / SHA-256 signatures.
///
/// Holds the modulus and exponent (big-endian, no leading zeros) as `ring` takes them.
#[derive(Clone)]
pub struct RsaPublicKey {
    role: KeyRole,
    n: Box<[u8]>,
    e: Box<[u8]>,
}

impl RsaPublicKey {
    /// Parses a SubjectPublicKeyInfo (or PKCS#1 `RSAPublicKey`) RSA public key, PEM or bare
    /// base64.
    ///
    /// # Errors
    /// [`KeyError`] naming `role` when the text is empty, badly encoded, not an RSA public key
    /// (e.g. a private key, an EC key), or its modulus is not 2048..=8192 bits.
    pub fn parse(text: &str, role: KeyRole) -> Result<Self, KeyError> {
        let err = key_error(role);
        let material = text::decode(text).map_err(&err)?;
        match material.label.as_deref() {
            Some("PUBLIC KEY") => Self::from_spki_der(&material.der, role),
            Some("RSA PUBLIC KEY") => Self::from_pkcs1_der(&material.der, role),
            Some("PRIVATE KEY" | "RSA PRIVATE KEY") => {
                Err(err(KeyErrorReason::PrivateWherePublicExpected))
            }
            Some(other) => Err(err(KeyErrorReason::UnsupportedPemLabel(other.to_owned()))),
            None => match decode_public_der(&material.der) {
                Ok((n, e)) => Self::from_components(n, e, role),
                Err(reason) => {
                    let is_private = RsaKeyPair::from_pkcs8(&material.der).is_ok()
                        || RsaKeyPair::from_der(&material.der).is_ok();
                    if is_private {
                        Err(err(KeyErrorReason::PrivateWherePublicExpected))
                    } else {
                        Err(err(reason))
                    }
                }
            },
        }
    }

    fn from_spki_der(der: &[u8], role: KeyRole) -> Result<Self, KeyError> {
        let (n, e) = decode_spki(der).map_err(key_error(role))?;
        Self::from_components(n, e, role)
    }

    fn from_pkcs1_der(der: &[u8], role: KeyRole) -> Result<Self, KeyError> {
        let (n, e) = decode_pkcs1_public(der).map_err(key_error(role))?;
        Self::from_components(n, e, role)
    }

    fn from_components(n: &[u8], e: &[u8], role: KeyRole) -> Result<Self, KeyError> {
        let bits = bit_length(n);
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(key_error(role)(KeyErrorReason::ModulusSize(bits)));
        }
        Ok(Self {
            role,
            n: n.into(),
            e: e.into(),
        })
    }

    /// The role this key was loaded as.
    #[must_use]
    pub const fn role(&self) -> KeyRole {
        self.role
    }

    /// Modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        bit_length(&self.n)
    }
}

impl Verifier for RsaPublicKey {
    fn verify(&self, content: &[u8], signature_base64: &str) -> Result<(), VerifyError> {
        // Decoded on the stack: a signature is at most as long as the largest modulus.
        let mut buf = [0u8; MAX_MODULUS_BITS / 8];
        let len = match STANDARD.decode_slice(signature_base64.as_bytes(), &mut buf) {
            Ok(len) => len,
            Err(DecodeSliceError::OutputSliceTooSmall) => return Err(VerifyError::Mismatch),
            Err(DecodeSliceError::DecodeError(_)) => return Err(VerifyError::NotBase64),
        };
        let signature = buf.get(..len).ok_or(VerifyError::Mismatch)?;
        let key = RsaPublicKeyComponents {
            n: &*self.n,
            e: &*self.e,
        };
        key.verify(&signature::RSA_PKCS1_2048_8192_SHA256, content, signature)
            .map_err(|_| VerifyError::Mismatch)
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("role", &self.role.as_str())
            .field("modulus_bits", &self.modulus_bits())
            .finish_non_exhaustive()
    }
}

/// The ISV application's private key (signs requests): [`RsaPrivateKey`] in its role.
#[derive(Debug)]
pub struct AppPrivateKey(RsaPrivateKey);

impl AppPrivateKey {
    /// Parses the app private key (PKCS#1 or PKCS#8, PEM or bare base64).
    ///
    /// # Errors
    /// [`KeyError`] whose role is "app private key"; see [`RsaPrivateKey::parse`].
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        RsaPrivateKey::parse(text, KeyRole::AppPrivateKey).map(Self)
    }

    /// The app public key matching this private key.
    ///
    /// # Errors
    /// See [`RsaPrivateKey::public_key`].
    pub fn public_key(&self) -> Result<RsaPublicKey, KeyError> {
        self.0.public_key(KeyRole::AppPublicKey)
    }

    /// The underlying key.
    #[must_use]
    pub const fn as_rsa(&self) -> &RsaPrivateKey {
        &self.0
    }
}

impl Signer for AppPrivateKey {
    fn sign(&self, content: &[u8]) -> Result<String, SignError> {
        self.0.sign(content)
    }
}

/// Alipay's public key (verifies responses): [`RsaPublicKey`] in its role.
#[derive(Debug, Clone)]
pub struct AlipayPublicKey(RsaPublicKey);

impl AlipayPublicKey {
    /// Parses the Alipay public key (SubjectPublicKeyInfo, PEM or bare base64).
    ///
    /// # Errors
    /// [`KeyError`] whose role is "alipay public key"; see [`RsaPublicKey::parse`].
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        RsaPublicKey::parse(text, KeyRole::AlipayPublicKey).map(Self)
    }

    /// The underlying key.
    #[must_use]
    pub const fn as_rsa(&self) -> &RsaPublicKey {
        &self.0
    }
}

impl Verifier for AlipayPublicKey {
    fn verify(&self, content: &[u8], signature_base64: &str) -> Result<(), VerifyError> {
        self.0.verify(content, signature_base64)
    }
}

/// Bare DER of a public key: SubjectPublicKeyInfo first (what Alipay hands out), then PKCS#1.
fn decode_public_der(der: &[u8]) -> Result<(&[u8], &[u8]), KeyErrorReason> {
    match decode_spki(der) {
        Ok(components) => Ok(components),
        Err(KeyErrorReason::NotRsa) => Err(KeyErrorReason::NotRsa),
        Err(spki_reason) => decode_pkcs1_public(der).map_err(|_| spki_reason),
    }
}

fn decode_spki(der: &[u8]) -> Result<(&[u8], &[u8]), KeyErrorReason> {
    let info = spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|_| KeyErrorReason::Rejected("not a SubjectPublicKeyInfo".to_owned()))?;
    if info.algorithm.oid != pkcs1::ALGORITHM_OID {
        return Err(KeyErrorReason::NotRsa);
    }
    let inner = info.subject_public_key.as_bytes().ok_or_else(|| {
        KeyErrorReason::Rejected("public key bit string has unused bits".to_owned())
    })?;
    decode_pkcs1_public(inner)
}

fn decode_pkcs1_public(der: &[u8]) -> Result<(&[u8], &[u8]), KeyErrorReason> {
    let key = pkcs1::RsaPublicKeyRef::from_der(der)
        .map_err(|_| KeyErrorReason::Rejected("not a PKCS#1 RSAPublicKey".to_owned()))?;
    Ok((key.modulus.as_bytes(), key.public_exponent.as_bytes()))
}

/// Bits of a big-endian unsigned integer without leading zero bytes.
fn bit_length(be: &[u8]) -> usize {
    match be.first() {
        None => 0,
        Some(first) => be.len() * 8 - first.leading_zeros() as usize,
    }
}
