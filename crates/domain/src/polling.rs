//! The polling policy (DESIGN §2): when to ask Alipay about an order next, and when to stop.
//!
//! A pure function of the order's status, its milestones and "now"; the worker's tick bounds
//! the effective cadence.

use chrono::TimeDelta;

/// Intervals and limits of the polling policy. Defaults are DESIGN §2's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollingPolicy {
    /// First query after confirm (default 1 minute).
    pub first_query_delay: TimeDelta,
    /// Between queries while SUBMITTED or MERCHANT_AUDITING (default 10 minutes).
    pub audit_interval: TimeDelta,
    /// Between queries while MERCHANT_CONFIRM (default 30 minutes).
    pub confirm_interval: TimeDelta,
    /// Stop this long after entering MERCHANT_CONFIRM (default 16 days).
    pub confirm_window: TimeDelta,
    /// Stop this long after confirm, whatever the state (default 30 days).
    pub max_polling: TimeDelta,
}

impl Default for PollingPolicy {
    fn default() -> Self {
        Self {
            first_query_delay: TimeDelta::minutes(1),
            audit_interval: TimeDelta::minutes(10),
            confirm_interval: TimeDelta::minutes(30),
            confirm_window: TimeDelta::days(16),
            max_polling: TimeDelta::days(30),
        }
    }
}
