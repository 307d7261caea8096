//! Repository benchmark on seeded data (outside CI; figures in docs/performance.md).
//!
//! ```text
//! xjz-seed --orders 1000000 --tenants 10        # XJZ__DATABASE__URL=postgres://…
//! cargo run --release -p xjz-persistence --example bench_repository -- --iterations 500
//! ```
//! Measures a list page of 20 with a status filter (including the total), a contains
//! search on the merchant name, and `claim_due` of 1,000 (`--claims` rounds, each taking
//! the 1,000 most overdue orders at `now + --claim-offset-minutes`; a later run with a
//! larger offset claims a fresh due set, beyond the leases an earlier run pushed).

use std::io::Write as _;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use clap::Parser;
use xjz_domain::ids::TenantId;
use xjz_domain::order::OrderStatus;
use xjz_domain::ports::repository::{OrderFilter, OrderRepository, PageRequest};
use xjz_persistence::{DataKeys, ImageFiles, SeaOrmOrderRepository, connect};

#[derive(Debug, Parser)]
struct Cli {
    #[arg(long, env = "XJZ__DATABASE__URL", hide_env_values = true)]
    database_url: String,
    #[arg(long, default_value_t = 500)]
    iterations: usize,
    #[arg(long, default_value_t = 10)]
    tenants: i64,
    /// claim_due rounds of 1,000 (each pushes the claimed orders out by the lease).
    #[arg(long, default_value_t = 50)]
    claims: usize,
    /// Claim as if the clock were this many minutes ahead (a fresh due set per run).
    #[arg(long, default_value_t = 0)]
    claim_offset_minutes: i64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(name: &str, mut samples: Vec<Duration>) -> anyhow::Result<()> {
    samples.sort();
    writeln!(
        std::io::stdout(),
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        percentile(&samples, 1.0),
    )?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let db = connect(&cli.database_url).await?;
    let images = tempfile::tempdir()?;
    let repo = SeaOrmOrderRepository::new(
        db,
        &DataKeys::new([0x5e; 32]),
        ImageFiles::new(images.path()),
    )?;
    let mut rng = fastrand::Rng::with_seed(3);

    let mut status_page = Vec::with_capacity(cli.iterations);
    let mut search_page = Vec::with_capacity(cli.iterations);
    let mut totals = 0;
    for _ in 0..cli.iterations {
        let tenant = TenantId(rng.i64(1..=cli.tenants));
        let page = PageRequest {
            page_no: rng.u64(1..=5),
            page_size: 20,
            ..PageRequest::default()
        };
        let filter = OrderFilter {
            order_status: Some(OrderStatus::MerchantAuditing),
            ..OrderFilter::default()
        };
        let started = Instant::now();
        let result = repo.list(tenant, &filter, &page).await?;
        status_page.push(started.elapsed());
        totals += result.total;

        let filter = OrderFilter {
            merchant_name: Some(format!("商贸{}", rng.u32(100..999))),
            ..OrderFilter::default()
        };
        let started = Instant::now();
        repo.list(
            tenant,
            &filter,
            &PageRequest {
                page_size: 20,
                ..PageRequest::default()
            },
        )
        .await?;
        search_page.push(started.elapsed());
    }
    writeln!(
        std::io::stdout(),
        "mean total per status page: {}",
        totals / cli.iterations.max(1) as u64
    )?;
    report("list 20, status filter, with total", status_page)?;
    report("list 20, merchant_name contains, with total", search_page)?;

    let mut claims = Vec::new();
    let now = Utc::now() + TimeDelta::minutes(cli.claim_offset_minutes);
    let mut claimed_total = 0;
    for _ in 0..cli.claims {
        let started = Instant::now();
        let claimed = repo.claim_due(now, 1_000, TimeDelta::minutes(10)).await?;
        claims.push(started.elapsed());
        claimed_total += claimed.len();
    }
    writeln!(
        std::io::stdout(),
        "claim_due took {claimed_total} orders in {} rounds",
        cli.claims
    )?;
    report("claim_due 1000", claims)?;
    Ok(())
}
