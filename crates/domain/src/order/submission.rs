//! Aggregate methods for the create → sign → confirm submission (DESIGN §2 "Submission").

use chrono::{DateTime, TimeDelta, Utc};

use super::{EventKind, FacetofaceOrder, LastError, OrderStatus, SubmitStep};
use crate::error::{Action, TransitionError};
use crate::ids::Stamp;
use crate::order::CallOutcome;
use crate::ports::gateway::{AlipayMethod, BatchCreated, Confirmed, GatewayError};

impl FacetofaceOrder {
    fn require_step(&self, action: Action, step: SubmitStep) -> Result<(), TransitionError> {
        if self.state.status == OrderStatus::Init && self.state.progress.submit_step == step {
            Ok(())
        } else {
            Err(self.not_allowed(action))
        }
    }

    pub(crate) fn not_allowed(&self, action: Action) -> TransitionError {
        TransitionError::NotAllowed {
            action,
            status: self.state.status,
            step: self.state.progress.submit_step,
        }
    }

    fn reach_step(&mut self, stamp: Stamp, step: SubmitStep) {
        self.state.progress.submit_step = step;
        self.touch(stamp);
        let batch_no = self.state.alipay.batch_no.clone();
        self.record(stamp, EventKind::StepReached { step, batch_no });
    }

    /// Whether the current batch is older than `ttl` (the service's 55-minute rule; Alipay
    /// expires an unconfirmed batch after one hour).
    pub fn batch_expired(&self, now: DateTime<Utc>, ttl: TimeDelta) -> bool {
        self.state
            .progress
            .batch_created_time
            .is_some_and(|created| now - created >= ttl)
    }

    /// `alipay.open.agent.create` succeeded.
    ///
    /// # Errors
    /// Not INIT, or a batch already exists.
    pub fn batch_created(
        &mut self,
        stamp: Stamp,
        created: BatchCreated,
    ) -> Result<(), TransitionError> {
        self.require_step(Action::CreateBatch, SubmitStep::None)?;
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::ok(AlipayMethod::Create)),
        );
        self.state.alipay.batch_no = Some(created.batch_no);
        self.state.progress.batch_created_time = Some(stamp.now);
        self.state.progress.last_error = None;
        self.reach_step(stamp, SubmitStep::BatchCreated);
        Ok(())
    }

    /// `alipay.open.agent.facetoface.sign` succeeded.
    ///
    /// # Errors
    /// The batch is not at `batch_created`.
    pub fn signed(&mut self, stamp: Stamp) -> Result<(), TransitionError> {
        self.require_step(Action::Sign, SubmitStep::BatchCreated)?;
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::ok(AlipayMethod::FacetofaceSign)),
        );
        self.state.progress.last_error = None;
        self.reach_step(stamp, SubmitStep::Signed);
        Ok(())
    }

    /// Marks that confirm is about to be called. Persist before calling Alipay: from here on
    /// only a query can tell whether the batch was submitted.
    ///
    /// # Errors
    /// The batch is not at `signed`.
    pub fn confirm_sending(&mut self, stamp: Stamp) -> Result<(), TransitionError> {
        self.require_step(Action::Confirm, SubmitStep::Signed)?;
        self.reach_step(stamp, SubmitStep::ConfirmSent);
        Ok(())
    }

    /// `alipay.open.agent.confirm` succeeded: the order is SUBMITTED.
    ///
    /// # Errors
    /// Confirm was not marked as sent.
    pub fn confirmed(&mut self, stamp: Stamp, confirmed: Confirmed) -> Result<(), TransitionError> {
        self.require_step(Action::Confirm, SubmitStep::ConfirmSent)?;
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::ok(AlipayMethod::Confirm)),
        );
        if confirmed.order_no.is_some() {
            self.state.alipay.order_no = confirmed.order_no;
        }
        if confirmed.app_auth_token.is_some() {
            self.state.alipay.app_auth_token = confirmed.app_auth_token;
        }
        if confirmed.user_id.is_some() {
            self.state.alipay.merchant_pid = confirmed.user_id;
        }
        self.enter_submitted(stamp, None);
        Ok(())
    }

    /// A query answered for a batch whose confirm reply was lost: confirm went through.
    /// The caller then applies the query's content with [`FacetofaceOrder::apply_query`].
    ///
    /// # Errors
    /// Confirm was not marked as sent.
    pub fn confirm_settled_by_query(&mut self, stamp: Stamp) -> Result<(), TransitionError> {
        self.require_step(Action::SettleConfirm, SubmitStep::ConfirmSent)?;
        self.enter_submitted(
            stamp,
            Some("confirm reply lost; order.query shows the batch submitted"),
        );
        Ok(())
    }

    fn enter_submitted(&mut self, stamp: Stamp, note: Option<&str>) {
        self.state.progress.last_error = None;
        self.state.progress.confirmed_time = Some(stamp.now);
        self.reach_step(stamp, SubmitStep::Confirmed);
        self.state.status = OrderStatus::Submitted;
        self.record(
            stamp,
            EventKind::StatusChanged {
                from: OrderStatus::Init,
                to: OrderStatus::Submitted,
                alipay_status: note.map(str::to_owned),
            },
        );
    }

    /// A query answered `BATCH_STATUS_NOT_SUBMIT` for a batch whose confirm reply was lost:
    /// confirm did not reach Alipay. Back to `signed` (confirm may be sent again on the same
    /// batch while it is young).
    ///
    /// # Errors
    /// Confirm was not marked as sent.
    pub fn confirm_not_received(&mut self, stamp: Stamp) -> Result<(), TransitionError> {
        self.require_step(Action::SettleConfirm, SubmitStep::ConfirmSent)?;
        let batch_no = self.state.alipay.batch_no.clone().unwrap_or_default();
        self.record(stamp, EventKind::ConfirmNotReceived { batch_no });
        self.reach_step(stamp, SubmitStep::Signed);
        Ok(())
    }

    /// Gives up the current unconfirmed batch (too old, dead at Alipay, or its data was
    /// edited); the next submission starts with a new batch. The old number stays in the
    /// timeline.
    ///
    /// # Errors
    /// Not INIT, or confirm may already have gone through (`confirm_sent`, `confirmed`).
    pub fn abandon_batch(&mut self, stamp: Stamp, reason: &str) -> Result<(), TransitionError> {
        let step = self.state.progress.submit_step;
        if self.state.status != OrderStatus::Init
            || matches!(step, SubmitStep::ConfirmSent | SubmitStep::Confirmed)
        {
            return Err(self.not_allowed(Action::Resume));
        }
        if let Some(batch_no) = self.state.alipay.batch_no.take() {
            self.record(
                stamp,
                EventKind::BatchAbandoned {
                    batch_no,
                    reason: reason.to_owned(),
                },
            );
        }
        self.state.progress.batch_created_time = None;
        if step != SubmitStep::None {
            self.reach_step(stamp, SubmitStep::None);
        }
        Ok(())
    }

    /// Records a failed Alipay call on the order and its timeline.
    pub fn call_failed(&mut self, stamp: Stamp, method: AlipayMethod, error: &GatewayError) {
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::failed(method, error)),
        );
        self.state.progress.last_error = Some(LastError::from_gateway(method, error, stamp.now));
        self.touch(stamp);
    }

    /// `alipay.open.agent.cancel` succeeded for the current batch.
    pub fn batch_cancelled(&mut self, stamp: Stamp) {
        self.record(
            stamp,
            EventKind::AlipayCall(CallOutcome::ok(AlipayMethod::Cancel)),
        );
        self.state.progress.last_error = None;
        self.touch(stamp);
    }
}
