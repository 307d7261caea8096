//! Errors of the adapter.
//!
//! Policy: library errors (reqwest, serde_json, ring) are translated here, at the seam, into
//! the classes the callers act on — the same classes as the domain's `GatewayError`, into
//! which [`AlipayCallError`] converts one to one. Messages never hold keys, signatures,
//! request bodies or personal data; a transport message is reqwest's text without the URL
//! (the URL carries the signed query).

use std::fmt;

use xjz_alipay_protocol::{BadSignature, GatewayStatus, KeyError};
use xjz_domain::ports::GatewayError;
use xjz_domain::ports::gateway::AlipayError;

/// Alipay's status fields of a refusal (`code` other than 10000, or a `sub_code`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlipayRefusal {
    /// e.g. `40004`.
    pub code: String,
    /// e.g. `Business Failed`.
    pub msg: String,
    /// e.g. `BATCH_STATUS_IS_FINAL`.
    pub sub_code: Option<String>,
    /// Alipay's explanation.
    pub sub_msg: Option<String>,
}

impl From<GatewayStatus> for AlipayRefusal {
    fn from(status: GatewayStatus) -> Self {
        Self {
            code: status.code,
            msg: status.msg.unwrap_or_default(),
            sub_code: status.sub_code.filter(|s| !s.is_empty()),
            sub_msg: status.sub_msg.filter(|s| !s.is_empty()),
        }
    }
}

impl From<AlipayRefusal> for AlipayError {
    fn from(refusal: AlipayRefusal) -> Self {
        Self {
            code: refusal.code,
            msg: refusal.msg,
            sub_code: refusal.sub_code,
            sub_msg: refusal.sub_msg,
        }
    }
}

impl fmt::Display for AlipayRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {} ({})", self.code, self.msg)?;
        if let Some(sub_code) = &self.sub_code {
            write!(f, ", sub_code {sub_code}")?;
        }
        if let Some(sub_msg) = &self.sub_msg {
            write!(f, ", sub_msg {sub_msg}")?;
        }
        Ok(())
    }
}

/// Why one call to the gateway did not give a verified success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlipayCallError {
    /// Could not reach the gateway, or a non-200 HTTP answer.
    #[error("transport failure: {message}")]
    Transport {
        /// HTTP status when there was an answer.
        status: Option<u16>,
        /// What went wrong (no URL, no body).
        message: String,
    },
    /// No answer within the call's timeout.
    #[error("Alipay did not answer in time")]
    Timeout,
    /// The answer's signature failed (or a success came unsigned): never acted on.
    #[error("Alipay's answer failed signature verification: {0}")]
    BadSignature(BadSignature),
    /// The answer could not be understood (not JSON, wrong node, missing fields).
    #[error("malformed answer from Alipay: {0}")]
    Malformed(String),
    /// An error answer without signature (e.g. unknown app id): unauthenticated.
    #[error("Alipay refused (unsigned answer): {0}")]
    Unsigned(AlipayRefusal),
    /// A signed `error_response` node.
    #[error("Alipay refused (error_response): {0}")]
    ErrorResponse(AlipayRefusal),
    /// A signed answer in the method's node with a code other than 10000.
    #[error("Alipay refused: {0}")]
    Business(AlipayRefusal),
    /// The request could not be built (signing failed, a field would not encode).
    #[error("could not build the request: {0}")]
    Request(String),
}

impl AlipayCallError {
    /// Short class name for logs and metrics.
    #[must_use]
    pub const fn class(&self) -> &'static str {
        match self {
            Self::Transport { .. } => "transport",
            Self::Timeout => "timeout",
            Self::BadSignature(_) => "bad_signature",
            Self::Malformed(_) => "malformed",
            Self::Unsigned(_) => "unsigned",
            Self::ErrorResponse(_) => "error_response",
            Self::Business(_) => "business",
            Self::Request(_) => "request",
        }
    }

    /// Alipay's status fields, when Alipay answered with a refusal.
    #[must_use]
    pub const fn refusal(&self) -> Option<&AlipayRefusal> {
        match self {
            Self::Unsigned(r) | Self::ErrorResponse(r) | Self::Business(r) => Some(r),
            Self::Transport { .. }
            | Self::Timeout
            | Self::BadSignature(_)
            | Self::Malformed(_)
            | Self::Request(_) => None,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Self::Timeout;
        }
        let status = err.status().map(|s| s.as_u16());
        Self::Transport {
            status,
            message: error_chain(&err.without_url()),
        }
    }
}

/// The error and its sources on one line ("a: b: c"): reqwest's top-level text alone
/// ("error sending request") hides the cause.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<AlipayCallError> for GatewayError {
    fn from(err: AlipayCallError) -> Self {
        match err {
            AlipayCallError::Transport { status, message } => Self::Transport { status, message },
            AlipayCallError::Timeout => Self::Timeout,
            AlipayCallError::BadSignature(_) => Self::BadSignature,
            AlipayCallError::Malformed(message) => Self::Malformed(message),
            AlipayCallError::Unsigned(r) => Self::Unsigned(r.into()),
            AlipayCallError::ErrorResponse(r) => Self::ErrorResponse(r.into()),
            AlipayCallError::Business(r) => Self::Business(r.into()),
            // Nothing was sent: for the caller that is a failure to reach Alipay.
            AlipayCallError::Request(message) => Self::Transport {
                status: None,
                message,
            },
        }
    }
}

/// The client could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    /// A key did not load; the message names which.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The gateway URL is not an absolute http(s) URL.
    #[error("alipay gateway url is not a valid http(s) URL")]
    GatewayUrl,
    /// The app id is empty.
    #[error("alipay app id is empty")]
    AppId,
    /// The HTTP client could not be built (TLS setup).
    #[error("could not build the HTTP client: {0}")]
    Http(String),
}
