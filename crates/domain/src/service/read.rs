//! Reading orders for a caller: one order, a page, the timeline, the stored images. Always
//! scoped to the caller's tenant: another tenant's order is `NotFound`.

use super::{Caller, FacetofaceService};
use crate::application::{Image, ImageInfo, ImageKind};
use crate::error::ServiceError;
use crate::ids::{OrderId, TenantId};
use crate::order::{FacetofaceOrder, OrderEvent};
use crate::ports::repository::{OrderFilter, Page, PageRequest};
use crate::ports::{AgentGateway, Clock, IdempotencyStore, OrderRepository};

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    /// One order of the caller's tenant.
    ///
    /// # Errors
    /// `NotFound`, `Repository`.
    pub async fn get(&self, caller: Caller, id: OrderId) -> Result<FacetofaceOrder, ServiceError> {
        self.load(caller.tenant_id, id).await
    }

    /// A page of the tenant's orders.
    ///
    /// # Errors
    /// `Repository`.
    pub async fn list(
        &self,
        tenant: TenantId,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> Result<Page<FacetofaceOrder>, ServiceError> {
        Ok(self.repo.list(tenant, filter, page).await?)
    }

    /// The order's timeline, oldest first.
    ///
    /// # Errors
    /// `NotFound` (also for another tenant's order), `Repository`.
    pub async fn events(
        &self,
        caller: Caller,
        id: OrderId,
    ) -> Result<(FacetofaceOrder, Vec<OrderEvent>), ServiceError> {
        let order = self.load(caller.tenant_id, id).await?;
        let events = self.repo.events(caller.tenant_id, id).await?;
        Ok((order, events))
    }

    /// Kind, format and size of each stored image (no bytes are read).
    ///
    /// # Errors
    /// `NotFound`, `Repository`.
    pub async fn image_infos(
        &self,
        caller: Caller,
        id: OrderId,
    ) -> Result<Vec<ImageInfo>, ServiceError> {
        self.load(caller.tenant_id, id).await?;
        Ok(self.repo.image_infos(caller.tenant_id, id).await?)
    }

    /// One stored image.
    ///
    /// # Errors
    /// `NotFound` when the order or that image is absent, `Repository`.
    pub async fn image(
        &self,
        caller: Caller,
        id: OrderId,
        kind: ImageKind,
    ) -> Result<Image, ServiceError> {
        self.load(caller.tenant_id, id).await?;
        self.repo
            .image(caller.tenant_id, id, kind)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
