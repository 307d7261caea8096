//! Times storing an application with five 5 MB images (issue #7's apply budget), the
//! repository alone: `insert` with the images, then the three saves of a submission.
//!
//! `cargo run --release -p xjz-persistence --example bench_images -- [DATABASE_URL] [ROUNDS]`
//! (default: a fresh SQLite file in a temp dir, 5 rounds).
#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::time::{Duration, Instant};

use chrono::Utc;
use xjz_domain::application::{Application, ImageKind};
use xjz_domain::fixtures::{png, valid_form};
use xjz_domain::ids::{Actor, Stamp, TenantId, UserId};
use xjz_domain::order::NewOrder;
use xjz_domain::ports::clock::china_today;
use xjz_domain::ports::repository::OrderRepository as _;
use xjz_persistence::{DataKeys, ImageFiles, SeaOrmOrderRepository, connect, migrate};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| format!("sqlite://{}/images.db?mode=rwc", dir.path().display()));
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let db = connect(&url).await?;
    migrate(&db).await?;
    let files = ImageFiles::new(dir.path().join("images"));
    let repo = SeaOrmOrderRepository::new(db, &DataKeys::new([0x5e; 32]), files)?;
    for round in 0..rounds {
        let mut form = valid_form();
        form.images = [
            ImageKind::BusinessLicensePic,
            ImageKind::BusinessLicenseAuthPic,
            ImageKind::ShopScenePic,
            ImageKind::ShopSignBoardPic,
            ImageKind::SpecialLicensePic,
        ]
        .into_iter()
        .map(|kind| {
            let mut bytes = png(5_000_000);
            bytes[8..].iter_mut().for_each(|b| *b = fastrand::u8(..));
            (kind, bytes)
        })
        .collect();
        let now = Utc::now();
        let (details, images) = Application::parse(form, china_today(now))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .into_parts();
        let stamp = Stamp::new(Actor::User(UserId(1)), now);
        let started = Instant::now();
        let mut order = repo
            .insert(NewOrder::new(TenantId(1), details, stamp), &images)
            .await?;
        let inserted = started.elapsed();
        for _ in 0..3 {
            repo.update(&mut order).await?;
        }
        let saved = started.elapsed() - inserted;
        println!(
            "round {round}: insert with 25 MB of images {} ms, three saves {} ms",
            ms(inserted),
            ms(saved)
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}
