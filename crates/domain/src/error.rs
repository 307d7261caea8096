//! Domain errors.
//!
//! Policy: variants are things a caller can act on — invalid input (every bad field at once),
//! an action the order's state does not allow, not found, a conflict — plus the gateway and
//! repository failures the service passes through with the order they concern. The api crate
//! maps each variant to one envelope code (DESIGN §4); nothing here knows about HTTP.

use std::fmt;

use crate::order::{FacetofaceOrder, OrderStatus, SubmitStep};
use crate::ports::gateway::GatewayError;
use crate::ports::repository::RepositoryError;
use crate::validation::ValidationErrors;

/// What an operator (or the worker) tried to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    CreateBatch,
    Sign,
    Confirm,
    SettleConfirm,
    Resume,
    Edit,
    Refresh,
    Poll,
    Cancel,
    Reapply,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::CreateBatch => "create a batch for",
            Action::Sign => "sign",
            Action::Confirm => "confirm",
            Action::SettleConfirm => "settle the confirm of",
            Action::Resume => "resume",
            Action::Edit => "edit",
            Action::Refresh => "refresh",
            Action::Poll => "poll",
            Action::Cancel => "cancel",
            Action::Reapply => "re-apply",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule of the order's state machine was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} an order that is {status} (submission step {step})")]
    NotAllowed {
        action: Action,
        status: OrderStatus,
        step: SubmitStep,
    },
    #[error("invalid transition from {from} to {to}")]
    InvalidTransition { from: OrderStatus, to: OrderStatus },
}

/// Why an idempotent request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyConflict {
    #[error("the Idempotency-Key was already used with a different request")]
    KeyReusedWithOtherRequest,
    #[error("a request with this Idempotency-Key is still being processed")]
    StillProcessing,
}

/// The errors of the facetoface services.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Every invalid field of the input (API 10422).
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// No such order in the caller's tenant (API 10404).
    #[error("order not found")]
    NotFound,
    /// The order's state does not allow the action (API 10409).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Someone else changed the order first (API 10409).
    #[error("the order was changed by someone else; reload and try again")]
    StaleVersion,
    /// Idempotency-Key misuse (API 10409).
    #[error(transparent)]
    Idempotency(#[from] IdempotencyConflict),
    /// Alipay refused or did not answer (API 10502/10504). `order` is the order as stored
    /// after the failure, when one exists; it is always left resumable.
    #[error("Alipay call failed: {error}")]
    Gateway {
        error: GatewayError,
        order: Option<Box<FacetofaceOrder>>,
    },
    /// Storage failed (API 10500).
    #[error("storage failure")]
    Repository(#[source] RepositoryError),
}

impl From<RepositoryError> for ServiceError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Conflict => ServiceError::StaleVersion,
            other @ RepositoryError::Unexpected(_) => ServiceError::Repository(other),
        }
    }
}

impl From<ValidationErrors> for ServiceError {
    fn from(errors: ValidationErrors) -> Self {
        ServiceError::Validation(errors)
    }
}
