//! `spawn_app()`: the real application on a random port with a fresh database (SQLite in a
//! temp dir; a fresh PostgreSQL database when `XJZ_TEST_POSTGRES_URL` is set), plus typed
//! request helpers (zero2prod `tests/api/helpers.rs`).

use std::collections::HashMap;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Value, json};
use xjz_api::auth::{Limit, ThrottleLimits, password};
use xjz_api::startup::{Application, Options};
use xjz_persistence::platform::SeaOrmPlatformStore;

/// The JWT secret of every test app (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-jwt-secret-test-jwt-secret-0123456789";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    /// The Alipay simulator the app talks to (in-process, port 0).
    pub sim: xjz_alipay_sim::SimHandle,
    pub address: String,
    pub client: reqwest::Client,
    pub store: SeaOrmPlatformStore,
    pub tenant_id: i64,
    pub static_dir: std::path::PathBuf,
    /// The app's database (the app has its own pool on it).
    pub db: xjz_persistence::DatabaseConnection,
    _postgres: Option<FreshPostgres>,
    _dir: tempfile::TempDir,
}

pub struct Config {
    pub throttle: ThrottleLimits,
    pub trusted_proxies: Option<&'static str>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            throttle: ThrottleLimits {
                per_username: Limit {
                    failures: 3,
                    window: Duration::from_secs(60),
                },
                per_ip: Limit {
                    failures: 6,
                    window: Duration::from_secs(60),
                },
            },
            trusted_proxies: None,
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Config::default()).await
}

/// A PostgreSQL database made for one test app, dropped with it.
struct FreshPostgres {
    admin_url: String,
    name: String,
}

/// The app's database URL, and the PostgreSQL database to drop afterwards when one was made.
async fn database_url(dir: &std::path::Path) -> (String, Option<FreshPostgres>) {
    match std::env::var("XJZ_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("xjz_api_test_{}", uuid::Uuid::new_v4().simple());
            let admin = xjz_persistence::connect(&base).await.unwrap();
            use sea_orm::ConnectionTrait as _;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            let url = format!("{prefix}/{name}");
            (
                url,
                Some(FreshPostgres {
                    admin_url: base,
                    name,
                }),
            )
        }
        _ => (format!("sqlite://{}/xjz.db?mode=rwc", dir.display()), None),
    }
}

impl Drop for FreshPostgres {
    /// Drops the database (`WITH (FORCE)` closes the app's pool) on a thread of its own: the
    /// test's runtime cannot be blocked on from `drop`.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sea_orm::ConnectionTrait as _;
                let admin = xjz_persistence::connect(&admin_url).await.unwrap();
                admin.execute_unprepared(&statement).await.map(drop)
            })
        })
        .join();
        assert!(
            matches!(dropped, Ok(Ok(()))) || std::thread::panicking(),
            "could not drop test database {}",
            self.name
        );
    }
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    init_test_log();
    let dir = tempfile::tempdir().unwrap();
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(static_dir.join("assets")).unwrap();
    std::fs::write(
        static_dir.join("index.html"),
        "<!doctype html><title>xjz</title>page",
    )
    .unwrap();
    std::fs::write(static_dir.join("assets/app.js"), "console.log(1)").unwrap();
    let (database_url, postgres) = database_url(dir.path()).await;
    let sim = xjz_alipay_sim::Simulator::start(xjz_alipay_sim::SimConfig {
        hang: Duration::from_secs(3),
        ..xjz_alipay_sim::SimConfig::default()
    })
    .await
    .unwrap();
    let mut env: HashMap<String, String> = HashMap::from([
        ("XJZ__ALIPAY__GATEWAY_URL".into(), sim.gateway_url()),
        ("XJZ__ALIPAY__APP_ID".into(), sim.app_id().to_owned()),
        (
            "XJZ__ALIPAY__APP_PRIVATE_KEY".into(),
            sim.app_private_key_pem().unwrap().to_owned(),
        ),
        (
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY".into(),
            sim.alipay_public_key_pem().to_owned(),
        ),
        ("XJZ__ALIPAY__TIMEOUT_SECS".into(), "1".into()),
        ("XJZ__EMBEDDED__SIMULATOR".into(), "false".into()),
        ("XJZ__DATABASE__URL".into(), database_url.clone()),
        ("XJZ__DATABASE__AUTO_MIGRATE".into(), "true".into()),
        ("XJZ__SERVER__BIND".into(), "127.0.0.1:0".into()),
        (
            "XJZ__SERVER__STATIC_DIR".into(),
            static_dir.display().to_string(),
        ),
        ("XJZ__SECURITY__JWT_SECRET".into(), JWT_SECRET.into()),
        ("XJZ__SECURITY__JWT_TTL_SECS".into(), "600".into()),
    ]);
    if let Some(proxies) = config.trusted_proxies {
        env.insert("XJZ__SERVER__TRUSTED_PROXIES".into(), proxies.into());
    }
    let options = xjz_bootstrap::LoadOptions {
        env,
        config_dir: Some(dir.path().join("config")),
        data_dir: Some(dir.path().join("data")),
    };
    let settings = xjz_bootstrap::load(&options).unwrap().settings;
    let db = xjz_api::startup::open_database(&settings).await.unwrap();
    let app = Application::build_with(
        &settings,
        db.clone(),
        Options {
            throttle: config.throttle,
            ..Options::default()
        },
    )
    .await
    .unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let store = SeaOrmPlatformStore::new(db.clone());
    let tenant = store.add_tenant("acme", "Acme").await.unwrap();
    TestApp {
        sim,
        address,
        client: reqwest::Client::new(),
        store,
        tenant_id: tenant.id,
        static_dir,
        db,
        _postgres: postgres,
        _dir: dir,
    }
}

fn init_test_log() {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        // reqwest is built without a default TLS provider in this workspace.
        let _ = rustls::crypto::ring::default_provider().install_default();
        if std::env::var("TEST_LOG").is_ok() {
            let subscriber = xjz_bootstrap::telemetry::get_subscriber(
                xjz_bootstrap::configuration::LogFormat::Json,
                "info",
                std::io::stdout,
            )
            .unwrap();
            tracing::subscriber::set_global_default(subscriber).unwrap();
        }
    });
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Adds a user with [`PASSWORD`] to the test tenant.
    pub async fn add_user(&self, username: &str, role: &str) -> i64 {
        self.add_user_to(self.tenant_id, username, role).await
    }

    pub async fn add_user_to(&self, tenant_id: i64, username: &str, role: &str) -> i64 {
        let hash = password::hash(SecretString::from(PASSWORD)).await.unwrap();
        self.store
            .add_user(tenant_id, username, &hash, &[role.to_owned()])
            .await
            .unwrap()
            .id
    }

    pub async fn post_login(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Logs in and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let response = self
            .post_login(&json!({"username": username, "password": PASSWORD}))
            .await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["data"]["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

/// The envelope of a response, checked for its shape.
pub async fn envelope(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status_code"], status, "{body}");
    assert_eq!(body["success"], body["code"] == 0, "{body}");
    assert!(body["msg"].is_string(), "{body}");
    assert!(body.get("data").is_some(), "{body}");
    body
}
