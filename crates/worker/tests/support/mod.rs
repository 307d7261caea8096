//! Helpers shared by the worker's test binaries.
#![allow(clippy::unwrap_used)] // test helpers: a failing fixture is a failing test

use xjz_persistence::connect;

/// A fresh PostgreSQL database on `XJZ_TEST_POSTGRES_URL`'s server (none when unset),
/// dropped with [`FreshPostgres::drop_database`].
pub struct FreshPostgres {
    admin_url: String,
    name: String,
    pub url: String,
}

impl FreshPostgres {
    /// Creates `{prefix}_{random}`.
    pub async fn create(prefix: &str) -> Option<Self> {
        use sea_orm::ConnectionTrait as _;
        let admin_url = std::env::var("XJZ_TEST_POSTGRES_URL").ok()?;
        let admin = connect(&admin_url).await.unwrap();
        let name = format!("{prefix}_{:016x}", fastrand::u64(..));
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    pub async fn drop_database(self) {
        use sea_orm::ConnectionTrait as _;
        let admin = connect(&self.admin_url).await.unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .await
            .unwrap();
    }
}
