//! The submission driver: create → sign → confirm from wherever the order stands, with the
//! safety rules of DESIGN §2 (persist each step — the new batch's save running beside sign,
//! `signed` saved with `confirm_sent` —, `confirm_sent` before confirm, query before any new
//! batch, 55-minute local expiry, never two submitted batches).

use futures::future::join;

use super::FacetofaceService;
use crate::application::ApplicationImages;
use crate::error::ServiceError;
use crate::ids::Actor;
use crate::order::{FacetofaceOrder, SubmitStep};
use crate::ports::gateway::{AlipayMethod, GatewayError, sub_codes};
use crate::ports::{AgentGateway, Clock, IdempotencyStore, OrderRepository};

/// How many fresh batches one submission attempt may open (the first, plus one replacing a
/// batch found dead or too old on the way).
const MAX_BATCHES_PER_ATTEMPT: u8 = 2;

/// What a query told us about a batch whose confirm reply was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Settled {
    /// Confirm went through: the order is SUBMITTED (or further).
    Submitted,
    /// Confirm did not reach Alipay: the order is back at `signed` (or at `none` when the
    /// batch is too old or unknown to Alipay).
    NotSubmitted,
}

fn batch_is_dead(error: &GatewayError) -> bool {
    error.has_sub_code(sub_codes::BATCH_STATUS_IS_FINAL)
        || error.has_sub_code(sub_codes::BATCH_IS_NOT_EXIST)
}

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    /// Drives an INIT order's submission to SUBMITTED, persisting after every step. On an
    /// Alipay failure the order is saved with the error and returned inside the error.
    pub(super) async fn submit(
        &self,
        mut order: FacetofaceOrder,
        images: &ApplicationImages,
        actor: Actor,
    ) -> Result<FacetofaceOrder, ServiceError> {
        let mut batches_opened = 0u8;
        // A new batch not yet saved: its save runs while sign is called (see below).
        let mut batch_unsaved = false;
        loop {
            let stamp = self.stamp(actor);
            let step = order.submit_step();
            let stale = order.batch_expired(stamp.now, self.config.batch_ttl);
            match step {
                SubmitStep::Confirmed => return Ok(order),
                SubmitStep::ConfirmSent => match self.settle(&mut order, actor).await? {
                    Settled::Submitted => return Ok(order),
                    Settled::NotSubmitted => {}
                },
                SubmitStep::BatchCreated | SubmitStep::Signed if stale => {
                    order.abandon_batch(stamp, "older than the 55-minute local limit")?;
                    self.save(&mut order, actor).await?;
                }
                SubmitStep::None => {
                    if batches_opened >= MAX_BATCHES_PER_ATTEMPT {
                        return Ok(order);
                    }
                    batches_opened += 1;
                    match self.gateway.create(order.details()).await {
                        Ok(created) => {
                            order.batch_created(self.stamp(actor), created)?;
                            batch_unsaved = true;
                        }
                        Err(error) => {
                            return Err(self
                                .fail(&mut order, actor, AlipayMethod::Create, error)
                                .await);
                        }
                    }
                }
                SubmitStep::BatchCreated => {
                    let batch_no = order.batch_no().unwrap_or_default().to_owned();
                    let details = order.details().clone();
                    let sign = self.gateway.facetoface_sign(&batch_no, &details, images);
                    // The new batch is saved while sign runs: neither needs the other, and
                    // if the save fails the batch is only forgotten — never confirmed, it
                    // expires at Alipay, and a resume opens a new one.
                    let signed = if std::mem::take(&mut batch_unsaved) {
                        let (saved, signed) = join(self.save(&mut order, actor), sign).await;
                        saved?;
                        signed
                    } else {
                        sign.await
                    };
                    match signed {
                        // Not saved on its own: confirm_sent follows at once, with no call in
                        // between, and its save records both steps in one write.
                        Ok(()) => {
                            order.signed(self.stamp(actor))?;
                            continue;
                        }
                        Err(error) if batch_is_dead(&error) => {
                            let stamp = self.stamp(actor);
                            order.call_failed(stamp, AlipayMethod::FacetofaceSign, &error);
                            order.abandon_batch(
                                stamp,
                                "Alipay reports the batch closed or unknown",
                            )?;
                        }
                        Err(error) => {
                            return Err(self
                                .fail(&mut order, actor, AlipayMethod::FacetofaceSign, error)
                                .await);
                        }
                    }
                    self.save(&mut order, actor).await?;
                }
                SubmitStep::Signed => {
                    order.confirm_sending(stamp)?;
                    self.save(&mut order, actor).await?;
                    let batch_no = order.batch_no().unwrap_or_default().to_owned();
                    match self.gateway.confirm(&batch_no).await {
                        Ok(confirmed) => {
                            order.confirmed(self.stamp(actor), confirmed)?;
                            self.save(&mut order, actor).await?;
                            return Ok(order);
                        }
                        // A definite refusal means the batch was not submitted: back to
                        // `signed`. Unknown outcomes — and "batch is final", which could be
                        // our own earlier confirm — stay at `confirm_sent` for a query.
                        Err(error) if !error.outcome_unknown() && !batch_is_dead(&error) => {
                            order.confirm_not_received(self.stamp(actor))?;
                            return Err(self
                                .fail(&mut order, actor, AlipayMethod::Confirm, error)
                                .await);
                        }
                        Err(error) => {
                            return Err(self
                                .fail(&mut order, actor, AlipayMethod::Confirm, error)
                                .await);
                        }
                    }
                }
            }
        }
    }

    /// Asks Alipay whether a confirm whose reply was lost went through, and records the answer.
    pub(super) async fn settle(
        &self,
        order: &mut FacetofaceOrder,
        actor: Actor,
    ) -> Result<Settled, ServiceError> {
        let batch_no = order.batch_no().unwrap_or_default().to_owned();
        let answer = self.gateway.query_order(&batch_no).await;
        let stamp = self.stamp(actor);
        match answer {
            Ok(queried) => {
                order.confirm_settled_by_query(stamp)?;
                order.apply_query(stamp, &queried)?;
                self.save(order, actor).await?;
                Ok(Settled::Submitted)
            }
            Err(error)
                if error.has_sub_code(sub_codes::BATCH_STATUS_NOT_SUBMIT)
                    || error.has_sub_code(sub_codes::BATCH_IS_NOT_EXIST) =>
            {
                order.call_failed(stamp, AlipayMethod::OrderQuery, &error);
                order.confirm_not_received(stamp)?;
                if error.has_sub_code(sub_codes::BATCH_IS_NOT_EXIST) {
                    order.abandon_batch(stamp, "Alipay does not know the batch")?;
                } else if order.batch_expired(stamp.now, self.config.batch_ttl) {
                    order.abandon_batch(stamp, "older than the 55-minute local limit")?;
                }
                self.save(order, actor).await?;
                Ok(Settled::NotSubmitted)
            }
            Err(error) => Err(self
                .fail(order, actor, AlipayMethod::OrderQuery, error)
                .await),
        }
    }

    /// Records a failed call on the order, saves it, and gives the error to return, carrying
    /// the saved order (or the storage error, if saving failed too).
    pub(super) async fn fail(
        &self,
        order: &mut FacetofaceOrder,
        actor: Actor,
        method: AlipayMethod,
        error: GatewayError,
    ) -> ServiceError {
        order.call_failed(self.stamp(actor), method, &error);
        self.fail_recorded(order, actor, error).await
    }

    /// Saves an order whose failure is already recorded and gives the error to return.
    pub(super) async fn fail_recorded(
        &self,
        order: &mut FacetofaceOrder,
        actor: Actor,
        error: GatewayError,
    ) -> ServiceError {
        match self.save(order, actor).await {
            Ok(()) => ServiceError::Gateway {
                error,
                order: Some(Box::new(order.clone())),
            },
            Err(storage) => storage,
        }
    }
}
