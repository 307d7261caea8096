//! The adapter against the simulator (crates/alipay-sim) over real HTTP: the whole flow
//! through the port, and every error class the simulator can produce.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::{details, images};
use xjz_alipay_adapter::{AlipayAgentGateway, AlipayClientConfig};
use xjz_alipay_sim::{FaultKind, FaultSpec, SimConfig, SimHandle, Simulator};
use xjz_domain::order::AlipayOrderStatus;
use xjz_domain::ports::gateway::sub_codes;
use xjz_domain::ports::{AgentGateway, GatewayError, SystemClock};

async fn sim() -> SimHandle {
    let config = SimConfig {
        hang: Duration::from_secs(5),
        ..SimConfig::default()
    };
    Simulator::start(config).await.unwrap()
}

fn gateway_with(sim: &SimHandle, app_id: &str, timeout: Duration) -> AlipayAgentGateway {
    let config = AlipayClientConfig::from_key_text(
        sim.gateway_url(),
        app_id,
        sim.app_private_key_pem().unwrap(),
        sim.alipay_public_key_pem(),
    )
    .unwrap()
    .with_timeouts(timeout, Duration::from_secs(10));
    AlipayAgentGateway::new(config, Arc::new(SystemClock)).unwrap()
}

fn gateway(sim: &SimHandle) -> AlipayAgentGateway {
    gateway_with(sim, sim.app_id(), Duration::from_secs(5))
}

#[tokio::test(flavor = "multi_thread")]
async fn create_sign_confirm_then_query_until_success() {
    let sim = sim().await;
    let gw = gateway(&sim);
    let details = details();

    let created = gw.create(&details).await.unwrap();
    assert_eq!(created.batch_status, "init");
    gw.facetoface_sign(&created.batch_no, &details, &images())
        .await
        .unwrap();
    let confirmed = gw.confirm(&created.batch_no).await.unwrap();
    assert!(confirmed.order_no.is_some());

    let mut seen = Vec::new();
    for _ in 0..10 {
        let queried = gw.query_order(&created.batch_no).await.unwrap();
        seen.push(queried.order_status.clone());
        if queried.order_status == AlipayOrderStatus::MerchantConfirm {
            assert!(queried.confirm_url.is_some());
        }
        if queried.order_status == AlipayOrderStatus::MerchantConfirmSuccess {
            assert!(queried.merchant_pid.is_some());
            assert!(queried.face_to_face().is_some());
            break;
        }
    }
    assert_eq!(
        seen.last(),
        Some(&AlipayOrderStatus::MerchantConfirmSuccess),
        "{seen:?}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn create_then_cancel_and_the_batch_is_final() {
    let sim = sim().await;
    let gw = gateway(&sim);

    let created = gw.create(&details()).await.unwrap();
    gw.cancel(&created.batch_no).await.unwrap();

    let err = gw.confirm(&created.batch_no).await.unwrap_err();
    assert!(
        err.has_sub_code(sub_codes::BATCH_STATUS_IS_FINAL),
        "{err:?}"
    );
    assert!(matches!(err, GatewayError::Business(_)), "{err:?}");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn query_before_confirm_is_a_business_error() {
    let sim = sim().await;
    let gw = gateway(&sim);
    let created = gw.create(&details()).await.unwrap();

    let err = gw.query_order(&created.batch_no).await.unwrap_err();

    assert!(
        err.has_sub_code(sub_codes::BATCH_STATUS_NOT_SUBMIT),
        "{err:?}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_app_id_gets_an_unsigned_refusal() {
    let sim = sim().await;
    let gw = gateway_with(&sim, "2021009999999999", Duration::from_secs(5));

    let err = gw.create(&details()).await.unwrap_err();

    assert!(
        matches!(&err, GatewayError::Unsigned(a) if a.has_sub_code("isv.invalid-app-id")),
        "{err:?}"
    );
    sim.stop().await;
}

async fn with_fault(fault: FaultKind, timeout: Duration) -> GatewayError {
    let sim = sim().await;
    sim.add_fault(FaultSpec::always(fault, Some("alipay.open.agent.create")))
        .unwrap();
    let err = gateway_with(&sim, sim.app_id(), timeout)
        .create(&details())
        .await
        .unwrap_err();
    sim.stop().await;
    err
}

const NORMAL: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread")]
async fn every_simulated_fault_maps_to_its_error_class() {
    let err = with_fault(FaultKind::HttpError { status: 503 }, NORMAL).await;
    assert!(
        matches!(
            err,
            GatewayError::Transport {
                status: Some(503),
                ..
            }
        ),
        "{err:?}"
    );

    let err = with_fault(FaultKind::MalformedBody, NORMAL).await;
    assert!(matches!(err, GatewayError::Malformed(_)), "{err:?}");

    let err = with_fault(FaultKind::BadSignature, NORMAL).await;
    assert_eq!(err, GatewayError::BadSignature);

    // A success without signature is refused like a bad one.
    let err = with_fault(FaultKind::Unsigned, NORMAL).await;
    assert_eq!(err, GatewayError::BadSignature);

    let err = with_fault(FaultKind::RateLimited, NORMAL).await;
    assert!(
        err.has_sub_code("isv.app-call-limited") && err.is_transient(),
        "{err:?}"
    );

    let business = FaultKind::BusinessError {
        code: "40004".to_owned(),
        msg: "Business Failed".to_owned(),
        sub_code: "MERCHANT_NOT_CERTIFIED".to_owned(),
        sub_msg: "商户未实名认证".to_owned(),
    };
    let err = with_fault(business, NORMAL).await;
    let GatewayError::Business(alipay) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(alipay.sub_msg.as_deref(), Some("商户未实名认证"));

    let short = Duration::from_millis(400);
    let err = with_fault(FaultKind::Latency { ms: 1_500 }, short).await;
    assert_eq!(err, GatewayError::Timeout);
    let err = with_fault(FaultKind::NoAnswer, short).await;
    assert_eq!(err, GatewayError::Timeout);
    let err = with_fault(FaultKind::LostReply, short).await;
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_signed_with_the_wrong_app_key_is_refused_by_the_gateway() {
    let sim = sim().await;
    let v = support::vectors();
    // A valid RSA key that is not the app's: Alipay's own test key.
    let wrong = support::s(&v["keys"]["alipay"]["private_key_pkcs8_pem"]);
    let config = AlipayClientConfig::from_key_text(
        sim.gateway_url(),
        sim.app_id(),
        wrong,
        sim.alipay_public_key_pem(),
    )
    .unwrap();
    let gw = AlipayAgentGateway::new(config, Arc::new(SystemClock)).unwrap();

    let err = gw.create(&details()).await.unwrap_err();

    assert!(err.has_sub_code("isv.invalid-signature"), "{err:?}");
    assert!(!err.outcome_unknown(), "{err:?}");
    sim.stop().await;
}
