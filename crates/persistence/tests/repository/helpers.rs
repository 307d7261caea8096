//! Fresh databases per test, and fixtures.

use std::path::Path;

use chrono::{DateTime, TimeZone as _, Utc};
use sea_orm::{ConnectionTrait as _, DatabaseConnection, Statement};
use xjz_domain::application::{
    Application, ApplicationDetails, ApplicationForm, ApplicationImages, ImageKind, ShopAddressForm,
};
use xjz_domain::ids::{Actor, Stamp, TenantId, UserId};
use xjz_domain::order::{CloseReason, FacetofaceOrder, NewOrder, OrderStatus};
use xjz_domain::ports::clock::china_today;
use xjz_domain::ports::repository::OrderRepository;
use xjz_persistence::{DataKeys, ImageFiles, SeaOrmOrderRepository, connect, migrate};

pub const TENANT: TenantId = TenantId(7);
pub const OTHER_TENANT: TenantId = TenantId(8);
pub const KEY_A: [u8; 32] = [0xA1; 32];
pub const KEY_B: [u8; 32] = [0xB2; 32];

/// Generates `on_sqlite` and `on_postgres` tests running `scenario(&db)`.
#[macro_export]
macro_rules! on_both {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_sqlite() {
                let test = $crate::helpers::TestDb::sqlite(true).await;
                super::$scenario(&test.db).await;
                test.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_postgres() {
                let Some(test) = $crate::helpers::TestDb::postgres(true).await else {
                    return;
                };
                super::$scenario(&test.db).await;
                test.finish().await;
            }
        }
    };
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// A database of its own for one test.
pub struct TestDb {
    pub db: DatabaseConnection,
    cleanup: Cleanup,
}

impl TestDb {
    pub async fn sqlite(migrated: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("nested/xjz.db").display()
        );
        let db = connect(&url).await.unwrap();
        if migrated {
            migrate(&db).await.unwrap();
        }
        Self {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// `None` (and a note on stderr) when `XJZ_TEST_POSTGRES_URL` is not set.
    pub async fn postgres(migrated: bool) -> Option<Self> {
        let Ok(admin_url) = std::env::var("XJZ_TEST_POSTGRES_URL") else {
            eprintln!("XJZ_TEST_POSTGRES_URL not set: PostgreSQL test skipped");
            return None;
        };
        let name = format!("xjz_test_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(&admin_url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let db = connect(&with_database(&admin_url, &name)).await.unwrap();
        if migrated {
            migrate(&db).await.unwrap();
        }
        Some(Self {
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    pub async fn finish(self) {
        self.db.close().await.unwrap();
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            let admin = connect(&admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
            admin.close().await.unwrap();
        }
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

pub fn repo(db: &DatabaseConnection) -> SeaOrmOrderRepository {
    SeaOrmOrderRepository::new(db.clone(), &DataKeys::new(KEY_A), image_files()).unwrap()
}

/// The tests' image directory, in the target directory (file names are random, so every
/// test and database can share it).
pub fn image_files() -> ImageFiles {
    ImageFiles::new(Path::new(env!("CARGO_TARGET_TMPDIR")).join("repository-images"))
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

pub fn stamp_at(now: DateTime<Utc>) -> Stamp {
    Stamp::new(Actor::User(UserId(42)), now)
}

pub fn png(len: usize, fill: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, fill);
    bytes
}

/// A form with every optional field given.
pub fn full_form(merchant: &str, shop: &str) -> ApplicationForm {
    ApplicationForm {
        account: Some("merchant01@example.com".into()),
        contact_name: Some("张三".into()),
        contact_mobile: Some("13800138000".into()),
        contact_email: Some("zhangsan@example.com".into()),
        merchant_name: Some(merchant.into()),
        mcc_code: Some("A0001_B0199".into()),
        rate: Some("0.38".into()),
        sign_and_auth: Some("true".into()),
        business_license_no: Some("91350100M000100Y43".into()),
        business_license_mobile: Some("13912345678".into()),
        long_term: Some("false".into()),
        date_limitation: Some("2030-12-31".into()),
        shop_name: Some(shop.into()),
        shop_address: Some(ShopAddressForm {
            country_code: None,
            province_code: Some("330000".into()),
            city_code: Some("330100".into()),
            district_code: Some("330106".into()),
            detail_address: Some("文三路 100 号".into()),
            longitude: Some("120.123456".into()),
            latitude: Some("30.654321".into()),
        }),
        remark: Some("operator's note".into()),
        images: vec![
            (ImageKind::ShopScenePic, png(6_000, 0x11)),
            (ImageKind::BusinessLicensePic, png(7_000, 0x22)),
        ],
    }
}

pub fn application(merchant: &str, shop: &str) -> (ApplicationDetails, ApplicationImages) {
    Application::parse(full_form(merchant, shop), china_today(t0()))
        .unwrap()
        .into_parts()
}

pub fn new_order(tenant: TenantId) -> (NewOrder, ApplicationImages) {
    let (details, images) = application("杭州示例商贸有限公司", "示例便利店");
    (NewOrder::new(tenant, details, stamp_at(t0())), images)
}

/// An order of [`new_order`], stored and then closed (rejected): one that can be re-applied.
pub async fn closed(repo: &impl OrderRepository) -> FacetofaceOrder {
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    let mut state = order.state().clone();
    state.status = OrderStatus::Closed;
    state.close_reason = Some(CloseReason::Rejected);
    let mut closed = FacetofaceOrder::restore(state);
    repo.update(&mut closed).await.unwrap();
    closed
}

/// Runs a raw statement (tests only: to look behind the repository).
pub async fn raw_exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

pub async fn raw_string(db: &DatabaseConnection, sql: &str, column: &str) -> Option<String> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<Option<String>>("", column).unwrap()
}
