#![doc = include_str!("../README.md")]

pub mod keys;
pub mod request;
pub mod response;
pub mod signature;

pub use keys::{
    AlipayPublicKey, AppPrivateKey, KeyError, KeyErrorReason, KeyRole, RsaPrivateKey, RsaPublicKey,
};
pub use request::{
    GatewayRequest, RequestSignatureError, SignedRequest, china_timestamp, methods, verify_request,
};
pub use response::{
    BadSignature, ERROR_RESPONSE_NODE, GatewayStatus, Malformed, NodeKind, ResponseEnvelope,
    ResponseVerdict, SUCCESS_CODE, UnsignedNode, VerifiedNode, VerifiedOver, extract_sign,
    extract_signed_node, response_node_name, signed_response_body, unsigned_response_body,
    verify_node, verify_response,
};
pub use signature::{SignError, Signer, Verifier, VerifyError, sign_content};
