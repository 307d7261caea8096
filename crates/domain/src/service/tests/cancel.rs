//! Cancel in each state.

use super::resume::init_at;
use super::*;
use crate::error::ServiceError;
use crate::order::{AlipayOrderStatus, CloseReason, OrderStatus, SubmitStep};
use crate::ports::gateway::OrderQueried;

fn assert_cancelled(h: &Harness, id: OrderId, order: &FacetofaceOrder) {
    assert_eq!(order.status(), OrderStatus::Closed);
    assert_eq!(order.state().close_reason, Some(CloseReason::Cancelled));
    assert_eq!(order.next_query_time(), None);
    assert_eq!(&h.order(id), order);
}

#[test]
fn cancelling_before_any_batch_only_closes_locally() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::None);
    let order = run(h.service(MockAgentGateway::new()).cancel(CALLER, id)).unwrap();
    assert_cancelled(&h, id, &order);
}

#[test]
fn cancelling_with_a_live_batch_cancels_it_at_alipay() {
    for step in [SubmitStep::BatchCreated, SubmitStep::Signed] {
        let h = Harness::new();
        let id = init_at(&h, step);
        let mut gw = MockAgentGateway::new();
        gw.expect_cancel()
            .times(1)
            .withf(|b| b == "B1")
            .returning(|_| Ok(()));
        let order = run(h.service(gw).cancel(CALLER, id)).unwrap();
        assert_cancelled(&h, id, &order);
    }
}

#[test]
fn a_batch_older_than_55_minutes_is_not_cancelled_at_alipay() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    h.advance(TimeDelta::minutes(55));
    let order = run(h.service(MockAgentGateway::new()).cancel(CALLER, id)).unwrap();
    assert_cancelled(&h, id, &order);
}

#[test]
fn a_batch_alipay_already_closed_still_lets_the_order_close() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    let mut gw = MockAgentGateway::new();
    gw.expect_cancel()
        .times(1)
        .returning(|_| Err(business("BATCH_STATUS_IS_FINAL")));
    let order = run(h.service(gw).cancel(CALLER, id)).unwrap();
    assert_cancelled(&h, id, &order);
}

#[test]
fn a_failed_cancel_call_keeps_the_order_init() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    let mut gw = MockAgentGateway::new();
    gw.expect_cancel()
        .times(1)
        .returning(|_| Err(GatewayError::Timeout));
    let error = run(h.service(gw).cancel(CALLER, id)).unwrap_err();
    assert!(matches!(
        error,
        ServiceError::Gateway {
            error: GatewayError::Timeout,
            order: Some(_)
        }
    ));
    assert_eq!(h.order(id).status(), OrderStatus::Init);
}

#[test]
fn cancel_at_confirm_sent_queries_first_and_refuses_when_confirm_went_through() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order().times(1).returning(|_| {
        Ok(OrderQueried::with_status(
            AlipayOrderStatus::MerchantAuditing,
        ))
    });
    let error = run(h.service(gw).cancel(CALLER, id)).unwrap_err();
    assert!(matches!(error, ServiceError::Transition(_)), "{error:?}");
    assert_eq!(
        h.order(id).status(),
        OrderStatus::MerchantAuditing,
        "what the query learnt is kept"
    );
}

#[test]
fn cancel_at_confirm_sent_cancels_when_confirm_never_arrived() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .returning(|_| Err(business("BATCH_STATUS_NOT_SUBMIT")));
    gw.expect_cancel()
        .times(1)
        .withf(|b| b == "B1")
        .returning(|_| Ok(()));
    let order = run(h.service(gw).cancel(CALLER, id)).unwrap();
    assert_cancelled(&h, id, &order);
}

#[test]
fn submitted_and_terminal_orders_cannot_be_cancelled() {
    for status in [
        OrderStatus::Submitted,
        OrderStatus::MerchantAuditing,
        OrderStatus::MerchantConfirm,
        OrderStatus::Success,
        OrderStatus::Closed,
    ] {
        let h = Harness::new();
        let id = h.put(crate::test_support::order_in(status));
        let error = run(h.service(MockAgentGateway::new()).cancel(CALLER, id)).unwrap_err();
        assert!(
            matches!(error, ServiceError::Transition(_)),
            "{status}: {error:?}"
        );
        assert_eq!(h.order(id).status(), status);
    }
}
