//! Aggregate methods after submission: applying Alipay's answers, scheduling polls, and the
//! operator's edit / cancel / supersede.

use chrono::{DateTime, Utc};

use super::{CloseReason, EventKind, FacetofaceOrder, OrderStatus, PollingStopReason, SubmitStep};
use crate::application::ApplicationDetails;
use crate::error::{Action, TransitionError};
use crate::ids::{OrderId, Stamp};
use crate::order::{AlipayOrderStatus, CallOutcome};
use crate::polling::{PollDecision, PollInput, PollingPolicy};
use crate::ports::gateway::{AlipayMethod, GatewayError, OrderQueried};

impl FacetofaceOrder {
    fn count_query(&mut self, stamp: Stamp) {
        self.state.progress.last_query_time = Some(stamp.now);
        self.state.progress.query_count = self.state.progress.query_count.saturating_add(1);
        self.touch(stamp);
    }

    /// Applies an order.query answer (DESIGN §2 mapping): forward jumps are applied, backward
    /// moves and anything after a terminal state are recorded only, unknown values recorded.
    ///
    /// # Errors
    /// The order was never submitted (INIT: settle confirm first).
    pub fn apply_query(
        &mut self,
        stamp: Stamp,
        answer: &OrderQueried,
    ) -> Result<(), TransitionError> {
        if self.state.status == OrderStatus::Init {
            return Err(self.not_allowed(Action::Refresh));
        }
        self.count_query(stamp);
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::ok(AlipayMethod::OrderQuery)),
        );
        self.state.progress.last_error = None;
        self.take_alipay_facts(answer);

        let raw = answer.order_status.as_str().to_owned();
        let hold = answer.order_status == AlipayOrderStatus::MerchantInfoHold;
        if hold != self.state.alipay.needs_correction && !self.state.status.is_terminal() {
            self.state.alipay.needs_correction = hold;
            self.record(
                stamp,
                EventKind::NeedsCorrectionChanged {
                    needs_correction: hold,
                },
            );
        }
        match answer.order_status.target() {
            Some((to, reason)) => self.advance(stamp, to, reason, raw),
            None => {
                if let AlipayOrderStatus::Other(_) = answer.order_status {
                    self.record(stamp, EventKind::UnknownAlipayStatus { alipay_status: raw });
                }
            }
        }
        Ok(())
    }

    fn take_alipay_facts(&mut self, answer: &OrderQueried) {
        let alipay = &mut self.state.alipay;
        alipay.alipay_order_status = Some(answer.order_status.as_str().to_owned());
        let keep = |slot: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                slot.clone_from(value);
            }
        };
        keep(&mut alipay.order_no, &answer.order_no);
        keep(&mut alipay.merchant_pid, &answer.merchant_pid);
        keep(&mut alipay.confirm_url, &answer.confirm_url);
        keep(&mut alipay.reject_reason, &answer.reject_reason);
        if !answer.restrict_infos.is_empty() {
            alipay.restrict_infos.clone_from(&answer.restrict_infos);
        }
        if let Some(product) = answer.face_to_face() {
            alipay.product_status = Some(product.status.clone());
            keep(&mut alipay.product_reject_reason, &product.reject_reason);
        }
    }

    fn advance(&mut self, stamp: Stamp, to: OrderStatus, reason: Option<CloseReason>, raw: String) {
        let from = self.state.status;
        if from == to {
            return;
        }
        if from.is_terminal() || to.rank() <= from.rank() {
            self.record(
                stamp,
                EventKind::BackwardMoveIgnored {
                    current: from,
                    alipay_status: raw,
                },
            );
            return;
        }
        self.state.status = to;
        match to {
            OrderStatus::MerchantConfirm => {
                self.state.progress.merchant_confirm_time = Some(stamp.now)
            }
            OrderStatus::Closed => self.state.close_reason = reason,
            OrderStatus::Success => self.state.alipay.needs_correction = false,
            OrderStatus::Init | OrderStatus::Submitted | OrderStatus::MerchantAuditing => {}
        }
        self.record(
            stamp,
            EventKind::StatusChanged {
                from,
                to,
                alipay_status: Some(raw),
            },
        );
    }

    /// Records a failed order.query (the attempt counts as a query).
    pub fn query_failed(&mut self, stamp: Stamp, error: &GatewayError) {
        self.count_query(stamp);
        self.call_failed(stamp, AlipayMethod::OrderQuery, error);
    }

    /// Sets `next_query_time` from the polling policy, or stops polling with a recorded reason.
    pub fn schedule(&mut self, stamp: Stamp, policy: &PollingPolicy) {
        let progress = &self.state.progress;
        let decision = policy.decide(&PollInput {
            status: self.state.status,
            submit_step: progress.submit_step,
            confirmed_time: progress.confirmed_time,
            merchant_confirm_time: progress.merchant_confirm_time,
            query_count: progress.query_count,
            now: stamp.now,
        });
        match decision {
            PollDecision::At(time) => self.state.progress.next_query_time = Some(time),
            PollDecision::NotPolled => self.state.progress.next_query_time = None,
            PollDecision::Stop(reason) => self.stop_polling(stamp, reason),
        }
    }

    fn stop_polling(&mut self, stamp: Stamp, reason: PollingStopReason) {
        self.state.progress.next_query_time = None;
        if self.state.progress.polling_stopped_reason != Some(reason) {
            self.state.progress.polling_stopped_time = Some(stamp.now);
            self.state.progress.polling_stopped_reason = Some(reason);
            self.record(stamp, EventKind::PollingStopped { reason });
        }
    }

    /// Whether the worker has given up on this order (a manual refresh restarts it).
    pub fn polling_stopped(&self) -> bool {
        self.state.progress.polling_stopped_reason.is_some()
    }

    /// A manual refresh of an order whose polling stopped (but that is not terminal) restarts
    /// polling; the policy decides from the refreshed state.
    pub fn resume_polling(&mut self, stamp: Stamp) {
        if self.state.progress.polling_stopped_reason.is_some() && !self.state.status.is_terminal()
        {
            self.state.progress.polling_stopped_reason = None;
            self.state.progress.polling_stopped_time = None;
            self.record(stamp, EventKind::PollingResumed);
        }
    }

    /// Replaces the application's fields of an INIT order before (re)submission. A batch that
    /// was created with the old data is abandoned, so Alipay never sees a mix.
    ///
    /// # Errors
    /// Not INIT, or confirm may already have reached Alipay.
    pub fn edit(
        &mut self,
        stamp: Stamp,
        details: ApplicationDetails,
        fields: Vec<String>,
    ) -> Result<(), TransitionError> {
        let step = self.state.progress.submit_step;
        if self.state.status != OrderStatus::Init
            || matches!(step, SubmitStep::ConfirmSent | SubmitStep::Confirmed)
        {
            return Err(self.not_allowed(Action::Edit));
        }
        if step != SubmitStep::None {
            self.abandon_batch(stamp, "application edited")?;
        }
        self.state.details = details;
        self.touch(stamp);
        self.record(stamp, EventKind::Edited { fields });
        Ok(())
    }

    /// Closes an INIT order at the operator's request (any live batch was cancelled first).
    ///
    /// # Errors
    /// Not INIT, or confirm may already have reached Alipay.
    pub fn cancel(&mut self, stamp: Stamp) -> Result<(), TransitionError> {
        let step = self.state.progress.submit_step;
        if self.state.status != OrderStatus::Init
            || matches!(step, SubmitStep::ConfirmSent | SubmitStep::Confirmed)
        {
            return Err(self.not_allowed(Action::Cancel));
        }
        self.close(stamp, CloseReason::Cancelled);
        Ok(())
    }

    /// Whether a re-application may replace this order: CLOSED, or held by Alipay for
    /// correction.
    pub fn can_be_reapplied(&self) -> bool {
        self.state.superseded_by.is_none()
            && (self.state.status == OrderStatus::Closed || self.state.alipay.needs_correction)
    }

    /// Links this order to the re-application that replaces it and closes it as superseded.
    ///
    /// # Errors
    /// Neither CLOSED nor `needs_correction`, or already superseded.
    pub fn supersede(&mut self, stamp: Stamp, by: OrderId) -> Result<(), TransitionError> {
        if !self.can_be_reapplied() {
            return Err(self.not_allowed(Action::Reapply));
        }
        self.state.superseded_by = Some(by);
        self.record(stamp, EventKind::SupersededBy { order_id: by });
        self.close(stamp, CloseReason::Superseded);
        Ok(())
    }

    fn close(&mut self, stamp: Stamp, reason: CloseReason) {
        let from = self.state.status;
        self.state.status = OrderStatus::Closed;
        self.state.close_reason = Some(reason);
        self.state.progress.next_query_time = None;
        self.touch(stamp);
        if from != OrderStatus::Closed {
            self.record(
                stamp,
                EventKind::StatusChanged {
                    from,
                    to: OrderStatus::Closed,
                    alipay_status: None,
                },
            );
        }
        self.record(stamp, EventKind::Closed { reason });
        self.stop_polling(stamp, PollingStopReason::Terminal);
    }

    /// `next_query_time`, for callers that report schedules.
    pub fn next_query_time(&self) -> Option<DateTime<Utc>> {
        self.state.progress.next_query_time
    }
}
