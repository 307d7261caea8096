//! The order aggregate `FacetofaceOrder` (table `pay_facetoface_order`).
//!
//! State is read through [`FacetofaceOrder::state`] and changed only through the aggregate's
//! methods (in [`submission`] and [`tracking`]); each change queues timeline events that the
//! repository stores together with the new state.

pub mod event;
pub mod status;
mod submission;
mod tracking;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::application::ApplicationDetails;
use crate::ids::{OrderId, Stamp, TenantId, UserId};
use crate::ports::gateway::{
    AlipayError, AlipayMethod, AppAuthToken, ErrorClass, GatewayError, RestrictInfo,
};

pub use event::{CallOutcome, EventKind, OrderEvent};
pub use status::{AlipayOrderStatus, CloseReason, OrderStatus, PollingStopReason, SubmitStep};

/// The last failed Alipay call, kept on the order so operators (and a replayed request) see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastError {
    pub method: AlipayMethod,
    pub class: ErrorClass,
    pub alipay: Option<AlipayError>,
    pub message: String,
    pub at: DateTime<Utc>,
}

impl LastError {
    pub fn from_gateway(method: AlipayMethod, error: &GatewayError, at: DateTime<Utc>) -> Self {
        Self {
            method,
            class: error.class(),
            alipay: error.alipay().cloned(),
            message: error.to_string(),
            at,
        }
    }
}

/// Everything Alipay told us about the application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlipaySide {
    pub batch_no: Option<String>,
    pub order_no: Option<String>,
    /// The raw `order_status` as Alipay last sent it.
    pub alipay_order_status: Option<String>,
    /// Alipay holds the application for correction (MERCHANT_INFO_HOLD).
    pub needs_correction: bool,
    pub confirm_url: Option<String>,
    pub merchant_pid: Option<String>,
    pub app_auth_token: Option<AppAuthToken>,
    pub reject_reason: Option<String>,
    pub restrict_infos: Vec<RestrictInfo>,
    /// FACE_TO_FACE_PAYMENT's product status (e.g. `valid`, `restrictValid`).
    pub product_status: Option<String>,
    pub product_reject_reason: Option<String>,
}

/// Submission and polling progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub submit_step: SubmitStep,
    pub batch_created_time: Option<DateTime<Utc>>,
    /// When confirm succeeded (or a query proved it did): the start of the polling window.
    pub confirmed_time: Option<DateTime<Utc>>,
    /// When the order entered MERCHANT_CONFIRM: the start of the confirm window.
    pub merchant_confirm_time: Option<DateTime<Utc>>,
    pub last_error: Option<LastError>,
    pub last_query_time: Option<DateTime<Utc>>,
    pub next_query_time: Option<DateTime<Utc>>,
    pub query_count: u32,
    pub polling_stopped_time: Option<DateTime<Utc>>,
    pub polling_stopped_reason: Option<PollingStopReason>,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            submit_step: SubmitStep::None,
            batch_created_time: None,
            confirmed_time: None,
            merchant_confirm_time: None,
            last_error: None,
            last_query_time: None,
            next_query_time: None,
            query_count: 0,
            polling_stopped_time: None,
            polling_stopped_reason: None,
        }
    }
}

/// Identity and audit, named as the platform's mixins name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
    pub created_id: Option<UserId>,
    pub updated_id: Option<UserId>,
}

/// The whole state of an order, as stored. Read-only outside this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderState {
    pub id: OrderId,
    pub uuid: Uuid,
    pub tenant_id: TenantId,
    /// Optimistic-lock version; the repository bumps it on every update.
    pub version: i32,
    pub audit: Audit,
    pub description: Option<String>,
    pub status: OrderStatus,
    pub close_reason: Option<CloseReason>,
    pub details: ApplicationDetails,
    pub alipay: AlipaySide,
    pub progress: Progress,
    pub superseded_by: Option<OrderId>,
    pub reapplied_from: Option<OrderId>,
}

/// An application not stored yet; the repository gives it an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub uuid: Uuid,
    pub tenant_id: TenantId,
    pub details: ApplicationDetails,
    pub description: Option<String>,
    pub reapplied_from: Option<OrderId>,
    pub created: Stamp,
}

impl NewOrder {
    pub fn new(tenant_id: TenantId, details: ApplicationDetails, created: Stamp) -> Self {
        Self {
            uuid: Uuid::new_v4(),
            tenant_id,
            details,
            description: None,
            reapplied_from: None,
            created,
        }
    }

    /// The state the order starts in once it has `id`, and its first event.
    pub fn into_order(self, id: OrderId) -> FacetofaceOrder {
        let stamp = self.created;
        let state = OrderState {
            id,
            uuid: self.uuid,
            tenant_id: self.tenant_id,
            version: 1,
            audit: Audit {
                created_time: stamp.now,
                updated_time: stamp.now,
                created_id: stamp.actor.user_id(),
                updated_id: stamp.actor.user_id(),
            },
            description: self.description,
            status: OrderStatus::Init,
            close_reason: None,
            details: self.details,
            alipay: AlipaySide::default(),
            progress: Progress::default(),
            superseded_by: None,
            reapplied_from: self.reapplied_from,
        };
        let mut order = FacetofaceOrder::restore(state);
        order.record(
            stamp,
            EventKind::Created {
                reapplied_from: self.reapplied_from,
            },
        );
        order
    }
}

/// The aggregate: state plus the events its last changes produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetofaceOrder {
    state: OrderState,
    pending: Vec<OrderEvent>,
}

impl FacetofaceOrder {
    /// Rebuilds an order from stored state (repositories only).
    pub fn restore(state: OrderState) -> Self {
        Self {
            state,
            pending: Vec::new(),
        }
    }

    pub fn state(&self) -> &OrderState {
        &self.state
    }

    pub fn id(&self) -> OrderId {
        self.state.id
    }

    pub fn tenant_id(&self) -> TenantId {
        self.state.tenant_id
    }

    pub fn status(&self) -> OrderStatus {
        self.state.status
    }

    pub fn submit_step(&self) -> SubmitStep {
        self.state.progress.submit_step
    }

    pub fn version(&self) -> i32 {
        self.state.version
    }

    pub fn batch_no(&self) -> Option<&str> {
        self.state.alipay.batch_no.as_deref()
    }

    pub fn details(&self) -> &ApplicationDetails {
        &self.state.details
    }

    /// Events produced since the order was loaded or last saved.
    pub fn pending_events(&self) -> &[OrderEvent] {
        &self.pending
    }

    /// Hands the pending events to the repository, which stores them with the state.
    pub fn take_pending_events(&mut self) -> Vec<OrderEvent> {
        std::mem::take(&mut self.pending)
    }

    /// Called by the repository after a successful versioned update.
    pub fn mark_saved(&mut self, new_version: i32) {
        self.state.version = new_version;
    }

    fn record(&mut self, stamp: Stamp, kind: EventKind) {
        self.pending.push(OrderEvent {
            time: stamp.now,
            actor: stamp.actor,
            kind,
        });
    }

    fn touch(&mut self, stamp: Stamp) {
        self.state.audit.updated_time = stamp.now;
        self.state.audit.updated_id = stamp.actor.user_id();
    }
}

impl LastError {
    /// The error as the gateway reported it (for replayed answers).
    pub fn to_gateway_error(&self) -> GatewayError {
        let alipay = || {
            self.alipay.clone().unwrap_or_else(|| AlipayError {
                code: String::new(),
                msg: self.message.clone(),
                sub_code: None,
                sub_msg: None,
            })
        };
        match self.class {
            ErrorClass::Transport => GatewayError::Transport {
                status: None,
                message: self.message.clone(),
            },
            ErrorClass::Timeout => GatewayError::Timeout,
            ErrorClass::BadSignature => GatewayError::BadSignature,
            ErrorClass::Malformed => GatewayError::Malformed(self.message.clone()),
            ErrorClass::Unsigned => GatewayError::Unsigned(alipay()),
            ErrorClass::ErrorResponse => GatewayError::ErrorResponse(alipay()),
            ErrorClass::Business => GatewayError::Business(alipay()),
        }
    }
}
