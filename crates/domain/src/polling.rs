//! The polling policy (DESIGN §2): when to ask Alipay about an order next, and when to stop.
//!
//! A pure function of the order's status, its milestones and "now"; the worker's tick bounds
//! the effective cadence.

use chrono::{DateTime, TimeDelta, Utc};

use crate::order::{OrderStatus, PollingStopReason, SubmitStep};

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

/// What the policy looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollInput {
    pub status: OrderStatus,
    pub submit_step: SubmitStep,
    /// When the batch was confirmed (start of the overall window).
    pub confirmed_time: Option<DateTime<Utc>>,
    /// When the order entered MERCHANT_CONFIRM (start of the confirm window).
    pub merchant_confirm_time: Option<DateTime<Utc>>,
    pub query_count: u32,
    pub now: DateTime<Utc>,
}

/// The policy's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollDecision {
    /// Query next at this time.
    At(DateTime<Utc>),
    /// Stop polling, for this reason (recorded on the order).
    Stop(PollingStopReason),
    /// Nothing to poll yet (an INIT order still being submitted).
    NotPolled,
}

impl PollingPolicy {
    /// When to query next, or why not to.
    pub fn decide(&self, input: &PollInput) -> PollDecision {
        let now = input.now;
        match input.status {
            OrderStatus::Success | OrderStatus::Closed => {
                PollDecision::Stop(PollingStopReason::Terminal)
            }
            // Only an INIT order whose confirm reply was lost needs a query: to settle it.
            OrderStatus::Init => match input.submit_step {
                SubmitStep::ConfirmSent => PollDecision::At(now + self.first_query_delay),
                SubmitStep::None
                | SubmitStep::BatchCreated
                | SubmitStep::Signed
                | SubmitStep::Confirmed => PollDecision::NotPolled,
            },
            OrderStatus::Submitted
            | OrderStatus::MerchantAuditing
            | OrderStatus::MerchantConfirm => {
                let confirmed = input.confirmed_time.unwrap_or(now);
                if now >= confirmed + self.max_polling {
                    return PollDecision::Stop(PollingStopReason::MaxPollingElapsed);
                }
                if input.status == OrderStatus::MerchantConfirm {
                    let entered = input.merchant_confirm_time.unwrap_or(now);
                    if now >= entered + self.confirm_window {
                        return PollDecision::Stop(PollingStopReason::ConfirmWindowElapsed);
                    }
                    return PollDecision::At(now + self.confirm_interval);
                }
                if input.query_count == 0 {
                    PollDecision::At(confirmed + self.first_query_delay)
                } else {
                    PollDecision::At(now + self.audit_interval)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap()
    }

    fn input(status: OrderStatus, query_count: u32, now: DateTime<Utc>) -> PollInput {
        PollInput {
            status,
            submit_step: if status == OrderStatus::Init {
                SubmitStep::Signed
            } else {
                SubmitStep::Confirmed
            },
            confirmed_time: Some(t0()),
            merchant_confirm_time: None,
            query_count,
            now,
        }
    }

    #[test]
    fn the_first_query_comes_one_minute_after_confirm() {
        let policy = PollingPolicy::default();
        let decision = policy.decide(&input(OrderStatus::Submitted, 0, t0()));
        assert_eq!(decision, PollDecision::At(t0() + TimeDelta::minutes(1)));
    }

    #[test]
    fn submitted_and_auditing_orders_are_polled_every_ten_minutes() {
        let policy = PollingPolicy::default();
        let now = t0() + TimeDelta::hours(3);
        for status in [OrderStatus::Submitted, OrderStatus::MerchantAuditing] {
            assert_eq!(
                policy.decide(&input(status, 4, now)),
                PollDecision::At(now + TimeDelta::minutes(10))
            );
        }
    }

    #[test]
    fn merchant_confirm_is_polled_every_thirty_minutes_until_sixteen_days() {
        let policy = PollingPolicy::default();
        let entered = t0() + TimeDelta::days(2);
        let mut i = input(
            OrderStatus::MerchantConfirm,
            9,
            entered + TimeDelta::days(16) - TimeDelta::seconds(1),
        );
        i.merchant_confirm_time = Some(entered);
        assert_eq!(
            policy.decide(&i),
            PollDecision::At(i.now + TimeDelta::minutes(30))
        );
        i.now = entered + TimeDelta::days(16);
        assert_eq!(
            policy.decide(&i),
            PollDecision::Stop(PollingStopReason::ConfirmWindowElapsed)
        );
    }

    #[test]
    fn polling_stops_thirty_days_after_confirm_whatever_the_state() {
        let policy = PollingPolicy::default();
        let just_before = t0() + TimeDelta::days(30) - TimeDelta::seconds(1);
        assert!(matches!(
            policy.decide(&input(OrderStatus::MerchantAuditing, 3, just_before)),
            PollDecision::At(_)
        ));
        let at_limit = t0() + TimeDelta::days(30);
        assert_eq!(
            policy.decide(&input(OrderStatus::MerchantAuditing, 3, at_limit)),
            PollDecision::Stop(PollingStopReason::MaxPollingElapsed)
        );
    }

    #[test]
    fn terminal_orders_are_never_polled_and_say_why() {
        let policy = PollingPolicy::default();
        for status in [OrderStatus::Success, OrderStatus::Closed] {
            assert_eq!(
                policy.decide(&input(status, 1, t0())),
                PollDecision::Stop(PollingStopReason::Terminal)
            );
        }
    }

    #[test]
    fn an_init_order_is_polled_only_when_its_confirm_reply_was_lost() {
        let policy = PollingPolicy::default();
        let mut i = input(OrderStatus::Init, 0, t0());
        for step in [
            SubmitStep::None,
            SubmitStep::BatchCreated,
            SubmitStep::Signed,
        ] {
            i.submit_step = step;
            assert_eq!(policy.decide(&i), PollDecision::NotPolled);
        }
        i.submit_step = SubmitStep::ConfirmSent;
        assert_eq!(
            policy.decide(&i),
            PollDecision::At(t0() + TimeDelta::minutes(1))
        );
    }

    #[test]
    fn intervals_are_configurable() {
        let policy = PollingPolicy {
            first_query_delay: TimeDelta::seconds(5),
            audit_interval: TimeDelta::seconds(7),
            confirm_interval: TimeDelta::seconds(11),
            confirm_window: TimeDelta::hours(1),
            max_polling: TimeDelta::hours(2),
        };
        assert_eq!(
            policy.decide(&input(OrderStatus::Submitted, 0, t0())),
            PollDecision::At(t0() + TimeDelta::seconds(5))
        );
        assert_eq!(
            policy.decide(&input(OrderStatus::Submitted, 1, t0())),
            PollDecision::At(t0() + TimeDelta::seconds(7))
        );
        let mut i = input(
            OrderStatus::MerchantConfirm,
            2,
            t0() + TimeDelta::minutes(30),
        );
        i.merchant_confirm_time = Some(t0());
        assert_eq!(
            policy.decide(&i),
            PollDecision::At(i.now + TimeDelta::seconds(11))
        );
        i.now = t0() + TimeDelta::hours(2);
        assert_eq!(
            policy.decide(&i),
            PollDecision::Stop(PollingStopReason::MaxPollingElapsed)
        );
    }
}
