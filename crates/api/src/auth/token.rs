//! Bearer tokens: JWT signed with HS256 only (the algorithm is pinned on both sides, so a
//! token claiming `none`, RS256 or anything else is refused), with an expiry.
//!
//! Claims carry the user id, the tenant id and a version derived from the user's password
//! hash: changing the password revokes every token issued before. `disabled` is checked on
//! every request by [`super::AccountService::authenticate`].

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The tenant id.
    pub tid: i64,
    /// [`token_version`] of the user's password hash at issue time.
    pub ver: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and verifies tokens with the deployment's secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &SecretString, ttl_secs: u64) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(i64::MAX / 2),
        }
    }

    /// Token lifetime in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// A token for the user, valid from `now` (Unix seconds) for the configured lifetime.
    ///
    /// # Errors
    /// Signing failed.
    pub fn issue(
        &self,
        user_id: i64,
        tenant_id: i64,
        ver: String,
        now: i64,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            tid: tenant_id,
            ver,
            iat: now,
            exp: now.saturating_add(self.ttl_secs),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("signing a token: {e}"))
    }

    /// The claims of a valid, unexpired HS256 token.
    ///
    /// # Errors
    /// Any defect: bad signature, other algorithm, expired, malformed.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map(|data| data.claims)
    }
}

/// A short fingerprint of a password hash (SHA-256, first 8 bytes, hex): tokens carry it so
/// that a password change revokes them.
pub fn token_version(password_hash: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, password_hash.as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
