//! Resume from each step, the 55-minute rule, settling a lost confirm, and edit-then-resume.

use super::*;
use crate::error::ServiceError;
use crate::order::AlipayOrderStatus;
use crate::order::{OrderStatus, SubmitStep};
use crate::ports::gateway::{BatchCreated, Confirmed, OrderQueried};
use crate::service::EditCommand;

/// An INIT order stopped at `step`, its batch `B1` created at t0.
pub(super) fn init_at(h: &Harness, step: SubmitStep) -> OrderId {
    let mut order = crate::test_support::new_order();
    let s = crate::test_support::stamp();
    if step >= SubmitStep::BatchCreated {
        order
            .batch_created(
                s,
                BatchCreated {
                    batch_no: "B1".into(),
                    batch_status: "init".into(),
                },
            )
            .unwrap();
    }
    if step >= SubmitStep::Signed {
        order.signed(s).unwrap();
    }
    if step >= SubmitStep::ConfirmSent {
        order.confirm_sending(s).unwrap();
    }
    let id = h.put(order);
    let images = ApplicationImages::parse(valid_form().images).unwrap();
    h.store.lock().unwrap().images.insert(id, images);
    id
}

fn submitted_ok(gw: &mut MockAgentGateway, batch: &'static str) {
    gw.expect_confirm()
        .times(1)
        .withf(move |b| b == batch)
        .returning(|_| Ok(Confirmed::default()));
}

#[test]
fn resume_from_none_runs_the_whole_submission() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::None);
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B9"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, images| b == "B9" && images.len() == 2)
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B9");
    let order = run(h.service(gw).resume(CALLER, id)).unwrap();
    assert_eq!(order.status(), OrderStatus::Submitted);
}

#[test]
fn resume_from_batch_created_signs_and_confirms_the_same_batch() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::BatchCreated);
    h.advance(TimeDelta::minutes(54));
    let mut gw = MockAgentGateway::new();
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, _| b == "B1")
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B1");
    assert_eq!(
        run(h.service(gw).resume(CALLER, id)).unwrap().status(),
        OrderStatus::Submitted
    );
}

#[test]
fn resume_from_signed_only_confirms() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    let mut gw = MockAgentGateway::new();
    submitted_ok(&mut gw, "B1");
    assert_eq!(
        run(h.service(gw).resume(CALLER, id)).unwrap().status(),
        OrderStatus::Submitted
    );
}

#[test]
fn after_55_minutes_resume_abandons_the_batch_and_starts_a_new_one() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    h.advance(TimeDelta::minutes(55));
    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, _| b == "B2")
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B2");
    let order = run(h.service(gw).resume(CALLER, id)).unwrap();
    assert_eq!(order.batch_no(), Some("B2"));
    assert!(
        h.events(id)
            .iter()
            .any(|e| matches!(e, EventKind::BatchAbandoned { batch_no, .. } if batch_no == "B1"))
    );
}

#[test]
fn resume_after_a_lost_confirm_reply_that_went_through_only_queries() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    h.advance(TimeDelta::minutes(70));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .withf(|b| b == "B1")
        .returning(|_| {
            Ok(OrderQueried::with_status(
                AlipayOrderStatus::MerchantAuditing,
            ))
        });
    let order = run(h.service(gw).resume(CALLER, id)).unwrap();
    assert_eq!(
        order.status(),
        OrderStatus::MerchantAuditing,
        "confirm went through; the answer applies at once"
    );
    assert_eq!(order.submit_step(), SubmitStep::Confirmed);
}

#[test]
fn resume_after_a_lost_confirm_that_did_not_arrive_confirms_the_same_young_batch() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    h.advance(TimeDelta::minutes(10));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .returning(|_| Err(business("BATCH_STATUS_NOT_SUBMIT")));
    submitted_ok(&mut gw, "B1");
    let order = run(h.service(gw).resume(CALLER, id)).unwrap();
    assert_eq!(order.status(), OrderStatus::Submitted);
    assert!(h.events(id).contains(&EventKind::ConfirmNotReceived {
        batch_no: "B1".into()
    }));
}

#[test]
fn resume_after_a_lost_confirm_on_an_old_batch_starts_over_and_never_submits_two_batches() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    h.advance(TimeDelta::minutes(56));
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order()
        .times(1)
        .withf(|b| b == "B1")
        .returning(|_| Err(business("BATCH_STATUS_NOT_SUBMIT")));
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, _| b == "B2")
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B2");
    let order = run(h.service(gw).resume(CALLER, id)).unwrap();
    assert_eq!(order.batch_no(), Some("B2"));
}

#[test]
fn a_lost_confirm_whose_query_also_fails_stays_at_confirm_sent() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    let mut gw = MockAgentGateway::new();
    gw.expect_query_order().times(1).returning(|_| {
        Err(GatewayError::Transport {
            status: Some(502),
            message: "bad gateway".into(),
        })
    });
    let error = run(h.service(gw).resume(CALLER, id)).unwrap_err();
    assert!(matches!(error, ServiceError::Gateway { .. }));
    assert_eq!(h.order(id).submit_step(), SubmitStep::ConfirmSent);
}

#[test]
fn a_batch_alipay_reports_final_is_replaced_within_the_same_attempt() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::BatchCreated);
    let mut gw = MockAgentGateway::new();
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, _| b == "B1")
        .returning(|_, _, _| Err(business("BATCH_STATUS_IS_FINAL")));
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, _, _| b == "B2")
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B2");
    assert_eq!(
        run(h.service(gw).resume(CALLER, id)).unwrap().batch_no(),
        Some("B2")
    );
}

#[test]
fn only_init_orders_resume() {
    let h = Harness::new();
    let id = h.put(crate::test_support::order_in(OrderStatus::Submitted));
    let error = run(h.service(MockAgentGateway::new()).resume(CALLER, id)).unwrap_err();
    assert!(matches!(error, ServiceError::Transition(_)));
    let other = Caller {
        tenant_id: OTHER_TENANT,
        user_id: UserId(1),
    };
    let error = run(h.service(MockAgentGateway::new()).resume(other, id)).unwrap_err();
    assert!(matches!(error, ServiceError::NotFound));
}

#[test]
fn edit_then_resume_submits_the_corrected_data_on_a_new_batch() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::Signed);
    let changes = crate::application::ApplicationForm {
        shop_name: Some("新店名".into()),
        images: vec![(crate::application::ImageKind::ShopScenePic, png(8_000))],
        ..Default::default()
    };
    let edit = EditCommand {
        caller: CALLER,
        order: id,
        expected_version: Some(h.order(id).version()),
        changes,
    };
    let edited = run(h.service(MockAgentGateway::new()).edit(edit)).unwrap();
    assert_eq!(
        edited.submit_step(),
        SubmitStep::None,
        "the batch signed with the old data is abandoned"
    );
    assert_eq!(
        edited.details().shop_name().map(|n| n.as_str()),
        Some("新店名")
    );
    assert!(h.events(id).contains(&EventKind::Edited {
        fields: vec!["shop_name".into(), "shop_scene_pic".into()]
    }));
    let images = h.store.lock().unwrap().images[&id].clone();
    assert_eq!(
        images.len(),
        2,
        "the replaced image swapped in, the other kept"
    );
    assert_eq!(
        images
            .get(crate::application::ImageKind::ShopScenePic)
            .unwrap()
            .bytes()
            .len(),
        8_000
    );

    let mut gw = MockAgentGateway::new();
    gw.expect_create().times(1).returning(|_| created("B2"));
    gw.expect_facetoface_sign()
        .times(1)
        .withf(|b, details, _| {
            b == "B2" && details.shop_name().map(|n| n.as_str()) == Some("新店名")
        })
        .returning(|_, _, _| Ok(()));
    submitted_ok(&mut gw, "B2");
    assert_eq!(
        run(h.service(gw).resume(CALLER, id)).unwrap().status(),
        OrderStatus::Submitted
    );
}

#[test]
fn an_invalid_edit_changes_nothing_and_names_the_field() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::None);
    let before = h.order(id);
    let changes = crate::application::ApplicationForm {
        contact_mobile: Some("1380013800".into()),
        ..Default::default()
    };
    let edit = EditCommand {
        caller: CALLER,
        order: id,
        expected_version: None,
        changes,
    };
    let error = run(h.service(MockAgentGateway::new()).edit(edit)).unwrap_err();
    let ServiceError::Validation(errors) = error else {
        panic!("{error:?}")
    };
    assert_eq!(errors.fields().collect::<Vec<_>>(), ["contact_mobile"]);
    assert_eq!(h.order(id), before);
}

#[test]
fn edits_are_refused_on_a_stale_version_and_after_confirm_was_sent() {
    let h = Harness::new();
    let id = init_at(&h, SubmitStep::None);
    let stale = EditCommand {
        caller: CALLER,
        order: id,
        expected_version: Some(0),
        changes: Default::default(),
    };
    assert!(matches!(
        run(h.service(MockAgentGateway::new()).edit(stale)).unwrap_err(),
        ServiceError::StaleVersion
    ));

    let h = Harness::new();
    let id = init_at(&h, SubmitStep::ConfirmSent);
    let edit = EditCommand {
        caller: CALLER,
        order: id,
        expected_version: None,
        changes: Default::default(),
    };
    assert!(matches!(
        run(h.service(MockAgentGateway::new()).edit(edit)).unwrap_err(),
        ServiceError::Transition(_)
    ));
}
