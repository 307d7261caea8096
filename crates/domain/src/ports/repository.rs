//! `OrderRepository`: where orders, their images and their timelines are stored.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};

use crate::application::{ApplicationImages, Image, ImageInfo, ImageKind};
use crate::ids::{OrderId, TenantId};
use crate::order::{FacetofaceOrder, NewOrder, OrderEvent, OrderStatus};

/// Storage failures. Adapters translate their library's errors into these at the seam.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// The order's `version` changed since it was read (optimistic lock).
    #[error("stale version: the order was changed concurrently")]
    Conflict,
    #[error("storage error: {0}")]
    Unexpected(#[from] anyhow::Error),
}

/// List filters of DESIGN §4 (all optional; strings are exact unless noted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub order_status: Option<OrderStatus>,
    /// Contains-search.
    pub merchant_name: Option<String>,
    /// Contains-search.
    pub shop_name: Option<String>,
    pub batch_no: Option<String>,
    pub order_no: Option<String>,
    pub needs_correction: Option<bool>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
}

/// Sortable list columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Id,
    CreatedTime,
    UpdatedTime,
    OrderStatus,
    NextQueryTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    Desc,
}

/// A page request: `page_no` from 1, `page_size` 1–100 (the api validates), sort keys in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub page_no: u64,
    pub page_size: u64,
    pub order_by: Vec<(SortField, SortDirection)>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page_no: 1,
            page_size: 10,
            order_by: vec![(SortField::CreatedTime, SortDirection::Desc)],
        }
    }
}

/// One page of results and the total count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub page_no: u64,
    pub page_size: u64,
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.page_no.saturating_mul(self.page_size) < self.total
    }
}

/// A due order handed to one poller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DueOrder {
    pub tenant_id: TenantId,
    pub order_id: OrderId,
}

/// Orders, their images and their timelines.
///
/// Tenant-scoped methods take the tenant and MUST treat another tenant's order as absent.
/// Methods whose names end in `_system_wide` (and `claim_due`) ignore tenants: only the
/// worker and support tools call them.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait OrderRepository: Send + Sync {
    /// Stores a new order with its images and its first events, atomically.
    async fn insert(
        &self,
        order: NewOrder,
        images: &ApplicationImages,
    ) -> Result<FacetofaceOrder, RepositoryError>;

    /// Stores a re-application and supersedes the original, atomically: inside its
    /// transaction it calls `original.supersede(order.created, new_id)` and saves the
    /// original like [`OrderRepository::update`] — a stale original MUST fail the whole
    /// operation with `Conflict`, so one order is never re-applied twice.
    async fn insert_superseding(
        &self,
        order: NewOrder,
        images: &ApplicationImages,
        original: &mut FacetofaceOrder,
    ) -> Result<FacetofaceOrder, RepositoryError>;

    async fn get(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Option<FacetofaceOrder>, RepositoryError>;

    /// System-wide lookup by Alipay's batch number.
    async fn get_by_batch_no_system_wide(
        &self,
        batch_no: &str,
    ) -> Result<Option<FacetofaceOrder>, RepositoryError>;

    async fn list(
        &self,
        tenant: TenantId,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> Result<Page<FacetofaceOrder>, RepositoryError>;

    /// Saves the order's state and appends its pending events, atomically, where `version`
    /// still matches; bumps the version (see [`FacetofaceOrder::mark_saved`]).
    ///
    /// MUST return [`RepositoryError::Conflict`] when the stored version differs — never a
    /// silent overwrite.
    async fn update(&self, order: &mut FacetofaceOrder) -> Result<(), RepositoryError>;

    /// As [`OrderRepository::update`], and replaces the stored images in the same transaction.
    async fn update_with_images(
        &self,
        order: &mut FacetofaceOrder,
        images: &ApplicationImages,
    ) -> Result<(), RepositoryError>;

    /// Atomically takes up to `limit` due orders (next_query_time ≤ now; SUBMITTED,
    /// MERCHANT_AUDITING, MERCHANT_CONFIRM, and INIT at `confirm_sent`) and pushes their
    /// `next_query_time` to `now + lease`. System-wide.
    ///
    /// MUST never hand the same order to two callers within one lease.
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<DueOrder>, RepositoryError>;

    /// The order's timeline, oldest first.
    async fn events(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<OrderEvent>, RepositoryError>;

    /// Every stored image of the order (empty for another tenant's order).
    async fn images(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<ApplicationImages, RepositoryError>;

    /// Kind, format and size of each stored image, without reading any bytes.
    async fn image_infos(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<ImageInfo>, RepositoryError>;

    /// One stored image, reading only its bytes.
    async fn image(
        &self,
        tenant: TenantId,
        id: OrderId,
        kind: ImageKind,
    ) -> Result<Option<Image>, RepositoryError>;
}
