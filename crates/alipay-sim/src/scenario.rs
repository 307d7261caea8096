//! Scenarios: how a submitted application moves through Alipay's `order_status` values.
//!
//! A scenario is a fixed sequence of stages (e.g. approve: MERCHANT_AUDITING →
//! MERCHANT_CONFIRM → MERCHANT_CONFIRM_SUCCESS). A stage other than the last one ends after
//! a number of `order.query` answers in it, or a number of (simulated) seconds in it,
//! whichever comes first; with neither set it lasts until the admin API advances it.

use serde::{Deserialize, Serialize};

use crate::clock::Millis;

/// What happens to an application after confirm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioKind {
    /// MERCHANT_AUDITING → MERCHANT_CONFIRM (confirm_url) → MERCHANT_CONFIRM_SUCCESS.
    Approve,
    /// MERCHANT_AUDITING → MERCHANT_APPLY_ORDER_CANCELED with a reject_reason.
    Reject,
    /// MERCHANT_INFO_HOLD with reasons, straight away.
    Hold,
    /// MERCHANT_AUDITING → MERCHANT_CONFIRM → MERCHANT_CONFIRM_TIME_OUT.
    MerchantTimeout,
}

/// Alipay's application (申请单) status, as `order.query` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    MerchantInfoHold,
    MerchantAuditing,
    MerchantConfirm,
    MerchantConfirmSuccess,
    MerchantConfirmTimeOut,
    MerchantApplyOrderCanceled,
}

impl OrderStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MerchantInfoHold => "MERCHANT_INFO_HOLD",
            Self::MerchantAuditing => "MERCHANT_AUDITING",
            Self::MerchantConfirm => "MERCHANT_CONFIRM",
            Self::MerchantConfirmSuccess => "MERCHANT_CONFIRM_SUCCESS",
            Self::MerchantConfirmTimeOut => "MERCHANT_CONFIRM_TIME_OUT",
            Self::MerchantApplyOrderCanceled => "MERCHANT_APPLY_ORDER_CANCELED",
        }
    }

    /// The FACE_TO_FACE_PAYMENT product status that goes with this order status.
    pub fn product_status(self) -> &'static str {
        match self {
            Self::MerchantInfoHold | Self::MerchantAuditing => "audit",
            Self::MerchantConfirm => "waitConfirm",
            Self::MerchantConfirmSuccess => "valid",
            Self::MerchantConfirmTimeOut => "invalid",
            Self::MerchantApplyOrderCanceled => "auditReject",
        }
    }
}

fn default_stage_queries() -> Option<u32> {
    Some(1)
}

fn default_reject_reason() -> String {
    "营业执照图片模糊，请重新上传清晰的证照".to_owned()
}

fn default_hold_reasons() -> Vec<String> {
    vec!["门头照与经营场所不符，请补充材料".to_owned()]
}

/// A scenario and its timing. JSON form (every field but `kind` optional):
/// `{"kind":"approve","audit_queries":1,"confirm_queries":1,"audit_secs":null,"confirm_secs":null}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub kind: ScenarioKind,
    /// `order.query` answers given in MERCHANT_AUDITING before moving on (None or 0: not by count).
    #[serde(default = "default_stage_queries")]
    pub audit_queries: Option<u32>,
    /// Seconds spent in MERCHANT_AUDITING before moving on (None: not by time).
    #[serde(default)]
    pub audit_secs: Option<u64>,
    /// `order.query` answers given in MERCHANT_CONFIRM before moving on.
    #[serde(default = "default_stage_queries")]
    pub confirm_queries: Option<u32>,
    /// Seconds spent in MERCHANT_CONFIRM before moving on.
    #[serde(default)]
    pub confirm_secs: Option<u64>,
    /// reject_reason of the reject scenario.
    #[serde(default = "default_reject_reason")]
    pub reject_reason: String,
    /// Reasons given by the hold scenario.
    #[serde(default = "default_hold_reasons")]
    pub hold_reasons: Vec<String>,
    /// confirm also answers an app authorisation token (app_auth_token, app_refresh_token,
    /// auth_app_id, user_id, expires_in, re_expires_in) when the application asked for
    /// `sign_and_auth`. Alipay documents those fields for confirm but not when they are filled
    /// (API.md §6.2), so this is off by default; turn it on to exercise a client's token path.
    #[serde(default)]
    pub confirm_returns_token: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self::of(ScenarioKind::Approve)
    }
}

impl Scenario {
    /// `kind` with the default timing: one query per stage.
    pub fn of(kind: ScenarioKind) -> Self {
        Self {
            kind,
            audit_queries: default_stage_queries(),
            audit_secs: None,
            confirm_queries: default_stage_queries(),
            confirm_secs: None,
            reject_reason: default_reject_reason(),
            hold_reasons: default_hold_reasons(),
            confirm_returns_token: false,
        }
    }

    /// The same timing with another kind (used by account markers).
    pub fn with_kind(&self, kind: ScenarioKind) -> Self {
        Self {
            kind,
            ..self.clone()
        }
    }

    /// The statuses this scenario walks through, in order.
    pub fn stages(&self) -> &'static [OrderStatus] {
        use OrderStatus as S;
        match self.kind {
            ScenarioKind::Approve => &[
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::MerchantConfirmSuccess,
            ],
            ScenarioKind::Reject => &[S::MerchantAuditing, S::MerchantApplyOrderCanceled],
            ScenarioKind::Hold => &[S::MerchantInfoHold],
            ScenarioKind::MerchantTimeout => &[
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::MerchantConfirmTimeOut,
            ],
        }
    }

    /// How stage `index` ends: (queries, seconds).
    fn limits(&self, index: usize) -> (Option<u32>, Option<u64>) {
        let status = self.stages().get(index).copied();
        match status {
            Some(OrderStatus::MerchantAuditing) => (self.audit_queries, self.audit_secs),
            Some(OrderStatus::MerchantConfirm) => (self.confirm_queries, self.confirm_secs),
            Some(
                OrderStatus::MerchantInfoHold
                | OrderStatus::MerchantConfirmSuccess
                | OrderStatus::MerchantConfirmTimeOut
                | OrderStatus::MerchantApplyOrderCanceled,
            )
            | None => (None, None),
        }
    }
}

/// The scenario named by a marker in an account or shop name: `sim-approve`, `sim-reject`,
/// `sim-hold`, `sim-timeout` (case-insensitive, anywhere in the text).
pub fn marker_in(text: &str) -> Option<ScenarioKind> {
    let lower = text.to_ascii_lowercase();
    [
        ("sim-reject", ScenarioKind::Reject),
        ("sim-hold", ScenarioKind::Hold),
        ("sim-timeout", ScenarioKind::MerchantTimeout),
        ("sim-approve", ScenarioKind::Approve),
    ]
    .into_iter()
    .find(|(marker, _)| lower.contains(marker))
    .map(|(_, kind)| kind)
}

/// Where an application is in its scenario. Persisted with the batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Index into [`Scenario::stages`].
    pub stage: usize,
    /// When the current stage began.
    pub entered_ms: Millis,
    /// `order.query` answers given in the current stage.
    pub stage_queries: u32,
    /// `order.query` answers given since confirm.
    pub total_queries: u64,
}

impl Progress {
    /// A fresh application, confirmed at `now`.
    pub fn start(now: Millis) -> Self {
        Self {
            stage: 0,
            entered_ms: now,
            stage_queries: 0,
            total_queries: 0,
        }
    }

    /// The current status under `scenario` (the stage index is clamped, so a scenario
    /// switched to a shorter one by the admin API shows its last stage).
    pub fn status(&self, scenario: &Scenario) -> OrderStatus {
        let stages = scenario.stages();
        let last = stages.len().saturating_sub(1);
        stages
            .get(self.stage.min(last))
            .copied()
            .unwrap_or(OrderStatus::MerchantAuditing)
    }

    fn is_last(&self, scenario: &Scenario) -> bool {
        self.stage + 1 >= scenario.stages().len()
    }

    fn enter_next(&mut self, at: Millis) {
        self.stage += 1;
        self.entered_ms = at;
        self.stage_queries = 0;
    }

    /// Lets simulated time act: advances every stage whose time limit has passed.
    pub fn catch_up(&mut self, scenario: &Scenario, now: Millis) {
        while !self.is_last(scenario) {
            let (_, secs) = scenario.limits(self.stage);
            let Some(secs) = secs else { break };
            let ends = self
                .entered_ms
                .saturating_add(i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX));
            if now < ends {
                break;
            }
            self.enter_next(ends);
        }
    }

    /// One `order.query` at `now`: returns the status to answer with, then moves on if this
    /// answer used up the stage's query allowance.
    pub fn on_query(&mut self, scenario: &Scenario, now: Millis) -> OrderStatus {
        self.catch_up(scenario, now);
        self.stage_queries = self.stage_queries.saturating_add(1);
        self.total_queries = self.total_queries.saturating_add(1);
        let answered = self.status(scenario);
        let (queries, _) = scenario.limits(self.stage);
        if let Some(limit) = queries.filter(|n| *n > 0)
            && self.stage_queries >= limit
            && !self.is_last(scenario)
        {
            self.enter_next(now);
        }
        answered
    }

    /// Forces the next stage (admin API).
    pub fn advance(&mut self, scenario: &Scenario, now: Millis) {
        if !self.is_last(scenario) {
            self.enter_next(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus as S;

    fn walk(scenario: &Scenario, queries: usize) -> Vec<OrderStatus> {
        let mut progress = Progress::start(0);
        (0..queries)
            .map(|_| progress.on_query(scenario, 0))
            .collect()
    }

    #[test]
    fn approve_by_default_moves_one_stage_per_query_and_stays_at_success() {
        let got = walk(&Scenario::of(ScenarioKind::Approve), 4);
        assert_eq!(
            got,
            [
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::MerchantConfirmSuccess,
                S::MerchantConfirmSuccess
            ]
        );
    }

    #[test]
    fn audit_queries_sets_how_many_answers_show_auditing() {
        let scenario = Scenario {
            audit_queries: Some(3),
            confirm_queries: Some(2),
            ..Scenario::of(ScenarioKind::Approve)
        };
        let got = walk(&scenario, 6);
        assert_eq!(
            got,
            [
                S::MerchantAuditing,
                S::MerchantAuditing,
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::MerchantConfirm,
                S::MerchantConfirmSuccess
            ]
        );
    }

    #[test]
    fn reject_hold_and_timeout_end_in_their_own_status() {
        assert_eq!(
            walk(&Scenario::of(ScenarioKind::Reject), 3),
            [
                S::MerchantAuditing,
                S::MerchantApplyOrderCanceled,
                S::MerchantApplyOrderCanceled
            ]
        );
        assert_eq!(
            walk(&Scenario::of(ScenarioKind::Hold), 2),
            [S::MerchantInfoHold, S::MerchantInfoHold]
        );
        assert_eq!(
            walk(&Scenario::of(ScenarioKind::MerchantTimeout), 3),
            [
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::MerchantConfirmTimeOut
            ]
        );
    }

    #[test]
    fn time_limits_advance_stages_without_queries() {
        let scenario = Scenario {
            audit_queries: None,
            audit_secs: Some(60),
            confirm_queries: None,
            confirm_secs: Some(60),
            ..Scenario::of(ScenarioKind::Approve)
        };
        let mut progress = Progress::start(0);
        assert_eq!(progress.on_query(&scenario, 59_000), S::MerchantAuditing);
        assert_eq!(progress.on_query(&scenario, 60_000), S::MerchantConfirm);
        assert_eq!(progress.on_query(&scenario, 119_999), S::MerchantConfirm);
        assert_eq!(
            progress.on_query(&scenario, 500_000),
            S::MerchantConfirmSuccess
        );
    }

    #[test]
    fn with_neither_limit_a_stage_waits_for_the_admin() {
        let scenario = Scenario {
            audit_queries: None,
            ..Scenario::of(ScenarioKind::Approve)
        };
        let mut progress = Progress::start(0);
        for _ in 0..5 {
            assert_eq!(progress.on_query(&scenario, 1_000_000), S::MerchantAuditing);
        }
        progress.advance(&scenario, 1_000_000);
        assert_eq!(progress.on_query(&scenario, 1_000_000), S::MerchantConfirm);
    }

    #[test]
    fn markers_pick_a_scenario_case_insensitively() {
        assert_eq!(
            marker_in("SIM-REJECT@example.com"),
            Some(ScenarioKind::Reject)
        );
        assert_eq!(marker_in("店 sim-hold"), Some(ScenarioKind::Hold));
        assert_eq!(
            marker_in("a-sim-timeout@x.cn"),
            Some(ScenarioKind::MerchantTimeout)
        );
        assert_eq!(marker_in("merchant@example.com"), None);
    }

    #[test]
    fn a_scenario_parses_from_json_with_defaults() {
        let s: Scenario = serde_json::from_str(r#"{"kind":"merchant_timeout"}"#).unwrap();
        assert_eq!(s, Scenario::of(ScenarioKind::MerchantTimeout));
    }
}
