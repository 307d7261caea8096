//! `AlipayAgentGateway` over real HTTP against a stub gateway on 127.0.0.1: every method,
//! every error class, tampered and foreign-key answers, and both timeouts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use support::{Reply, StubGateway, details, gateway, images, keys, s, signed, vectors};
use xjz_alipay_protocol::{KeyRole, RsaPrivateKey, signed_response_body, verify_request};
use xjz_domain::order::AlipayOrderStatus;
use xjz_domain::ports::{AgentGateway, GatewayError};

const NORMAL: Duration = Duration::from_secs(5);

fn response_case(id: &str) -> String {
    let v = vectors();
    let case = v["response_verify"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone();
    s(&case["body"]).to_owned()
}

/// The request's text parameters (query + form body, or query + multipart text parts)
/// verify under the app public key: what a real gateway checks first.
fn assert_signed_by_app(req: &support::Captured) {
    let mut params = req.query.clone();
    if req
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data")
    {
        params.extend(req.multipart().0);
    } else {
        params.extend(req.form_params());
    }
    verify_request(
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &keys().app_public,
    )
    .unwrap();
}

#[tokio::test]
async fn create_sends_a_signed_form_request_and_returns_the_batch() {
    let stub = StubGateway::start(|_| Reply::ok(response_case("resp_create_ok"))).await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    let created = gw.create(&details()).await.unwrap();

    assert_eq!(created.batch_no, "2024052010111200021");
    assert_eq!(created.batch_status, "init");
    let req = &stub.requests()[0];
    assert_eq!(req.path, "/gateway.do");
    assert_eq!(req.query_param("method"), Some("alipay.open.agent.create"));
    assert_eq!(req.query_param("charset"), Some("utf-8"));
    assert_eq!(req.query_param("sign_type"), Some("RSA2"));
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded;charset=utf-8")
    );
    let form = req.form_params();
    assert_eq!(form.len(), 1);
    assert_eq!(form[0].0, "biz_content");
    assert_eq!(
        form[0].1,
        r#"{"account":"merchant01@example.com","contact_info":{"contact_email":"zhangsan@example.com","contact_mobile":"13800138000","contact_name":"张三"}}"#
    );
    assert_signed_by_app(req);
    // China time, whatever this host's zone: within a few seconds of now + 8 h.
    let sent = chrono::NaiveDateTime::parse_from_str(
        req.query_param("timestamp").unwrap(),
        "%Y-%m-%d %H:%M:%S",
    )
    .unwrap();
    let china_now = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    assert!((china_now - sent).num_seconds().abs() < 60);
}

#[tokio::test]
async fn facetoface_sign_sends_text_fields_and_images_as_multipart() {
    let node = r#"{"code":"10000","msg":"Success"}"#;
    let body = signed("alipay_open_agent_facetoface_sign_response", node);
    let stub = StubGateway::start(move |_| Reply::ok(body.clone())).await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    gw.facetoface_sign("2024052010111200011", &details(), &images())
        .await
        .unwrap();

    let req = &stub.requests()[0];
    assert_eq!(
        req.query_param("method"),
        Some("alipay.open.agent.facetoface.sign")
    );
    assert!(req.query_param("biz_content").is_none());
    let (texts, files) = req.multipart();
    let text = |name: &str| {
        texts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(text("batch_no"), Some("2024052010111200011"));
    assert_eq!(text("mcc_code"), Some("A0001_B0199"));
    assert_eq!(text("rate"), Some("0.38"));
    assert_eq!(text("sign_and_auth"), Some("true"));
    assert_eq!(text("shop_name"), Some("张三的小店"));
    assert_eq!(
        text("shop_address"),
        Some(
            r#"{"city_code":"330100","country_code":"156","detail_address":"文三路90号","district_code":"330106","province_code":"330000"}"#
        )
    );
    assert!(text("biz_content").is_none());
    assert_eq!(files.len(), 1);
    let (name, filename, content_type, bytes) = &files[0];
    assert_eq!(name, "shop_sign_board_pic");
    assert_eq!(filename, "shop_sign_board_pic.png");
    assert_eq!(content_type, "image/png");
    assert_eq!(bytes, &support::png(6_000));
    assert_signed_by_app(req);
}

#[tokio::test]
async fn confirm_returns_the_order_and_any_token() {
    let stub = StubGateway::start(|_| Reply::ok(response_case("resp_confirm_ok"))).await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    let confirmed = gw.confirm("2024052010111200011").await.unwrap();

    assert_eq!(
        confirmed.order_no.as_deref(),
        Some("20240520000000000000021")
    );
    assert_eq!(
        confirmed.app_auth_token.unwrap().expose_secret(),
        "202405BBa1b2c3d4e5f6a7b8c9d0e1f2"
    );
    let req = &stub.requests()[0];
    assert_eq!(req.query_param("method"), Some("alipay.open.agent.confirm"));
    assert_eq!(
        req.form_params()[0].1,
        r#"{"batch_no":"2024052010111200011"}"#
    );
    assert_signed_by_app(req);
}

#[tokio::test]
async fn query_order_maps_status_url_and_products() {
    let stub = StubGateway::start(|_| {
        Reply::ok(response_case("resp_order_query_confirm_escaped_slashes"))
    })
    .await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    let queried = gw.query_order("2024052010111200011").await.unwrap();

    assert_eq!(queried.order_status, AlipayOrderStatus::MerchantConfirm);
    assert_eq!(
        queried.confirm_url.as_deref(),
        Some(
            "https://b.alipay.com/page/message/tasksDetail?bizData=%7B%22orderNo%22%3A%2220240520000000000000021%22%7D"
        )
    );
    assert_eq!(queried.merchant_pid.as_deref(), Some("2088000000000021"));
    assert_eq!(
        queried.face_to_face().unwrap().product_name.as_deref(),
        Some("当面付")
    );
}

#[tokio::test]
async fn query_order_accepts_a_signature_over_unescaped_slashes() {
    let stub =
        StubGateway::start(|_| Reply::ok(response_case("resp_signed_over_unescaped_slashes")))
            .await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    let queried = gw.query_order("2024052010111200031").await.unwrap();

    assert_eq!(
        queried.confirm_url.as_deref(),
        Some("https://b.alipay.com/page/x?y=1")
    );
}

#[tokio::test]
async fn cancel_succeeds_on_a_signed_success() {
    let stub = StubGateway::start(|_| Reply::ok(response_case("resp_cancel_ok"))).await;
    let gw = gateway(&stub.url, NORMAL, NORMAL);

    gw.cancel("2024052010111200012").await.unwrap();

    let req = &stub.requests()[0];
    assert_eq!(req.query_param("method"), Some("alipay.open.agent.cancel"));
    assert_signed_by_app(req);
}

async fn confirm_error(reply: Reply) -> GatewayError {
    let stub = StubGateway::start(move |_| reply.clone()).await;
    gateway(&stub.url, NORMAL, NORMAL)
        .confirm("2024052010111200011")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_signed_refusal_is_a_business_error_with_alipay_codes() {
    let node = r#"{"code":"40004","msg":"Business Failed","sub_code":"BATCH_STATUS_IS_FINAL","sub_msg":"事务已是终态"}"#;
    let err = confirm_error(Reply::ok(signed(
        "alipay_open_agent_confirm_response",
        node,
    )))
    .await;
    let GatewayError::Business(alipay) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(alipay.code, "40004");
    assert_eq!(alipay.msg, "Business Failed");
    assert_eq!(alipay.sub_code.as_deref(), Some("BATCH_STATUS_IS_FINAL"));
    assert_eq!(alipay.sub_msg.as_deref(), Some("事务已是终态"));
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn a_signed_error_response_is_its_own_class() {
    let err = confirm_error(Reply::ok(response_case("resp_error_response_20001"))).await;
    assert!(
        matches!(&err, GatewayError::ErrorResponse(a) if a.code == "20001"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unsigned_error_is_surfaced_as_unverified() {
    let err = confirm_error(Reply::ok(response_case("resp_error_response_unsigned"))).await;
    assert!(
        matches!(&err, GatewayError::Unsigned(a) if a.has_sub_code("isv.invalid-app-id")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_tampered_answer_is_rejected() {
    let body = signed(
        "alipay_open_agent_confirm_response",
        r#"{"code":"10000","msg":"Success","order_no":"1"}"#,
    )
    .replace(r#""order_no":"1""#, r#""order_no":"2""#);
    let err = confirm_error(Reply::ok(body)).await;
    assert_eq!(err, GatewayError::BadSignature);
}

#[tokio::test]
async fn an_answer_signed_by_another_key_is_rejected() {
    let v = vectors();
    // The app's own key is a valid RSA key, just not Alipay's.
    let other = RsaPrivateKey::parse(
        s(&v["keys"]["app"]["private_key_pkcs1_pem"]),
        KeyRole::AlipayPrivateKey,
    )
    .unwrap();
    let body = signed_response_body(
        "alipay_open_agent_confirm_response",
        r#"{"code":"10000","msg":"Success","order_no":"1"}"#,
        &other,
    )
    .unwrap();
    assert_eq!(
        confirm_error(Reply::ok(body)).await,
        GatewayError::BadSignature
    );
}

#[tokio::test]
async fn an_unsigned_success_is_rejected() {
    let body =
        r#"{"alipay_open_agent_confirm_response":{"code":"10000","msg":"Success","order_no":"1"}}"#;
    assert_eq!(
        confirm_error(Reply::ok(body)).await,
        GatewayError::BadSignature
    );
}

#[tokio::test]
async fn an_answer_to_another_method_is_malformed() {
    // A genuine, correctly signed create answer is not an answer to confirm.
    let err = confirm_error(Reply::ok(response_case("resp_create_ok"))).await;
    assert!(
        matches!(&err, GatewayError::Malformed(m) if m.contains("alipay_open_agent_create_response")),
        "{err:?}"
    );
}

#[tokio::test]
async fn garbage_is_malformed() {
    let err = confirm_error(Reply::ok("<html>bad gateway</html>")).await;
    assert!(matches!(err, GatewayError::Malformed(_)), "{err:?}");
}

#[tokio::test]
async fn a_verified_success_missing_required_fields_is_malformed() {
    let body = signed(
        "alipay_open_agent_order_query_response",
        r#"{"code":"10000","msg":"Success"}"#,
    );
    let stub = StubGateway::start(move |_| Reply::ok(body.clone())).await;
    let err = gateway(&stub.url, NORMAL, NORMAL)
        .query_order("1")
        .await
        .unwrap_err();
    assert!(matches!(err, GatewayError::Malformed(_)), "{err:?}");
}

#[tokio::test]
async fn an_http_error_status_is_a_transport_error() {
    let err = confirm_error(Reply {
        status: 502,
        body: "Bad Gateway".to_owned(),
        delay: Duration::ZERO,
    })
    .await;
    assert!(
        matches!(
            err,
            GatewayError::Transport {
                status: Some(502),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_transport_error_without_the_url() {
    // Bind then drop: nothing listens on this port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gw = gateway(
        &format!("http://127.0.0.1:{port}/gateway.do"),
        NORMAL,
        NORMAL,
    );
    let err = gw.confirm("1").await.unwrap_err();
    let GatewayError::Transport {
        status: None,
        message,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert!(!message.contains("sign="), "{message}");
    assert!(!message.contains("app_id"), "{message}");
}

#[tokio::test]
async fn the_normal_timeout_is_honoured() {
    let slow = Reply {
        delay: Duration::from_secs(3),
        ..Reply::ok(response_case("resp_confirm_ok"))
    };
    let stub = StubGateway::start(move |_| slow.clone()).await;
    let gw = gateway(
        &stub.url,
        Duration::from_millis(300),
        Duration::from_secs(10),
    );
    let started = Instant::now();

    let err = gw.confirm("1").await.unwrap_err();

    assert_eq!(err, GatewayError::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_upload_has_its_own_longer_timeout() {
    let node = r#"{"code":"10000","msg":"Success"}"#;
    let slow = Reply {
        delay: Duration::from_millis(800),
        ..Reply::ok(signed("alipay_open_agent_facetoface_sign_response", node))
    };
    let stub = StubGateway::start(move |_| slow.clone()).await;
    let gw = gateway(
        &stub.url,
        Duration::from_millis(300),
        Duration::from_secs(5),
    );

    gw.facetoface_sign("1", &details(), &images())
        .await
        .unwrap();
    // The same delay is too long for a normal call.
    assert_eq!(gw.cancel("1").await.unwrap_err(), GatewayError::Timeout);
}

#[tokio::test]
async fn the_upload_timeout_is_honoured_too() {
    let slow = Reply {
        delay: Duration::from_secs(3),
        ..Reply::ok("{}")
    };
    let stub = StubGateway::start(move |_| slow.clone()).await;
    let gw = gateway(
        &stub.url,
        Duration::from_secs(10),
        Duration::from_millis(300),
    );

    let err = gw
        .facetoface_sign("1", &details(), &images())
        .await
        .unwrap_err();
    assert_eq!(err, GatewayError::Timeout);
}

#[tokio::test]
async fn an_oversized_answer_is_malformed_not_buffered() {
    let huge = format!(
        r#"{{"alipay_open_agent_confirm_response":{{"code":"10000","pad":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let err = confirm_error(Reply::ok(huge)).await;
    assert!(
        matches!(&err, GatewayError::Malformed(m) if m.contains("1 MiB")),
        "{err:?}"
    );
}
