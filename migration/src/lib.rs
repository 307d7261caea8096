//! Every schema change of the platform (sea-orm-migration), and the `migrate` command.
//!
//! Migrations use their own identifiers (never entity or domain types) and a shipped
//! migration is never edited: a change is a new dated module. Each has `up` and `down`,
//! and the whole set runs up, down and up again on SQLite and PostgreSQL.
//!
//! [`run`] is the library entry point shared by the `xjz-migration` binary and
//! `xjz-api migrate`; sea-orm-migration's stock CLI only reads `DATABASE_URL`, so callers
//! connect themselves (from `XJZ__DATABASE__URL`) and pass the connection.

mod m20261126_000001_create_facetoface_order;
mod m20261126_000002_create_sys_tables;
mod m20261126_000003_create_idempotency_key;
mod m20261126_000004_create_facetoface_poll;
mod m20261127_000005_image_files;

use std::fmt;
use std::str::FromStr;

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseConnection;

/// Every migration, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_facetoface_order::Migration),
            Box::new(m20261126_000002_create_sys_tables::Migration),
            Box::new(m20261126_000003_create_idempotency_key::Migration),
            Box::new(m20261126_000004_create_facetoface_poll::Migration),
            Box::new(m20261127_000005_image_files::Migration),
        ]
    }
}

/// What [`run`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationCommand {
    /// Applies every pending migration.
    Up,
    /// Rolls back the last applied migration.
    Down,
    /// Changes nothing; reports which migrations are applied.
    Status,
    /// Drops every table and applies every migration (development only: data is lost).
    Fresh,
}

impl FromStr for MigrationCommand {
    type Err = UnknownCommand;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "up" => Ok(Self::Up),
            "down" => Ok(Self::Down),
            "status" => Ok(Self::Status),
            "fresh" => Ok(Self::Fresh),
            other => Err(UnknownCommand(other.to_owned())),
        }
    }
}

/// A command name other than `up`, `down`, `status`, `fresh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCommand(pub String);

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown migration command {:?} (expected up, down, status or fresh)",
            self.0
        )
    }
}

impl std::error::Error for UnknownCommand {}

/// One migration and whether it is applied, after the command ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// Runs `command` on `conn` and returns the state of every migration afterwards.
///
/// # Errors
/// The database error of the failing statement; a failed migration on PostgreSQL is rolled
/// back as a whole (each runs in a transaction), on SQLite it may leave earlier statements.
pub async fn run(
    conn: &DatabaseConnection,
    command: MigrationCommand,
) -> Result<Vec<MigrationState>, DbErr> {
    match command {
        MigrationCommand::Up => Migrator::up(conn, None).await?,
        MigrationCommand::Down => Migrator::down(conn, Some(1)).await?,
        MigrationCommand::Status => {}
        MigrationCommand::Fresh => Migrator::fresh(conn).await?,
    }
    status(conn).await
}

/// The state of every migration (creates the bookkeeping table if missing).
///
/// # Errors
/// The database error.
pub async fn status(conn: &DatabaseConnection) -> Result<Vec<MigrationState>, DbErr> {
    let migrations = Migrator::get_migration_with_status(conn).await?;
    Ok(migrations
        .iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: matches!(m.status(), sea_orm_migration::MigrationStatus::Applied),
        })
        .collect())
}

/// Columns every platform table shares (the FastapiAdmin mixins, DESIGN §2).
pub(crate) mod mixin {
    use sea_orm_migration::prelude::*;
    use sea_orm_migration::schema::*;

    #[derive(DeriveIden)]
    pub enum Mixin {
        Id,
        Uuid,
        TenantId,
        Description,
        CreatedTime,
        UpdatedTime,
        CreatedId,
        UpdatedId,
        IsDeleted,
        DeletedTime,
    }

    /// `id` (big integer, autoincrement), uuid, tenant, description, audit and soft-delete.
    pub fn columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
        table
            .col(big_pk_auto(Mixin::Id))
            .col(uuid_uniq(Mixin::Uuid))
            .col(big_integer(Mixin::TenantId))
            .col(text_null(Mixin::Description))
            .col(timestamp_with_time_zone(Mixin::CreatedTime))
            .col(timestamp_with_time_zone(Mixin::UpdatedTime))
            .col(big_integer_null(Mixin::CreatedId))
            .col(big_integer_null(Mixin::UpdatedId))
            .col(boolean(Mixin::IsDeleted).default(false))
            .col(timestamp_with_time_zone_null(Mixin::DeletedTime))
    }
}
