//! Every fault over HTTP, by count, by probability and by method.

use std::time::{Duration, Instant};

use serde_json::json;
use xjz_alipay_protocol::{BadSignature, ResponseVerdict};
use xjz_alipay_sim::{BatchStatus, FaultKind, FaultSpec, SimConfig};

use crate::helpers::*;

async fn sim_with_short_hang() -> TestSim {
    TestSim::start_with(SimConfig {
        hang: Duration::from_millis(1500),
        ..SimConfig::default()
    })
    .await
}

fn once(fault: FaultKind, method: &str) -> FaultSpec {
    FaultSpec::next(1, fault, Some(method))
}

#[tokio::test]
async fn latency_delays_a_normal_answer() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    sim.handle
        .add_fault(once(FaultKind::Latency { ms: 400 }, CANCEL))
        .unwrap();
    let started = Instant::now();
    let answer = sim.call(CANCEL, &batch_biz(&batch_no)).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(answer.is_success());
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Cancel
    );
}

#[tokio::test]
async fn no_answer_times_the_client_out_and_does_no_work() {
    let sim = sim_with_short_hang().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    sim.handle
        .add_fault(once(FaultKind::NoAnswer, CONFIRM))
        .unwrap();
    let result = sim
        .call_with_timeout(Duration::from_millis(300), CONFIRM, &batch_biz(&batch_no))
        .await;
    assert!(result.unwrap_err().is_timeout());
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Init
    );
    // The rule was for one call only.
    assert!(sim.call(CONFIRM, &batch_biz(&batch_no)).await.is_success());
}

#[tokio::test]
async fn no_answer_past_the_hang_time_closes_the_connection_unanswered() {
    let sim = TestSim::start_with(SimConfig {
        hang: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await;
    sim.handle
        .add_fault(once(FaultKind::NoAnswer, CREATE))
        .unwrap();
    let result = sim
        .call_with_timeout(Duration::from_secs(5), CREATE, &create_biz("m@example.com"))
        .await;
    let failed = match result {
        Err(_) => true,
        Ok(answer) => answer.body.is_empty(),
    };
    assert!(failed, "a hung call must not produce an answer");
    assert!(sim.handle.batches().is_empty());
}

#[tokio::test]
async fn http_errors_answer_with_the_status_and_do_no_work() {
    let sim = TestSim::start().await;
    sim.handle
        .add_fault(once(FaultKind::HttpError { status: 503 }, CREATE))
        .unwrap();
    let answer = sim.call(CREATE, &create_biz("m@example.com")).await;
    assert_eq!(answer.status, 503);
    assert!(sim.handle.batches().is_empty());
    sim.handle
        .add_fault(FaultSpec::next(
            1,
            FaultKind::HttpError { status: 502 },
            None,
        ))
        .unwrap();
    assert_eq!(
        sim.call(CREATE, &create_biz("m@example.com")).await.status,
        502
    );
}

#[tokio::test]
async fn a_malformed_body_hides_work_that_was_done() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    sim.handle
        .add_fault(once(FaultKind::MalformedBody, CONFIRM))
        .unwrap();
    let answer = sim.call(CONFIRM, &batch_biz(&batch_no)).await;
    assert_eq!(answer.status, 200);
    assert!(
        serde_json::from_str::<serde_json::Value>(&answer.body).is_err(),
        "{}",
        answer.body
    );
    assert!(matches!(answer.verdict(), ResponseVerdict::Malformed(_)));
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Submit
    );
}

#[tokio::test]
async fn a_bad_signature_does_not_verify() {
    let sim = TestSim::start().await;
    let (batch_no, _) = sim.submitted_batch("m@example.com").await;
    sim.handle
        .add_fault(once(FaultKind::BadSignature, QUERY))
        .unwrap();
    let answer = sim.call(QUERY, &batch_biz(&batch_no)).await;
    assert!(answer.body.contains("\"sign\":\""));
    assert!(
        matches!(
            answer.verdict(),
            ResponseVerdict::BadSignature(BadSignature::Mismatch)
        ),
        "{:?}",
        answer.verdict()
    );
    // The next answer is fine again.
    assert!(sim.call(QUERY, &batch_biz(&batch_no)).await.is_success());
}

#[tokio::test]
async fn an_unsigned_success_is_flagged_by_the_client() {
    let sim = TestSim::start().await;
    sim.handle
        .add_fault(once(FaultKind::Unsigned, CREATE))
        .unwrap();
    let answer = sim.call(CREATE, &create_biz("m@example.com")).await;
    assert!(!answer.body.contains("\"sign\""));
    assert!(
        matches!(
            answer.verdict(),
            ResponseVerdict::BadSignature(BadSignature::MissingOnSuccess)
        ),
        "{:?}",
        answer.verdict()
    );
    assert_eq!(sim.handle.batches().len(), 1);
}

#[tokio::test]
async fn a_business_error_fault_is_a_signed_40004_and_no_work() {
    let sim = TestSim::start().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    let fault = FaultKind::BusinessError {
        code: "40004".into(),
        msg: "Business Failed".into(),
        sub_code: "SYSTEM_ERROR".into(),
        sub_msg: "系统繁忙".into(),
    };
    sim.handle.add_fault(once(fault, CONFIRM)).unwrap();
    let answer = sim.call(CONFIRM, &batch_biz(&batch_no)).await;
    assert_eq!(
        (answer.code(), answer.sub_code()),
        ("40004".into(), "SYSTEM_ERROR".into())
    );
    assert_eq!(
        sim.handle.batch(&batch_no).unwrap().status,
        BatchStatus::Init
    );
}

#[tokio::test]
async fn rate_limiting_answers_40005_signed() {
    let sim = TestSim::start().await;
    sim.handle
        .add_fault(FaultSpec::next(2, FaultKind::RateLimited, Some(QUERY)))
        .unwrap();
    for _ in 0..2 {
        let answer = sim.call(QUERY, &batch_biz("1")).await;
        assert_eq!(
            (answer.code(), answer.sub_code()),
            ("40005".into(), "isv.app-call-limited".into())
        );
    }
    assert_eq!(
        sim.call(QUERY, &batch_biz("1")).await.sub_code(),
        "BATCH_IS_NOT_EXIST"
    );
}

#[tokio::test]
async fn a_lost_reply_advances_the_batch_while_the_client_times_out() {
    let sim = sim_with_short_hang().await;
    let batch_no = sim.signed_batch("m@example.com").await;
    sim.handle
        .add_fault(once(FaultKind::LostReply, CONFIRM))
        .unwrap();
    let result = sim
        .call_with_timeout(Duration::from_millis(300), CONFIRM, &batch_biz(&batch_no))
        .await;
    assert!(result.unwrap_err().is_timeout());
    // The work is done before the reply is withheld; allow a loaded machine a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let batch = loop {
        let batch = sim.handle.batch(&batch_no).unwrap();
        if batch.status == BatchStatus::Submit || Instant::now() > deadline {
            break batch;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(batch.status, BatchStatus::Submit);
    // What a resuming client sees: the order exists.
    let node = sim.query(&batch_no).await;
    assert_eq!(node["order_no"], batch.order_no.unwrap().as_str());
}

#[tokio::test]
async fn a_probability_rule_fires_about_that_often_and_only_for_its_method() {
    let sim = TestSim::start().await;
    let spec = FaultSpec {
        probability: Some(0.5),
        ..FaultSpec::always(FaultKind::HttpError { status: 500 }, Some(QUERY))
    };
    sim.handle.add_fault(spec).unwrap();
    let mut failed = 0;
    for _ in 0..60 {
        if sim.call(QUERY, &batch_biz("1")).await.status == 500 {
            failed += 1;
        }
    }
    assert!((12..=48).contains(&failed), "{failed} of 60");
    assert_eq!(
        sim.call(CREATE, &create_biz("m@example.com")).await.status,
        200
    );
}

#[tokio::test]
async fn faults_are_managed_through_the_admin_api() {
    let sim = TestSim::start().await;
    let (status, body) = sim
        .admin(reqwest::Method::POST, "/faults", Some(json!({"fault": {"kind": "http_error", "status": 504}, "method": CREATE, "count": 1})))
        .await;
    assert_eq!(status, 201);
    let id = body["id"].as_u64().unwrap();
    let (_, list) = sim.admin(reqwest::Method::GET, "/faults", None).await;
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["remaining"], 1);
    assert_eq!(
        sim.call(CREATE, &create_biz("m@example.com")).await.status,
        504
    );
    assert_eq!(
        sim.call(CREATE, &create_biz("m@example.com")).await.status,
        200
    );

    let (status, _) = sim
        .admin(
            reqwest::Method::POST,
            "/faults",
            Some(json!({"fault": {"kind": "unsigned"}, "probability": 2.0})),
        )
        .await;
    assert_eq!(status, 400);
    let (_, body) = sim
        .admin(
            reqwest::Method::POST,
            "/faults",
            Some(json!({"fault": {"kind": "unsigned"}})),
        )
        .await;
    let id = body["id"].as_u64().unwrap();
    let (status, _) = sim
        .admin(reqwest::Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(status, 204);
    sim.admin(
        reqwest::Method::POST,
        "/faults",
        Some(json!({"fault": {"kind": "unsigned"}})),
    )
    .await;
    let (status, _) = sim.admin(reqwest::Method::DELETE, "/faults", None).await;
    assert_eq!(status, 204);
    assert!(
        sim.call(CREATE, &create_biz("m@example.com"))
            .await
            .is_success()
    );
}
