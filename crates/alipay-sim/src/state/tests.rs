//! Batch semantics, without HTTP.

use super::*;
use crate::scenario::ScenarioKind;

const APP: &str = "2021000000000001";
const HOUR: Millis = 3_600_000;

fn state() -> SimState {
    SimState::new(Scenario::default(), HOUR)
}

fn signed(state: &mut SimState, account: &str, shop: Option<&str>) -> String {
    let batch = state.create(APP, account, 0);
    let app = Application {
        mcc_code: "A0001_B0199".into(),
        shop_name: shop.map(str::to_owned),
        ..Application::default()
    };
    state.sign(APP, &batch.batch_no, app, 1).unwrap();
    batch.batch_no
}

fn sub_code<T: std::fmt::Debug>(r: Result<T, BizError>) -> &'static str {
    r.unwrap_err().sub_code
}

#[test]
fn create_gives_a_25_digit_init_batch_and_a_pid() {
    let mut s = state();
    let b = s.create(APP, "m@example.com", 0);
    assert_eq!(b.batch_no.len(), 25);
    assert!(b.batch_no.bytes().all(|c| c.is_ascii_digit()));
    assert_eq!(b.status, BatchStatus::Init);
    assert!(b.merchant_pid.starts_with("2088") && b.merchant_pid.len() == 16);
    assert_eq!(
        s.create(APP, "2088000000000042", 0).merchant_pid,
        "2088000000000042"
    );
}

#[test]
fn confirm_needs_a_signed_application() {
    let mut s = state();
    let b = s.create(APP, "m@example.com", 0);
    assert_eq!(sub_code(s.confirm(APP, &b.batch_no, 1)), "BATCH_IS_EMPTY");
}

#[test]
fn a_submitted_or_cancelled_batch_is_final_for_sign_confirm_and_cancel() {
    let mut s = state();
    let b = signed(&mut s, "m@example.com", None);
    let confirmed = s.confirm(APP, &b, 2).unwrap();
    assert!(!confirmed.order_no.is_empty());
    assert_eq!(confirmed.token, None);
    assert_eq!(sub_code(s.confirm(APP, &b, 3)), "BATCH_STATUS_IS_FINAL");
    assert_eq!(sub_code(s.cancel(APP, &b, 3)), "BATCH_STATUS_IS_FINAL");
    assert_eq!(
        sub_code(s.sign(APP, &b, Application::default(), 3)),
        "BATCH_STATUS_IS_FINAL"
    );
    let c = s.create(APP, "m@example.com", 0);
    s.cancel(APP, &c.batch_no, 1).unwrap();
    assert_eq!(
        sub_code(s.confirm(APP, &c.batch_no, 2)),
        "BATCH_STATUS_IS_FINAL"
    );
    assert_eq!(
        sub_code(s.query(APP, &c.batch_no, 2)),
        "BATCH_STATUS_NOT_SUBMIT"
    );
}

#[test]
fn an_init_batch_times_out_after_the_expiry() {
    let mut s = state();
    let b = signed(&mut s, "m@example.com", None);
    assert_eq!(s.view(&b, HOUR - 1).unwrap().status, BatchStatus::Init);
    assert_eq!(sub_code(s.confirm(APP, &b, HOUR)), "BATCH_STATUS_IS_FINAL");
    assert_eq!(s.view(&b, HOUR).unwrap().status, BatchStatus::Timeout);
}

#[test]
fn query_needs_a_submitted_batch_of_the_same_app() {
    let mut s = state();
    assert_eq!(sub_code(s.query(APP, "", 0)), "INVALID_BATCH_NO");
    assert_eq!(sub_code(s.query(APP, "nope", 0)), "BATCH_IS_NOT_EXIST");
    let b = signed(&mut s, "m@example.com", None);
    assert_eq!(sub_code(s.query(APP, &b, 2)), "BATCH_STATUS_NOT_SUBMIT");
    s.confirm(APP, &b, 2).unwrap();
    assert_eq!(
        sub_code(s.query("2021999999999999", &b, 3)),
        "NO_APP_PERMISSION"
    );
    assert_eq!(
        s.query(APP, &b, 3).unwrap().status,
        OrderStatus::MerchantAuditing
    );
}

#[test]
fn the_scenario_comes_from_batch_then_account_then_marker_then_default() {
    let mut s = state();
    s.account_scenarios
        .insert("acc@x.cn".into(), Scenario::of(ScenarioKind::Hold));
    let by_account = signed(&mut s, "acc@x.cn", None);
    let by_marker = signed(&mut s, "sim-reject@x.cn", None);
    let by_shop = signed(&mut s, "m@x.cn", Some("小店 sim-timeout"));
    let by_batch = signed(&mut s, "sim-reject@x.cn", None);
    assert!(s.set_batch_scenario(&by_batch, Scenario::of(ScenarioKind::Approve)));
    let plain = signed(&mut s, "m@x.cn", None);
    let kind = |s: &mut SimState, b: &str| {
        s.confirm(APP, b, 5).unwrap();
        s.view(b, 5).unwrap().scenario.unwrap().kind
    };
    assert_eq!(kind(&mut s, &by_account), ScenarioKind::Hold);
    assert_eq!(kind(&mut s, &by_marker), ScenarioKind::Reject);
    assert_eq!(kind(&mut s, &by_shop), ScenarioKind::MerchantTimeout);
    assert_eq!(kind(&mut s, &by_batch), ScenarioKind::Approve);
    assert_eq!(kind(&mut s, &plain), ScenarioKind::Approve);
}

#[test]
fn reject_and_hold_report_their_reasons() {
    let mut s = state();
    let r = signed(&mut s, "sim-reject@x.cn", None);
    let h = signed(&mut s, "sim-hold@x.cn", None);
    s.confirm(APP, &r, 2).unwrap();
    s.confirm(APP, &h, 2).unwrap();
    s.query(APP, &r, 3).unwrap();
    let rejected = s.query(APP, &r, 3).unwrap();
    assert_eq!(rejected.status, OrderStatus::MerchantApplyOrderCanceled);
    assert!(rejected.reject_reason.is_some());
    let held = s.query(APP, &h, 3).unwrap();
    assert_eq!(held.status, OrderStatus::MerchantInfoHold);
    assert!(!held.hold_reasons.is_empty());
}
