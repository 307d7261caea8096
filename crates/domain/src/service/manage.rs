//! Operator actions on an INIT order: resume the submission, correct it, cancel it.

use super::submit::Settled;
use super::{Caller, FacetofaceService};
use crate::application::{Application, ApplicationForm, ImageKind};
use crate::error::{Action, ServiceError};
use crate::ids::OrderId;
use crate::order::{FacetofaceOrder, OrderStatus, SubmitStep};
use crate::ports::clock::china_today;
use crate::ports::gateway::{AlipayMethod, sub_codes};
use crate::ports::{AgentGateway, Clock, IdempotencyStore, OrderRepository};

/// Corrections to an INIT order: the fields given replace the stored ones (an empty string
/// clears an optional field), the images given replace those of the same kind.
#[derive(Debug, Clone)]
pub struct EditCommand {
    pub caller: Caller,
    pub order: OrderId,
    /// When given, the edit applies only to this version (else `StaleVersion`).
    pub expected_version: Option<i32>,
    pub changes: ApplicationForm,
}

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    /// Continues an INIT order's submission from its last step (querying first when a
    /// confirm reply was lost).
    ///
    /// # Errors
    /// `NotFound`, `Transition` (not INIT), `Gateway` (with the saved order), `Repository`.
    pub async fn resume(
        &self,
        caller: Caller,
        id: OrderId,
    ) -> Result<FacetofaceOrder, ServiceError> {
        let order = self.load(caller.tenant_id, id).await?;
        if order.status() != OrderStatus::Init {
            return Err(order.not_allowed(Action::Resume).into());
        }
        let images = self.repo.images(caller.tenant_id, id).await?;
        self.submit(order, &images, caller.actor()).await
    }

    /// Corrects fields and images of an INIT order (validated like an application); a batch
    /// opened with the old data is abandoned. Alipay is not called: resume submits.
    ///
    /// # Errors
    /// `NotFound`, `StaleVersion`, `Validation` (every bad field; nothing changed),
    /// `Transition` (not INIT, or confirm may have reached Alipay), `Repository`.
    pub async fn edit(&self, command: EditCommand) -> Result<FacetofaceOrder, ServiceError> {
        let EditCommand {
            caller,
            order: id,
            expected_version,
            changes,
        } = command;
        let mut order = self.load(caller.tenant_id, id).await?;
        if expected_version.is_some_and(|v| v != order.version()) {
            return Err(ServiceError::StaleVersion);
        }
        let stamp = self.stamp(caller.actor());
        let fields = changed_fields(&changes);
        let replaced_images = !changes.images.is_empty();
        let application = Application::parse(
            order.details().to_form().overlay(changes),
            china_today(stamp.now),
        )?;
        let (details, mut images) = application.into_parts();
        order.edit(stamp, details, fields)?;
        order.schedule(stamp, &self.config.polling);
        if replaced_images {
            images.merge_missing_from(&self.repo.images(caller.tenant_id, id).await?);
            self.repo.update_with_images(&mut order, &images).await?;
        } else {
            self.repo.update(&mut order).await?;
        }
        Ok(order)
    }

    /// Cancels an INIT order: settles a lost confirm first (a submitted order cannot be
    /// cancelled — Alipay offers no cancel after confirm), cancels a live batch at Alipay,
    /// then closes the order.
    ///
    /// # Errors
    /// `NotFound`, `Transition`, `Gateway` (with the saved order), `Repository`.
    pub async fn cancel(
        &self,
        caller: Caller,
        id: OrderId,
    ) -> Result<FacetofaceOrder, ServiceError> {
        let actor = caller.actor();
        let mut order = self.load(caller.tenant_id, id).await?;
        if order.status() != OrderStatus::Init {
            return Err(order.not_allowed(Action::Cancel).into());
        }
        if order.submit_step() == SubmitStep::ConfirmSent
            && self.settle(&mut order, actor).await? == Settled::Submitted
        {
            return Err(order.not_allowed(Action::Cancel).into());
        }
        let stamp = self.stamp(actor);
        let live = matches!(
            order.submit_step(),
            SubmitStep::BatchCreated | SubmitStep::Signed
        ) && !order.batch_expired(stamp.now, self.config.batch_ttl);
        if live {
            let batch_no = order.batch_no().unwrap_or_default().to_owned();
            match self.gateway.cancel(&batch_no).await {
                Ok(()) => order.batch_cancelled(self.stamp(actor)),
                // Already final at Alipay (timed out): nothing left to cancel there.
                Err(error)
                    if error.has_sub_code(sub_codes::BATCH_STATUS_IS_FINAL)
                        || error.has_sub_code(sub_codes::BATCH_IS_NOT_EXIST) =>
                {
                    order.call_failed(self.stamp(actor), AlipayMethod::Cancel, &error);
                }
                Err(error) => {
                    return Err(self
                        .fail(&mut order, actor, AlipayMethod::Cancel, error)
                        .await);
                }
            }
        }
        order.cancel(self.stamp(actor))?;
        self.save(&mut order, actor).await?;
        Ok(order)
    }
}

/// The wire names of the fields an edit touches, for the timeline.
fn changed_fields(changes: &ApplicationForm) -> Vec<String> {
    let text = [
        ("account", &changes.account),
        ("contact_name", &changes.contact_name),
        ("contact_mobile", &changes.contact_mobile),
        ("contact_email", &changes.contact_email),
        ("merchant_name", &changes.merchant_name),
        ("mcc_code", &changes.mcc_code),
        ("rate", &changes.rate),
        ("sign_and_auth", &changes.sign_and_auth),
        ("business_license_no", &changes.business_license_no),
        ("business_license_mobile", &changes.business_license_mobile),
        ("long_term", &changes.long_term),
        ("date_limitation", &changes.date_limitation),
        ("shop_name", &changes.shop_name),
        ("remark", &changes.remark),
    ];
    let mut fields: Vec<String> = text
        .iter()
        .filter(|(_, value)| value.is_some())
        .map(|(name, _)| (*name).to_owned())
        .collect();
    if changes.shop_address.is_some() {
        fields.push("shop_address".to_owned());
    }
    fields.extend(
        changes
            .images
            .iter()
            .map(|(kind, _)| ImageKind::field_name(*kind).to_owned()),
    );
    fields
}
