//! Reading gateway.do responses: find the signed node, verify it, classify it (API.md §4).
//!
//! Verify, then parse: nothing in a node is trusted before its signature checks out. The
//! one exception is an answer without any `sign`: its `code` is read (unverified) only to
//! tell an unsigned *error* — which Alipay does send, e.g. for an unknown app id — from an
//! unsigned *success*, which is refused like a bad signature (Java SDK behaviour, §4.3).

mod envelope;

use serde::Deserialize;

pub use envelope::{ERROR_RESPONSE_NODE, NodeKind, ResponseEnvelope};

use crate::signature::{SignError, Signer, Verifier, VerifyError};

/// `code` of a successful call.
pub const SUCCESS_CODE: &str = "10000";

/// The node name answering `method`: dots become underscores, plus `_response`
/// (`alipay.open.agent.create` → `alipay_open_agent_create_response`).
#[must_use]
pub fn response_node_name(method: &str) -> String {
    let mut name = method.replace('.', "_");
    name.push_str("_response");
    name
}

/// The exact text of the top-level member `node_name` of `raw_body` (an object value, from
/// its `{` to its matching `}`), or `None` when the body is not a JSON object, has no such
/// object member, or repeats it. Never re-serialised: this is what the signature covers.
#[must_use]
pub fn extract_signed_node<'a>(raw_body: &'a str, node_name: &str) -> Option<&'a str> {
    ResponseEnvelope::parse(raw_body, node_name)
        .ok()
        .filter(|envelope| envelope.node() == NodeKind::Method)
        .map(|envelope| envelope.content())
}

/// The top-level `sign` of `raw_body` (JSON-unescaped), if there is a non-empty one.
#[must_use]
pub fn extract_sign(raw_body: &str) -> Option<String> {
    envelope::top_level_sign(raw_body).ok().flatten()
}

/// What text a good signature was found over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifiedOver {
    /// The node's raw text, as received.
    RawText,
    /// The raw text with every `\/` replaced by `/` (the Java SDK's one retry, API.md §7.9).
    UnescapedSlashes,
}

/// Verifies `sign` over a node's text, retrying once with `\/` → `/` when the first attempt
/// fails and the text contains `\/` (and only then).
///
/// # Errors
/// [`VerifyError`] when neither attempt verifies.
pub fn verify_node(
    content: &str,
    sign: &str,
    verifier: &(impl Verifier + ?Sized),
) -> Result<VerifiedOver, VerifyError> {
    match verifier.verify(content.as_bytes(), sign) {
        Ok(()) => Ok(VerifiedOver::RawText),
        Err(VerifyError::Mismatch) if content.contains("\\/") => {
            let unescaped = content.replace("\\/", "/");
            verifier
                .verify(unescaped.as_bytes(), sign)
                .map(|()| VerifiedOver::UnescapedSlashes)
        }
        Err(err) => Err(err),
    }
}

/// Alipay's common status fields of a node (strings, as Alipay sends them).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GatewayStatus {
    /// `10000` on success, e.g. `40004` for a business failure.
    pub code: String,
    /// Short message.
    #[serde(default)]
    pub msg: Option<String>,
    /// Detailed code, e.g. `isv.invalid-app-id` or `BATCH_STATUS_IS_FINAL`.
    #[serde(default)]
    pub sub_code: Option<String>,
    /// Detailed message (may be Chinese, may end with a troubleshooting link).
    #[serde(default)]
    pub sub_msg: Option<String>,
}

impl GatewayStatus {
    /// Reads the status fields of a node's text; other fields are ignored.
    ///
    /// # Errors
    /// [`Malformed::NoStatus`] when `code` is missing or a status field is not a string.
    pub fn parse(content: &str) -> Result<Self, Malformed> {
        serde_json::from_str(content).map_err(|_| Malformed::NoStatus)
    }

    /// Success: `code` is `10000` and there is no `sub_code`.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.code == SUCCESS_CODE && self.sub_code.as_deref().is_none_or(str::is_empty)
    }
}

/// A node whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNode<'a> {
    /// The node's exact text (parse business fields from this).
    pub content: &'a str,
    /// Its status fields.
    pub status: GatewayStatus,
    /// Which text the signature was over.
    pub verified_over: VerifiedOver,
}

/// A node that came without any signature (never to be acted on except as an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedNode<'a> {
    /// The method node or `error_response`.
    pub node: NodeKind,
    /// The node's exact text.
    pub content: &'a str,
    /// Its status fields, unverified; never a success.
    pub status: GatewayStatus,
}

/// Why a response's signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadSignature {
    /// A success without a `sign`.
    #[error("success response carries no signature")]
    MissingOnSuccess,
    /// `sign` is not base64.
    #[error("response signature is not valid base64")]
    NotBase64,
    /// `sign` does not match the node under the Alipay public key.
    #[error("response signature does not match")]
    Mismatch,
}

impl From<VerifyError> for BadSignature {
    fn from(err: VerifyError) -> Self {
        match err {
            VerifyError::NotBase64 => Self::NotBase64,
            VerifyError::Mismatch => Self::Mismatch,
        }
    }
}

/// Why a response body could not be read as a gateway answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// Not a single JSON object.
    #[error("response body is not a JSON object")]
    NotJsonObject,
    /// Neither the method's node nor `error_response`.
    #[error("response has no node for this method and no error_response")]
    NoResponseNode,
    /// Another method's node: the answer does not match the question.
    #[error("response answers another method (node `{0}`)")]
    UnexpectedNode(String),
    /// The node, `error_response` or `sign` appears twice.
    #[error("response repeats the member `{0}`")]
    DuplicateMember(String),
    /// The node is not a JSON object.
    #[error("response node is not a JSON object")]
    NodeNotObject,
    /// `sign` is not a string.
    #[error("response sign is not a string")]
    SignNotString,
    /// `alipay_cert_sn` is not a string.
    #[error("response alipay_cert_sn is not a string")]
    CertSnNotString,
    /// The node has no string `code`.
    #[error("response node has no code")]
    NoStatus,
}

/// The verdict on one response body (API.md §4, vectors.json `response_verify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseVerdict<'a> {
    /// Signed, verified, method node, `code` 10000 and no `sub_code`.
    Success(VerifiedNode<'a>),
    /// Signed, verified, method node, any other code (e.g. 40004 with a `sub_code`).
    BusinessError(VerifiedNode<'a>),
    /// Signed, verified `error_response` node (gateway-level error).
    ErrorResponse(VerifiedNode<'a>),
    /// No signature and not a success: an unauthenticated error answer (e.g. unknown app id).
    Unsigned(UnsignedNode<'a>),
    /// A signature that fails, or a success without one. Never act on the body.
    BadSignature(BadSignature),
    /// Not a readable gateway answer for this method.
    Malformed(Malformed),
}

impl<'a> ResponseVerdict<'a> {
    /// The verified node, for the three verified verdicts.
    #[must_use]
    pub const fn verified(&self) -> Option<&VerifiedNode<'a>> {
        match self {
            Self::Success(node) | Self::BusinessError(node) | Self::ErrorResponse(node) => {
                Some(node)
            }
            Self::Unsigned(_) | Self::BadSignature(_) | Self::Malformed(_) => None,
        }
    }

    /// True when the signature checked out.
    #[must_use]
    pub const fn is_verified(&self) -> bool {
        self.verified().is_some()
    }
}

/// Reads, verifies and classifies a response body answering `method`.
#[must_use]
pub fn verify_response<'a>(
    raw_body: &'a str,
    method: &str,
    verifier: &(impl Verifier + ?Sized),
) -> ResponseVerdict<'a> {
    let envelope = match ResponseEnvelope::parse(raw_body, &response_node_name(method)) {
        Ok(envelope) => envelope,
        Err(malformed) => return ResponseVerdict::Malformed(malformed),
    };
    let content = envelope.content();
    let Some(sign) = envelope.sign() else {
        return match GatewayStatus::parse(content) {
            Err(malformed) => ResponseVerdict::Malformed(malformed),
            Ok(status) if status.code == SUCCESS_CODE => {
                ResponseVerdict::BadSignature(BadSignature::MissingOnSuccess)
            }
            Ok(status) => ResponseVerdict::Unsigned(UnsignedNode {
                node: envelope.node(),
                content,
                status,
            }),
        };
    };
    let verified_over = match verify_node(content, sign, verifier) {
        Ok(over) => over,
        Err(err) => return ResponseVerdict::BadSignature(err.into()),
    };
    let status = match GatewayStatus::parse(content) {
        Ok(status) => status,
        Err(malformed) => return ResponseVerdict::Malformed(malformed),
    };
    let success = status.is_success();
    let node = VerifiedNode {
        content,
        status,
        verified_over,
    };
    match (envelope.node(), success) {
        (NodeKind::ErrorResponse, _) => ResponseVerdict::ErrorResponse(node),
        (NodeKind::Method, true) => ResponseVerdict::Success(node),
        (NodeKind::Method, false) => ResponseVerdict::BusinessError(node),
    }
}

/// A response body as Alipay writes it: `{"<node_name>":<node_json>,"sign":"<sign>"}`, the
/// signature taken over `node_json` exactly (for the simulator and tests).
///
/// # Errors
/// [`SignError`] if signing fails.
pub fn signed_response_body(
    node_name: &str,
    node_json: &str,
    signer: &(impl Signer + ?Sized),
) -> Result<String, SignError> {
    let sign = signer.sign(node_json.as_bytes())?;
    let mut body = String::with_capacity(node_name.len() + node_json.len() + sign.len() + 16);
    body.push_str("{\"");
    body.push_str(node_name);
    body.push_str("\":");
    body.push_str(node_json);
    body.push_str(",\"sign\":\"");
    // Standard base64 needs no JSON escaping.
    body.push_str(&sign);
    body.push_str("\"}");
    Ok(body)
}

/// An unsigned body `{"<node_name>":<node_json>}`, as the gateway sends some errors.
#[must_use]
pub fn unsigned_response_body(node_name: &str, node_json: &str) -> String {
    format!("{{\"{node_name}\":{node_json}}}")
}
