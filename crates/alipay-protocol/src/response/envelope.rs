//! Locating the top-level members of a response body without re-serialising anything.
//!
//! `serde_json`'s `RawValue` hands back the exact characters of a member's value, from its
//! `{` to the matching `}` (string- and escape-aware), which is precisely the text Alipay
//! signs (API.md §4.2, the approach it recommends). A repeated node, `error_response` or
//! `sign` member is refused, as the Java SDK refuses a repeated node (anti-splicing).

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::Malformed;

/// The node named after an error at the gateway level (older style).
pub const ERROR_RESPONSE_NODE: &str = "error_response";
const SIGN_MEMBER: &str = "sign";
const CERT_SN_MEMBER: &str = "alipay_cert_sn";

/// Which node carried the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// `<method with . → _>_response`.
    Method,
    /// `error_response`.
    ErrorResponse,
}

/// The parts of a response body: the signed node's exact text and the top-level `sign`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseEnvelope<'a> {
    node: NodeKind,
    content: &'a str,
    sign: Option<String>,
    alipay_cert_sn: Option<String>,
}

impl<'a> ResponseEnvelope<'a> {
    /// Splits `raw_body` into node and signature. The node is the one named after
    /// `node_name` (see [`super::response_node_name`]), else `error_response`.
    ///
    /// # Errors
    /// [`Malformed`] when the body is not one JSON object, has no usable node, repeats a
    /// member that matters, or has a non-string `sign`.
    pub fn parse(raw_body: &'a str, node_name: &str) -> Result<Self, Malformed> {
        let members = scan(raw_body, Some(node_name))?;
        let (node, raw) = match (members.node, members.error) {
            (Some(raw), _) => (NodeKind::Method, raw),
            (None, Some(raw)) => (NodeKind::ErrorResponse, raw),
            (None, None) => {
                return Err(members
                    .other_response
                    .map_or(Malformed::NoResponseNode, Malformed::UnexpectedNode));
            }
        };
        let content = raw.get();
        if !content.starts_with('{') {
            return Err(Malformed::NodeNotObject);
        }
        let sign = string_member(members.sign, Malformed::SignNotString)?;
        let alipay_cert_sn = string_member(members.cert_sn, Malformed::CertSnNotString)?;
        Ok(Self {
            node,
            content,
            sign: sign.filter(|s| !s.is_empty()),
            alipay_cert_sn,
        })
    }

    /// Which node answered.
    #[must_use]
    pub const fn node(&self) -> NodeKind {
        self.node
    }

    /// The node's exact text: what the signature covers.
    #[must_use]
    pub const fn content(&self) -> &'a str {
        self.content
    }

    /// The top-level `sign` (JSON-unescaped), if present and not empty.
    #[must_use]
    pub fn sign(&self) -> Option<&str> {
        self.sign.as_deref()
    }

    /// The top-level `alipay_cert_sn` (certificate mode), if present.
    #[must_use]
    pub fn alipay_cert_sn(&self) -> Option<&str> {
        self.alipay_cert_sn.as_deref()
    }
}

/// The top-level `sign` of a body, whatever its node (empty counts as absent).
pub(super) fn top_level_sign(raw_body: &str) -> Result<Option<String>, Malformed> {
    let members = scan(raw_body, None)?;
    Ok(string_member(members.sign, Malformed::SignNotString)?.filter(|s| !s.is_empty()))
}

fn scan<'a>(raw_body: &'a str, node_name: Option<&str>) -> Result<Members<'a>, Malformed> {
    let mut de = serde_json::Deserializer::from_str(raw_body);
    let members = TopLevel { node_name }
        .deserialize(&mut de)
        .map_err(|_| Malformed::NotJsonObject)?;
    de.end().map_err(|_| Malformed::NotJsonObject)?;
    match members.duplicate {
        Some(name) => Err(Malformed::DuplicateMember(name)),
        None => Ok(members),
    }
}

fn string_member(raw: Option<&RawValue>, err: Malformed) -> Result<Option<String>, Malformed> {
    raw.map(|raw| serde_json::from_str::<String>(raw.get()).map_err(|_| err))
        .transpose()
}

/// The members we look at, each as exact raw text.
#[derive(Default)]
struct Members<'de> {
    node: Option<&'de RawValue>,
    error: Option<&'de RawValue>,
    sign: Option<&'de RawValue>,
    cert_sn: Option<&'de RawValue>,
    other_response: Option<String>,
    duplicate: Option<String>,
}

struct TopLevel<'n> {
    node_name: Option<&'n str>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Members<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Members<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Members::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = if self.node_name == Some(key.as_str()) {
                &mut members.node
            } else if key == ERROR_RESPONSE_NODE {
                &mut members.error
            } else if key == SIGN_MEMBER {
                &mut members.sign
            } else if key == CERT_SN_MEMBER {
                &mut members.cert_sn
            } else {
                if key.ends_with("_response") && members.other_response.is_none() {
                    members.other_response = Some(key);
                }
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let raw: &'de RawValue = map.next_value()?;
            if slot.is_some() {
                members.duplicate.get_or_insert(key);
            } else {
                *slot = Some(raw);
            }
        }
        Ok(members)
    }
}
