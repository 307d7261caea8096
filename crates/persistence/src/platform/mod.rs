//! The platform's own storage: tenants, users, roles with their permissions, and the
//! operation log (tables of `migration`'s `m20261126_000002_create_sys_tables`).
//!
//! Design:
//! - One concrete store, [`SeaOrmPlatformStore`], used by the api crate's account and
//!   operation-log services; these tables have no domain logic, so there is no port.
//! - Usernames are unique per tenant; a user holds role codes, a role holds permission
//!   strings (both JSON arrays). Built-in roles (`admin`, `operator`, `viewer`) have no
//!   tenant and are shared; [`SeaOrmPlatformStore::ensure_builtin_roles`] writes them.
//! - Errors: [`PlatformError::Duplicate`] / [`PlatformError::NotFound`] a caller can act
//!   on, everything else is [`PlatformError::Unexpected`] (the `DbErr` stays inside).

mod entity;
mod operation_log;
mod roles;
mod tenants;
mod users;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub use operation_log::{
    NewOperationLog, OperationLogFilter, OperationLogPage, OperationLogRecord, OperationLogSort,
};
pub use roles::{BUILTIN_ROLES, BuiltinRole};

/// What went wrong in the platform tables.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// A unique key (tenant code, username within a tenant) is taken.
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// The named tenant, user or role does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The database failed.
    #[error("platform storage failure")]
    Unexpected(#[source] anyhow::Error),
}

impl From<sea_orm::DbErr> for PlatformError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Unexpected(error.into())
    }
}

/// A tenant: one of the platform's customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub disabled: bool,
    pub created_time: DateTime<Utc>,
}

/// A platform user. `Debug` leaves the password hash out.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub uuid: uuid::Uuid,
    pub tenant_id: i64,
    pub username: String,
    pub password_hash: String,
    pub disabled: bool,
    pub roles: Vec<String>,
    pub created_time: DateTime<Utc>,
    pub last_login_time: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("username", &self.username)
            .field("disabled", &self.disabled)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

/// Tenants, users, roles and the operation log in the platform database.
#[derive(Debug, Clone)]
pub struct SeaOrmPlatformStore {
    db: DatabaseConnection,
}

impl SeaOrmPlatformStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Whether the database answers a trivial query (readiness).
    ///
    /// # Errors
    /// The database is unreachable.
    pub async fn ping(&self) -> Result<(), PlatformError> {
        self.db.ping().await.map_err(PlatformError::from)
    }
}

/// A JSON array of strings, as the role and permission columns hold them.
fn string_list(json: &str) -> Result<Vec<String>, PlatformError> {
    serde_json::from_str(json)
        .map_err(|e| PlatformError::Unexpected(anyhow::anyhow!("bad JSON list column: {e}")))
}

fn is_unique_violation(error: &sea_orm::DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests;
