//! Refresh (query one), the worker's poll, and the polling schedule they leave behind.

use super::resume::init_at;
use super::*;
use crate::error::ServiceError;
use crate::order::{AlipayOrderStatus, OrderStatus, PollingStopReason, SubmitStep};
use crate::ports::gateway::{Confirmed, OrderQueried};
use crate::ports::repository::DueOrder;
use crate::service::{ApplyCommand, PollOutcome};

fn answer(status: AlipayOrderStatus) -> Result<OrderQueried, GatewayError> {
    Ok(OrderQueried::with_status(status))
}

fn due(id: OrderId) -> DueOrder {
    DueOrder {
        tenant_id: TENANT,
        order_id: id,
    }
}

#[test]
fn polling_follows_an_approval_to_success_and_then_stops() {
    let h = Harness::new();
    let id = h.put(crate::test_support::order_in(OrderStatus::Submitted));
    let mut gw = MockAgentGateway::new();
    let mut answers = vec![
        answer(AlipayOrderStatus::MerchantAuditing),
        Ok(OrderQueried {
            confirm_url: Some("https://example.invalid/c?orderNo=1".into()),
            ..OrderQueried::with_status(AlipayOrderStatus::MerchantConfirm)
        }),
        answer(AlipayOrderStatus::MerchantConfirmSuccess),
    ]
    .into_iter();
    gw.expect_query_order()
        .times(3)
        .returning(move |_| answers.next().unwrap());
    let service = h.service(gw);

    assert_eq!(
        run(service.poll(due(id))).unwrap(),
        PollOutcome::Polled(OrderStatus::MerchantAuditing)
    );
    assert_eq!(
        h.order(id).next_query_time(),
        Some(t0() + TimeDelta::minutes(10))
    );
    h.advance(TimeDelta::minutes(10));
    assert_eq!(
        run(service.poll(due(id))).unwrap(),
        PollOutcome::Polled(OrderStatus::MerchantConfirm)
    );
    assert_eq!(
        h.order(id).next_query_time(),
        Some(t0() + TimeDelta::minutes(40))
    );
    assert!(h.order(id).state().alipay.confirm_url.is_some());
    h.advance(TimeDelta::minutes(30));
    assert_eq!(
        run(service.poll(due(id))).unwrap(),
        PollOutcome::Polled(OrderStatus::Success)
    );
    let done = h.order(id);
    assert_eq!(done.next_query_time(), None);
    assert_eq!(
        done.state().progress.polling_stopped_reason,
        Some(PollingStopReason::Terminal)
    );
    assert_eq!(done.state().progress.query_count, 3);
    assert_eq!(
        run(service.poll(due(id))).unwrap(),
        PollOutcome::Skipped,
        "terminal: Alipay is not asked again"
    );
}

#[test]
fn a_rejection_closes_with_the_reason_and_a_hold_flags_correction() {
    let h = Harness::new();
    let rejected = h.put(crate::test_support::order_in(OrderStatus::MerchantAuditing));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order().times(1).returning(|_| {
        Ok(OrderQueried {
            reject_reason: Some("经营类目与资质不符".into()),
            ..OrderQueried::with_status(AlipayOrderStatus::MerchantApplyOrderCanceled)
        })
    });
    let order = run(h.service(gw).refresh(CALLER, rejected)).unwrap();
    assert_eq!(order.status(), OrderStatus::Closed);
    assert_eq!(
        order.state().alipay.reject_reason.as_deref(),
        Some("经营类目与资质不符")
    );

    let h = Harness::new();
    let held = h.put(crate::test_support::order_in(OrderStatus::Submitted));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .returning(|_| answer(AlipayOrderStatus::MerchantInfoHold));
    let order = run(h.service(gw).refresh(CALLER, held)).unwrap();
    assert_eq!(order.status(), OrderStatus::Submitted);
    assert!(order.state().alipay.needs_correction);
    assert!(
        order.next_query_time().is_some(),
        "polling goes on while Alipay holds it"
    );
}

#[test]
fn a_lost_confirm_reply_settles_through_refresh_without_a_second_confirm() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B1"));
    gw.expect_facetoface_sign()
        .times(1)
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm()
        .times(1)
        .returning(|_| Err(GatewayError::Timeout));
    gw.expect_query_order()
        .times(1)
        .withf(|b| b == "B1")
        .returning(|_| answer(AlipayOrderStatus::MerchantAuditing));
    let service = h.service(gw);
    let command = ApplyCommand {
        caller: CALLER,
        idempotency: None,
        form: valid_form(),
    };
    let ServiceError::Gateway {
        order: Some(order), ..
    } = run(service.apply(command)).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(order.submit_step(), SubmitStep::ConfirmSent);
    let settled = run(service.refresh(CALLER, order.id())).unwrap();
    assert_eq!(settled.status(), OrderStatus::MerchantAuditing);
    assert_eq!(settled.state().alipay.batch_no.as_deref(), Some("B1"));
}

#[test]
fn the_worker_settles_an_order_stuck_at_confirm_sent() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .returning(|_| Err(business("BATCH_STATUS_NOT_SUBMIT")));
    gw.expect_confirm()
        .times(1)
        .withf(|b| b == "B1")
        .returning(|_| Ok(Confirmed::default()));
    assert_eq!(
        run(h.service(gw).poll(due(id))).unwrap(),
        PollOutcome::Polled(OrderStatus::Submitted)
    );
}

#[test]
fn a_transient_poll_failure_is_recorded_and_reported_for_retry() {
    let h = Harness::new();
    let id = h.put(crate::test_support::order_in(OrderStatus::MerchantAuditing));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order().times(1).returning(|_| {
        Err(GatewayError::Business(crate::ports::gateway::AlipayError {
            code: "40005".into(),
            msg: "Call Limited".into(),
            sub_code: Some("isv.app-call-limited".into()),
            sub_msg: None,
        }))
    });
    let error = run(h.service(gw).poll(due(id))).unwrap_err();
    let ServiceError::Gateway { error, .. } = error else {
        panic!()
    };
    assert!(error.is_transient());
    let order = h.order(id);
    assert_eq!(order.status(), OrderStatus::MerchantAuditing);
    assert_eq!(
        order
            .state()
            .progress
            .last_error
            .as_ref()
            .and_then(|e| e.alipay.as_ref())
            .map(|a| a.code.as_str()),
        Some("40005")
    );
    assert!(
        order.next_query_time().is_some(),
        "never left without a schedule"
    );
}

#[test]
fn refresh_restarts_polling_that_had_stopped() {
    let h = Harness::new();
    let mut order = crate::test_support::order_in(OrderStatus::MerchantConfirm);
    let policy = crate::polling::PollingPolicy::default();
    let late = crate::ids::Stamp::new(crate::ids::Actor::Worker, t0() + TimeDelta::days(17));
    order.schedule(late, &policy);
    assert!(order.polling_stopped());
    let id = h.put(order);
    let service_skips = h.service(MockAgentGateway::new());
    assert_eq!(
        run(service_skips.poll(due(id))).unwrap(),
        PollOutcome::Skipped
    );

    h.advance(TimeDelta::days(17));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .returning(|_| answer(AlipayOrderStatus::MerchantConfirmSuccess));
    let order = run(h.service(gw).refresh(CALLER, id)).unwrap();
    assert_eq!(order.status(), OrderStatus::Success);
    assert!(h.events(id).contains(&EventKind::PollingResumed));
}

#[test]
fn refresh_is_refused_for_unsubmitted_and_terminal_orders() {
    let h = Harness::new();
    let init = init_at(&h, SubmitStep::Signed);
    let done = {
        let mut o = crate::test_support::order_in(OrderStatus::Success);
        o.take_pending_events();
        let mut state = o.state().clone();
        state.id = OrderId(50);
        h.put(FacetofaceOrder::restore(state))
    };
    for id in [init, done] {
        let error = run(h.service(MockAgentGateway::new()).refresh(CALLER, id)).unwrap_err();
        assert!(matches!(error, ServiceError::Transition(_)), "{error:?}");
    }
}
