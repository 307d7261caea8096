//! At scale, with real `xjz-worker` processes: several workers sharing one PostgreSQL
//! deployment poll every due order exactly once, and the drain benchmark of issue #8.
//!
//! Orders are seeded straight into the database (`xjz_persistence::seed`) and their batches
//! into the simulator's state file, so thousands of due orders take a second to set up
//! instead of an apply (four Alipay calls) each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)] // test helpers

mod support;

use support::FreshPostgres;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use tempfile::TempDir;
use tokio::process::{Child, Command};
use xjz_alipay_sim::scenario::Progress;
use xjz_alipay_sim::state::{Application, SimState};
use xjz_alipay_sim::{
    Batch, BatchStatus, FaultKind, FaultSpec, Scenario, ScenarioKind, SimConfig, SimHandle,
    SimKeys, Simulator,
};
use xjz_bootstrap::{LoadOptions, Settings, load};
use xjz_domain::order::OrderState;
use xjz_domain::{OrderStatus, TenantId};
use xjz_persistence::{DataKeys, SecretCipher, connect, migrate, seed};

const QUERY: &str = "alipay.open.agent.order.query";

/// `n` due orders (MERCHANT_AUDITING, confirmed half an hour ago, due a second ago) and
/// their batches in the simulator, which answers MERCHANT_AUDITING to each first query.
struct Fleet {
    dir: TempDir,
    sim: SimHandle,
    /// What every worker process is started with.
    env: HashMap<String, String>,
    settings: Settings,
    batch_nos: Vec<String>,
    states: Vec<OrderState>,
}

impl Fleet {
    /// Starts the simulator (with the batches) and loads the settings; the orders are
    /// written by [`Fleet::seed`].
    async fn prepare(n: u64, database_url: Option<String>, worker_env: &[(&str, String)]) -> Self {
        // reqwest is built without a default TLS provider (the adapter installs ring's).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let mut rng = fastrand::Rng::with_seed(8);
        let mut states = Vec::new();
        for i in 0..n {
            let tenant = TenantId(i64::try_from(i % 5).unwrap() + 1);
            let mut state =
                seed::order_state(i, tenant, OrderStatus::MerchantAuditing, now, &mut rng).unwrap();
            state.alipay.needs_correction = false;
            state.progress.confirmed_time = Some(now - TimeDelta::minutes(30));
            state.progress.next_query_time = Some(now - TimeDelta::seconds(1));
            states.push(state);
        }
        let batch_nos: Vec<String> = states
            .iter()
            .map(|s| s.alipay.batch_no.clone().unwrap())
            .collect();
        let state_file = write_sim_state(dir.path(), &states);
        let sim = Simulator::start(SimConfig {
            default_scenario: Scenario::of(ScenarioKind::Approve),
            state_file: Some(state_file),
            // Written once, on stop: a periodic rewrite of thousands of batches would
            // compete with the worker for the CPU.
            persist_every: Duration::from_secs(3600),
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let config_dir = dir.path().join("config");
        std::fs::create_dir_all(&config_dir).unwrap();
        let data_dir = dir.path().join("data");
        let mut env: HashMap<String, String> = [
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
            ("XJZ__ALIPAY__TIMEOUT_SECS", "5".to_owned()),
            ("XJZ__EMBEDDED__SIMULATOR", "false".to_owned()),
            ("XJZ__EMBEDDED__WORKER", "false".to_owned()),
            ("XJZ__WORKER__TICK_SECS", "1".to_owned()),
            // One due round: the next query of every order is an hour away.
            ("XJZ__POLL__AUDIT_INTERVAL_SECS", "3600".to_owned()),
            ("XJZ_DATA_DIR", data_dir.display().to_string()),
            ("XJZ_CONFIG_DIR", config_dir.display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        for (key, value) in worker_env {
            env.insert((*key).to_owned(), value.clone());
        }
        let settings = load(&LoadOptions {
            env: env.clone(),
            config_dir: Some(config_dir),
            data_dir: Some(data_dir),
        })
        .unwrap()
        .settings;
        Self {
            dir,
            sim,
            env,
            settings,
            batch_nos,
            states,
        }
    }

    /// Migrates and writes the orders (with their polling schedule).
    async fn seed(&mut self) {
        let db = connect(self.settings.database.url.expose_secret())
            .await
            .unwrap();
        migrate(&db).await.unwrap();
        let key = self.settings.security.data_key_bytes().unwrap();
        let cipher =
            SecretCipher::new(&DataKeys::new(*secrecy::ExposeSecret::expose_secret(&key))).unwrap();
        let states = std::mem::take(&mut self.states);
        for chunk in states.chunks(2000) {
            seed::insert_states(&db, &cipher, chunk).await.unwrap();
        }
        db.close().await.unwrap();
    }

    fn spawn(&self, args: &[&str], metrics_port: u16, log_name: &str) -> Child {
        let log = std::fs::File::create(self.dir.path().join(log_name)).unwrap();
        Command::new(env!("CARGO_BIN_EXE_xjz-worker"))
            .args(args)
            .envs(&self.env)
            .env(
                "XJZ__WORKER__METRICS_BIND",
                format!("127.0.0.1:{metrics_port}"),
            )
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    }

    fn log(&self, log_name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(log_name)).unwrap_or_default()
    }

    fn queries(&self) -> u64 {
        self.sim.counters().method_calls(QUERY)
    }
}

/// The simulator's state file: one submitted batch per order, confirmed half an hour ago,
/// in the approve scenario (first query: MERCHANT_AUDITING).
fn write_sim_state(dir: &Path, states: &[OrderState]) -> PathBuf {
    let now = Utc::now().timestamp_millis();
    let confirmed = now - 30 * 60 * 1000;
    let mut sim_state = SimState::new(Scenario::of(ScenarioKind::Approve), 3_600_000);
    let app_id = SimKeys::test_keys().app_id;
    for state in states {
        let batch_no = state.alipay.batch_no.clone().unwrap();
        let batch = Batch {
            batch_no: batch_no.clone(),
            app_id: app_id.clone(),
            account: "bench@example.com".to_owned(),
            created_ms: confirmed - 60_000,
            status: BatchStatus::Submit,
            application: Some(Application::default()),
            order_no: state.alipay.order_no.clone(),
            merchant_pid: "2088000000000001".to_owned(),
            confirmed_ms: Some(confirmed),
            scenario: Some(Scenario::of(ScenarioKind::Approve)),
            progress: Some(Progress::start(confirmed)),
        };
        sim_state.batches.insert(batch_no, batch);
    }
    let path = dir.join("sim-state.json");
    let snapshot = serde_json::json!({ "format": 1, "clock_offset_ms": 0, "state": sim_state });
    std::fs::write(&path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The sum of every sample of `metric` in a Prometheus text scrape.
fn metric_sum(scrape: &str, metric: &str) -> f64 {
    scrape
        .lines()
        .filter(|line| {
            line.strip_prefix(metric)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn scrape(client: &reqwest::Client, port: u16) -> Option<String> {
    let response = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .ok()?;
    response.text().await.ok()
}

fn sigterm(child: &Child) {
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_workers_on_postgres_query_each_of_1000_due_orders_exactly_once() {
    let Some(database) = FreshPostgres::create("xjz_scale").await else {
        eprintln!("XJZ_TEST_POSTGRES_URL not set: PostgreSQL test skipped");
        return;
    };
    // Arrange: 3 workers of 100 polls/s each, up and idle, then 1,000 orders fall due.
    const ORDERS: u64 = 1000;
    let mut fleet = Fleet::prepare(
        ORDERS,
        Some(database.url.clone()),
        &[
            ("XJZ__WORKER__MAX_QPS", "100".to_owned()),
            ("XJZ__WORKER__CONCURRENCY", "16".to_owned()),
        ],
    )
    .await;
    // Migrated (empty) before the workers start, so they do not race to migrate.
    let db = connect(&database.url).await.unwrap();
    migrate(&db).await.unwrap();
    db.close().await.unwrap();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let mut workers: Vec<Child> = ports
        .iter()
        .enumerate()
        .map(|(i, port)| fleet.spawn(&[], *port, &format!("worker-{i}.log")))
        .collect();
    let client = reqwest::Client::new();
    let started = Instant::now();
    for port in &ports {
        while scrape(&client, *port).await.is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "a worker never served /metrics: {}",
                fleet.log("worker-0.log")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    fleet.seed().await;
    // Act: wait for the round, then two more ticks for any second query to show up.
    let seeded = Instant::now();
    while fleet.queries() < ORDERS {
        assert!(
            seeded.elapsed() < Duration::from_secs(60),
            "{} of {ORDERS} orders queried in 60 s",
            fleet.queries()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let round = seeded.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Assert: each order's batch queried exactly once, by one of the three workers, each of
    // which took a share, and no poll failed.
    let counters = fleet.sim.counters();
    let mut wrong: Vec<(&str, u64)> = fleet
        .batch_nos
        .iter()
        .map(|b| (b.as_str(), counters.batch_calls(b, QUERY)))
        .filter(|(_, calls)| *calls != 1)
        .collect();
    wrong.truncate(10);
    assert!(
        wrong.is_empty(),
        "batches not queried exactly once: {wrong:?}"
    );
    assert_eq!(counters.method_calls(QUERY), ORDERS);
    let mut polled_by = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let metrics = scrape(&client, *port).await.unwrap();
        assert_eq!(
            metric_sum(&metrics, "xjz_worker_poll_errors_total"),
            0.0,
            "worker {i}: {metrics}\n{}",
            fleet.log(&format!("worker-{i}.log"))
        );
        polled_by.push(metric_sum(&metrics, "xjz_worker_polled_total"));
    }
    assert_eq!(
        polled_by.iter().sum::<f64>(),
        ORDERS as f64,
        "{polled_by:?}"
    );
    assert!(polled_by.iter().all(|n| *n > 0.0), "{polled_by:?}");
    println!("1000 orders over 3 workers in {round:?}: polled {polled_by:?}");
    for worker in &workers {
        sigterm(worker);
    }
    for (i, worker) in workers.iter_mut().enumerate() {
        let status = tokio::time::timeout(Duration::from_secs(20), worker.wait())
            .await
            .expect("stops on SIGTERM")
            .unwrap();
        assert!(
            status.success(),
            "{status:?}: {}",
            fleet.log(&format!("worker-{i}.log"))
        );
    }
    drop(fleet);
    // No index of the job storage is on `lock_by` alone (the ack's plan trap, storage/mod.rs):
    // apalis-postgres creates two, `lidx` and `idx_apalis_jobs_lock_by`.
    let db = connect(&database.url).await.unwrap();
    let lock_index = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT string_agg(indexname, ', ') AS names FROM pg_indexes \
             WHERE schemaname = 'apalis' AND tablename = 'jobs' AND indexdef LIKE '%(lock_by)'",
        ),
    )
    .await
    .unwrap()
    .and_then(|row| row.try_get::<Option<String>>("", "names").unwrap());
    assert_eq!(lock_index, None, "indexes on lock_by still there");
    db.close().await.unwrap();
    database.drop_database().await;
}

/// What `/proc/<pid>` says about a running process.
#[derive(Debug, Default, Clone, Copy)]
struct ProcSample {
    /// Peak resident set, KiB.
    hwm_kib: u64,
    /// User + system CPU, clock ticks.
    cpu_ticks: u64,
}

fn proc_sample(pid: u32) -> Option<ProcSample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let hwm_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let cpu_ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ProcSample { hwm_kib, cpu_ticks })
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The drain benchmark (issue #8, Performance): one `xjz-worker --once` drains N due orders
/// against the simulator with added latency. Prints throughput against the limit
/// min(QPS ceiling, concurrency ÷ latency), peak RSS and CPU per poll.
///
/// ```text
/// XJZ_BENCH_ORDERS=10000 XJZ_BENCH_LATENCY_MS=50 XJZ_BENCH_QPS=200 XJZ_BENCH_CONCURRENCY=16 \
///   cargo nextest run -p xjz-worker --release --run-ignored only --no-capture drain_benchmark
/// ```
/// `XJZ_BENCH_QPS=1000000` lifts the ceiling; `XJZ_BENCH_POSTGRES=1` runs on a fresh
/// database on `XJZ_TEST_POSTGRES_URL`'s server instead of SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by hand, see the doc comment"]
async fn drain_benchmark() {
    let orders = env_u64("XJZ_BENCH_ORDERS", 10_000);
    let latency_ms = env_u64("XJZ_BENCH_LATENCY_MS", 50);
    let qps = env_u64("XJZ_BENCH_QPS", 200);
    let concurrency = env_u64("XJZ_BENCH_CONCURRENCY", 16);
    let database = if std::env::var("XJZ_BENCH_POSTGRES").is_ok() {
        Some(
            FreshPostgres::create("xjz_scale")
                .await
                .expect("XJZ_TEST_POSTGRES_URL"),
        )
    } else {
        None
    };
    // One tick claims the whole due set (page by page).
    let tick_secs = orders / qps.max(1) + 1;
    let mut fleet = Fleet::prepare(
        orders,
        database.as_ref().map(|d| d.url.clone()),
        &[
            ("XJZ__WORKER__MAX_QPS", qps.to_string()),
            ("XJZ__WORKER__CONCURRENCY", concurrency.to_string()),
            ("XJZ__WORKER__TICK_SECS", tick_secs.to_string()),
            ("XJZ__LOG__FORMAT", "json".to_owned()),
            ("RUST_LOG", "warn,xjz_worker=info".to_owned()),
        ],
    )
    .await;
    let seeding = Instant::now();
    fleet.seed().await;
    let seeded_in = seeding.elapsed();
    if latency_ms > 0 {
        fleet
            .sim
            .add_fault(FaultSpec::always(
                FaultKind::Latency { ms: latency_ms },
                Some(QUERY),
            ))
            .unwrap();
    }
    let own_cpu_before = proc_sample(std::process::id()).unwrap_or_default();
    let started = Instant::now();
    let mut worker = fleet.spawn(&["--once"], free_port(), "worker.log");
    let pid = worker.id().unwrap();
    let mut last = ProcSample::default();
    let mut first_query = None;
    let status = loop {
        if let Some(sample) = proc_sample(pid) {
            last = sample;
        }
        if first_query.is_none() && fleet.queries() > 0 {
            first_query = Some(started.elapsed());
        }
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let total = started.elapsed();
    assert!(status.success(), "{status:?}: {}", fleet.log("worker.log"));
    let own_cpu = proc_sample(std::process::id())
        .unwrap_or_default()
        .cpu_ticks
        - own_cpu_before.cpu_ticks;
    // Assert: every order queried exactly once.
    let counters = fleet.sim.counters();
    assert_eq!(
        counters.method_calls(QUERY),
        orders,
        "{}",
        fleet.log("worker.log")
    );
    let drain = total - first_query.unwrap_or_default();
    let rate = orders as f64 / drain.as_secs_f64();
    let limit = (qps as f64).min(concurrency as f64 * 1000.0 / latency_ms.max(1) as f64);
    // /proc/<pid>/stat counts in USER_HZ, 100 per second on Linux.
    let ms_per_tick = 10.0;
    println!(
        "drain: orders={orders} latency_ms={latency_ms} qps={qps} concurrency={concurrency} \
         db={} seeded_in={seeded_in:.1?} total={total:.2?} first_query_at={:.2?} \
         drain={drain:.2?} rate={rate:.1}/s limit={limit:.0}/s fraction={:.3} \
         peak_rss={:.1} MiB worker_cpu_per_poll={:.3} ms sim_and_test_cpu_per_poll={:.3} ms",
        if database.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        first_query.unwrap_or_default(),
        rate / limit,
        last.hwm_kib as f64 / 1024.0,
        last.cpu_ticks as f64 * ms_per_tick / orders as f64,
        own_cpu as f64 * ms_per_tick / orders as f64,
    );
    drop(fleet);
    if let Some(database) = database {
        database.drop_database().await;
    }
}
