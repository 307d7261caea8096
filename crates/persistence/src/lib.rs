//! Persistence: SeaORM repositories implementing the domain's storage ports, on SQLite
//! (the embedded default) or PostgreSQL (production).
//!
//! - [`connect`] opens the database (SQLite: WAL, busy timeout, foreign keys, the file's
//!   directory created); [`migrate`] applies the `xjz-migration` schema.
//! - [`SeaOrmOrderRepository`] implements `OrderRepository`, [`SeaOrmIdempotencyStore`]
//!   implements `IdempotencyStore`.
//! - [`DataKeys`] / [`SecretCipher`]: `app_auth_token` is encrypted at rest (AES-256-GCM);
//!   [`reencrypt_secrets`] (`xjz-rekey`) finishes a key rotation.
//! - [`platform`]: tenants, users, roles and the operation log ([`platform::SeaOrmPlatformStore`]).
//! - [`seed`] generates realistic orders for benchmarks (`xjz-seed`).
//!
//! SeaORM entities are private: nothing outside this crate sees a row type.

mod connect;
mod crypto;
mod entity;
mod idempotency;
mod order;
pub mod platform;
mod rekey;
pub mod seed;

pub use connect::{connect, migrate};
pub use crypto::{CryptoError, DataKeys, SecretCipher, key_id};
pub use idempotency::SeaOrmIdempotencyStore;
pub use order::{ImageFiles, SeaOrmOrderRepository};
pub use rekey::{RekeyReport, reencrypt_secrets};
pub use sea_orm::{DatabaseConnection, DbErr};
pub use xjz_migration::MigrationCommand;

use xjz_domain::ports::RepositoryError;

/// A database error at the port seam.
pub(crate) fn unexpected(error: sea_orm::DbErr) -> RepositoryError {
    RepositoryError::Unexpected(error.into())
}
