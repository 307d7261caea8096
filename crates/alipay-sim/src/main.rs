//! `xjz-alipay-sim`: the simulator as a process. A thin shim over [`xjz_alipay_sim`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use xjz_alipay_sim::{Scenario, ScenarioKind, SimConfig, SimKeys, Simulator};

/// Local Alipay gateway simulator (gateway.do with real RSA2 signatures; TEST keys by default).
#[derive(Debug, Parser)]
#[command(name = "xjz-alipay-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "XJZ_ALIPAY_SIM_BIND", default_value = "127.0.0.1:8090")]
    bind: SocketAddr,
    /// JSON file keeping batches across restarts (omit to keep state in memory only).
    #[arg(long, env = "XJZ_ALIPAY_SIM_STATE_FILE")]
    state_file: Option<PathBuf>,
    /// Seconds before an unconfirmed (`init`) batch times out.
    #[arg(long, env = "XJZ_ALIPAY_SIM_BATCH_EXPIRY_SECS", default_value_t = 3600)]
    batch_expiry_secs: u64,
    /// Scenario for applications that no marker or admin call chose one for.
    #[arg(long, env = "XJZ_ALIPAY_SIM_SCENARIO", value_enum, default_value_t = ScenarioArg::Approve)]
    scenario: ScenarioArg,
    /// order.query answers spent in MERCHANT_AUDITING (0: not by count).
    #[arg(long, default_value_t = 1)]
    audit_queries: u32,
    /// Seconds spent in MERCHANT_AUDITING (omit: not by time).
    #[arg(long)]
    audit_secs: Option<u64>,
    /// order.query answers spent in MERCHANT_CONFIRM (0: not by count).
    #[arg(long, default_value_t = 1)]
    confirm_queries: u32,
    /// Seconds spent in MERCHANT_CONFIRM (omit: not by time).
    #[arg(long)]
    confirm_secs: Option<u64>,
    /// HTTP worker threads.
    #[arg(long, env = "XJZ_ALIPAY_SIM_WORKERS", default_value_t = 2)]
    workers: usize,
    /// Seconds a `no_answer` / `lost_reply` fault holds the connection.
    #[arg(long, default_value_t = 60)]
    hang_secs: u64,
    /// App id requests must carry (default: the test app id).
    #[arg(long, env = "XJZ_ALIPAY_SIM_APP_ID")]
    app_id: Option<String>,
    /// File with the app public key that verifies requests (default: the test key).
    #[arg(long, env = "XJZ_ALIPAY_SIM_APP_PUBLIC_KEY_FILE")]
    app_public_key_file: Option<PathBuf>,
    /// File with the private key that signs answers (default: the test key).
    #[arg(long, env = "XJZ_ALIPAY_SIM_ALIPAY_PRIVATE_KEY_FILE")]
    alipay_private_key_file: Option<PathBuf>,
    /// Log as JSON lines instead of pretty text.
    #[arg(long)]
    json_log: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScenarioArg {
    Approve,
    Reject,
    Hold,
    MerchantTimeout,
}

impl From<ScenarioArg> for ScenarioKind {
    fn from(arg: ScenarioArg) -> Self {
        match arg {
            ScenarioArg::Approve => Self::Approve,
            ScenarioArg::Reject => Self::Reject,
            ScenarioArg::Hold => Self::Hold,
            ScenarioArg::MerchantTimeout => Self::MerchantTimeout,
        }
    }
}

fn read_key(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))
}

fn config(args: Args) -> anyhow::Result<SimConfig> {
    let mut keys = SimKeys::test_keys();
    if let Some(app_id) = args.app_id {
        keys.app_id = app_id;
    }
    if let Some(path) = &args.app_public_key_file {
        keys.app_public_key = read_key(path)?;
        keys.app_private_key = None;
    }
    if let Some(path) = &args.alipay_private_key_file {
        keys.alipay_private_key = read_key(path)?;
    }
    let default_scenario = Scenario {
        audit_queries: Some(args.audit_queries),
        audit_secs: args.audit_secs,
        confirm_queries: Some(args.confirm_queries),
        confirm_secs: args.confirm_secs,
        ..Scenario::of(args.scenario.into())
    };
    Ok(SimConfig {
        bind: args.bind,
        state_file: args.state_file,
        batch_expiry: Duration::from_secs(args.batch_expiry_secs),
        default_scenario,
        keys,
        workers: args.workers,
        hang: Duration::from_secs(args.hang_secs),
        ..SimConfig::default()
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if args.json_log {
        builder.json().init();
    } else {
        builder.init();
    }
    let config = config(args)?;
    let test_keys = config.keys.alipay_private_key == SimKeys::test_keys().alipay_private_key;
    let handle = Simulator::start(config)
        .await
        .context("starting the simulator")?;
    if test_keys {
        tracing::warn!(
            "answers are signed with the PUBLIC TEST KEY: never point production at this simulator"
        );
    }
    tracing::info!(gateway = %handle.gateway_url(), admin = %handle.admin_url(), app_id = handle.app_id(), "ready");
    shutdown_signal().await;
    tracing::info!("stopping");
    handle.stop().await;
    Ok(())
}
