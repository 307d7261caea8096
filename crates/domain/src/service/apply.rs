//! Apply and re-apply: validate everything, store the application, then submit it — behind
//! the `Idempotency-Key` rules (same key + same request → the first answer; other request →
//! conflict).

use futures::future::join;

use super::{Caller, FacetofaceService, Idempotency};
use crate::application::{Application, ApplicationForm, ApplicationImages};
use crate::error::{Action, IdempotencyConflict, ServiceError};
use crate::ids::OrderId;
use crate::order::{FacetofaceOrder, NewOrder, OrderStatus};
use crate::ports::clock::china_today;
use crate::ports::{
    AgentGateway, Clock, IdempotencyBegin, IdempotencyScope, IdempotencyStore, OrderRepository,
};

/// A new application.
#[derive(Debug, Clone)]
pub struct ApplyCommand {
    pub caller: Caller,
    pub idempotency: Option<Idempotency>,
    pub form: ApplicationForm,
}

/// A new application replacing `original` (CLOSED or held for correction). Images the form
/// does not carry are copied from the original.
#[derive(Debug, Clone)]
pub struct ReapplyCommand {
    pub caller: Caller,
    pub original: OrderId,
    pub idempotency: Option<Idempotency>,
    pub form: ApplicationForm,
}

/// What the idempotency check allows.
enum Gate {
    Proceed,
    Replay(OrderId),
}

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    /// Validates the form (every bad field at once), stores the order (INIT) and submits it.
    ///
    /// # Errors
    /// `Validation` (nothing stored), `Idempotency`, `Gateway` (the order is stored and
    /// resumable; it rides in the error), `Repository`.
    pub async fn apply(&self, command: ApplyCommand) -> Result<FacetofaceOrder, ServiceError> {
        let ApplyCommand {
            caller,
            idempotency,
            form,
        } = command;
        match self.gate(caller, idempotency.as_ref()).await? {
            Gate::Replay(id) => return self.replay(caller, id).await,
            Gate::Proceed => {}
        }
        let stamp = self.stamp(caller.actor());
        let application = match Application::parse(form, china_today(stamp.now)) {
            Ok(application) => application,
            Err(errors) => {
                return Err(self
                    .reject(caller, idempotency.as_ref(), errors.into())
                    .await);
            }
        };
        let (details, images) = application.into_parts();
        let order = self
            .repo
            .insert(NewOrder::new(caller.tenant_id, details, stamp), &images)
            .await?;
        self.remember_while_submitting(caller, idempotency.as_ref(), order, &images)
            .await
    }

    /// Re-applies: validates the form, stores the new order superseding the original (both
    /// linked, atomically), then submits the new one.
    ///
    /// # Errors
    /// As [`Self::apply`], plus `NotFound` and `Transition` when the original cannot be
    /// re-applied (neither CLOSED nor held for correction, or already superseded).
    pub async fn reapply(&self, command: ReapplyCommand) -> Result<FacetofaceOrder, ServiceError> {
        let ReapplyCommand {
            caller,
            original,
            idempotency,
            form,
        } = command;
        match self.gate(caller, idempotency.as_ref()).await? {
            Gate::Replay(id) => return self.replay(caller, id).await,
            Gate::Proceed => {}
        }
        let result = self.reapply_checked(caller, original, form).await;
        match result {
            Ok((new, images)) => {
                self.remember_while_submitting(caller, idempotency.as_ref(), new, &images)
                    .await
            }
            Err(error) => Err(self.reject(caller, idempotency.as_ref(), error).await),
        }
    }

    async fn reapply_checked(
        &self,
        caller: Caller,
        original_id: OrderId,
        form: ApplicationForm,
    ) -> Result<(FacetofaceOrder, ApplicationImages), ServiceError> {
        let mut original = self.load(caller.tenant_id, original_id).await?;
        if !original.can_be_reapplied() {
            return Err(original.not_allowed(Action::Reapply).into());
        }
        let stamp = self.stamp(caller.actor());
        let (details, mut images) = Application::parse(form, china_today(stamp.now))?.into_parts();
        images.merge_missing_from(&self.repo.images(caller.tenant_id, original_id).await?);
        let mut new = NewOrder::new(caller.tenant_id, details, stamp);
        new.reapplied_from = Some(original_id);
        let inserted = self
            .repo
            .insert_superseding(new, &images, &mut original)
            .await?;
        Ok((inserted, images))
    }

    async fn gate(
        &self,
        caller: Caller,
        idempotency: Option<&Idempotency>,
    ) -> Result<Gate, ServiceError> {
        let Some(idem) = idempotency else {
            return Ok(Gate::Proceed);
        };
        let scope = scope(caller);
        let now = self.clock.now();
        match self
            .idempotency
            .begin(scope, &idem.key, &idem.fingerprint, now)
            .await?
        {
            IdempotencyBegin::Started => Ok(Gate::Proceed),
            IdempotencyBegin::Replay(id) => Ok(Gate::Replay(id)),
            IdempotencyBegin::Mismatch => {
                Err(IdempotencyConflict::KeyReusedWithOtherRequest.into())
            }
            IdempotencyBegin::InProgress => Err(IdempotencyConflict::StillProcessing.into()),
        }
    }

    /// Links the key to the stored order while the submission starts: neither needs the
    /// other (one write fewer in the answer's way). A failed link answers its storage error —
    /// the order, saved at every step, is in the list either way; the key stays "still
    /// processing" until it expires.
    async fn remember_while_submitting(
        &self,
        caller: Caller,
        idempotency: Option<&Idempotency>,
        order: FacetofaceOrder,
        images: &ApplicationImages,
    ) -> Result<FacetofaceOrder, ServiceError> {
        let id = order.id();
        let remember = async {
            match idempotency {
                Some(idem) => self.idempotency.attach(scope(caller), &idem.key, id).await,
                None => Ok(()),
            }
        };
        let (remembered, submitted) =
            join(remember, self.submit(order, images, caller.actor())).await;
        remembered?;
        submitted
    }

    /// Nothing was stored: free the key so a corrected request can use it.
    async fn reject(
        &self,
        caller: Caller,
        idempotency: Option<&Idempotency>,
        error: ServiceError,
    ) -> ServiceError {
        if let Some(idem) = idempotency
            && let Err(storage) = self.idempotency.release(scope(caller), &idem.key).await
        {
            return storage.into();
        }
        error
    }

    /// The answer to a repeated request: the order the first one stored, failing the same way
    /// if its submission is still stopped at an Alipay error.
    async fn replay(&self, caller: Caller, id: OrderId) -> Result<FacetofaceOrder, ServiceError> {
        let order = self.load(caller.tenant_id, id).await?;
        let last_error = order.state().progress.last_error.clone();
        match (order.status(), last_error) {
            (OrderStatus::Init, Some(last)) => Err(ServiceError::Gateway {
                error: last.to_gateway_error(),
                order: Some(Box::new(order)),
            }),
            _ => Ok(order),
        }
    }
}

fn scope(caller: Caller) -> IdempotencyScope {
    IdempotencyScope {
        tenant_id: caller.tenant_id,
        user_id: caller.user_id,
    }
}
