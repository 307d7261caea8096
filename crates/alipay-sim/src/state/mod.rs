//! Batches (Alipay's agent "transactions") and their semantics: init → submit | cancel |
//! timeout, the application attached by facetoface.sign, and the scenario that drives the
//! application after confirm. Pure state: no I/O, no signing; callers hold the lock only
//! for these calls.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::clock::{Millis, china_time};
use crate::scenario::{OrderStatus, Progress, Scenario, marker_in};

/// A batch's transaction status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BatchStatus {
    Init,
    Submit,
    Cancel,
    Timeout,
}

impl BatchStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Init => "init",
            Self::Submit => "submit",
            Self::Cancel => "cancel",
            Self::Timeout => "timeout",
        }
    }
}

/// What facetoface.sign attached to a batch (what the tests may want to look at).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub mcc_code: String,
    pub rate: Option<String>,
    pub sign_and_auth: bool,
    pub shop_name: Option<String>,
    /// Image field → size in bytes.
    pub images: BTreeMap<String, usize>,
}

/// One batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub batch_no: String,
    pub app_id: String,
    pub account: String,
    pub created_ms: Millis,
    pub status: BatchStatus,
    pub application: Option<Application>,
    pub order_no: Option<String>,
    pub merchant_pid: String,
    pub confirmed_ms: Option<Millis>,
    /// Fixed at confirm, or set by the admin API for this batch.
    pub scenario: Option<Scenario>,
    pub progress: Option<Progress>,
}

/// A business failure (code 40004) with Alipay's sub_code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BizError {
    pub sub_code: &'static str,
    pub sub_msg: String,
}

impl BizError {
    pub fn new(sub_code: &'static str, sub_msg: impl Into<String>) -> Self {
        Self {
            sub_code,
            sub_msg: sub_msg.into(),
        }
    }
}

/// An app authorisation granted at confirm (only with `confirm_returns_token`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenGrant {
    pub app_auth_token: String,
    pub app_refresh_token: String,
    pub auth_app_id: String,
    pub user_id: String,
    pub expires_in: String,
    pub re_expires_in: String,
}

/// What confirm answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmed {
    pub order_no: String,
    pub token: Option<TokenGrant>,
}

/// What order.query reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryView {
    pub order_no: String,
    pub merchant_pid: String,
    pub status: OrderStatus,
    pub reject_reason: Option<String>,
    pub hold_reasons: Vec<String>,
}

/// Everything the simulator remembers (and persists).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimState {
    pub seq: u64,
    pub batches: HashMap<String, Batch>,
    pub default_scenario: Scenario,
    /// Scenario for batches created for an account (admin API), checked before markers.
    pub account_scenarios: BTreeMap<String, Scenario>,
    /// How long an `init` batch lives.
    pub batch_expiry_ms: Millis,
}

impl SimState {
    pub fn new(default_scenario: Scenario, batch_expiry_ms: Millis) -> Self {
        Self {
            seq: 0,
            batches: HashMap::new(),
            default_scenario,
            account_scenarios: BTreeMap::new(),
            batch_expiry_ms,
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// alipay.open.agent.create: a fresh `init` batch.
    pub fn create(&mut self, app_id: &str, account: &str, now: Millis) -> Batch {
        let seq = self.next_seq();
        // 14 digits of China time + 11 of sequence = 25, Alipay's batch_no length.
        let batch_no = format!(
            "{}{:011}",
            china_time(now).format("%Y%m%d%H%M%S"),
            seq % 100_000_000_000
        );
        let batch = Batch {
            batch_no: batch_no.clone(),
            app_id: app_id.to_owned(),
            account: account.to_owned(),
            created_ms: now,
            status: BatchStatus::Init,
            application: None,
            order_no: None,
            merchant_pid: merchant_pid_for(account),
            confirmed_ms: None,
            scenario: None,
            progress: None,
        };
        self.batches.insert(batch_no, batch.clone());
        batch
    }

    /// The batch named in a call, after the checks every batch method shares, with its
    /// one-hour expiry applied.
    fn batch_for(
        &mut self,
        app_id: &str,
        batch_no: &str,
        now: Millis,
    ) -> Result<&mut Batch, BizError> {
        if batch_no.trim().is_empty() {
            return Err(BizError::new("INVALID_BATCH_NO", "batch_no不能为空"));
        }
        let expiry = self.batch_expiry_ms;
        let batch = self
            .batches
            .get_mut(batch_no)
            .ok_or_else(|| BizError::new("BATCH_IS_NOT_EXIST", "事务不存在"))?;
        if batch.app_id != app_id {
            return Err(BizError::new("NO_APP_PERMISSION", "无权限操作该事务"));
        }
        if batch.status == BatchStatus::Init && now.saturating_sub(batch.created_ms) >= expiry {
            batch.status = BatchStatus::Timeout;
        }
        Ok(batch)
    }

    fn init_batch(
        &mut self,
        app_id: &str,
        batch_no: &str,
        now: Millis,
    ) -> Result<&mut Batch, BizError> {
        let batch = self.batch_for(app_id, batch_no, now)?;
        if batch.status != BatchStatus::Init {
            return Err(BizError::new(
                "BATCH_STATUS_IS_FINAL",
                format!("事务状态已终结：{}", batch.status.as_str()),
            ));
        }
        Ok(batch)
    }

    /// alipay.open.agent.facetoface.sign: attach (or replace) the application.
    ///
    /// # Errors
    /// The shared batch errors, `BATCH_STATUS_IS_FINAL` unless `init`.
    pub fn sign(
        &mut self,
        app_id: &str,
        batch_no: &str,
        application: Application,
        now: Millis,
    ) -> Result<(), BizError> {
        let batch = self.init_batch(app_id, batch_no, now)?;
        batch.application = Some(application);
        Ok(())
    }

    /// alipay.open.agent.confirm: submit; returns the order_no (and a token when the
    /// scenario grants one).
    ///
    /// # Errors
    /// The shared batch errors, `BATCH_STATUS_IS_FINAL` unless `init`, `BATCH_IS_EMPTY`
    /// without a signed application.
    pub fn confirm(
        &mut self,
        app_id: &str,
        batch_no: &str,
        now: Millis,
    ) -> Result<Confirmed, BizError> {
        let seq = self.next_seq();
        let default = self.default_scenario.clone();
        let by_account = self.account_scenarios.clone();
        let batch = self.init_batch(app_id, batch_no, now)?;
        let Some(application) = &batch.application else {
            return Err(BizError::new("BATCH_IS_EMPTY", "事务中没有需要提交的业务"));
        };
        let scenario = batch.scenario.clone().unwrap_or_else(|| {
            by_account.get(&batch.account).cloned().unwrap_or_else(|| {
                marker_in(&batch.account)
                    .or_else(|| application.shop_name.as_deref().and_then(marker_in))
                    .map_or_else(|| default.clone(), |kind| default.with_kind(kind))
            })
        });
        let order_no = format!("{}{:015}", china_time(now).format("%Y%m%d"), seq);
        let token = (scenario.confirm_returns_token && application.sign_and_auth).then(|| {
            let month = china_time(now).format("%Y%m");
            TokenGrant {
                app_auth_token: format!("{month}BB{seq:024x}"),
                app_refresh_token: format!("{month}BR{seq:024x}"),
                auth_app_id: format!("2021{:012}", seq % 1_000_000_000_000),
                user_id: batch.merchant_pid.clone(),
                expires_in: "31536000".to_owned(),
                re_expires_in: "32140800".to_owned(),
            }
        });
        batch.status = BatchStatus::Submit;
        batch.order_no = Some(order_no.clone());
        batch.confirmed_ms = Some(now);
        batch.scenario = Some(scenario);
        batch.progress = Some(Progress::start(now));
        Ok(Confirmed { order_no, token })
    }

    /// alipay.open.agent.cancel.
    ///
    /// # Errors
    /// The shared batch errors, `BATCH_STATUS_IS_FINAL` unless `init`.
    pub fn cancel(&mut self, app_id: &str, batch_no: &str, now: Millis) -> Result<(), BizError> {
        let batch = self.init_batch(app_id, batch_no, now)?;
        batch.status = BatchStatus::Cancel;
        Ok(())
    }

    /// alipay.open.agent.order.query: one more query of a submitted batch.
    ///
    /// # Errors
    /// The shared batch errors, `BATCH_STATUS_NOT_SUBMIT` unless `submit`.
    pub fn query(
        &mut self,
        app_id: &str,
        batch_no: &str,
        now: Millis,
    ) -> Result<QueryView, BizError> {
        let batch = self.batch_for(app_id, batch_no, now)?;
        let (BatchStatus::Submit, Some(order_no), Some(scenario), Some(progress)) = (
            batch.status,
            batch.order_no.clone(),
            batch.scenario.as_ref(),
            batch.progress.as_mut(),
        ) else {
            return Err(BizError::new("BATCH_STATUS_NOT_SUBMIT", "事务未提交"));
        };
        let status = progress.on_query(scenario, now);
        Ok(QueryView {
            order_no,
            merchant_pid: batch.merchant_pid.clone(),
            status,
            reject_reason: (status == OrderStatus::MerchantApplyOrderCanceled)
                .then(|| scenario.reject_reason.clone()),
            hold_reasons: if status == OrderStatus::MerchantInfoHold {
                scenario.hold_reasons.clone()
            } else {
                Vec::new()
            },
        })
    }

    /// A batch as it stands now (expiry applied), for the admin API.
    pub fn view(&mut self, batch_no: &str, now: Millis) -> Option<Batch> {
        let expiry = self.batch_expiry_ms;
        let batch = self.batches.get_mut(batch_no)?;
        if batch.status == BatchStatus::Init && now.saturating_sub(batch.created_ms) >= expiry {
            batch.status = BatchStatus::Timeout;
        }
        if let (Some(scenario), Some(progress)) = (&batch.scenario, batch.progress.as_mut()) {
            progress.catch_up(scenario, now);
        }
        Some(batch.clone())
    }

    /// Sets the scenario of one batch (before or after confirm). False if no such batch.
    pub fn set_batch_scenario(&mut self, batch_no: &str, scenario: Scenario) -> bool {
        match self.batches.get_mut(batch_no) {
            Some(batch) => {
                batch.scenario = Some(scenario);
                true
            }
            None => false,
        }
    }

    /// Moves a submitted batch's application to its next stage. False if not submitted.
    pub fn advance_batch(&mut self, batch_no: &str, now: Millis) -> bool {
        match self.batches.get_mut(batch_no) {
            Some(Batch {
                scenario: Some(scenario),
                progress: Some(progress),
                ..
            }) => {
                progress.advance(scenario, now);
                true
            }
            _ => false,
        }
    }
}

/// The account itself when it is a PID, else a stable made-up 2088… PID for it.
fn merchant_pid_for(account: &str) -> String {
    if account.len() == 16
        && account.starts_with("2088")
        && account.bytes().all(|b| b.is_ascii_digit())
    {
        return account.to_owned();
    }
    // FNV-1a: stable across runs (std's hasher is randomly seeded).
    let hash = account.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("2088{:012}", hash % 1_000_000_000_000)
}

#[cfg(test)]
mod tests;
