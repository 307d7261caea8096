//! The facetoface domain: opening Alipay 当面付 for a merchant on behalf of an ISV.
//!
//! Framework-free by rule (DESIGN §1): no actix, sea-orm, reqwest, apalis or async runtime
//! here. Adapters implement the [`ports`]; the [`service`] owns every decision; the
//! [`order`] aggregate guards the state machine; [`application`] holds the value objects
//! that validate an application on construction.

pub mod application;
pub mod error;
pub mod ids;
pub mod order;
pub mod polling;
pub mod ports;
pub mod service;
pub mod validation;

#[cfg(any(test, feature = "test-support"))]
pub mod fixtures;
#[cfg(test)]
mod test_support;

pub use error::{Action, IdempotencyConflict, ServiceError, TransitionError};
pub use ids::{Actor, OrderId, Stamp, TenantId, UserId};
pub use order::{FacetofaceOrder, OrderStatus, SubmitStep};
pub use service::{FacetofaceService, ServiceConfig};
