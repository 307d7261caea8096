//! Starting and stopping the simulator: an actix-web server on its own worker threads (so a
//! test's runtime never does the signing), plus a task that writes changed state to the
//! state file every `persist_every` and once more on stop.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer, web};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{SimConfig, SimKeys};
use crate::counters::CounterSnapshot;
use crate::faults::{ActiveFault, FaultSpec, FaultSpecError};
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::state::Batch;
use crate::{admin, gateway, persistence};

/// Why the simulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("simulator key: {0}")]
    Key(#[from] xjz_alipay_protocol::KeyError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot load the simulator state: {0:#}")]
    State(anyhow::Error),
}

/// Entry point: `Simulator::start(SimConfig::default()).await?` serves on a free loopback port.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Loads the state file (if any), binds, and starts serving. Must be called inside a
    /// Tokio runtime; the HTTP workers run on their own threads.
    ///
    /// # Errors
    /// A key that does not parse, an address that cannot be bound, an unreadable state file.
    pub async fn start(config: SimConfig) -> Result<SimHandle, StartError> {
        let snapshot = match config.state_file.clone() {
            Some(path) => tokio::task::spawn_blocking(move || persistence::load(&path))
                .await
                .map_err(|e| StartError::State(e.into()))?
                .map_err(StartError::State)?,
            None => None,
        };
        let sim = web::Data::new(Sim::new(&config, snapshot)?);
        let bind_err = |source| StartError::Bind {
            addr: config.bind,
            source,
        };
        let listener = TcpListener::bind(config.bind).map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let app_sim = sim.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_sim.clone())
                .route("/gateway.do", web::post().to(gateway::handle))
                .configure(admin::routes)
        })
        .workers(config.workers.max(1))
        .disable_signals()
        .shutdown_timeout(1)
        .listen(listener)
        .map_err(bind_err)?
        .run();
        let server_handle = server.handle();
        let server_task = tokio::spawn(server);

        let (stop_tx, stop_rx) = watch::channel(false);
        let flusher = config
            .state_file
            .clone()
            .map(|path| tokio::spawn(flush_loop(sim.clone(), path, config.persist_every, stop_rx)));
        tracing::info!(%addr, state_file = ?config.state_file, "alipay simulator listening");
        Ok(SimHandle {
            addr,
            sim,
            server: server_handle,
            server_task: Some(server_task),
            stop_tx,
            flusher,
            keys: config.keys,
        })
    }
}

async fn flush_loop(
    sim: web::Data<Sim>,
    path: PathBuf,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    loop {
        tokio::select! {
            _ = tick.tick() => flush(&sim, &path).await,
            _ = stop.changed() => {
                flush(&sim, &path).await;
                return;
            }
        }
    }
}

async fn flush(sim: &web::Data<Sim>, path: &std::path::Path) {
    if !sim.take_dirty() {
        return;
    }
    let snapshot = sim.snapshot();
    let target = path.to_owned();
    let saved = tokio::task::spawn_blocking(move || persistence::save(&target, &snapshot)).await;
    let failure = match saved {
        Ok(Ok(())) => return,
        Ok(Err(e)) => e,
        Err(e) => e.into(),
    };
    tracing::error!(error.message = %failure, error.cause_chain = ?failure, "saving simulator state failed; will retry");
    sim.update(|_| ());
}

/// A running simulator. Stop it with [`SimHandle::stop`] (dropping it stops the server too,
/// without the final state save).
pub struct SimHandle {
    addr: SocketAddr,
    sim: web::Data<Sim>,
    server: ServerHandle,
    server_task: Option<JoinHandle<std::io::Result<()>>>,
    stop_tx: watch::Sender<bool>,
    flusher: Option<JoinHandle<()>>,
    keys: SimKeys,
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// The bound address (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`, with loopback standing in for an unspecified bind address.
    pub fn base_url(&self) -> String {
        let ip = match self.addr.ip() {
            ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The gateway endpoint, e.g. `http://127.0.0.1:8090/gateway.do`.
    pub fn gateway_url(&self) -> String {
        format!("{}/gateway.do", self.base_url())
    }

    /// The admin API root, e.g. `http://127.0.0.1:8090/__sim`.
    pub fn admin_url(&self) -> String {
        format!("{}{}", self.base_url(), admin::PREFIX)
    }

    /// The app id requests must carry.
    pub fn app_id(&self) -> &str {
        &self.keys.app_id
    }

    /// The key clients sign requests with, when the simulator knows it (the test keys).
    pub fn app_private_key_pem(&self) -> Option<&str> {
        self.keys.app_private_key.as_deref()
    }

    /// The key clients verify answers with.
    pub fn alipay_public_key_pem(&self) -> &str {
        &self.keys.alipay_public_key
    }

    /// Call counters.
    pub fn counters(&self) -> CounterSnapshot {
        self.sim.counters.snapshot()
    }

    /// Sets the counters back to zero.
    pub fn reset_counters(&self) {
        self.sim.counters.reset();
    }

    /// Installs a fault rule.
    ///
    /// # Errors
    /// When the rule's trigger is invalid.
    pub fn add_fault(&self, spec: FaultSpec) -> Result<u64, FaultSpecError> {
        self.sim.faults.add(spec)
    }

    /// The installed fault rules.
    pub fn faults(&self) -> Vec<ActiveFault> {
        self.sim.faults.list()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.sim.faults.clear();
    }

    /// Sets the scenario used when nothing more specific applies.
    pub fn set_default_scenario(&self, scenario: Scenario) {
        self.sim.set_default_scenario(scenario);
    }

    /// Sets the scenario of batches created for `account` from now on.
    pub fn set_account_scenario(&self, account: &str, scenario: Scenario) {
        self.sim.set_account_scenario(account, Some(scenario));
    }

    /// Sets one batch's scenario; false when there is no such batch.
    pub fn set_batch_scenario(&self, batch_no: &str, scenario: Scenario) -> bool {
        self.sim.set_batch_scenario(batch_no, scenario)
    }

    /// Moves a submitted batch's application to its next status; false if not submitted.
    pub fn advance_batch(&self, batch_no: &str) -> bool {
        self.sim.advance_batch(batch_no)
    }

    /// One batch as it stands now.
    pub fn batch(&self, batch_no: &str) -> Option<Batch> {
        self.sim.batch(batch_no)
    }

    /// Every batch.
    pub fn batches(&self) -> Vec<Batch> {
        self.sim.batches()
    }

    /// Moves the simulator's clock forward (expiry and time-based scenario stages).
    pub fn advance_clock(&self, secs: u64) {
        self.sim.clock.advance_secs(secs);
        self.sim.update(|_| ());
    }

    /// Forgets batches, scenarios, faults, counters and the clock offset.
    pub fn reset(&self) {
        self.sim.reset();
    }

    /// Stops serving (in-flight requests get up to a second), then writes the state file.
    pub async fn stop(mut self) {
        self.server.stop(true).await;
        if let Some(task) = self.server_task.take() {
            let _ = task.await;
        }
        let _ = self.stop_tx.send(true);
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if self.server_task.is_some() {
            // The stop command is sent at once; nobody waits for it here.
            drop(self.server.stop(false));
            let _ = self.stop_tx.send(true);
        }
    }
}
