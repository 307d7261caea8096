//! argon2id password hashes (PHC strings), computed off the async runtime (STYLE §7).

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret as _, SecretString};

/// argon2id with 7 MiB, 5 passes, 1 lane: one of the OWASP Password Storage Cheat Sheet's
/// equivalent argon2id settings (m=19 MiB/t=2, m=12 MiB/t=3, m=9 MiB/t=4, m=7 MiB/t=5 give
/// "an equal level of defense"). The smallest memory one, because glibc kept each login's
/// argon2 buffer resident: with 19 MiB the API's RSS rose from 28 to 49 MB at the first
/// login and stayed there (docs/performance.md). Hashes made with other parameters (they
/// are in the PHC string) still verify with their own.
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .unwrap_or_else(|e| unreachable!("constant argon2 parameters are valid: {e}"));
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Verified against when the user does not exist, so that an unknown username costs the
/// same time as a wrong password (no user enumeration by timing): a hash made with the
/// current parameters, of a random password, once per process.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(salt.as_str().as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|e| unreachable!("hashing with valid parameters: {e}"))
});

/// The PHC string of `password` (argon2id with [`MEMORY_KIB`], [`PASSES`], [`LANES`],
/// random salt).
///
/// # Errors
/// The blocking task failed or argon2 refused the input.
pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    spawn_blocking_in_span(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
    })
    .await?
}

/// Whether `password` matches `hash` (a PHC string); `None` verifies against a dummy hash
/// and answers false.
///
/// # Errors
/// The blocking task failed, or the stored hash is not a PHC string.
pub async fn verify(password: SecretString, hash: Option<String>) -> anyhow::Result<bool> {
    spawn_blocking_in_span(move || {
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored password hash is not a PHC string: {e}"))?;
        // The stored string's own parameters apply; `argon2()` only picks the algorithm.
        let matches = argon2()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

/// `spawn_blocking` keeping the caller's span (zero2prod `spawn_blocking_with_tracing`).
async fn spawn_blocking_in_span<F, R>(f: F) -> anyhow::Result<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
        .await
        .map_err(|e| anyhow::anyhow!("password task failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash(SecretString::from("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify(SecretString::from("correct horse"), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(!verify(SecretString::from("wrong"), Some(h)).await.unwrap());
        assert!(!verify(SecretString::from("x"), None).await.unwrap());
    }

    #[tokio::test]
    async fn new_hashes_use_the_7_mib_setting_and_older_19_mib_hashes_still_verify() {
        let h = hash(SecretString::from("pw")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{h}");
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"));
        // argon2's defaults (m=19456, t=2), as hashes were made before.
        let old = Argon2::default()
            .hash_password(b"older", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(old.contains("m=19456,t=2,p=1"), "{old}");
        assert!(
            verify(SecretString::from("older"), Some(old.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(SecretString::from("other"), Some(old))
                .await
                .unwrap()
        );
    }
}
