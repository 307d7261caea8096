//! `xjz-seed --orders N --tenants T`: fills the database at `XJZ__DATABASE__URL` with
//! realistic orders for benchmarks (migrating it first). Data keys come from
//! `XJZ__SECURITY__DATA_KEY` (base64 of 32 bytes) or a fixed benchmark-only key.

use std::io::Write as _;
use std::time::Instant;

use anyhow::Context as _;
use base64::Engine as _;
use chrono::Utc;
use clap::Parser;
use xjz_persistence::seed::{SeedOptions, seed_orders};
use xjz_persistence::{DataKeys, connect, migrate};

/// Seeds the platform database with generated orders (development and benchmarks only).
#[derive(Debug, Parser)]
#[command(name = "xjz-seed", version)]
struct Cli {
    /// How many orders.
    #[arg(long, default_value_t = 10_000)]
    orders: u64,
    /// Spread over tenants 1..=T.
    #[arg(long, default_value_t = 10)]
    tenants: u64,
    /// Random seed (same seed, same data).
    #[arg(long, default_value_t = 1)]
    rng_seed: u64,
    #[arg(
        long,
        env = "XJZ__DATABASE__URL",
        default_value = "sqlite://data/xjz.db?mode=rwc",
        hide_env_values = true
    )]
    database_url: String,
    #[arg(long, env = "XJZ__SECURITY__DATA_KEY", hide_env_values = true)]
    data_key: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let current = match &cli.data_key {
        Some(text) => base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .context("XJZ__SECURITY__DATA_KEY must be base64 of 32 bytes")?,
        // Benchmark data only: tokens seeded with this key are not secrets.
        None => [0x5e; 32],
    };
    let db = connect(&cli.database_url)
        .await
        .context("cannot connect (XJZ__DATABASE__URL)")?;
    migrate(&db).await.context("migration failed")?;
    let started = Instant::now();
    let summary = seed_orders(
        &db,
        &DataKeys::new(current),
        &SeedOptions {
            orders: cli.orders,
            tenants: cli.tenants,
            now: Utc::now(),
            rng_seed: cli.rng_seed,
        },
    )
    .await?;
    writeln!(
        std::io::stdout(),
        "seeded {} orders ({} due now) over {} tenants in {:.1} s",
        summary.orders,
        summary.due,
        cli.tenants,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
