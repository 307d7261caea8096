//! Opening the database.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use xjz_migration::{MigrationCommand, MigrationState};

/// How long an SQLite writer waits for the write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite: creates the file's directory, and every pooled connection runs in WAL mode
/// (readers do not block the writer), with a 5 s busy timeout, `synchronous = NORMAL`
/// (safe with WAL) and foreign keys on.
///
/// # Errors
/// The directory cannot be created, or the database refuses the connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        create_parent_dir(url)?;
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
        });
    }
    Database::connect(options).await
}

/// Applies every pending migration (DESIGN §3's auto-migrate).
///
/// # Errors
/// The failing migration's database error.
pub async fn migrate(db: &DatabaseConnection) -> Result<Vec<MigrationState>, DbErr> {
    xjz_migration::run(db, MigrationCommand::Up).await
}

fn create_parent_dir(url: &str) -> Result<(), DbErr> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    match Path::new(path).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display()))),
        _ => Ok(()),
    }
}
