//! The state machine, table-driven, and a property: nothing moves an order backwards or out
//! of a terminal state.

use proptest::prelude::*;

use super::*;
use crate::ports::gateway::{OrderQueried, ProductStatus};
use crate::test_support::{order_in, stamp};

use AlipayOrderStatus as A;
use OrderStatus as S;

fn alipay_statuses() -> Vec<AlipayOrderStatus> {
    vec![
        A::MerchantInfoHold,
        A::MerchantAuditing,
        A::MerchantConfirm,
        A::MerchantConfirmSuccess,
        A::MerchantConfirmTimeOut,
        A::MerchantApplyOrderCanceled,
        A::Other("MERCHANT_SOMETHING_NEW".into()),
    ]
}

/// DESIGN §2: from each of our statuses, what each Alipay status leads to.
#[test]
fn every_alipay_status_maps_as_the_design_table_says_from_every_state() {
    // Columns follow `alipay_statuses()`: HOLD, AUDITING, CONFIRM, SUCCESS, TIME_OUT, CANCELED, unknown.
    let table: [(S, [S; 7]); 5] = [
        (
            S::Submitted,
            [
                S::Submitted,
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::Success,
                S::Closed,
                S::Closed,
                S::Submitted,
            ],
        ),
        (
            S::MerchantAuditing,
            [
                S::MerchantAuditing,
                S::MerchantAuditing,
                S::MerchantConfirm,
                S::Success,
                S::Closed,
                S::Closed,
                S::MerchantAuditing,
            ],
        ),
        (
            S::MerchantConfirm,
            [
                S::MerchantConfirm,
                S::MerchantConfirm,
                S::MerchantConfirm,
                S::Success,
                S::Closed,
                S::Closed,
                S::MerchantConfirm,
            ],
        ),
        (S::Success, [S::Success; 7]),
        (S::Closed, [S::Closed; 7]),
    ];
    for (from, expected) in table {
        for (alipay, to) in alipay_statuses().into_iter().zip(expected) {
            let mut order = order_in(from);
            order
                .apply_query(stamp(), &OrderQueried::with_status(alipay.clone()))
                .unwrap();
            assert_eq!(order.status(), to, "{from} + {alipay}");
            assert_eq!(
                order.state().alipay.alipay_order_status.as_deref(),
                Some(alipay.as_str()),
                "raw value kept"
            );
        }
    }
}

#[test]
fn closing_statuses_record_why() {
    let mut timed_out = order_in(S::MerchantConfirm);
    timed_out
        .apply_query(
            stamp(),
            &OrderQueried::with_status(A::MerchantConfirmTimeOut),
        )
        .unwrap();
    assert_eq!(
        timed_out.state().close_reason,
        Some(CloseReason::MerchantTimeout)
    );

    let mut rejected = order_in(S::MerchantAuditing);
    let mut answer = OrderQueried::with_status(A::MerchantApplyOrderCanceled);
    answer.reject_reason = Some("营业执照不清晰".into());
    rejected.apply_query(stamp(), &answer).unwrap();
    assert_eq!(rejected.state().close_reason, Some(CloseReason::Rejected));
    assert_eq!(
        rejected.state().alipay.reject_reason.as_deref(),
        Some("营业执照不清晰")
    );
}

#[test]
fn hold_flags_needs_correction_and_keeps_submitted_and_a_later_audit_clears_it() {
    let mut order = order_in(S::Submitted);
    order
        .apply_query(stamp(), &OrderQueried::with_status(A::MerchantInfoHold))
        .unwrap();
    assert_eq!(order.status(), S::Submitted);
    assert!(order.state().alipay.needs_correction);
    assert!(order.can_be_reapplied());
    order
        .apply_query(stamp(), &OrderQueried::with_status(A::MerchantAuditing))
        .unwrap();
    assert!(!order.state().alipay.needs_correction);
    assert_eq!(order.status(), S::MerchantAuditing);
}

#[test]
fn confirm_url_merchant_pid_and_product_status_are_recorded() {
    let mut order = order_in(S::MerchantAuditing);
    let mut confirm = OrderQueried::with_status(A::MerchantConfirm);
    confirm.confirm_url = Some("https://example.invalid/confirm?orderNo=O1".into());
    order.apply_query(stamp(), &confirm).unwrap();
    assert_eq!(
        order.state().alipay.confirm_url.as_deref(),
        Some("https://example.invalid/confirm?orderNo=O1")
    );
    assert_eq!(
        order.state().progress.merchant_confirm_time,
        Some(stamp().now)
    );

    let mut success = OrderQueried::with_status(A::MerchantConfirmSuccess);
    success.merchant_pid = Some("2088000000000001".into());
    success.product_statuses = vec![ProductStatus {
        product_code: "FACE_TO_FACE_PAYMENT".into(),
        product_name: Some("当面付收单".into()),
        status: "restrictValid".into(),
        reject_reason: None,
    }];
    order.apply_query(stamp(), &success).unwrap();
    assert_eq!(order.status(), S::Success);
    assert_eq!(
        order.state().alipay.merchant_pid.as_deref(),
        Some("2088000000000001")
    );
    assert_eq!(
        order.state().alipay.product_status.as_deref(),
        Some("restrictValid")
    );
}

#[test]
fn a_backward_move_is_recorded_but_not_applied() {
    let mut order = order_in(S::MerchantConfirm);
    order
        .apply_query(stamp(), &OrderQueried::with_status(A::MerchantAuditing))
        .unwrap();
    assert_eq!(order.status(), S::MerchantConfirm);
    assert!(order.pending_events().iter().any(|e| matches!(
        &e.kind,
        EventKind::BackwardMoveIgnored { current: S::MerchantConfirm, alipay_status } if alipay_status == "MERCHANT_AUDITING"
    )));
}

#[test]
fn an_unknown_alipay_status_is_recorded_and_changes_nothing() {
    let mut order = order_in(S::MerchantAuditing);
    order
        .apply_query(
            stamp(),
            &OrderQueried::with_status(A::parse("MERCHANT_REGISTER")),
        )
        .unwrap();
    assert_eq!(order.status(), S::MerchantAuditing);
    assert!(order.pending_events().iter().any(|e| matches!(
        &e.kind, EventKind::UnknownAlipayStatus { alipay_status } if alipay_status == "MERCHANT_REGISTER"
    )));
}

#[test]
fn submission_steps_only_run_in_order() {
    let s = stamp();
    let mut order = order_in(S::Init);
    assert!(order.signed(s).is_err(), "sign before create");
    assert!(order.confirm_sending(s).is_err(), "confirm before sign");
    assert!(
        order.confirmed(s, Default::default()).is_err(),
        "confirmed before confirm_sent"
    );
    assert!(
        order
            .apply_query(s, &OrderQueried::with_status(A::MerchantAuditing))
            .is_err(),
        "query an INIT order"
    );
    let submitted = order_in(S::Submitted);
    let mut again = submitted.clone();
    assert!(
        again
            .batch_created(
                s,
                crate::ports::gateway::BatchCreated {
                    batch_no: "B2".into(),
                    batch_status: "init".into()
                }
            )
            .is_err()
    );
    assert!(again.cancel(s).is_err(), "no cancel after confirm");
    assert!(
        again.edit(s, submitted.details().clone(), vec![]).is_err(),
        "no edit after confirm"
    );
}

#[test]
fn status_and_step_names_round_trip() {
    for status in OrderStatus::ALL {
        assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
    }
    for step in SubmitStep::ALL {
        assert_eq!(SubmitStep::parse(step.as_str()), Some(step));
    }
    for reason in CloseReason::ALL {
        assert_eq!(CloseReason::parse(reason.as_str()), Some(reason));
    }
    for reason in PollingStopReason::ALL {
        assert_eq!(PollingStopReason::parse(reason.as_str()), Some(reason));
    }
    for alipay in alipay_statuses() {
        assert_eq!(AlipayOrderStatus::parse(alipay.as_str()), alipay);
    }
}

fn any_alipay_status() -> impl Strategy<Value = AlipayOrderStatus> {
    prop_oneof![
        Just(A::MerchantInfoHold),
        Just(A::MerchantAuditing),
        Just(A::MerchantConfirm),
        Just(A::MerchantConfirmSuccess),
        Just(A::MerchantConfirmTimeOut),
        Just(A::MerchantApplyOrderCanceled),
        "[A-Z_]{1,24}".prop_map(|raw| A::parse(&raw)),
    ]
}

proptest! {
    #[test]
    fn no_sequence_of_alipay_statuses_moves_an_order_backwards_or_out_of_a_terminal_state(
        sequence in proptest::collection::vec(any_alipay_status(), 1..40)
    ) {
        let mut order = order_in(S::Submitted);
        for alipay in sequence {
            let before = order.status();
            order.apply_query(stamp(), &OrderQueried::with_status(alipay)).unwrap();
            let after = order.status();
            if before.is_terminal() {
                prop_assert_eq!(after, before);
            } else {
                prop_assert!(after.rank() >= before.rank(), "{} -> {}", before, after);
            }
        }
    }
}
