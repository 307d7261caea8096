//! The gateway's protocol: signatures both ways, common parameters, Alipay's refusals.

use xjz_alipay_protocol::{KeyRole, ResponseVerdict, RsaPrivateKey, RsaPublicKey, verify_response};
use xjz_alipay_sim::test_keys;

use crate::helpers::*;

fn vectors() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../alipay-protocol/tests/fixtures/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("the vectors fixture of xjz-alipay-protocol is missing ({path}): {e}")
    });
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn answers_verify_with_the_vectors_alipay_public_key_over_the_exact_node_text() {
    // Arrange
    let sim = TestSim::start().await;
    let vectors = vectors();
    let spki = vectors["keys"]["alipay"]["public_key_spki_base64"]
        .as_str()
        .unwrap();
    let vectors_key = RsaPublicKey::parse(spki, KeyRole::AlipayPublicKey).unwrap();

    // Act
    let answer = sim
        .call(CREATE, &create_biz("merchant01@example.com"))
        .await;

    // Assert
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "text/html;charset=utf-8");
    let node_name = "alipay_open_agent_create_response";
    assert!(
        answer
            .body
            .starts_with(&format!("{{\"{node_name}\":{{\"code\":\"10000\""))
    );
    match verify_response(&answer.body, CREATE, &vectors_key) {
        ResponseVerdict::Success(node) => {
            let parsed: serde_json::Value = serde_json::from_str(node.content).unwrap();
            assert_eq!(parsed["batch_status"], "init");
            assert_eq!(parsed["batch_no"].as_str().unwrap().len(), 25);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_request_signed_with_the_wrong_key_is_refused_as_alipay_refuses_it() {
    // Arrange: sign with the Alipay private key instead of the app's.
    let sim = TestSim::start().await;
    let wrong =
        RsaPrivateKey::parse(test_keys::ALIPAY_PRIVATE_KEY_PEM, KeyRole::AppPrivateKey).unwrap();
    let biz = batch_biz("2024052010111200021");

    // Act
    let answer = sim
        .call_as(&sim.client, &wrong, test_keys::APP_ID, CONFIRM, &biz)
        .await
        .unwrap();

    // Assert: method node, 40002, isv.invalid-signature, signed, quoting the sign content.
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .body
            .starts_with("{\"alipay_open_agent_confirm_response\":{")
    );
    match answer.verdict() {
        ResponseVerdict::BusinessError(_) => {}
        other => panic!("expected a signed error in the method node, got {other:?}"),
    }
    let node = answer.verified();
    assert_eq!(node["code"], "40002");
    assert_eq!(node["msg"], "Invalid Arguments");
    assert_eq!(node["sub_code"], "isv.invalid-signature");
    let sub_msg = node["sub_msg"].as_str().unwrap();
    assert!(sub_msg.starts_with("验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：app_id=2021000000000001&amp;biz_content={&quot;batch_no&quot;:&quot;2024052010111200021&quot;}&amp;charset=utf-8&amp;format=json&amp;method=alipay.open.agent.confirm&amp;sign_type=RSA2&amp;timestamp="), "{sub_msg}");
    assert!(sub_msg.ends_with("&amp;version=1.0"), "{sub_msg}");
    assert_eq!(sim.handle.counters().method_calls(CONFIRM), 1);
}

#[tokio::test]
async fn a_parameter_changed_after_signing_fails_verification() {
    let sim = TestSim::start().await;
    let timestamp = xjz_alipay_protocol::china_timestamp(chrono::Utc::now());
    let biz = create_biz("a@example.com");
    let signed = xjz_alipay_protocol::GatewayRequest::new(test_keys::APP_ID, CREATE, &timestamp)
        .biz_content(&biz)
        .sign(&sim.app_key)
        .unwrap();
    let query: Vec<(&str, &str)> = signed.query_params().collect();
    let answer = sim
        .call_raw(
            CREATE,
            &query,
            &[("biz_content", &create_biz("b@example.com"))],
        )
        .await;
    assert_eq!(answer.sub_code(), "isv.invalid-signature");
    assert!(sim.handle.batches().is_empty());
}

#[tokio::test]
async fn an_unknown_app_id_is_refused_unsigned_before_the_signature_is_checked() {
    let sim = TestSim::start().await;
    let wrong =
        RsaPrivateKey::parse(test_keys::ALIPAY_PRIVATE_KEY_PEM, KeyRole::AppPrivateKey).unwrap();
    let answer = sim
        .call_as(
            &sim.client,
            &wrong,
            "2021999999999999",
            QUERY,
            &batch_biz("1"),
        )
        .await
        .unwrap();
    assert!(!answer.body.contains("\"sign\""));
    let node = answer.unsigned();
    assert_eq!(node["code"], "40002");
    assert_eq!(node["sub_code"], "isv.invalid-app-id");
    assert!(
        answer
            .body
            .starts_with("{\"alipay_open_agent_order_query_response\":")
    );
}

#[tokio::test]
async fn missing_or_invalid_common_parameters_get_alipays_sub_codes() {
    let sim = TestSim::start().await;
    let timestamp = xjz_alipay_protocol::china_timestamp(chrono::Utc::now());
    let biz = batch_biz("1");
    let signed = xjz_alipay_protocol::GatewayRequest::new(test_keys::APP_ID, QUERY, &timestamp)
        .biz_content(&biz)
        .sign(&sim.app_key)
        .unwrap();
    let full: Vec<(&str, &str)> = signed.query_params().collect();
    let without = |name: &str| {
        full.iter()
            .copied()
            .filter(|(k, _)| *k != name)
            .collect::<Vec<_>>()
    };
    let replaced = |name: &str, value: &'static str| {
        full.iter()
            .map(|&(k, v)| if k == name { (k, value) } else { (k, v) })
            .collect::<Vec<_>>()
    };
    let body = [("biz_content", "{\"batch_no\":\"1\"}")];
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (without("sign"), "40001", "isv.missing-signature"),
        (without("sign_type"), "40001", "isv.missing-signature-type"),
        (without("timestamp"), "40001", "isv.missing-timestamp"),
        (without("version"), "40001", "isv.missing-version"),
        (
            replaced("sign_type", "RSA"),
            "40002",
            "isv.invalid-signature-type",
        ),
        (
            replaced("timestamp", "2024/05/20"),
            "40002",
            "isv.invalid-timestamp",
        ),
        (replaced("charset", "gbk"), "40002", "isv.invalid-charset"),
        (replaced("format", "xml"), "40002", "isv.invalid-format"),
    ];
    for (query, code, sub_code) in cases {
        let answer = sim.call_raw(QUERY, &query, &body).await;
        let node = answer.verified();
        assert_eq!(
            (node["code"].as_str(), node["sub_code"].as_str()),
            (Some(code), Some(sub_code))
        );
    }
    let answer = sim.call_raw(QUERY, &without("app_id"), &body).await;
    assert_eq!(answer.unsigned()["sub_code"], "isv.missing-app-id");
}

#[tokio::test]
async fn an_unknown_method_is_answered_in_error_response() {
    let sim = TestSim::start().await;
    let answer = sim.call("alipay.trade.pay", "{}").await;
    assert!(answer.body.starts_with("{\"error_response\":{"));
    match answer.verdict() {
        ResponseVerdict::ErrorResponse(node) => {
            let v: serde_json::Value = serde_json::from_str(node.content).unwrap();
            assert_eq!(v["sub_code"], "isv.invalid-method");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_official_sdks_request_bytes_are_accepted() {
    // The Python SDK's exact query string and body for order.query (vectors.json
    // `req_order_query`): the signature checks out, so the answer is about the batch.
    let sim = TestSim::start().await;
    let vectors = vectors();
    let case = vectors["request"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "req_order_query")
        .unwrap();
    let query = case["expected"]["query_string"].as_str().unwrap();
    let body: Vec<(String, String)> = case["expected"]["body_params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let response = sim
        .client
        .post(format!("{}?{query}", sim.handle.gateway_url()))
        .header(
            "content-type",
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .body(serde_urlencoded::to_string(&body).unwrap())
        .send()
        .await
        .unwrap();
    let answer = sim.answer(QUERY, (200, String::new(), response.text().await.unwrap()));
    assert_eq!(answer.code(), "40004");
    assert_eq!(answer.sub_code(), "BATCH_IS_NOT_EXIST");
}

#[tokio::test]
async fn a_plus_in_the_signature_sent_unencoded_breaks_it_as_at_alipay() {
    // A fixed timestamp makes the (deterministic) signature known to contain a '+'.
    let sim = TestSim::start().await;
    let biz = batch_biz("2024052010111200011");
    let signed =
        xjz_alipay_protocol::GatewayRequest::new(test_keys::APP_ID, QUERY, "2024-05-20 10:11:12")
            .biz_content(&biz)
            .sign(&sim.app_key)
            .unwrap();
    let query = signed.query_string();
    assert!(
        query.contains("%2B"),
        "pick another timestamp: this signature has no '+'"
    );
    let send = |query: String| {
        sim.client
            .post(format!("{}?{query}", sim.handle.gateway_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(signed.form_body())
            .send()
    };
    let good = send(query.clone()).await.unwrap().text().await.unwrap();
    let good = sim.answer(QUERY, (200, String::new(), good));
    assert_eq!(good.sub_code(), "BATCH_IS_NOT_EXIST");
    let bad = send(query.replace("%2B", "+"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let bad = sim.answer(QUERY, (200, String::new(), bad));
    assert_eq!(bad.sub_code(), "isv.invalid-signature");
}
