//! Secrets at rest (`app_auth_token`): AES-256-GCM from `ring::aead`.
//!
//! Stored form: `v1:<key_id>:<base64(nonce || ciphertext || tag)>`, where `key_id` is the
//! first 8 hex digits of SHA-256 of the key, so a reader picks the right key during a
//! rotation (current key or any previous one) without trying them all. A fresh random
//! 96-bit nonce per value; the associated data binds the ciphertext to the version and key
//! id. A corrupted value or an unknown key is an error, never garbage.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::digest::{SHA256, digest};
use ring::rand::{SecureRandom, SystemRandom};

const VERSION: &str = "v1";

/// The data keys: `current` encrypts, `current` and `previous` decrypt (rotation).
/// `Debug` shows key ids only.
#[derive(Clone)]
pub struct DataKeys {
    pub current: [u8; 32],
    pub previous: Vec<[u8; 32]>,
}

impl DataKeys {
    pub fn new(current: [u8; 32]) -> Self {
        Self {
            current,
            previous: Vec::new(),
        }
    }
}

impl fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataKeys")
            .field("current", &key_id(&self.current))
            .field(
                "previous",
                &self.previous.iter().map(key_id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Why a stored secret could not be read or written. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("stored secret is not in the v1:<key id>:<base64> form")]
    Malformed,
    #[error(
        "stored secret was encrypted with key {0}, which is neither the current nor a previous data key"
    )]
    UnknownKey(String),
    #[error("stored secret failed authentication (corrupted, or encrypted with another key)")]
    Authentication,
    #[error("the system random generator failed")]
    Random,
    #[error("a data key was refused by the cipher")]
    InvalidKey,
}

struct Key {
    id: String,
    key: LessSafeKey,
}

/// Encrypts and decrypts secrets with the [`DataKeys`].
pub struct SecretCipher {
    current: Key,
    previous: Vec<Key>,
    rng: SystemRandom,
}

impl fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretCipher")
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl SecretCipher {
    /// # Errors
    /// [`CryptoError::InvalidKey`] if ring refuses a key (not expected for 32 bytes).
    pub fn new(keys: &DataKeys) -> Result<Self, CryptoError> {
        Ok(Self {
            current: Key::new(&keys.current)?,
            previous: keys
                .previous
                .iter()
                .map(Key::new)
                .collect::<Result<_, _>>()?,
            rng: SystemRandom::new(),
        })
    }

    /// The id stored with values encrypted now.
    pub fn current_key_id(&self) -> &str {
        &self.current.id
    }

    /// # Errors
    /// [`CryptoError::Random`] when no nonce can be drawn.
    pub fn encrypt(&self, plaintext: &str) -> Result<String, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let mut buffer = plaintext.as_bytes().to_vec();
        let aad = aad(&self.current.id);
        self.current
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad.as_bytes()),
                &mut buffer,
            )
            .map_err(|_| CryptoError::Authentication)?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&buffer);
        Ok(format!(
            "{VERSION}:{}:{}",
            self.current.id,
            STANDARD.encode(sealed)
        ))
    }

    /// # Errors
    /// [`CryptoError::Malformed`], [`CryptoError::UnknownKey`] or
    /// [`CryptoError::Authentication`] (tampered or corrupted value).
    pub fn decrypt(&self, stored: &str) -> Result<String, CryptoError> {
        let mut parts = stored.splitn(3, ':');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(CryptoError::Malformed);
        };
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
            .ok_or_else(|| CryptoError::UnknownKey(id.to_owned()))?;
        let sealed = STANDARD.decode(body).map_err(|_| CryptoError::Malformed)?;
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Malformed)?;
        let mut buffer = ciphertext.to_vec();
        let aad = aad(&key.id);
        let plain = key
            .key
            .open_in_place(nonce, Aad::from(aad.as_bytes()), &mut buffer)
            .map_err(|_| CryptoError::Authentication)?;
        String::from_utf8(plain.to_vec()).map_err(|_| CryptoError::Authentication)
    }
}

impl Key {
    fn new(bytes: &[u8; 32]) -> Result<Self, CryptoError> {
        // 32 bytes is AES-256's key length: ring refuses only other lengths.
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| CryptoError::InvalidKey)?;
        Ok(Self {
            id: key_id(bytes),
            key: LessSafeKey::new(unbound),
        })
    }
}

/// The key's id: the first 8 hex digits of its SHA-256 (not secret: it identifies, it
/// does not reveal).
pub fn key_id(key: &[u8; 32]) -> String {
    digest(&SHA256, key).as_ref()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Associated data: the version and key id are authenticated with the ciphertext.
fn aad(key_id: &str) -> String {
    format!("{VERSION}:{key_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "202611BBxxxxxxxxxxxxxxxxxxxxxxxxxx";

    fn cipher(current: u8, previous: &[u8]) -> SecretCipher {
        SecretCipher::new(&DataKeys {
            current: [current; 32],
            previous: previous.iter().map(|b| [*b; 32]).collect(),
        })
        .unwrap()
    }

    #[test]
    fn a_secret_round_trips_and_the_stored_form_names_the_key() {
        let cipher = cipher(1, &[]);
        let stored = cipher.encrypt(TOKEN).unwrap();
        assert!(
            stored.starts_with(&format!("v1:{}:", key_id(&[1; 32]))),
            "{stored}"
        );
        assert!(!stored.contains(TOKEN));
        assert_eq!(cipher.decrypt(&stored).unwrap(), TOKEN);
    }

    #[test]
    fn each_encryption_uses_a_fresh_nonce() {
        let cipher = cipher(1, &[]);
        assert_ne!(
            cipher.encrypt(TOKEN).unwrap(),
            cipher.encrypt(TOKEN).unwrap()
        );
    }

    #[test]
    fn a_previous_key_still_decrypts_after_rotation() {
        let old = cipher(1, &[]).encrypt(TOKEN).unwrap();
        let rotated = cipher(2, &[9, 1]);
        assert_eq!(rotated.decrypt(&old).unwrap(), TOKEN);
        assert!(
            rotated
                .encrypt(TOKEN)
                .unwrap()
                .starts_with(&format!("v1:{}:", key_id(&[2; 32])))
        );
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let stored = cipher(1, &[]).encrypt(TOKEN).unwrap();
        assert_eq!(
            cipher(2, &[]).decrypt(&stored),
            Err(CryptoError::UnknownKey(key_id(&[1; 32])))
        );
    }

    #[test]
    fn a_forged_key_id_does_not_decrypt_with_another_key() {
        let stored = cipher(1, &[]).encrypt(TOKEN).unwrap();
        let forged = stored.replacen(&key_id(&[1; 32]), &key_id(&[2; 32]), 1);
        assert_eq!(
            cipher(2, &[]).decrypt(&forged),
            Err(CryptoError::Authentication)
        );
    }

    #[test]
    fn any_flipped_bit_is_an_authentication_error() {
        let cipher = cipher(1, &[]);
        let stored = cipher.encrypt(TOKEN).unwrap();
        let (head, body) = stored.rsplit_once(':').unwrap();
        let sealed = STANDARD.decode(body).unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            let tampered = format!("{head}:{}", STANDARD.encode(bad));
            assert_eq!(
                cipher.decrypt(&tampered),
                Err(CryptoError::Authentication),
                "byte {i}"
            );
        }
    }

    #[test]
    fn malformed_values_are_errors() {
        let cipher = cipher(1, &[]);
        let id = key_id(&[1; 32]);
        for bad in [
            String::new(),
            TOKEN.to_owned(),
            format!("v2:{id}:AAAA"),
            format!("v1:{id}:not base64!"),
            format!("v1:{id}:{}", STANDARD.encode([0u8; 20])),
        ] {
            assert_eq!(cipher.decrypt(&bad), Err(CryptoError::Malformed), "{bad}");
        }
    }

    #[test]
    fn debug_shows_key_ids_only() {
        let keys = DataKeys {
            current: [7; 32],
            previous: vec![[8; 32]],
        };
        let debug = format!("{keys:?} {:?}", SecretCipher::new(&keys).unwrap());
        assert!(debug.contains(&key_id(&[7; 32])), "{debug}");
        assert!(!debug.contains("7, 7"), "{debug}");
    }
}
