//! End to end: a real SQLite database, the simulator over HTTP, the worker's own loop.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::FreshPostgres;
use tempfile::TempDir;
use tokio::sync::oneshot;
use xjz_alipay_sim::{
    FaultKind, FaultSpec, Scenario, ScenarioKind, SimConfig, SimHandle, Simulator,
};
use xjz_bootstrap::{LoadOptions, Settings, load};
use xjz_domain::fixtures::valid_form as form;
use xjz_domain::ports::OrderRepository;
use xjz_domain::service::{ApplyCommand, Caller};
use xjz_domain::{FacetofaceOrder, OrderId, OrderStatus, SubmitStep, TenantId, UserId};
use xjz_persistence::{DataKeys, ImageFiles, SeaOrmOrderRepository, connect, migrate};
use xjz_worker::{RunMode, WorkerOptions, WorkerService, build_service, run_worker};

const TENANT: TenantId = TenantId(7);

struct TestEnv {
    sim: SimHandle,
    /// The variables the settings were loaded from (for child processes).
    env: HashMap<String, String>,
    dir: TempDir,
    settings: Settings,
    service: Arc<WorkerService>,
    repo: SeaOrmOrderRepository,
}

async fn setup(kind: ScenarioKind) -> TestEnv {
    setup_on(kind, None).await
}

async fn setup_on(kind: ScenarioKind, database_url: Option<String>) -> TestEnv {
    // XJZ_TEST_LOG=1 RUST_LOG=info,apalis_core=trace: the worker's and apalis' logs (JSON).
    if std::env::var("XJZ_TEST_LOG").is_ok() {
        let _ = xjz_bootstrap::telemetry::init_subscriber(
            xjz_bootstrap::configuration::LogFormat::Json,
        );
    }
    let sim = Simulator::start(SimConfig {
        default_scenario: Scenario::of(kind),
        hang: Duration::from_secs(3),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    let vars = [
        (
            "XJZ__DATABASE__URL",
            database_url.unwrap_or_else(|| {
                format!("sqlite://{}?mode=rwc", dir.path().join("xjz.db").display())
            }),
        ),
        ("XJZ__ALIPAY__GATEWAY_URL", sim.gateway_url()),
        ("XJZ__ALIPAY__APP_ID", sim.app_id().to_owned()),
        (
            "XJZ__ALIPAY__APP_PRIVATE_KEY",
            sim.app_private_key_pem().unwrap().to_owned(),
        ),
        (
            "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
            sim.alipay_public_key_pem().to_owned(),
        ),
        ("XJZ__ALIPAY__TIMEOUT_SECS", "1".to_owned()),
        ("XJZ__EMBEDDED__SIMULATOR", "false".to_owned()),
        ("XJZ__WORKER__TICK_SECS", "1".to_owned()),
        ("XJZ__WORKER__MAX_QPS", "50".to_owned()),
        ("XJZ__POLL__FIRST_QUERY_DELAY_SECS", "1".to_owned()),
        ("XJZ__POLL__AUDIT_INTERVAL_SECS", "1".to_owned()),
        ("XJZ__POLL__CONFIRM_INTERVAL_SECS", "1".to_owned()),
    ];
    let mut env: HashMap<String, String> =
        vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    // Child processes keep their secrets and job file in the test's directory too.
    env.insert(
        "XJZ_DATA_DIR".to_owned(),
        dir.path().join("data").display().to_string(),
    );
    env.insert(
        "XJZ_CONFIG_DIR".to_owned(),
        config_dir.display().to_string(),
    );
    let loaded = load(&LoadOptions {
        env: env.clone(),
        config_dir: Some(config_dir),
        data_dir: Some(dir.path().join("data")),
    })
    .unwrap();
    let settings = loaded.settings;
    let db = connect(settings.database.url.expose_secret())
        .await
        .unwrap();
    migrate(&db).await.unwrap();
    let service = build_service(&settings, &db).unwrap();
    let key = settings.security.data_key_bytes().unwrap();
    let repo = SeaOrmOrderRepository::new(
        db,
        &DataKeys::new(*secrecy::ExposeSecret::expose_secret(&key)),
        ImageFiles::new(settings.database.image_dir.clone()),
    )
    .unwrap();
    TestEnv {
        sim,
        env,
        dir,
        settings,
        service,
        repo,
    }
}

impl TestEnv {
    fn options(&self, mode: RunMode) -> WorkerOptions {
        let mut options = WorkerOptions::new(mode, &self.dir.path().join("data"));
        options.serve_http = false;
        options.backoff_base = Duration::from_millis(50);
        options.fetch_interval = Duration::from_millis(50);
        options
    }

    async fn apply(&self) -> Result<FacetofaceOrder, xjz_domain::ServiceError> {
        self.service
            .apply(ApplyCommand {
                caller: Caller {
                    tenant_id: TENANT,
                    user_id: UserId(1),
                },
                idempotency: None,
                form: form(),
            })
            .await
    }

    async fn order(&self, id: OrderId) -> FacetofaceOrder {
        self.repo.get(TENANT, id).await.unwrap().unwrap()
    }

    /// Runs the worker loop until `done` holds for every order, or fails after `limit`.
    async fn run_until(
        &self,
        ids: &[OrderId],
        limit: Duration,
        done: impl Fn(&FacetofaceOrder) -> bool,
    ) -> Vec<FacetofaceOrder> {
        let (tx, rx) = oneshot::channel::<()>();
        let settings = self.settings.clone();
        let options = self.options(RunMode::Loop);
        let worker = tokio::spawn(async move {
            run_worker(&settings, options, async {
                let _ = rx.await;
            })
            .await
        });
        let started = Instant::now();
        let orders = loop {
            let mut orders = Vec::new();
            for id in ids {
                orders.push(self.order(*id).await);
            }
            if orders.iter().all(&done) {
                break orders;
            }
            assert!(
                started.elapsed() < limit,
                "orders not settled in {limit:?}: {:?}",
                orders
                    .iter()
                    .map(|o| (o.status(), o.state().progress.last_error.clone()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        tx.send(()).unwrap();
        worker.await.unwrap().unwrap();
        orders
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approved_orders_reach_success_with_the_confirm_url_recorded() {
    // Arrange
    let env = setup(ScenarioKind::Approve).await;
    let a = env.apply().await.unwrap();
    let b = env.apply().await.unwrap();
    assert_eq!(a.status(), OrderStatus::Submitted);
    // Act
    let orders = env
        .run_until(&[a.id(), b.id()], Duration::from_secs(30), |o| {
            o.status() == OrderStatus::Success
        })
        .await;
    // Assert
    for order in orders {
        assert!(
            order.state().alipay.confirm_url.is_some(),
            "confirm_url kept"
        );
        assert!(order.next_query_time().is_none() || order.polling_stopped());
        assert_eq!(
            env.sim
                .counters()
                .batch_calls(order.batch_no().unwrap(), "alipay.open.agent.order.query"),
            u64::from(order.state().progress.query_count)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rejected_orders_are_closed_with_the_reason() {
    let env = setup(ScenarioKind::Reject).await;
    let a = env.apply().await.unwrap();
    let orders = env
        .run_until(&[a.id()], Duration::from_secs(30), |o| {
            o.status() == OrderStatus::Closed
        })
        .await;
    let reason = orders[0].state().alipay.reject_reason.clone().unwrap();
    assert!(reason.contains("营业执照"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn held_orders_are_flagged_for_correction() {
    let env = setup(ScenarioKind::Hold).await;
    let a = env.apply().await.unwrap();
    let orders = env
        .run_until(&[a.id()], Duration::from_secs(30), |o| {
            o.state().alipay.needs_correction
        })
        .await;
    assert_eq!(
        orders[0].state().alipay.alipay_order_status.as_deref(),
        Some("MERCHANT_INFO_HOLD")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transient_faults_are_retried_until_the_order_settles() {
    let env = setup(ScenarioKind::Approve).await;
    let a = env.apply().await.unwrap();
    for fault in [
        FaultKind::HttpError { status: 502 },
        FaultKind::RateLimited,
        FaultKind::LostReply,
    ] {
        env.sim
            .add_fault(FaultSpec::next(
                1,
                fault,
                Some("alipay.open.agent.order.query"),
            ))
            .unwrap();
    }
    let orders = env
        .run_until(&[a.id()], Duration::from_secs(40), |o| {
            o.status() == OrderStatus::Success
        })
        .await;
    assert_eq!(orders[0].status(), OrderStatus::Success);
    // Every counted fault was used up (a spent rule is removed): the worker went through a
    // 502, a rate limit and a lost reply, retrying each, and still settled the order.
    assert!(env.sim.faults().is_empty(), "{:?}", env.sim.faults());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_init_order_whose_confirm_reply_was_lost_is_settled_by_the_worker() {
    let env = setup(ScenarioKind::Approve).await;
    env.sim
        .add_fault(FaultSpec::next(
            1,
            FaultKind::LostReply,
            Some("alipay.open.agent.confirm"),
        ))
        .unwrap();
    let error = env.apply().await.unwrap_err();
    let xjz_domain::ServiceError::Gateway {
        order: Some(order), ..
    } = error
    else {
        panic!("expected a gateway error with the order: {error:?}");
    };
    assert_eq!(order.status(), OrderStatus::Init);
    assert_eq!(order.submit_step(), SubmitStep::ConfirmSent);
    let orders = env
        .run_until(&[order.id()], Duration::from_secs(30), |o| {
            o.status() == OrderStatus::Success
        })
        .await;
    assert_eq!(orders[0].status(), OrderStatus::Success);
    assert_eq!(
        env.sim.counters().method_calls("alipay.open.agent.confirm"),
        1,
        "confirm is never sent twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn once_runs_one_tick_to_completion_and_returns() {
    let env = setup(ScenarioKind::Approve).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(env.apply().await.unwrap().id());
    }
    // The first query is due one second after confirm.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Act: no shutdown signal is ever sent; --once must return by itself.
    let started = Instant::now();
    tokio::time::timeout(
        Duration::from_secs(20),
        run_worker(
            &env.settings,
            env.options(RunMode::Once),
            std::future::pending(),
        ),
    )
    .await
    .expect("--once returned")
    .unwrap();
    // Assert: every order was queried exactly once by that tick.
    for id in ids {
        let order = env.order(id).await;
        assert_eq!(
            order.state().progress.query_count,
            1,
            "{:?}",
            order.status()
        );
        assert_eq!(order.status(), OrderStatus::MerchantAuditing);
    }
    assert!(started.elapsed() < Duration::from_secs(20));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_binary_serves_metrics_stops_on_sigterm_and_once_exits_after_its_tick() {
    // Arrange
    let env = setup(ScenarioKind::Approve).await;
    let first = env.apply().await.unwrap().id();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let port = free_port();
    let bin = env!("CARGO_BIN_EXE_xjz-worker");
    // Act 1: the loop, scraped, then SIGTERM.
    let mut child = tokio::process::Command::new(bin)
        .envs(&env.env)
        .env("XJZ__WORKER__METRICS_BIND", format!("127.0.0.1:{port}"))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let metrics = loop {
        let scraped = client
            .get(format!("http://127.0.0.1:{port}/metrics"))
            .send()
            .await;
        if let Ok(response) = scraped {
            let text = response.text().await.unwrap();
            if text.contains("xjz_worker_polled_total{outcome=\"MERCHANT_AUDITING\"} 1") {
                break text;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no poll seen in /metrics"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let health = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert!(health.status().is_success());
    assert!(metrics.contains("xjz_worker_ticks_total"));
    assert!(metrics.contains("xjz_worker_poll_errors_total{class=\"timeout\"} 0"));
    assert!(metrics.contains("xjz_worker_poll_seconds_bucket"));
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the worker stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        env.order(first).await.status(),
        OrderStatus::MerchantAuditing
    );

    // Act 2: --once on a fresh due order exits by itself once the order is polled.
    let second = env.apply().await.unwrap().id();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let status = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::process::Command::new(bin)
            .arg("--once")
            .envs(&env.env)
            .env(
                "XJZ__WORKER__METRICS_BIND",
                format!("127.0.0.1:{}", free_port()),
            )
            .kill_on_drop(true)
            .status(),
    )
    .await
    .expect("--once exits")
    .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(env.order(second).await.state().progress.query_count, 1);
}

const QUERY: &str = "alipay.open.agent.order.query";

/// The claim's lease of the kill -9 test's workers (`XJZ__WORKER__LEASE_SECS`).
const SHORT_LEASE_SECS: u64 = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_mid_poll_leaves_its_order_to_the_next_worker_after_the_lease() {
    // Arrange: every query goes unanswered (past the 1 s timeout) until the fault is cleared.
    let env = setup(ScenarioKind::Approve).await;
    let id = env.apply().await.unwrap().id();
    env.sim
        .add_fault(FaultSpec::next(1000, FaultKind::LostReply, Some(QUERY)))
        .unwrap();
    let bin = env!("CARGO_BIN_EXE_xjz-worker");
    let spawn = || {
        tokio::process::Command::new(bin)
            .envs(&env.env)
            .env(
                "XJZ__WORKER__METRICS_BIND",
                format!("127.0.0.1:{}", free_port()),
            )
            .env("XJZ__WORKER__LEASE_SECS", SHORT_LEASE_SECS.to_string())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    };
    let mut first = spawn();
    let started = Instant::now();
    while env.sim.counters().method_calls(QUERY) == 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "no query sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Act: kill -9 mid-poll (its query is in flight), then start another worker.
    first.kill().await.unwrap();
    let killed_at = chrono::Utc::now();
    let claimed = env.order(id).await;
    let lease_end = claimed.next_query_time().unwrap();
    assert_eq!(claimed.status(), OrderStatus::Submitted);
    assert!(
        lease_end <= killed_at + chrono::TimeDelta::seconds(SHORT_LEASE_SECS as i64),
        "the configured lease is used: {lease_end} vs {killed_at}"
    );
    env.sim.clear_faults();
    let mut second = spawn();
    let order = loop {
        let order = env.order(id).await;
        if order.status() != OrderStatus::Submitted {
            break order;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the order was never picked up again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let picked_up = chrono::Utc::now();
    second.kill().await.unwrap();
    // Assert: the second worker polled it, only once the first one's lease had run out,
    // and left it scheduled.
    assert!(picked_up >= lease_end, "{picked_up} < {lease_end}");
    assert!(order.next_query_time().is_some() || order.polling_stopped());
    assert!(order.state().progress.last_error.is_none(), "{order:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_the_apalis_postgres_queue_carries_the_polls() {
    let Some(database) = FreshPostgres::create("xjz_worker").await else {
        eprintln!("XJZ_TEST_POSTGRES_URL not set: PostgreSQL test skipped");
        return;
    };
    let env = setup_on(ScenarioKind::Approve, Some(database.url.clone())).await;
    let a = env.apply().await.unwrap();
    let b = env.apply().await.unwrap();
    let orders = env
        .run_until(&[a.id(), b.id()], Duration::from_secs(30), |o| {
            o.status() == OrderStatus::Success
        })
        .await;
    assert!(
        orders
            .iter()
            .all(|o| o.state().alipay.confirm_url.is_some())
    );
    drop(env);
    database.drop_database().await;
}
