//! The simulator core shared by the gateway handler, the admin API and [`crate::SimHandle`]:
//! state behind one short-held lock, faults, counters, clock and the keys.
//!
//! Locking rule: the state lock is held only for the pure state calls (microseconds); request
//! parsing, signature checks and response signing all happen outside it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use xjz_alipay_protocol::keys::{KeyError, KeyRole, RsaPrivateKey, RsaPublicKey};

use crate::clock::SimClock;
use crate::config::SimConfig;
use crate::counters::Counters;
use crate::faults::FaultBook;
use crate::persistence::{FORMAT, Snapshot};
use crate::scenario::Scenario;
use crate::state::{Batch, SimState};

/// The keys in `ring` form: the app public key checks requests, the Alipay private key signs
/// answers.
#[derive(Debug)]
pub struct Crypto {
    pub app_public: RsaPublicKey,
    pub alipay_private: RsaPrivateKey,
}

/// Shared simulator core.
#[derive(Debug)]
pub struct Sim {
    state: Mutex<SimState>,
    dirty: AtomicBool,
    pub faults: FaultBook,
    pub counters: Counters,
    pub clock: SimClock,
    pub crypto: Crypto,
    pub app_id: String,
    pub hang: Duration,
    pub max_body_bytes: usize,
    initial_scenario: Scenario,
    batch_expiry_ms: i64,
}

impl Sim {
    /// Builds the core from `config`, resuming `snapshot` when one was loaded.
    ///
    /// # Errors
    /// A key that does not parse (the error names which one, never its content).
    pub fn new(config: &SimConfig, snapshot: Option<Snapshot>) -> Result<Self, KeyError> {
        let crypto = Crypto {
            app_public: RsaPublicKey::parse(&config.keys.app_public_key, KeyRole::AppPublicKey)?,
            alipay_private: RsaPrivateKey::parse(
                &config.keys.alipay_private_key,
                KeyRole::AlipayPrivateKey,
            )?,
        };
        let batch_expiry_ms = i64::try_from(config.batch_expiry.as_millis()).unwrap_or(i64::MAX);
        let (state, offset) = match snapshot {
            Some(mut snap) => {
                // The configuration wins over what the file was written with: the file keeps
                // batches, account scenarios and the clock, the flags decide the defaults.
                snap.state.batch_expiry_ms = batch_expiry_ms;
                snap.state.default_scenario = config.default_scenario.clone();
                (snap.state, snap.clock_offset_ms)
            }
            None => (
                SimState::new(config.default_scenario.clone(), batch_expiry_ms),
                0,
            ),
        };
        Ok(Self {
            state: Mutex::new(state),
            dirty: AtomicBool::new(false),
            faults: FaultBook::default(),
            counters: Counters::default(),
            clock: SimClock::with_offset(offset),
            crypto,
            app_id: config.keys.app_id.clone(),
            hang: config.hang,
            max_body_bytes: config.max_body_bytes,
            initial_scenario: config.default_scenario.clone(),
            batch_expiry_ms,
        })
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the state under the lock and marks the state changed.
    pub fn update<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        let out = f(&mut self.lock());
        self.dirty.store(true, Ordering::Release);
        out
    }

    /// Runs `f` on the state under the lock without marking it changed.
    pub fn read<R>(&self, f: impl FnOnce(&SimState) -> R) -> R {
        f(&self.lock())
    }

    /// Takes the "changed since last save" flag.
    pub fn take_dirty(&self) -> bool {
        self.dirty.swap(false, Ordering::AcqRel)
    }

    /// What the state file should hold now.
    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock().clone();
        Snapshot {
            format: FORMAT,
            clock_offset_ms: self.clock.offset_ms(),
            state,
        }
    }

    /// Forgets everything: batches, scenarios, faults, counters, clock offset.
    pub fn reset(&self) {
        let fresh = SimState::new(self.initial_scenario.clone(), self.batch_expiry_ms);
        self.update(|state| *state = fresh);
        self.faults.clear();
        self.counters.reset();
        self.clock.reset();
    }

    /// Sets the scenario for batches that nothing else chose one for.
    pub fn set_default_scenario(&self, scenario: Scenario) {
        self.update(|s| s.default_scenario = scenario);
    }

    /// The scenario for batches that nothing else chose one for.
    pub fn default_scenario(&self) -> Scenario {
        self.read(|s| s.default_scenario.clone())
    }

    /// Sets (or with `None` removes) the scenario of batches created for `account`.
    pub fn set_account_scenario(&self, account: &str, scenario: Option<Scenario>) {
        self.update(|s| match scenario {
            Some(scenario) => {
                s.account_scenarios.insert(account.to_owned(), scenario);
            }
            None => {
                s.account_scenarios.remove(account);
            }
        });
    }

    /// Sets one batch's scenario; false when there is no such batch.
    pub fn set_batch_scenario(&self, batch_no: &str, scenario: Scenario) -> bool {
        self.update(|s| s.set_batch_scenario(batch_no, scenario))
    }

    /// Moves a submitted batch to its next stage; false when it is not submitted.
    pub fn advance_batch(&self, batch_no: &str) -> bool {
        let now = self.clock.now_ms();
        self.update(|s| s.advance_batch(batch_no, now))
    }

    /// One batch as it stands now.
    pub fn batch(&self, batch_no: &str) -> Option<Batch> {
        let now = self.clock.now_ms();
        self.update(|s| s.view(batch_no, now))
    }

    /// Every batch, oldest first.
    pub fn batches(&self) -> Vec<Batch> {
        let now = self.clock.now_ms();
        self.update(|s| {
            let mut numbers: Vec<String> = s.batches.keys().cloned().collect();
            numbers.sort();
            numbers.iter().filter_map(|b| s.view(b, now)).collect()
        })
    }
}
