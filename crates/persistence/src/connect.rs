//! Opening the database.

use std::path::Path;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use xjz_migration::{MigrationCommand, MigrationState};

/// How long an SQLite writer waits for the write lock before failing.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// SQLite's page cache per pooled connection, KiB (`PRAGMA cache_size = -N`); SQLite's own
/// default is 2,000 KiB. Each connection fills its own as the database outgrows it: with the
/// job storage's smaller cache this took the worker's peak RSS in a 100,000-order drain from
/// 53.1 to 39.7 MiB at the same rate (docs/performance.md). Pages missed here are read from
/// the kernel's page cache (one `pread` each).
pub const SQLITE_CACHE_KIB: u32 = 1024;

/// How often the background checkpointer copies the SQLite WAL into the database file.
const SQLITE_CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Connects to `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite: creates the file's directory, and every pooled connection runs in WAL mode
/// (readers do not block the writer), with a 5 s busy timeout, `synchronous = NORMAL`
/// (safe with WAL), foreign keys on and a [`SQLITE_CACHE_KIB`] page cache. Checkpoints run
/// in the background ([`SQLITE_CHECKPOINT_EVERY`]), not on the request path: SQLite's
/// automatic checkpoint runs inside the `COMMIT` that crosses 1,000 WAL pages, so the request
/// storing an application's images (up to 25 MB, ~6,000 pages) also paid for copying them
/// into the database file — ~60 % of the database time of such a request, measured. Must be
/// called inside a Tokio runtime.
///
/// # Errors
/// The directory cannot be created, or the database refuses the connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        create_parent_dir(url)?;
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
                .pragma("wal_autocheckpoint", "0")
                // A WAL grown by a burst of images is truncated back after the next reset.
                .pragma("journal_size_limit", "67108864")
        });
    }
    let db = Database::connect(options).await?;
    if sqlite && !url.contains(":memory:") {
        tokio::spawn(checkpoint_wal(db.clone()));
    }
    Ok(db)
}

/// Copies committed WAL pages into the database file every [`SQLITE_CHECKPOINT_EVERY`]
/// (`PASSIVE`: never waits for readers or writers; an idle WAL costs one cheap statement).
/// Ends when the pool is closed.
async fn checkpoint_wal(db: DatabaseConnection) {
    use sea_orm::ConnectionTrait as _;
    let mut every = tokio::time::interval(SQLITE_CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match db
            .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
            .await
        {
            Ok(_) => {}
            Err(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)) => return,
            Err(error) if db.ping().await.is_err() => {
                tracing::debug!(%error, "WAL checkpointer stops: the pool is closed");
                return;
            }
            Err(error) => tracing::warn!(%error, "WAL checkpoint failed; retried next tick"),
        }
    }
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

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait as _;

    use super::*;

    #[tokio::test]
    async fn sqlite_commits_leave_checkpointing_to_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.db");
        let db = connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        db.execute_unprepared("CREATE TABLE t (b BLOB)")
            .await
            .unwrap();
        let size = || std::fs::metadata(&file).unwrap().len();
        // Let the checkpointer's first (immediate) round pass: the next is a second away.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        // 2,000 pages: past SQLite's default automatic checkpoint of 1,000.
        db.execute_unprepared("INSERT INTO t VALUES (zeroblob(8000000))")
            .await
            .unwrap();
        assert!(
            size() < 1_000_000,
            "the commit itself copied the 8 MB into the file"
        );
        let deadline = std::time::Instant::now() + 4 * SQLITE_CHECKPOINT_EVERY;
        while size() < 8_000_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "no background checkpoint"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    #[tokio::test]
    async fn sqlite_connections_have_the_bounded_page_cache() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
        let db = connect(&url).await.unwrap();
        let kib: i64 = sea_orm::sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(db.get_sqlite_connection_pool())
            .await
            .unwrap();
        assert_eq!(kib, -i64::from(SQLITE_CACHE_KIB));
    }
}
