//! Response reading beyond the vectors: malformed shapes, duplicates, the simulator-side
//! helpers, and properties over arbitrary node contents.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::{Value, json};
use xjz_alipay_protocol::{
    AlipayPublicKey, KeyRole, Malformed, NodeKind, RequestSignatureError, ResponseEnvelope,
    ResponseVerdict, RsaPrivateKey, extract_sign, extract_signed_node, sign_content,
    signed_response_body, unsigned_response_body, verify_request, verify_response,
};

const METHOD: &str = "alipay.open.agent.confirm";
const NODE: &str = "alipay_open_agent_confirm_response";

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/vectors.json")).unwrap()
}

fn alipay_private() -> RsaPrivateKey {
    let v = vectors();
    RsaPrivateKey::parse(
        v["keys"]["alipay"]["private_key_pkcs8_pem"]
            .as_str()
            .unwrap(),
        KeyRole::AlipayPrivateKey,
    )
    .unwrap()
}

fn alipay_public() -> AlipayPublicKey {
    let v = vectors();
    AlipayPublicKey::parse(v["keys"]["alipay"]["public_key_spki_pem"].as_str().unwrap()).unwrap()
}

fn malformed(body: &str) -> Malformed {
    match verify_response(body, METHOD, &alipay_public()) {
        ResponseVerdict::Malformed(m) => m,
        other => panic!("{other:?}"),
    }
}

#[test]
fn shapes_that_are_not_an_answer_are_malformed() {
    let ok = r#"{"code":"10000","msg":"Success"}"#;
    assert_eq!(malformed(""), Malformed::NotJsonObject);
    assert_eq!(malformed("[1]"), Malformed::NotJsonObject);
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{ok}"#)),
        Malformed::NotJsonObject
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{ok}}} trailing"#)),
        Malformed::NotJsonObject
    );
    assert_eq!(malformed(r#"{"sign":"AAAA"}"#), Malformed::NoResponseNode);
    assert_eq!(
        malformed(&format!(
            r#"{{"alipay_open_agent_create_response":{ok},"sign":"AAAA"}}"#
        )),
        Malformed::UnexpectedNode("alipay_open_agent_create_response".to_owned())
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":"x","sign":"AAAA"}}"#)),
        Malformed::NodeNotObject
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{ok},"sign":5}}"#)),
        Malformed::SignNotString
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{ok},"{NODE}":{ok},"sign":"AAAA"}}"#)),
        Malformed::DuplicateMember(NODE.to_owned())
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{ok},"sign":"AAAA","sign":"BBBB"}}"#)),
        Malformed::DuplicateMember("sign".to_owned())
    );
    assert_eq!(
        malformed(&format!(r#"{{"{NODE}":{{"msg":"x"}}}}"#)),
        Malformed::NoStatus
    );
}

#[test]
fn a_verified_node_without_code_is_malformed_not_success() {
    let body = signed_response_body(NODE, r#"{"msg":"Success"}"#, &alipay_private()).unwrap();
    assert_eq!(malformed(&body), Malformed::NoStatus);
}

#[test]
fn the_method_node_wins_over_error_response() {
    let node = r#"{"code":"10000","msg":"Success"}"#;
    let body = format!(
        r#"{{"error_response":{{"code":"40002"}},"{NODE}":{node},"sign":"{}"}}"#,
        signed_response_body(NODE, node, &alipay_private())
            .map(|b| extract_sign(&b).unwrap())
            .unwrap()
    );
    let envelope = ResponseEnvelope::parse(&body, NODE).unwrap();
    assert_eq!(envelope.node(), NodeKind::Method);
    assert!(matches!(
        verify_response(&body, METHOD, &alipay_public()),
        ResponseVerdict::Success(_)
    ));
}

#[test]
fn an_empty_sign_counts_as_no_sign() {
    let body = format!(r#"{{"{NODE}":{{"code":"40004","msg":"x","sub_code":"Y"}},"sign":""}}"#);
    assert!(matches!(
        verify_response(&body, METHOD, &alipay_public()),
        ResponseVerdict::Unsigned(_)
    ));
}

#[test]
fn escaped_sign_and_cert_sn_are_read_as_json_strings() {
    let node = r#"{"code":"10000","msg":"Success"}"#;
    let body = signed_response_body(NODE, node, &alipay_private()).unwrap();
    let sign = extract_sign(&body).unwrap();
    // Alipay may write '/' in the base64 as '\/'; the JSON value is the same.
    assert!(sign.contains('/'), "this signature has a slash to escape");
    let escaped = body.replace(&sign, &sign.replace('/', "\\/"));
    assert_ne!(escaped, body);
    assert_eq!(extract_sign(&escaped).unwrap(), sign);
    let with_sn = body.replacen("\"sign\"", "\"alipay_cert_sn\":\"abc\",\"sign\"", 1);
    assert_eq!(
        ResponseEnvelope::parse(&with_sn, NODE)
            .unwrap()
            .alipay_cert_sn(),
        Some("abc")
    );
}

#[test]
fn unsigned_bodies_are_what_the_gateway_sends_for_unknown_apps() {
    let body = unsigned_response_body(
        "error_response",
        r#"{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}"#,
    );
    let ResponseVerdict::Unsigned(node) = verify_response(&body, METHOD, &alipay_public()) else {
        panic!();
    };
    assert_eq!(node.node, NodeKind::ErrorResponse);
    assert_eq!(node.status.code, "40002");
}

#[test]
fn requests_are_verified_over_all_their_text_parameters() {
    let v = vectors();
    let case = &v["request"][0]["expected"];
    let mut params: Vec<(String, String)> = case["query_params"]
        .as_array()
        .unwrap()
        .iter()
        .chain(case["body_params"].as_array().unwrap())
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let app_public = xjz_alipay_protocol::RsaPublicKey::parse(
        v["keys"]["app"]["public_key_spki_pem"].as_str().unwrap(),
        KeyRole::AppPublicKey,
    )
    .unwrap();
    let pairs = |p: &[(String, String)]| -> Vec<(String, String)> { p.to_vec() };
    let check = |p: &[(String, String)]| {
        let p = pairs(p);
        verify_request(p.iter().map(|(k, v)| (k.as_str(), v.as_str())), &app_public)
    };
    check(&params).unwrap();
    params.push(("extra".to_owned(), "1".to_owned()));
    assert!(matches!(
        check(&params),
        Err(RequestSignatureError::Invalid(_))
    ));
    params.pop();
    params.retain(|(k, _)| k != "sign");
    assert_eq!(check(&params), Err(RequestSignatureError::Missing));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever a node holds (quotes, braces, backslashes, unicode), the extracted text is
    /// exactly the node as written, compact or pretty, and it verifies.
    #[test]
    fn any_node_text_is_extracted_exactly_and_verifies(
        memo in any::<String>(),
        pretty in any::<bool>(),
    ) {
        let node = json!({"code": "10000", "msg": "Success", "memo": memo, "nested": {"a": ["}", "{"]}});
        let node_json = if pretty {
            serde_json::to_string_pretty(&node).unwrap()
        } else {
            serde_json::to_string(&node).unwrap()
        };
        let body = signed_response_body(NODE, &node_json, &alipay_private()).unwrap();
        prop_assert_eq!(extract_signed_node(&body, NODE), Some(node_json.as_str()));
        let verdict = verify_response(&body, METHOD, &alipay_public());
        prop_assert!(matches!(verdict, ResponseVerdict::Success(ref n) if n.content == node_json));
    }

    /// The sign content does not depend on the parameters' order and never holds `sign`.
    #[test]
    fn sign_content_ignores_order_and_sign(
        mut params in proptest::collection::btree_map("[a-z_]{1,8}", "[ -~]{0,12}", 0..8)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>()),
        seed in any::<u64>(),
    ) {
        params.push(("sign".to_owned(), "x".to_owned()));
        let forward = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let len = params.len();
        params.rotate_left(usize::try_from(seed % (len as u64)).unwrap());
        params.reverse();
        let shuffled = sign_content(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!(&forward, &shuffled);
        prop_assert!(!forward.split('&').any(|pair| pair.starts_with("sign=")));
    }
}
