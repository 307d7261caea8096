//! Local Alipay gateway simulator (`xjz-alipay-sim`): speaks the `gateway.do` protocol of
//! `alipay/API.md` with real RSA2 signatures, so development, the embedded default, the tests
//! and the benchmarks never need real Alipay.
//!
//! ```no_run
//! # async fn demo() -> Result<(), xjz_alipay_sim::StartError> {
//! use xjz_alipay_sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::default()).await?; // 127.0.0.1:0, test keys
//! let gateway = sim.gateway_url(); // point the client here, sign with sim.app_private_key_pem()
//! # let _ = gateway;
//! sim.stop().await;
//! # Ok(()) }
//! ```
//!
//! Modules: [`state`] (batches and their semantics), [`scenario`] (how an application
//! progresses), [`faults`] (misbehaviour on demand), [`counters`], `gateway` (the
//! `/gateway.do` handler), [`admin`] (the `/__sim` JSON API), `respond` (signed answers),
//! `persistence` (the state file), `server` (start/stop). See docs/simulator.md.

pub mod admin;
mod clock;
pub mod config;
pub mod counters;
pub mod faults;
mod gateway;
mod persistence;
mod respond;
pub mod scenario;
mod server;
mod sim;
pub mod state;
pub mod test_keys;

pub use config::{SimConfig, SimKeys};
pub use counters::CounterSnapshot;
pub use faults::{ActiveFault, FaultKind, FaultSpec, FaultSpecError};
pub use scenario::{OrderStatus, Scenario, ScenarioKind};
pub use server::{SimHandle, Simulator, StartError};
pub use state::{Batch, BatchStatus};
