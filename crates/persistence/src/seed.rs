//! Seed data for benchmarks and tests: realistic orders in every status, valid per the
//! domain's rules (details go through `ApplicationDetails::parse`), without images or
//! timelines. Rows are written with multi-row INSERTs, bypassing the repository's
//! one-transaction-per-order path, so a million orders take minutes, not hours.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sea_orm::{
    ConnectionTrait as _, DatabaseConnection, DbBackend, EntityTrait as _, TransactionTrait as _,
};
use uuid::Uuid;
use xjz_domain::application::{ApplicationDetails, ApplicationForm, ShopAddressForm};
use xjz_domain::ids::{OrderId, TenantId, UserId};
use xjz_domain::order::{
    AlipaySide, Audit, CloseReason, OrderState, OrderStatus, PollingStopReason, Progress,
    SubmitStep,
};
use xjz_domain::ports::gateway::{AppAuthToken, RestrictInfo};

use crate::crypto::{DataKeys, SecretCipher};
use crate::entity::order;
use crate::order::{mapping, poll};

/// Rows per INSERT: 60-odd columns × 400 rows stays under SQLite's and PostgreSQL's
/// bind-parameter limits.
const ROWS_PER_INSERT: usize = 400;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub orders: u64,
    pub tenants: u64,
    /// Creation times spread over the 90 days before this; schedules around it.
    pub now: DateTime<Utc>,
    /// Same seed, same data.
    pub rng_seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub orders: u64,
    /// Orders due for polling at `now` (claimable by `claim_due`).
    pub due: u64,
}

/// Inserts `options.orders` orders round-robin over tenants `1..=options.tenants`.
///
/// # Errors
/// A database or encryption failure, or generated details the domain refuses (a bug).
pub async fn seed_orders(
    db: &DatabaseConnection,
    keys: &DataKeys,
    options: &SeedOptions,
) -> anyhow::Result<SeedSummary> {
    let cipher = SecretCipher::new(keys)?;
    let mut rng = fastrand::Rng::with_seed(options.rng_seed);
    let tenants = options.tenants.max(1);
    let mut summary = SeedSummary::default();
    let mut batch = Vec::with_capacity(ROWS_PER_INSERT);
    let mut next_analyze = 4_000;
    for i in 0..options.orders {
        let tenant = TenantId(i64::try_from(i % tenants)? + 1);
        let status = random_status(&mut rng);
        let state = order_state(i, tenant, status, options.now, &mut rng)?;
        if state
            .progress
            .next_query_time
            .is_some_and(|t| t <= options.now)
        {
            summary.due += 1;
        }
        batch.push(state);
        if batch.len() == ROWS_PER_INSERT {
            insert_states(db, &cipher, &batch).await?;
            summary.orders += batch.len() as u64;
            batch.clear();
            if summary.orders >= next_analyze {
                analyze(db).await?;
                next_analyze = (next_analyze * 2).min(summary.orders + ANALYZE_EVERY);
            }
        }
    }
    if !batch.is_empty() {
        insert_states(db, &cipher, &batch).await?;
        summary.orders += batch.len() as u64;
    }
    analyze(db).await?;
    Ok(summary)
}

/// Most rows between two `ANALYZE`s of a PostgreSQL load (the first come at 4,000, 8,000, …).
const ANALYZE_EVERY: u64 = 100_000;

/// Refreshes PostgreSQL's statistics of the order table. Autovacuum's analyze lags a bulk
/// load, and with statistics of an almost empty table the planner scanned the whole table
/// for every batch's polling rows (`uuid IN (…)`): 1,000 rows/s at 100,000 rows instead of
/// 6,000/s, measured. SQLite needs nothing.
async fn analyze(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE pay_facetoface_order, pay_facetoface_poll")
            .await?;
    }
    Ok(())
}

/// Inserts the states as new rows (their `id`s are ignored: the database assigns them),
/// with the polling schedule rows of those `claim_due` may take.
///
/// # Errors
/// A database or encryption failure.
pub async fn insert_states(
    db: &DatabaseConnection,
    cipher: &SecretCipher,
    states: &[OrderState],
) -> anyhow::Result<()> {
    for chunk in states.chunks(ROWS_PER_INSERT) {
        let models = chunk
            .iter()
            .map(|s| mapping::active_model(s, cipher, false))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let txn = db.begin().await?;
        order::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
        let uuids: Vec<_> = chunk.iter().map(|s| s.uuid).collect();
        poll::sync_inserted(&txn, &uuids).await?;
        txn.commit().await?;
    }
    Ok(())
}

/// Status mix of a mature deployment: most orders finished, a working set still polled.
fn random_status(rng: &mut fastrand::Rng) -> OrderStatus {
    match rng.u8(0..100) {
        0..=7 => OrderStatus::Init,
        8..=17 => OrderStatus::Submitted,
        18..=27 => OrderStatus::MerchantAuditing,
        28..=35 => OrderStatus::MerchantConfirm,
        36..=79 => OrderStatus::Success,
        _ => OrderStatus::Closed,
    }
}

const CITIES: [(&str, &str, &str, &str); 4] = [
    ("杭州", "330000", "330100", "330106"),
    ("上海", "310000", "310100", "310104"),
    ("广州", "440000", "440100", "440106"),
    ("成都", "510000", "510100", "510104"),
];
const TRADES: [&str; 6] = ["商贸", "餐饮", "便利", "文具", "水果", "科技"];
const SHOPS: [&str; 5] = ["便利店", "面馆", "水果铺", "咖啡馆", "文具店"];

/// Details that pass the domain's checks, varied by `i`.
///
/// # Errors
/// Only if the domain refuses the generated form (a bug in this generator).
pub fn details(i: u64, rng: &mut fastrand::Rng) -> anyhow::Result<ApplicationDetails> {
    let (city, province, city_code, district) = CITIES[rng.usize(0..CITIES.len())];
    let trade = TRADES[rng.usize(0..TRADES.len())];
    let shop = SHOPS[rng.usize(0..SHOPS.len())];
    let with_licence = rng.bool();
    let form = ApplicationForm {
        account: Some(format!("merchant{i}@example.com")),
        contact_name: Some("张三".to_owned()),
        contact_mobile: Some(format!("138{:08}", i % 100_000_000)),
        contact_email: Some(format!("contact{i}@example.com")),
        merchant_name: Some(format!("{city}{trade}{i}有限公司")),
        mcc_code: Some("A0001_B0199".to_owned()),
        rate: Some(format!("0.{}", rng.u8(38..=60))),
        sign_and_auth: Some("true".to_owned()),
        business_license_no: with_licence.then(|| "91350100M000100Y43".to_owned()),
        business_license_mobile: with_licence.then(|| format!("139{:08}", i % 100_000_000)),
        long_term: with_licence.then(|| "false".to_owned()),
        date_limitation: with_licence.then(|| "2036-12-31".to_owned()),
        shop_name: Some(format!("{shop}{i}号店")),
        shop_address: Some(ShopAddressForm {
            country_code: None,
            province_code: Some(province.to_owned()),
            city_code: Some(city_code.to_owned()),
            district_code: Some(district.to_owned()),
            detail_address: Some(format!("{city}路 {} 号", i % 1000 + 1)),
            longitude: None,
            latitude: None,
        }),
        remark: None,
        images: Vec::new(),
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    ApplicationDetails::parse(&form, today)
        .map_err(|errors| anyhow::anyhow!("generated details refused: {errors}"))
}

/// A whole, consistent order state in `status` (the id is a placeholder).
///
/// # Errors
/// As [`details`].
pub fn order_state(
    i: u64,
    tenant: TenantId,
    status: OrderStatus,
    now: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> anyhow::Result<OrderState> {
    let created = now - TimeDelta::minutes(rng.i64(60..90 * 24 * 60));
    let minutes = |m: i64| TimeDelta::minutes(m);
    let user = Some(UserId(rng.i64(1..20)));
    let batch_no = format!("2026{:016}", i);
    let mut alipay = AlipaySide::default();
    let mut progress = Progress::default();
    let mut close_reason = None;
    let submitted = status != OrderStatus::Init;
    if submitted {
        alipay.batch_no = Some(batch_no);
        alipay.order_no = Some(format!("20261126{:012}", i));
        progress.submit_step = SubmitStep::Confirmed;
        progress.batch_created_time = Some(created + minutes(1));
        progress.confirmed_time = Some(created + minutes(2));
        progress.last_query_time = Some(created + minutes(12));
        progress.query_count = rng.u32(1..50);
    } else {
        progress.submit_step = SubmitStep::ALL[rng.usize(0..4)];
        if progress.submit_step >= SubmitStep::BatchCreated {
            alipay.batch_no = Some(batch_no);
            progress.batch_created_time = Some(created + minutes(1));
        }
        if progress.submit_step == SubmitStep::ConfirmSent {
            progress.next_query_time = Some(now + minutes(rng.i64(-30..30)));
        }
    }
    match status {
        OrderStatus::Init => {}
        OrderStatus::Submitted | OrderStatus::MerchantAuditing => {
            alipay.alipay_order_status = Some("MERCHANT_AUDITING".to_owned());
            alipay.needs_correction = status == OrderStatus::Submitted && rng.u8(0..10) == 0;
            progress.next_query_time = Some(now + minutes(rng.i64(-20..20)));
        }
        OrderStatus::MerchantConfirm => {
            alipay.alipay_order_status = Some("MERCHANT_CONFIRM".to_owned());
            alipay.confirm_url = Some(format!("https://qr.alipay.com/confirm{i}"));
            progress.merchant_confirm_time = Some(created + minutes(30));
            progress.next_query_time = Some(now + minutes(rng.i64(-60..60)));
        }
        OrderStatus::Success => {
            alipay.alipay_order_status = Some("MERCHANT_CONFIRM_SUCCESS".to_owned());
            alipay.merchant_pid = Some(format!("2088{:012}", i));
            alipay.app_auth_token = Some(AppAuthToken::new(format!("202611BB{i:024}")));
            let restricted = rng.u8(0..20) == 0;
            alipay.product_status =
                Some(if restricted { "restrictValid" } else { "valid" }.to_owned());
            if restricted {
                alipay.restrict_infos = vec![RestrictInfo {
                    restrict_product: Some("FACE_TO_FACE_PAYMENT".to_owned()),
                    restrict_reason: Some("经营场所待核实".to_owned()),
                    restrict_reason_code: Some("R001".to_owned()),
                }];
            }
            progress.polling_stopped_time = Some(created + minutes(600));
            progress.polling_stopped_reason = Some(PollingStopReason::Terminal);
        }
        OrderStatus::Closed => {
            let reason = CloseReason::ALL[rng.usize(0..CloseReason::ALL.len())];
            close_reason = Some(reason);
            if reason == CloseReason::Rejected {
                alipay.alipay_order_status = Some("MERCHANT_APPLY_ORDER_CANCELED".to_owned());
                alipay.reject_reason = Some("营业执照照片不清晰".to_owned());
            }
            progress.polling_stopped_time = Some(created + minutes(600));
            progress.polling_stopped_reason = Some(PollingStopReason::Terminal);
        }
    }
    Ok(OrderState {
        id: OrderId(0),
        uuid: Uuid::from_u128(rng.u128(..)),
        tenant_id: tenant,
        version: 1 + i32::from(submitted) * rng.i32(1..5),
        audit: Audit {
            created_time: created,
            updated_time: progress.last_query_time.unwrap_or(created),
            created_id: user,
            updated_id: user,
        },
        description: None,
        status,
        close_reason,
        details: details(i, rng)?,
        alipay,
        progress,
        superseded_by: None,
        reapplied_from: None,
    })
}
