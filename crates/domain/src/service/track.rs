//! Following a submitted order: the operator's refresh, the worker's poll, and the claim of
//! due orders.

use chrono::TimeDelta;

use super::{Caller, FacetofaceService};
use crate::error::{Action, ServiceError};
use crate::ids::{Actor, OrderId};
use crate::order::{FacetofaceOrder, OrderStatus, SubmitStep};
use crate::ports::repository::DueOrder;
use crate::ports::{AgentGateway, Clock, IdempotencyStore, OrderRepository};

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// Alipay was asked; the order is now in this status.
    Polled(OrderStatus),
    /// Nothing to do (terminal, polling stopped, or not submitted yet).
    Skipped,
}

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    /// Refreshes an order from Alipay now (the seed's query_order_service). Restarts polling
    /// that had stopped; for an INIT order whose confirm reply was lost it settles the confirm.
    ///
    /// # Errors
    /// `NotFound`, `Transition` (terminal, or INIT with nothing sent), `Gateway` (with the
    /// saved order), `Repository`.
    pub async fn refresh(
        &self,
        caller: Caller,
        id: OrderId,
    ) -> Result<FacetofaceOrder, ServiceError> {
        let actor = caller.actor();
        let mut order = self.load(caller.tenant_id, id).await?;
        match (order.status(), order.submit_step()) {
            (OrderStatus::Init, SubmitStep::ConfirmSent) => {
                self.settle(&mut order, actor).await?;
                Ok(order)
            }
            (
                OrderStatus::Submitted
                | OrderStatus::MerchantAuditing
                | OrderStatus::MerchantConfirm,
                _,
            ) => {
                order.resume_polling(self.stamp(actor));
                self.query_and_apply(&mut order, actor).await?;
                Ok(order)
            }
            (OrderStatus::Init | OrderStatus::Success | OrderStatus::Closed, _) => {
                Err(order.not_allowed(Action::Refresh).into())
            }
        }
    }

    /// The worker's job for one claimed order. Idempotent: it decides from the order's
    /// current state, so running it twice is harmless.
    ///
    /// # Errors
    /// `Gateway` (transient ones are worth a retry: see `GatewayError::is_transient`),
    /// `StaleVersion` (someone changed the order meanwhile; retry), `NotFound`, `Repository`.
    pub async fn poll(&self, due: DueOrder) -> Result<PollOutcome, ServiceError> {
        let actor = Actor::Worker;
        let mut order = self.load(due.tenant_id, due.order_id).await?;
        match (order.status(), order.submit_step()) {
            (OrderStatus::Init, SubmitStep::ConfirmSent) => {
                let images = self.repo.images(due.tenant_id, due.order_id).await?;
                let order = self.submit(order, &images, actor).await?;
                Ok(PollOutcome::Polled(order.status()))
            }
            (
                OrderStatus::Submitted
                | OrderStatus::MerchantAuditing
                | OrderStatus::MerchantConfirm,
                _,
            ) => {
                if order.polling_stopped() {
                    return Ok(PollOutcome::Skipped);
                }
                self.query_and_apply(&mut order, actor).await?;
                Ok(PollOutcome::Polled(order.status()))
            }
            (OrderStatus::Init | OrderStatus::Success | OrderStatus::Closed, _) => {
                Ok(PollOutcome::Skipped)
            }
        }
    }

    /// Claims up to `limit` due orders for this worker for `lease` (system-wide).
    ///
    /// # Errors
    /// `Repository`.
    pub async fn claim_due(
        &self,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<DueOrder>, ServiceError> {
        Ok(self.repo.claim_due(self.clock.now(), limit, lease).await?)
    }

    async fn query_and_apply(
        &self,
        order: &mut FacetofaceOrder,
        actor: Actor,
    ) -> Result<(), ServiceError> {
        let batch_no = order.batch_no().unwrap_or_default().to_owned();
        let answer = self.gateway.query_order(&batch_no).await;
        let stamp = self.stamp(actor);
        match answer {
            Ok(queried) => {
                order.apply_query(stamp, &queried)?;
                self.save(order, actor).await
            }
            Err(error) => {
                order.query_failed(stamp, &error);
                Err(self.fail_recorded(order, actor, error).await)
            }
        }
    }
}
