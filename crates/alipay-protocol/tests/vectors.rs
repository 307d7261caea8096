//! Every case of vectors.json (made with the official Python SDK 3.7.1411), byte for byte.
//! Where a response case has `strict_expected`, that verdict is the one to match.

// Test helpers outside #[test] fns: a fixture that does not parse should fail loudly.
#![allow(clippy::unwrap_used)]

use serde_json::Value;
use xjz_alipay_protocol::{
    AlipayPublicKey, AppPrivateKey, BadSignature, GatewayRequest, KeyRole, NodeKind,
    ResponseEnvelope, ResponseVerdict, RsaPublicKey, Signer, VerifiedOver, Verifier,
    extract_signed_node, response_node_name, sign_content, verify_request, verify_response,
};

fn vectors() -> Value {
    let text = include_str!("fixtures/vectors.json");
    serde_json::from_str(text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn app_key_forms(v: &Value) -> Vec<AppPrivateKey> {
    let app = &v["keys"]["app"];
    [
        "private_key_pkcs1_base64",
        "private_key_pkcs8_base64",
        "private_key_pkcs1_pem",
        "private_key_pkcs8_pem",
    ]
    .iter()
    .map(|form| AppPrivateKey::parse(s(&app[form])).unwrap())
    .collect()
}

fn alipay_public_key(v: &Value) -> AlipayPublicKey {
    AlipayPublicKey::parse(s(&v["keys"]["alipay"]["public_key_spki_base64"])).unwrap()
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (s(&p[0]).to_owned(), s(&p[1]).to_owned()))
        .collect()
}

#[test]
fn every_sign_content_case_matches_content_and_signature_with_each_key_form() {
    let v = vectors();
    let keys = app_key_forms(&v);
    let app_public = keys[0].public_key().unwrap();
    let cases = v["sign_content"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let id = s(&case["id"]);
        let params = case["params"].as_object().unwrap();
        let content = sign_content(params.iter().map(|(k, v)| (k.as_str(), s(v))));
        assert_eq!(content, s(&case["expected_sign_content"]), "{id}: content");
        for key in &keys {
            assert_eq!(
                key.sign(content.as_bytes()).unwrap(),
                s(&case["expected_sign"]),
                "{id}"
            );
        }
        app_public
            .verify(content.as_bytes(), s(&case["expected_sign"]))
            .unwrap();
        if let Some(raw) = case.get("python_sdk_raw_sign_content") {
            let raw_sign = keys[0].sign(s(raw).as_bytes()).unwrap();
            assert_eq!(raw_sign, s(&case["python_sdk_raw_sign"]), "{id}: raw");
        }
    }
}

/// The business text parameters of a request case, as the SDK renders them: strings as
/// they are, booleans as `true`/`false`, objects as compact JSON with sorted keys.
fn business_params(inputs: &Value) -> Vec<(String, String)> {
    if let Some(biz) = inputs.get("biz_content") {
        return vec![("biz_content".to_owned(), s(biz).to_owned())];
    }
    inputs["text_params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let rendered = match v {
                Value::String(text) => text.clone(),
                Value::Bool(b) => b.to_string(),
                other => serde_json::to_string(other).unwrap(),
            };
            (k.clone(), rendered)
        })
        .collect()
}

#[test]
fn every_request_case_gives_the_sdk_query_body_and_signature() {
    let v = vectors();
    let key = &app_key_forms(&v)[1];
    let app_public = key.public_key().unwrap();
    let cases = v["request"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let id = s(&case["id"]);
        let inputs = &case["inputs"];
        let expected = &case["expected"];
        let business = business_params(inputs);
        let mut request = GatewayRequest::new(
            s(&inputs["app_id"]),
            s(&case["method"]),
            s(&inputs["timestamp"]),
        );
        for (k, val) in &business {
            request = request.param(k, val);
        }
        assert_eq!(request.sign_content(), s(&expected["sign_content"]), "{id}");
        let signed = request.sign(key).unwrap();
        assert_eq!(signed.sign(), s(&expected["sign"]), "{id}");

        let query: Vec<(String, String)> = signed
            .query_params()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(
            query,
            pairs(&expected["query_params"]),
            "{id}: query params"
        );
        // Not required (only decoded values matter), but our encoding equals quote_plus here.
        assert_eq!(
            signed.query_string(),
            s(&expected["query_string"]),
            "{id}: query"
        );

        if let Some(body) = expected.get("body_params").filter(|b| !b.is_null()) {
            let ours: Vec<(String, String)> = signed
                .body_params()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            assert_eq!(ours, pairs(body), "{id}: body params");
            assert_eq!(signed.form_body(), s(&expected["body"]), "{id}: body");
        } else {
            let parts = expected["multipart"]["parts"].as_array().unwrap();
            let text_parts: Vec<(String, String)> = parts
                .iter()
                .filter(|p| p["kind"] == "text")
                .map(|p| (s(&p["name"]).to_owned(), s(&p["value"]).to_owned()))
                .collect();
            let mut ours: Vec<(String, String)> = business.clone();
            ours.sort();
            let mut theirs = text_parts.clone();
            theirs.sort();
            assert_eq!(ours, theirs, "{id}: multipart text fields");
        }

        // The receiving side (simulator) accepts exactly this request.
        let all: Vec<(&str, &str)> = signed
            .query_params()
            .chain(signed.body_params().iter().copied())
            .collect();
        verify_request(all.iter().copied(), &app_public).unwrap();
    }
}

fn expected_kind(id: &str) -> &'static str {
    match id {
        "resp_error_response_20001" => "error_response",
        "resp_error_response_unsigned" => "unsigned",
        "resp_business_failed" | "resp_gateway_invalid_signature" | "resp_nested_sign_decoy" => {
            "business_error"
        }
        "resp_tampered_one_char" | "resp_wrong_key" | "resp_signed_over_compact_body_pretty" => {
            "mismatch"
        }
        "resp_unsigned_success" => "missing_on_success",
        _ => "success",
    }
}

#[test]
fn every_response_case_gets_the_strict_verdict_and_exact_extracted_text() {
    let v = vectors();
    let alipay = alipay_public_key(&v);
    let cases = v["response_verify"].as_array().unwrap();
    assert_eq!(cases.len(), 20);
    for case in cases {
        let id = s(&case["id"]);
        let body = s(&case["body"]);
        let method = s(&case["method"]);
        assert_eq!(
            response_node_name(method),
            s(&case["response_node"]),
            "{id}"
        );
        let want = case.get("strict_expected").unwrap_or(&case["expected"]);
        let verdict = verify_response(body, method, &alipay);
        assert_eq!(
            verdict.is_verified(),
            want["valid"].as_bool().unwrap(),
            "{id}: {verdict:?}"
        );
        if let Some(node) = verdict.verified() {
            assert_eq!(node.content, s(&want["extracted"]), "{id}: extracted");
            let parsed: Value = serde_json::from_str(node.content).unwrap();
            assert_eq!(parsed, want["parsed"], "{id}: parsed");
            let over = if want.get("verified_text").is_some() {
                VerifiedOver::UnescapedSlashes
            } else {
                VerifiedOver::RawText
            };
            assert_eq!(node.verified_over, over, "{id}");
        }
        let kind = match &verdict {
            ResponseVerdict::Success(_) => "success",
            ResponseVerdict::BusinessError(_) => "business_error",
            ResponseVerdict::ErrorResponse(_) => "error_response",
            ResponseVerdict::Unsigned(node) => {
                assert_eq!(node.node, NodeKind::ErrorResponse);
                assert_eq!(node.status.sub_code.as_deref(), Some("isv.invalid-app-id"));
                "unsigned"
            }
            ResponseVerdict::BadSignature(BadSignature::Mismatch) => "mismatch",
            ResponseVerdict::BadSignature(BadSignature::MissingOnSuccess) => "missing_on_success",
            other => panic!("{id}: unexpected {other:?}"),
        };
        assert_eq!(kind, expected_kind(id), "{id}");
    }
}

#[test]
fn extraction_returns_the_exact_node_text_of_every_case_with_a_method_node() {
    let v = vectors();
    for case in v["response_verify"].as_array().unwrap() {
        let body = s(&case["body"]);
        let node = s(&case["response_node"]);
        let envelope = ResponseEnvelope::parse(body, node).unwrap();
        if let Some(extracted) = case["strict_expected"]
            .get("extracted")
            .or_else(|| case["expected"].get("extracted"))
        {
            assert_eq!(envelope.content(), s(extracted));
        }
        if envelope.node() == NodeKind::Method {
            assert_eq!(extract_signed_node(body, node), Some(envelope.content()));
        } else {
            assert_eq!(extract_signed_node(body, node), None);
        }
    }
}

#[test]
fn public_keys_parse_from_pem_and_base64_alike() {
    let v = vectors();
    let pem = AlipayPublicKey::parse(s(&v["keys"]["alipay"]["public_key_spki_pem"])).unwrap();
    let body = s(&v["response_verify"][0]["body"]);
    let verdict = verify_response(body, "alipay.open.agent.create", &pem);
    assert!(matches!(verdict, ResponseVerdict::Success(_)));
    let app = RsaPublicKey::parse(
        s(&v["keys"]["app"]["public_key_spki_pem"]),
        KeyRole::AppPublicKey,
    )
    .unwrap();
    assert_eq!(app.modulus_bits(), 2048);
}
