//! Answers as Alipay writes them: `{"<method>_response":{code,msg,…},"sign":"…"}` with the
//! signature taken over exactly the node text in the body, HTTP 200,
//! `text/html;charset=utf-8` (what the real gateway labels JSON with).

use actix_web::HttpResponse;
use actix_web::http::header::CONTENT_TYPE;
use serde::Serialize;
use xjz_alipay_protocol::Signer as _;

use crate::sim::Sim;

/// The node of gateway errors that belong to no method.
pub const ERROR_RESPONSE: &str = "error_response";

/// Public gateway codes (API.md §5.1).
pub mod codes {
    pub const SUCCESS: (&str, &str) = ("10000", "Success");
    pub const MISSING: (&str, &str) = ("40001", "Missing Required Arguments");
    pub const INVALID: (&str, &str) = ("40002", "Invalid Arguments");
    pub const BUSINESS: (&str, &str) = ("40004", "Business Failed");
    pub const LIMITED: (&str, &str) = ("40005", "Call Limited");
}

/// One answer before it is rendered: the node's name, its exact JSON text and whether
/// Alipay would sign it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub node: String,
    pub json: String,
    pub signed: bool,
}

#[derive(Serialize)]
struct Node<'a, B: Serialize> {
    code: &'a str,
    msg: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_msg: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    body: Option<&'a B>,
}

#[derive(Serialize)]
struct NoFields {}

fn node_text<B: Serialize>(node: &Node<'_, B>) -> String {
    // Serialising plain strings and our own structs cannot fail; an empty object keeps the
    // function total if it ever did.
    let json = serde_json::to_string(node).unwrap_or_else(|_| "{}".to_owned());
    escape_slashes(json)
}

/// Alipay's serialiser writes `/` as `\/` (vectors.json
/// `resp_order_query_confirm_escaped_slashes`) and signs the escaped text; so do we, which
/// catches clients that re-serialise before verifying. Outside strings JSON has no `/`, so
/// every `/` is inside a string, where `\/` is a valid escape.
fn escape_slashes(json: String) -> String {
    if json.contains('/') {
        json.replace('/', "\\/")
    } else {
        json
    }
}

impl Reply {
    /// code 10000 with the method's business fields.
    pub fn success<B: Serialize>(node: &str, body: &B) -> Self {
        let (code, msg) = codes::SUCCESS;
        let json = node_text(&Node {
            code,
            msg,
            sub_code: None,
            sub_msg: None,
            body: Some(body),
        });
        Self {
            node: node.to_owned(),
            json,
            signed: true,
        }
    }

    /// code 10000 without business fields (facetoface.sign, cancel).
    pub fn empty_success(node: &str) -> Self {
        Self::success(node, &NoFields {})
    }

    /// An error answer (signed unless `signed` is false).
    pub fn error(node: &str, (code, msg): (&str, &str), sub_code: &str, sub_msg: &str) -> Self {
        let json = node_text(&Node::<NoFields> {
            code,
            msg,
            sub_code: Some(sub_code),
            sub_msg: Some(sub_msg),
            body: None,
        });
        Self {
            node: node.to_owned(),
            json,
            signed: true,
        }
    }

    /// The same answer, unsigned.
    pub fn unsigned(self) -> Self {
        Self {
            signed: false,
            ..self
        }
    }
}

/// How the rendered answer is spoiled, if at all (see [`crate::faults`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spoil {
    None,
    BadSignature,
    Unsigned,
    Malformed,
}

/// The body text of `reply`. Signing happens here, outside every lock.
pub fn render(sim: &Sim, reply: &Reply, spoil: Spoil) -> String {
    let wants_sign = reply.signed && spoil != Spoil::Unsigned;
    let sign = if wants_sign {
        match sim.crypto.alipay_private.sign(reply.json.as_bytes()) {
            Ok(sign) => Some(sign),
            Err(e) => {
                tracing::error!(error.message = %e, "signing the answer failed; sending it unsigned");
                None
            }
        }
    } else {
        None
    };
    let body = match sign {
        Some(mut sign) => {
            if spoil == Spoil::BadSignature {
                corrupt(&mut sign);
            }
            // Standard base64 needs no JSON escaping.
            format!("{{\"{}\":{},\"sign\":\"{sign}\"}}", reply.node, reply.json)
        }
        None => format!("{{\"{}\":{}}}", reply.node, reply.json),
    };
    if spoil == Spoil::Malformed {
        let mut cut = body.len() / 2;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        return body[..cut].to_owned();
    }
    body
}

/// Changes the first character of a base64 signature: still base64, no longer valid.
fn corrupt(sign: &mut String) {
    let replacement = if sign.starts_with('A') { "B" } else { "A" };
    if !sign.is_empty() {
        sign.replace_range(..1, replacement);
    }
}

/// An HTTP 200 answer carrying `body`.
pub fn http_ok(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html;charset=utf-8"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slashes_are_escaped_as_alipay_writes_them_and_parse_back() {
        let reply = Reply::success(
            "n",
            &serde_json::json!({"confirm_url": "https://b.alipay.com/p?x=1"}),
        );
        assert!(
            reply
                .json
                .contains(r#""confirm_url":"https:\/\/b.alipay.com\/p?x=1""#),
            "{}",
            reply.json
        );
        let parsed: serde_json::Value = serde_json::from_str(&reply.json).unwrap();
        assert_eq!(parsed["confirm_url"], "https://b.alipay.com/p?x=1");
    }
}
