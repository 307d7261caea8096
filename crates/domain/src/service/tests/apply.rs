//! Apply, re-apply and idempotency.

use mockall::Sequence;

use super::*;
use crate::application::ImageKind;
use crate::error::{IdempotencyConflict, ServiceError};
use crate::order::{CloseReason, OrderStatus, SubmitStep};
use crate::ports::IdempotencyKey;
use crate::ports::gateway::{Confirmed, ErrorClass};
use crate::service::{ApplyCommand, Idempotency, ReapplyCommand};

fn command(key: Option<(&str, &str)>) -> ApplyCommand {
    ApplyCommand {
        caller: CALLER,
        idempotency: key.map(|(k, fp)| Idempotency {
            key: IdempotencyKey::parse(k).unwrap(),
            fingerprint: fp.into(),
        }),
        form: valid_form(),
    }
}

fn happy_gateway(h: &Harness) -> MockAgentGateway {
    let mut gw = MockAgentGateway::new();
    let mut seq = Sequence::new();
    gw.expect_create()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_| created("B1"));
    gw.expect_facetoface_sign()
        .times(1)
        .in_sequence(&mut seq)
        .withf(|batch_no, details, images| {
            batch_no == "B1" && details.mcc_code().as_str() == "A0001_B0199" && images.len() == 2
        })
        .returning(|_, _, _| Ok(()));
    let store = Arc::clone(&h.store);
    gw.expect_confirm()
        .times(1)
        .in_sequence(&mut seq)
        .withf(|b| b == "B1")
        .returning(move |_| {
            // `confirm_sent` must be stored before confirm is called.
            let stored = store
                .lock()
                .unwrap()
                .orders
                .values()
                .next()
                .unwrap()
                .submit_step();
            assert_eq!(stored, SubmitStep::ConfirmSent);
            Ok(Confirmed {
                order_no: Some("20261126000001".into()),
                ..Confirmed::default()
            })
        });
    gw
}

#[test]
fn apply_runs_create_sign_confirm_in_order_and_ends_submitted() {
    let h = Harness::new();
    let order = run(h.service(happy_gateway(&h)).apply(command(None))).unwrap();
    assert_eq!(order.status(), OrderStatus::Submitted);
    assert_eq!(order.submit_step(), SubmitStep::Confirmed);
    assert_eq!(
        order.state().alipay.order_no.as_deref(),
        Some("20261126000001")
    );
    assert_eq!(
        order.next_query_time(),
        Some(t0() + TimeDelta::minutes(1)),
        "first query a minute after confirm"
    );
    let steps: Vec<_> = h
        .events(order.id())
        .into_iter()
        .filter_map(|e| match e {
            EventKind::StepReached { step, .. } => Some(step),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            SubmitStep::BatchCreated,
            SubmitStep::Signed,
            SubmitStep::ConfirmSent,
            SubmitStep::Confirmed
        ]
    );
    // Version 1 at the insert, then three saves: the batch, signed and confirm_sent together
    // (nothing happens between them), confirmed.
    assert_eq!(order.version(), 4);
    assert_eq!(
        h.order(order.id()),
        order,
        "what was returned is what is stored"
    );
}

fn assert_failed_at(
    result: Result<FacetofaceOrder, ServiceError>,
    step: SubmitStep,
    class: ErrorClass,
) -> FacetofaceOrder {
    match result {
        Err(ServiceError::Gateway {
            error,
            order: Some(order),
        }) => {
            assert_eq!(error.class(), class);
            assert_eq!(order.status(), OrderStatus::Init);
            assert_eq!(order.submit_step(), step);
            assert_eq!(
                order.state().progress.last_error.as_ref().map(|e| e.class),
                Some(class)
            );
            *order
        }
        other => panic!("expected a gateway failure with the order, got {other:?}"),
    }
}

#[test]
fn apply_failing_at_create_keeps_a_resumable_order_without_a_batch() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create()
        .times(1)
        .returning(|_| Err(GatewayError::Timeout));
    let order = assert_failed_at(
        run(h.service(gw).apply(command(None))),
        SubmitStep::None,
        ErrorClass::Timeout,
    );
    assert_eq!(order.batch_no(), None);
    assert_eq!(
        order.next_query_time(),
        None,
        "nothing to poll before confirm"
    );
    assert_eq!(h.only_order(), order);
}

#[test]
fn apply_failing_at_sign_keeps_the_batch() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B1"));
    gw.expect_facetoface_sign()
        .times(1)
        .returning(|_, _, _| Err(business("FILE_SIZE_MIN_LIMIT")));
    let order = assert_failed_at(
        run(h.service(gw).apply(command(None))),
        SubmitStep::BatchCreated,
        ErrorClass::Business,
    );
    assert_eq!(order.batch_no(), Some("B1"));
    let last = order.state().progress.last_error.clone().unwrap();
    assert_eq!(
        last.alipay.unwrap().sub_code.as_deref(),
        Some("FILE_SIZE_MIN_LIMIT")
    );
}

#[test]
fn a_new_batch_whose_save_fails_while_signing_is_forgotten_never_confirmed() {
    let h = Harness::new();
    h.store.lock().unwrap().failing_saves = 1;
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B1"));
    // The save of B1 runs beside sign; sign may or may not have gone out when it fails.
    gw.expect_facetoface_sign()
        .times(0..=1)
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm().times(0);
    let result = run(h.service(gw).apply(command(None)));
    assert!(
        matches!(result, Err(ServiceError::Repository(_))),
        "{result:?}"
    );
    let stored = h.only_order();
    assert_eq!(stored.status(), OrderStatus::Init);
    assert_eq!(
        stored.submit_step(),
        SubmitStep::None,
        "B1 was never recorded"
    );
    // A resume opens a new batch and completes on it.
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|batch_no, _, _| batch_no == "B2")
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm()
        .times(1)
        .withf(|b| b == "B2")
        .returning(|_| Ok(Confirmed::default()));
    let order = run(h.service(gw).resume(CALLER, stored.id())).unwrap();
    assert_eq!(order.status(), OrderStatus::Submitted);
    assert_eq!(order.batch_no(), Some("B2"));
}

#[test]
fn a_failed_idempotency_link_answers_the_storage_error_with_the_order_saved() {
    let h = Harness::new();
    h.store.lock().unwrap().failing_attaches = 1;
    let gw = happy_gateway(&h);
    let result = run(h.service(gw).apply(command(Some(("k-1", "fp-1")))));
    assert!(
        matches!(result, Err(ServiceError::Repository(_))),
        "{result:?}"
    );
    let stored = h.only_order();
    assert_eq!(
        stored.status(),
        OrderStatus::Submitted,
        "the submission went on"
    );
    // The key was never linked: a retry with it is told the first is still processing.
    let retry = run(h
        .service(MockAgentGateway::new())
        .apply(command(Some(("k-1", "fp-1")))));
    assert!(
        matches!(
            retry,
            Err(ServiceError::Idempotency(
                IdempotencyConflict::StillProcessing
            ))
        ),
        "{retry:?}"
    );
}

#[test]
fn a_lost_confirm_reply_leaves_confirm_sent_scheduled_for_a_settling_query() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B1"));
    gw.expect_facetoface_sign()
        .times(1)
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm()
        .times(1)
        .returning(|_| Err(GatewayError::Timeout));
    let order = assert_failed_at(
        run(h.service(gw).apply(command(None))),
        SubmitStep::ConfirmSent,
        ErrorClass::Timeout,
    );
    assert_eq!(
        order.next_query_time(),
        Some(t0() + TimeDelta::minutes(1)),
        "the worker settles it"
    );
}

#[test]
fn a_definite_confirm_refusal_goes_back_to_signed() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B1"));
    gw.expect_facetoface_sign()
        .times(1)
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm()
        .times(1)
        .returning(|_| Err(business("BATCH_IS_EMPTY")));
    let order = assert_failed_at(
        run(h.service(gw).apply(command(None))),
        SubmitStep::Signed,
        ErrorClass::Business,
    );
    assert_eq!(order.next_query_time(), None);
}

#[test]
fn an_invalid_application_names_every_bad_field_and_stores_nothing() {
    let h = Harness::new();
    let mut cmd = command(Some(("k1", "fp1")));
    cmd.form.contact_mobile = Some("12345".into());
    cmd.form.rate = Some("0.61".into());
    cmd.form.mcc_code = Some("food".into());
    cmd.form.contact_email = Some("not-an-email".into());
    let error = run(h.service(MockAgentGateway::new()).apply(cmd)).unwrap_err();
    let ServiceError::Validation(errors) = error else {
        panic!("expected validation, got {error:?}")
    };
    let mut fields: Vec<_> = errors.fields().collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["contact_email", "contact_mobile", "mcc_code", "rate"]
    );
    let store = h.store.lock().unwrap();
    assert!(store.orders.is_empty());
    assert!(
        store.keys.is_empty(),
        "the key is released so a corrected request may use it"
    );
}

#[test]
fn the_same_key_and_request_replays_the_first_answer_without_calling_alipay_again() {
    let h = Harness::new();
    let service = h.service(happy_gateway(&h));
    let first = run(service.apply(command(Some(("key-1", "fp-a"))))).unwrap();
    let second = run(service.apply(command(Some(("key-1", "fp-a"))))).unwrap();
    assert_eq!(second.id(), first.id());
    assert_eq!(h.store.lock().unwrap().orders.len(), 1);
}

#[test]
fn a_replayed_failure_fails_the_same_way() {
    let h = Harness::new();
    let mut gw = MockAgentGateway::new();
    gw.expect_create()
        .times(1)
        .returning(|_| Err(business("MERCHANT_NOT_CERTIFIED")));
    let service = h.service(gw);
    let first = run(service.apply(command(Some(("key-1", "fp-a"))))).unwrap_err();
    let second = run(service.apply(command(Some(("key-1", "fp-a"))))).unwrap_err();
    for error in [first, second] {
        let ServiceError::Gateway {
            error,
            order: Some(order),
        } = error
        else {
            panic!("{error:?}")
        };
        assert!(error.has_sub_code("MERCHANT_NOT_CERTIFIED"));
        assert_eq!(order.id(), OrderId(1));
    }
}

#[test]
fn the_same_key_with_another_request_is_a_conflict() {
    let h = Harness::new();
    let service = h.service(happy_gateway(&h));
    run(service.apply(command(Some(("key-1", "fp-a"))))).unwrap();
    let error = run(service.apply(command(Some(("key-1", "fp-b"))))).unwrap_err();
    assert!(matches!(
        error,
        ServiceError::Idempotency(IdempotencyConflict::KeyReusedWithOtherRequest)
    ));
}

#[test]
fn a_key_still_in_flight_is_a_conflict() {
    let h = Harness::new();
    h.store
        .lock()
        .unwrap()
        .keys
        .insert("key-1".into(), ("fp-a".into(), None));
    let error = run(h
        .service(MockAgentGateway::new())
        .apply(command(Some(("key-1", "fp-a")))))
    .unwrap_err();
    assert!(matches!(
        error,
        ServiceError::Idempotency(IdempotencyConflict::StillProcessing)
    ));
}

fn closed_original(h: &Harness) -> OrderId {
    let mut original = crate::test_support::order_in(OrderStatus::Closed);
    assert_eq!(original.state().close_reason, Some(CloseReason::Rejected));
    original.take_pending_events();
    let id = h.put(original);
    let mut images = ApplicationImages::new();
    images
        .insert(crate::application::Image::new(ImageKind::BusinessLicensePic, png(9_000)).unwrap())
        .unwrap();
    h.store.lock().unwrap().images.insert(id, images);
    id
}

#[test]
fn reapply_links_both_orders_supersedes_the_original_and_copies_missing_images() {
    let h = Harness::new();
    let original = closed_original(&h);
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|_, _, images| images.len() == 3 && images.contains(ImageKind::BusinessLicensePic))
        .returning(|_, _, _| Ok(()));
    gw.expect_confirm()
        .times(1)
        .returning(|_| Ok(Confirmed::default()));
    let command = ReapplyCommand {
        caller: CALLER,
        original,
        idempotency: None,
        form: valid_form(),
    };
    let new = run(h.service(gw).reapply(command)).unwrap();
    assert_eq!(new.status(), OrderStatus::Submitted);
    assert_eq!(new.state().reapplied_from, Some(original));
    let old = h.order(original);
    assert_eq!(old.status(), OrderStatus::Closed);
    assert_eq!(old.state().close_reason, Some(CloseReason::Superseded));
    assert_eq!(old.state().superseded_by, Some(new.id()));
    assert!(
        h.events(original)
            .contains(&EventKind::SupersededBy { order_id: new.id() })
    );
}

#[test]
fn an_order_is_reapplied_only_once_and_only_when_closed_or_held() {
    let h = Harness::new();
    let running = h.put(crate::test_support::order_in(OrderStatus::MerchantAuditing));
    let command = ReapplyCommand {
        caller: CALLER,
        original: running,
        idempotency: None,
        form: valid_form(),
    };
    let error = run(h.service(MockAgentGateway::new()).reapply(command)).unwrap_err();
    assert!(matches!(error, ServiceError::Transition(_)), "{error:?}");

    let h = Harness::new();
    let original = closed_original(&h);
    let mut gw = MockAgentGateway::new();
    gw.expect_create()
        .times(1)
        .returning(|_| Err(GatewayError::Timeout));
    let service = h.service(gw);
    let command = ReapplyCommand {
        caller: CALLER,
        original,
        idempotency: None,
        form: valid_form(),
    };
    let _ = run(service.reapply(command.clone())).unwrap_err();
    let error = run(service.reapply(command)).unwrap_err();
    assert!(
        matches!(error, ServiceError::Transition(_)),
        "second re-apply of the same order: {error:?}"
    );
}

#[test]
fn another_tenants_order_cannot_be_reapplied() {
    let h = Harness::new();
    let original = closed_original(&h);
    let caller = Caller {
        tenant_id: OTHER_TENANT,
        user_id: UserId(1),
    };
    let command = ReapplyCommand {
        caller,
        original,
        idempotency: None,
        form: valid_form(),
    };
    let error = run(h.service(MockAgentGateway::new()).reapply(command)).unwrap_err();
    assert!(matches!(error, ServiceError::NotFound));
}
