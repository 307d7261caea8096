//! The order's timeline: every transition and every Alipay call outcome is an event.

use chrono::{DateTime, Utc};

use super::status::{CloseReason, OrderStatus, PollingStopReason, SubmitStep};
use crate::ids::{Actor, OrderId};
use crate::ports::gateway::{AlipayMethod, ErrorClass, GatewayError};

/// One entry of an order's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub time: DateTime<Utc>,
    pub actor: Actor,
    pub kind: EventKind,
}

/// The outcome of one Alipay call, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallOutcome {
    pub method: AlipayMethod,
    /// `None` when the call succeeded.
    pub class: Option<ErrorClass>,
    pub code: Option<String>,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
}

impl CallOutcome {
    pub fn ok(method: AlipayMethod) -> Self {
        Self {
            method,
            class: None,
            code: Some("10000".to_owned()),
            sub_code: None,
            sub_msg: None,
        }
    }

    pub fn failed(method: AlipayMethod, error: &GatewayError) -> Self {
        let alipay = error.alipay();
        Self {
            method,
            class: Some(error.class()),
            code: alipay.map(|a| a.code.clone()),
            sub_code: alipay.and_then(|a| a.sub_code.clone()),
            sub_msg: alipay.and_then(|a| a.sub_msg.clone()),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The application was stored (INIT).
    Created { reapplied_from: Option<OrderId> },
    /// A call to Alipay and what it answered.
    AlipayCall(CallOutcome),
    /// The submission advanced.
    StepReached {
        step: SubmitStep,
        batch_no: Option<String>,
    },
    /// A batch was given up (too old, or dead at Alipay); a new one will be created.
    BatchAbandoned { batch_no: String, reason: String },
    /// A query showed that a confirm whose reply was lost did not reach Alipay.
    ConfirmNotReceived { batch_no: String },
    /// Our status changed.
    StatusChanged {
        from: OrderStatus,
        to: OrderStatus,
        alipay_status: Option<String>,
    },
    /// Alipay reported a status that ranks below ours; recorded, not applied.
    BackwardMoveIgnored {
        current: OrderStatus,
        alipay_status: String,
    },
    /// Alipay reported a status we do not know; recorded, polling goes on.
    UnknownAlipayStatus { alipay_status: String },
    /// Alipay holds the application for correction (MERCHANT_INFO_HOLD), or released it.
    NeedsCorrectionChanged { needs_correction: bool },
    /// An operator corrected fields or images of an INIT order.
    Edited { fields: Vec<String> },
    /// The order was closed locally.
    Closed { reason: CloseReason },
    /// A re-application replaced this order.
    SupersededBy { order_id: OrderId },
    /// Polling ended for the reason given.
    PollingStopped { reason: PollingStopReason },
    /// A manual refresh restarted polling that had stopped.
    PollingResumed,
}
