//! `xjz-migration up|down|status|fresh`: runs the platform's migrations against
//! `XJZ__DATABASE__URL` (default `sqlite://data/xjz.db?mode=rwc`).

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use clap::Parser;
use sea_orm_migration::sea_orm::{ConnectOptions, Database};
use xjz_migration::{MigrationCommand, run};

const DEFAULT_URL: &str = "sqlite://data/xjz.db?mode=rwc";

/// Runs the schema migrations of the xjz payment platform.
#[derive(Debug, Parser)]
#[command(name = "xjz-migration", version)]
struct Cli {
    /// up (apply pending), down (roll back the last), status, fresh (drop all, re-apply).
    command: MigrationCommand,
    /// Database URL; defaults to the platform's configuration key.
    #[arg(long, env = "XJZ__DATABASE__URL", default_value = DEFAULT_URL, hide_env_values = true)]
    database_url: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    create_sqlite_parent_dir(&cli.database_url)?;
    let mut options = ConnectOptions::new(cli.database_url.clone());
    options.sqlx_logging(false);
    let conn = Database::connect(options)
        .await
        .context("cannot connect to the database (XJZ__DATABASE__URL)")?;
    let states = run(&conn, cli.command)
        .await
        .with_context(|| format!("migration {:?} failed", cli.command))?;
    let mut out = std::io::stdout().lock();
    for state in states {
        let mark = if state.applied { "applied" } else { "pending" };
        writeln!(out, "{mark}\t{}", state.name)?;
    }
    Ok(())
}

/// SQLite creates the file (`mode=rwc`) but not its directory.
fn create_sqlite_parent_dir(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url.strip_prefix("sqlite://") else {
        return Ok(());
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}
