//! Every scenario over HTTP, chosen by marker, by account, per batch or globally.

use serde_json::{Value, json};
use xjz_alipay_sim::{Scenario, ScenarioKind};

use crate::helpers::*;

fn product(node: &Value) -> &Value {
    let infos = node["product_agent_status_infos"].as_array().unwrap();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0]["product_code"], "FACE_TO_FACE_PAYMENT");
    &infos[0]
}

#[tokio::test]
async fn approve_goes_auditing_then_confirm_with_url_then_success_with_pid() {
    let sim = TestSim::start().await;
    let (batch_no, order_no) = sim.submitted_batch("2088000000000042").await;

    let auditing = sim.query(&batch_no).await;
    assert_eq!(auditing["order_status"], "MERCHANT_AUDITING");
    assert_eq!(auditing["order_no"], order_no.as_str());
    assert!(auditing.get("confirm_url").is_none());

    let confirm = sim.query(&batch_no).await;
    assert_eq!(confirm["order_status"], "MERCHANT_CONFIRM");
    let url = confirm["confirm_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://") && url.contains(&order_no),
        "{url}"
    );
    assert_eq!(product(&confirm)["status"], "waitConfirm");

    let success = sim.query(&batch_no).await;
    assert_eq!(success["order_status"], "MERCHANT_CONFIRM_SUCCESS");
    assert_eq!(success["merchant_pid"], "2088000000000042");
    assert_eq!(product(&success)["status"], "valid");
    assert!(success.get("confirm_url").is_none());

    // Terminal: stays there.
    assert_eq!(
        sim.query(&batch_no).await["order_status"],
        "MERCHANT_CONFIRM_SUCCESS"
    );
    assert_eq!(sim.handle.counters().batch_calls(&batch_no, QUERY), 4);
}

#[tokio::test]
async fn approve_can_advance_after_a_number_of_queries_or_of_seconds() {
    let sim = TestSim::start().await;
    sim.handle.set_default_scenario(Scenario {
        audit_queries: Some(3),
        confirm_queries: None,
        confirm_secs: Some(600),
        ..Scenario::of(ScenarioKind::Approve)
    });
    let (batch_no, _) = sim.submitted_batch("m@example.com").await;
    for _ in 0..3 {
        assert_eq!(
            sim.query(&batch_no).await["order_status"],
            "MERCHANT_AUDITING"
        );
    }
    for _ in 0..3 {
        assert_eq!(
            sim.query(&batch_no).await["order_status"],
            "MERCHANT_CONFIRM"
        );
    }
    sim.handle.advance_clock(600);
    assert_eq!(
        sim.query(&batch_no).await["order_status"],
        "MERCHANT_CONFIRM_SUCCESS"
    );
}

#[tokio::test]
async fn reject_by_account_marker_ends_canceled_with_a_reason() {
    let sim = TestSim::start().await;
    let (batch_no, _) = sim.submitted_batch("sim-reject@example.com").await;
    assert_eq!(
        sim.query(&batch_no).await["order_status"],
        "MERCHANT_AUDITING"
    );
    let rejected = sim.query(&batch_no).await;
    assert_eq!(rejected["order_status"], "MERCHANT_APPLY_ORDER_CANCELED");
    assert!(!rejected["reject_reason"].as_str().unwrap().is_empty());
    assert_eq!(product(&rejected)["status"], "auditReject");
}

#[tokio::test]
async fn hold_by_shop_name_marker_is_info_hold_with_reasons() {
    let sim = TestSim::start().await;
    let batch_no = sim.create("m@example.com").await;
    sim.sign_ok(&batch_no, "张三的小店 sim-hold").await;
    assert!(sim.call(CONFIRM, &batch_biz(&batch_no)).await.is_success());
    let held = sim.query(&batch_no).await;
    assert_eq!(held["order_status"], "MERCHANT_INFO_HOLD");
    assert!(!held["reject_reason"].as_str().unwrap().is_empty());
    assert!(product(&held)["reject_reason"].is_string());
}

#[tokio::test]
async fn merchant_timeout_set_for_a_batch_through_the_admin_api() {
    let sim = TestSim::start().await;
    let (batch_no, _) = sim.submitted_batch("m@example.com").await;
    let (status, _) = sim
        .admin(
            reqwest::Method::PUT,
            &format!("/batches/{batch_no}/scenario"),
            Some(json!({"kind": "merchant_timeout"})),
        )
        .await;
    assert_eq!(status, 204);
    let statuses: Vec<Value> = futures_statuses(&sim, &batch_no, 3).await;
    assert_eq!(
        statuses,
        [
            "MERCHANT_AUDITING",
            "MERCHANT_CONFIRM",
            "MERCHANT_CONFIRM_TIME_OUT"
        ]
    );
}

#[tokio::test]
async fn account_and_global_scenarios_are_set_through_the_admin_api() {
    let sim = TestSim::start().await;
    let (status, _) = sim
        .admin(
            reqwest::Method::PUT,
            "/scenario",
            Some(json!({"kind": "reject", "audit_queries": 2, "reject_reason": "资料不全"})),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = sim
        .admin(
            reqwest::Method::PUT,
            "/scenario/accounts/vip@example.com",
            Some(json!({"kind": "approve"})),
        )
        .await;
    assert_eq!(status, 204);

    let (rejected, _) = sim.submitted_batch("plain@example.com").await;
    let (approved, _) = sim.submitted_batch("vip@example.com").await;

    let r = futures_statuses(&sim, &rejected, 3).await;
    assert_eq!(
        r,
        [
            "MERCHANT_AUDITING",
            "MERCHANT_AUDITING",
            "MERCHANT_APPLY_ORDER_CANCELED"
        ]
    );
    assert_eq!(sim.query(&rejected).await["reject_reason"], "资料不全");
    let a = futures_statuses(&sim, &approved, 3).await;
    assert_eq!(
        a,
        [
            "MERCHANT_AUDITING",
            "MERCHANT_CONFIRM",
            "MERCHANT_CONFIRM_SUCCESS"
        ]
    );
}

#[tokio::test]
async fn a_stage_without_limits_waits_for_the_admin_to_advance_it() {
    let sim = TestSim::start().await;
    sim.handle.set_default_scenario(Scenario {
        audit_queries: None,
        ..Scenario::of(ScenarioKind::Approve)
    });
    let (batch_no, _) = sim.submitted_batch("m@example.com").await;
    assert_eq!(
        futures_statuses(&sim, &batch_no, 2).await,
        ["MERCHANT_AUDITING", "MERCHANT_AUDITING"]
    );
    let (status, batch) = sim
        .admin(
            reqwest::Method::POST,
            &format!("/batches/{batch_no}/advance"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(batch["progress"]["stage"], 1);
    assert_eq!(
        sim.query(&batch_no).await["order_status"],
        "MERCHANT_CONFIRM"
    );
}

async fn futures_statuses(sim: &TestSim, batch_no: &str, n: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(sim.query(batch_no).await["order_status"].clone());
    }
    out
}

#[tokio::test]
async fn confirm_can_grant_a_token_for_sign_and_auth_when_the_scenario_says_so() {
    let sim = TestSim::start().await;
    // Off by default: confirm answers the order_no only.
    let batch_no = sim.signed_batch("2088000000000077").await;
    let plain = sim.call(CONFIRM, &batch_biz(&batch_no)).await.verified();
    assert!(plain.get("app_auth_token").is_none());

    sim.handle.set_default_scenario(Scenario {
        confirm_returns_token: true,
        ..Scenario::of(ScenarioKind::Approve)
    });
    let batch_no = sim.signed_batch("2088000000000077").await; // sign_and_auth=true
    let node = sim.call(CONFIRM, &batch_biz(&batch_no)).await.verified();
    assert!(!node["order_no"].as_str().unwrap().is_empty());
    assert!(node["app_auth_token"].as_str().unwrap().len() >= 20);
    assert!(node["app_refresh_token"].is_string());
    assert_eq!(node["user_id"], "2088000000000077");
    assert_eq!(node["expires_in"], "31536000");

    // Without sign_and_auth there is nothing to authorise.
    let batch_no = sim.create("2088000000000077").await;
    let answer = sim
        .call_params(
            SIGN,
            &[("batch_no", &batch_no), ("mcc_code", "A0001_B0199")],
        )
        .await;
    assert!(answer.is_success());
    let node = sim.call(CONFIRM, &batch_biz(&batch_no)).await.verified();
    assert!(node.get("app_auth_token").is_none());
}
