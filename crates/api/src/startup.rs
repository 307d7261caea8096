//! `Application::build` binds, `run_until_stopped` serves (zero2prod `startup.rs`).
//!
//! The app's state holds services (accounts, the operation log, readiness, metrics), never a
//! bare `DatabaseConnection` for handlers to query. Feature modules (the facetoface routes)
//! mount themselves through an [`ApiModule`]: a `configure` registering their resources and
//! state under `/api/v1` and an `openapi` contributing their paths.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use anyhow::Context as _;
use tracing_actix_web::TracingLogger;
use xjz_bootstrap::Settings;
use xjz_persistence::DatabaseConnection;
use xjz_persistence::platform::SeaOrmPlatformStore;

use crate::auth::{AccountService, ThrottleLimits, TokenKeys, TrustedProxies};
use crate::http::extract;
use crate::http::middleware::request_context;
use crate::http::request_id::XjzRootSpan;
use crate::metrics::Metrics;
use crate::oplog::OperationLogService;
use crate::routes::docs::OpenApiJson;
use crate::routes::health::Readiness;
use crate::routes::static_page::{StaticDir, fallback};
use crate::routes::{self, docs, health};

/// A feature module mounted under `/api/v1`.
#[derive(Clone)]
pub struct ApiModule {
    pub name: &'static str,
    /// Registers the module's resources (paths relative to `/api/v1`), each wearing its
    /// `require("…")` guard, and the module's own state.
    pub configure: Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>,
    /// The module's OpenAPI paths and schemas.
    pub openapi: fn() -> utoipa::openapi::OpenApi,
}

impl std::fmt::Debug for ApiModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiModule")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The modules the production binary mounts, wired to `db` and the configured Alipay.
///
/// # Errors
/// A module cannot be built (bad data key, Alipay client configuration).
pub fn modules(
    settings: &Settings,
    db: &DatabaseConnection,
    metrics: Arc<Metrics>,
) -> anyhow::Result<Vec<ApiModule>> {
    Ok(vec![
        crate::facetoface::module(settings, db, metrics)
            .context("building the facetoface module")?,
    ])
}

/// Knobs tests turn; production uses [`Options::default`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `None`: the production [`modules`].
    pub modules: Option<Vec<ApiModule>>,
    pub throttle: ThrottleLimits,
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    oplog: web::Data<OperationLogService>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to the database (migrating when `DATABASE__AUTO_MIGRATE`), binds
    /// `SERVER__BIND` and builds the server.
    ///
    /// # Errors
    /// The database or the address is unavailable, or the configuration is unusable.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let db = open_database(settings).await?;
        Self::build_with(settings, db, Options::default()).await
    }

    /// [`Self::build`] on an open database with explicit options.
    ///
    /// # Errors
    /// The address is unavailable, or the configuration is unusable.
    pub async fn build_with(
        settings: &Settings,
        db: DatabaseConnection,
        options: Options,
    ) -> anyhow::Result<Self> {
        let metrics = web::Data::new(Metrics::new().context("registering metrics")?);
        let modules = match options.modules {
            Some(modules) => modules,
            None => modules(settings, &db, metrics.clone().into_inner())?,
        };
        let listener = TcpListener::bind(&settings.server.bind)
            .with_context(|| format!("binding XJZ__SERVER__BIND {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let store = SeaOrmPlatformStore::new(db.clone());
        if let Err(error) = store.ensure_builtin_roles().await {
            // Production without auto-migrate may start before `xjz-api migrate`; /readyz
            // says so instead of the process refusing to start.
            tracing::warn!(error.cause_chain = ?error, "cannot write the built-in roles (schema not migrated?)");
        }
        let proxies =
            TrustedProxies::parse(&settings.server.trusted_proxies).map_err(anyhow::Error::msg)?;
        let accounts = web::Data::new(AccountService::new(
            store.clone(),
            TokenKeys::new(
                &settings.security.jwt_secret,
                settings.security.jwt_ttl_secs,
            ),
            options.throttle,
        ));
        let oplog = web::Data::new(OperationLogService::new(store));
        let readiness = web::Data::new(Readiness::new(db));
        let proxies = web::Data::new(proxies);
        let static_dir = web::Data::new(StaticDir(settings.server.static_dir.clone()));
        let openapi = web::Data::new(OpenApiJson(
            crate::openapi::document(&modules)
                .to_json()
                .context("serialising the OpenAPI document")?,
        ));
        let max_upload = usize::try_from(settings.server.max_upload_bytes).unwrap_or(usize::MAX);
        let app_oplog = oplog.clone();
        let server = HttpServer::new(move || {
            let modules = modules.clone();
            App::new()
                .wrap(from_fn(request_context))
                .wrap(TracingLogger::<XjzRootSpan>::new())
                .app_data(accounts.clone())
                .app_data(oplog.clone())
                .app_data(readiness.clone())
                .app_data(metrics.clone())
                .app_data(proxies.clone())
                .app_data(static_dir.clone())
                .app_data(openapi.clone())
                .app_data(web::PayloadConfig::new(max_upload))
                .configure(extract::configure)
                .configure(health::configure)
                .configure(docs::configure)
                .service(web::scope("/api/v1").configure(|cfg| {
                    routes::configure_api_v1(cfg);
                    for module in &modules {
                        (module.configure)(cfg);
                    }
                }))
                .default_service(web::to(fallback))
        })
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            oplog: app_oplog,
        })
    }

    /// The bound port (tests bind port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM are handled by actix: graceful),
    /// then writes the operation-log rows still queued.
    ///
    /// # Errors
    /// The server failed.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.oplog.flush().await;
        served
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// Connects and, when `DATABASE__AUTO_MIGRATE`, migrates.
///
/// # Errors
/// The database refuses the connection or a migration fails.
pub async fn open_database(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let db = xjz_persistence::connect(settings.database.url.expose_secret())
        .await
        .with_context(|| format!("connecting to {}", settings.database.url))?;
    if settings.database.auto_migrate {
        xjz_persistence::migrate(&db)
            .await
            .context("migrating the database")?;
        tracing::info!("database migrated");
    }
    Ok(db)
}
