//! `AgentGateway`: the five Alipay agent methods as the domain needs them.
//!
//! The adapter (crates/alipay-adapter) implements this against the real gateway; tests mock
//! it. Inputs and outputs are domain types; wire details never cross this line.

use std::fmt;

use async_trait::async_trait;

use crate::application::{ApplicationDetails, ApplicationImages};
use crate::order::status::AlipayOrderStatus;

/// Alipay's method names, for events and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AlipayMethod {
    #[serde(rename = "alipay.open.agent.create")]
    Create,
    #[serde(rename = "alipay.open.agent.facetoface.sign")]
    FacetofaceSign,
    #[serde(rename = "alipay.open.agent.confirm")]
    Confirm,
    #[serde(rename = "alipay.open.agent.order.query")]
    OrderQuery,
    #[serde(rename = "alipay.open.agent.cancel")]
    Cancel,
}

impl AlipayMethod {
    pub const ALL: [AlipayMethod; 5] = [
        AlipayMethod::Create,
        AlipayMethod::FacetofaceSign,
        AlipayMethod::Confirm,
        AlipayMethod::OrderQuery,
        AlipayMethod::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlipayMethod::Create => "alipay.open.agent.create",
            AlipayMethod::FacetofaceSign => "alipay.open.agent.facetoface.sign",
            AlipayMethod::Confirm => "alipay.open.agent.confirm",
            AlipayMethod::OrderQuery => "alipay.open.agent.order.query",
            AlipayMethod::Cancel => "alipay.open.agent.cancel",
        }
    }
}

impl fmt::Display for AlipayMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An answer from Alipay that is not success: `code` (e.g. `40004`), `msg`, `sub_code`
/// (e.g. `BATCH_STATUS_IS_FINAL`), `sub_msg`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AlipayError {
    pub code: String,
    pub msg: String,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
}

impl AlipayError {
    pub fn has_sub_code(&self, sub_code: &str) -> bool {
        self.sub_code.as_deref() == Some(sub_code)
    }
}

impl fmt::Display for AlipayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {} ({})", self.code, self.msg)?;
        if let Some(sub) = &self.sub_code {
            write!(f, ", sub_code {sub}")?;
        }
        if let Some(sub_msg) = &self.sub_msg {
            write!(f, ": {sub_msg}")?;
        }
        Ok(())
    }
}

/// Why a gateway call did not succeed. The worker's retry decision and the submission's
/// "did Alipay do it?" decision read only this classification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Could not reach Alipay or got a non-200 HTTP answer (`status` when there was one).
    #[error("transport failure: {message}")]
    Transport {
        status: Option<u16>,
        message: String,
    },
    /// No answer in time; Alipay may or may not have done the work.
    #[error("Alipay did not answer in time")]
    Timeout,
    /// The answer's signature did not verify with the Alipay public key: never acted on.
    #[error("Alipay's answer failed signature verification")]
    BadSignature,
    /// The answer could not be understood (not JSON, missing node, wrong method).
    #[error("malformed answer from Alipay: {0}")]
    Malformed(String),
    /// An unsigned error answer in the method's node (gateway-level errors are unsigned).
    #[error("Alipay refused (unsigned answer): {0}")]
    Unsigned(AlipayError),
    /// An `error_response` node.
    #[error("Alipay refused (error_response): {0}")]
    ErrorResponse(AlipayError),
    /// A signed answer with a code other than 10000.
    #[error("Alipay refused: {0}")]
    Business(AlipayError),
}

/// Sub-codes that mean "try the same request again later".
const TRANSIENT_SUB_CODES: [&str; 4] = [
    "SYSTEM_ERROR",
    "UNKNOWN_EXCEPTION",
    "isv.app-call-limited",
    "isv.method-call-limited",
];

impl GatewayError {
    /// Alipay's code/msg/sub_code/sub_msg when Alipay answered.
    pub fn alipay(&self) -> Option<&AlipayError> {
        match self {
            GatewayError::Unsigned(a)
            | GatewayError::ErrorResponse(a)
            | GatewayError::Business(a) => Some(a),
            GatewayError::Transport { .. }
            | GatewayError::Timeout
            | GatewayError::BadSignature
            | GatewayError::Malformed(_) => None,
        }
    }

    /// Whether a definite Alipay answer carries this sub_code.
    pub fn has_sub_code(&self, sub_code: &str) -> bool {
        self.alipay().is_some_and(|a| a.has_sub_code(sub_code))
    }

    /// True when we cannot tell whether Alipay performed the call (lost reply, garbage,
    /// a reply we must not trust). Such outcomes are settled by a later query.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            GatewayError::Transport { .. }
            | GatewayError::Timeout
            | GatewayError::BadSignature
            | GatewayError::Malformed(_) => true,
            GatewayError::Unsigned(_)
            | GatewayError::ErrorResponse(_)
            | GatewayError::Business(_) => false,
        }
    }

    /// Worth retrying with backoff: unknown outcomes, `20000` (service unavailable), `40005`
    /// (rate limited) and `SYSTEM_ERROR`-like sub-codes.
    pub fn is_transient(&self) -> bool {
        if self.outcome_unknown() {
            return true;
        }
        self.alipay().is_some_and(|a| {
            a.code == "20000"
                || a.code == "40005"
                || a.sub_code
                    .as_deref()
                    .is_some_and(|s| TRANSIENT_SUB_CODES.contains(&s))
        })
    }

    /// The class of failure, for logs, metrics and the timeline.
    pub fn class(&self) -> ErrorClass {
        match self {
            GatewayError::Transport { .. } => ErrorClass::Transport,
            GatewayError::Timeout => ErrorClass::Timeout,
            GatewayError::BadSignature => ErrorClass::BadSignature,
            GatewayError::Malformed(_) => ErrorClass::Malformed,
            GatewayError::Unsigned(_) => ErrorClass::Unsigned,
            GatewayError::ErrorResponse(_) => ErrorClass::ErrorResponse,
            GatewayError::Business(_) => ErrorClass::Business,
        }
    }
}

/// [`GatewayError`]'s variants without their data: what is stored and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    Transport,
    Timeout,
    BadSignature,
    Malformed,
    Unsigned,
    ErrorResponse,
    Business,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 7] = [
        ErrorClass::Transport,
        ErrorClass::Timeout,
        ErrorClass::BadSignature,
        ErrorClass::Malformed,
        ErrorClass::Unsigned,
        ErrorClass::ErrorResponse,
        ErrorClass::Business,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Transport => "transport",
            ErrorClass::Timeout => "timeout",
            ErrorClass::BadSignature => "bad_signature",
            ErrorClass::Malformed => "malformed",
            ErrorClass::Unsigned => "unsigned",
            ErrorClass::ErrorResponse => "error_response",
            ErrorClass::Business => "business",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// Sub-codes the submission logic acts on (API.md §5.2).
pub mod sub_codes {
    pub const BATCH_STATUS_NOT_SUBMIT: &str = "BATCH_STATUS_NOT_SUBMIT";
    pub const BATCH_STATUS_IS_FINAL: &str = "BATCH_STATUS_IS_FINAL";
    pub const BATCH_IS_NOT_EXIST: &str = "BATCH_IS_NOT_EXIST";
}

/// What `alipay.open.agent.create` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchCreated {
    pub batch_no: String,
    /// `init` on success.
    pub batch_status: String,
}

/// A secret token Alipay may hand over for the merchant; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AppAuthToken(String);

impl AppAuthToken {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret value, for the persistence adapter to encrypt. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AppAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppAuthToken([REDACTED])")
    }
}

/// What `alipay.open.agent.confirm` returns (tokens only if Alipay fills them, API.md §6.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Confirmed {
    pub order_no: Option<String>,
    pub app_auth_token: Option<AppAuthToken>,
    pub user_id: Option<String>,
}

/// One `restrict_infos[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestrictInfo {
    pub restrict_product: Option<String>,
    pub restrict_reason: Option<String>,
    pub restrict_reason_code: Option<String>,
}

/// One `product_agent_status_infos[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProductStatus {
    pub product_code: String,
    pub product_name: Option<String>,
    pub status: String,
    pub reject_reason: Option<String>,
}

/// The product code of 当面付.
pub const FACE_TO_FACE_PAYMENT: &str = "FACE_TO_FACE_PAYMENT";

/// What `alipay.open.agent.order.query` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderQueried {
    pub order_status: AlipayOrderStatus,
    pub order_no: Option<String>,
    pub merchant_pid: Option<String>,
    pub confirm_url: Option<String>,
    pub reject_reason: Option<String>,
    pub restrict_infos: Vec<RestrictInfo>,
    pub product_statuses: Vec<ProductStatus>,
}

impl OrderQueried {
    /// An answer with just a status (tests, simple callers).
    pub fn with_status(order_status: AlipayOrderStatus) -> Self {
        Self {
            order_status,
            order_no: None,
            merchant_pid: None,
            confirm_url: None,
            reject_reason: None,
            restrict_infos: Vec::new(),
            product_statuses: Vec::new(),
        }
    }

    /// The FACE_TO_FACE_PAYMENT product entry, if present.
    pub fn face_to_face(&self) -> Option<&ProductStatus> {
        self.product_statuses
            .iter()
            .find(|p| p.product_code == FACE_TO_FACE_PAYMENT)
    }
}

/// The five agent methods.
///
/// Implementations MUST verify every answer before returning `Ok` and MUST NOT return `Ok`
/// for an answer whose signature failed (that is [`GatewayError::BadSignature`]).
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait AgentGateway: Send + Sync {
    /// `alipay.open.agent.create`: opens a batch for the merchant and contact of `details`.
    async fn create(&self, details: &ApplicationDetails) -> Result<BatchCreated, GatewayError>;

    /// `alipay.open.agent.facetoface.sign`: attaches the 当面付 application to the batch.
    async fn facetoface_sign(
        &self,
        batch_no: &str,
        details: &ApplicationDetails,
        images: &ApplicationImages,
    ) -> Result<(), GatewayError>;

    /// `alipay.open.agent.confirm`: submits the batch.
    async fn confirm(&self, batch_no: &str) -> Result<Confirmed, GatewayError>;

    /// `alipay.open.agent.order.query`: the application's status.
    async fn query_order(&self, batch_no: &str) -> Result<OrderQueried, GatewayError>;

    /// `alipay.open.agent.cancel`: cancels a batch that is still `init`.
    async fn cancel(&self, batch_no: &str) -> Result<(), GatewayError>;
}
