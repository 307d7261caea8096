//! Orders: every field round-trips, tenants are isolated, stale writes conflict,
//! re-application is atomic, the list filters and pages.

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use xjz_domain::application::{ApplicationImages, Image, ImageKind};
use xjz_domain::ids::{Actor, OrderId, Stamp, UserId};
use xjz_domain::order::{
    AlipaySide, Audit, CloseReason, EventKind, FacetofaceOrder, LastError, NewOrder, OrderState,
    OrderStatus, PollingStopReason, Progress, SubmitStep,
};
use xjz_domain::ports::gateway::{
    AlipayError, AlipayMethod, AppAuthToken, BatchCreated, ErrorClass, RestrictInfo,
};
use xjz_domain::ports::repository::{
    OrderFilter, OrderRepository, PageRequest, RepositoryError, SortDirection, SortField,
};

use crate::helpers::{
    OTHER_TENANT, TENANT, application, closed, new_order, png, repo, stamp_at, t0,
};
use crate::on_both;

/// A state with every optional field filled, for the order stored as `base`.
fn everything(base: &FacetofaceOrder) -> OrderState {
    let b = base.state();
    let at = |minutes: i64| t0() + TimeDelta::minutes(minutes) + TimeDelta::microseconds(123_456);
    let (details, _) = application("上海全字段测试有限公司", "全字段门店");
    OrderState {
        id: b.id,
        uuid: b.uuid,
        tenant_id: b.tenant_id,
        version: b.version,
        audit: Audit {
            created_time: b.audit.created_time,
            updated_time: at(90),
            created_id: b.audit.created_id,
            updated_id: Some(UserId(43)),
        },
        description: Some("imported from the seed system".into()),
        status: OrderStatus::Closed,
        close_reason: Some(CloseReason::MerchantTimeout),
        details,
        alipay: AlipaySide {
            batch_no: Some("2026112600000001".into()),
            order_no: Some("20261126000000000001".into()),
            alipay_order_status: Some("MERCHANT_CONFIRM_TIME_OUT".into()),
            needs_correction: true,
            confirm_url: Some("https://qr.alipay.com/confirm?x=1&y=2".into()),
            merchant_pid: Some("2088000000000001".into()),
            app_auth_token: Some(AppAuthToken::new("202611BBsecret-token-value".into())),
            reject_reason: Some("超时未确认".into()),
            restrict_infos: vec![RestrictInfo {
                restrict_product: Some("FACE_TO_FACE_PAYMENT".into()),
                restrict_reason: Some("经营场所待核实".into()),
                restrict_reason_code: Some("R001".into()),
            }],
            product_status: Some("restrictValid".into()),
            product_reject_reason: Some("场景照片不清晰".into()),
        },
        progress: Progress {
            submit_step: SubmitStep::Confirmed,
            batch_created_time: Some(at(1)),
            confirmed_time: Some(at(2)),
            merchant_confirm_time: Some(at(30)),
            last_error: Some(LastError {
                method: AlipayMethod::OrderQuery,
                class: ErrorClass::Business,
                alipay: Some(AlipayError {
                    code: "40004".into(),
                    msg: "Business Failed".into(),
                    sub_code: Some("SYSTEM_ERROR".into()),
                    sub_msg: Some("系统繁忙".into()),
                }),
                message: "Alipay refused: code 40004".into(),
                at: at(60),
            }),
            last_query_time: Some(at(60)),
            next_query_time: Some(at(70)),
            query_count: 17,
            polling_stopped_time: Some(at(80)),
            polling_stopped_reason: Some(PollingStopReason::ConfirmWindowElapsed),
        },
        superseded_by: Some(OrderId(9_999)),
        reapplied_from: Some(OrderId(9_998)),
    }
}

async fn every_field_round_trips(db: &DatabaseConnection) {
    let repo = repo(db);
    let (new, images) = new_order(TENANT);
    let inserted = repo.insert(new, &images).await.unwrap();
    assert!(inserted.id().0 > 0);
    assert_eq!(inserted.version(), 1);
    assert!(inserted.pending_events().is_empty());
    let read = repo.get(TENANT, inserted.id()).await.unwrap().unwrap();
    assert_eq!(read.state(), inserted.state());
    assert_eq!(repo.images(TENANT, inserted.id()).await.unwrap(), images);

    let expected = everything(&inserted);
    let mut full = FacetofaceOrder::restore(expected.clone());
    repo.update(&mut full).await.unwrap();
    assert_eq!(full.version(), 2);

    let read = repo.get(TENANT, inserted.id()).await.unwrap().unwrap();
    assert_eq!(
        read.state(),
        &OrderState {
            version: 2,
            ..expected
        }
    );
    let by_batch = repo
        .get_by_batch_no_system_wide("2026112600000001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_batch.id(), inserted.id());
}
on_both!(every_field_round_trips);

async fn tenants_never_see_each_others_orders(db: &DatabaseConnection) {
    let repo = repo(db);
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    let id = order.id();

    assert!(repo.get(OTHER_TENANT, id).await.unwrap().is_none());
    assert!(repo.events(OTHER_TENANT, id).await.unwrap().is_empty());
    assert!(repo.images(OTHER_TENANT, id).await.unwrap().is_empty());
    let page = repo
        .list(
            OTHER_TENANT,
            &OrderFilter::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.items.len()), (0, 0));
    // A forged state naming another tenant cannot write the row.
    let mut forged = FacetofaceOrder::restore(OrderState {
        tenant_id: OTHER_TENANT,
        ..order.state().clone()
    });
    assert!(matches!(
        repo.update(&mut forged).await,
        Err(RepositoryError::Conflict)
    ));
    assert_eq!(repo.get(TENANT, id).await.unwrap().unwrap().version(), 1);
}
on_both!(tenants_never_see_each_others_orders);

async fn a_stale_write_is_a_conflict_and_keeps_its_events(db: &DatabaseConnection) {
    let repo = repo(db);
    let (new, images) = new_order(TENANT);
    let id = repo.insert(new, &images).await.unwrap().id();
    let mut first = repo.get(TENANT, id).await.unwrap().unwrap();
    let mut second = repo.get(TENANT, id).await.unwrap().unwrap();
    let later = stamp_at(t0() + TimeDelta::minutes(1));

    first
        .batch_created(
            later,
            BatchCreated {
                batch_no: "B-first".into(),
                batch_status: "init".into(),
            },
        )
        .unwrap();
    repo.update(&mut first).await.unwrap();
    second
        .batch_created(
            later,
            BatchCreated {
                batch_no: "B-second".into(),
                batch_status: "init".into(),
            },
        )
        .unwrap();
    let pending = second.pending_events().len();

    let result = repo.update(&mut second).await;

    assert!(
        matches!(result, Err(RepositoryError::Conflict)),
        "{result:?}"
    );
    assert_eq!(second.pending_events().len(), pending);
    assert_eq!(second.version(), 1);
    let stored = repo.get(TENANT, id).await.unwrap().unwrap();
    assert_eq!((stored.batch_no(), stored.version()), (Some("B-first"), 2));
    let events = repo.events(TENANT, id).await.unwrap();
    let batches: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::StepReached { batch_no, .. } => batch_no.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(batches, ["B-first"]);
}
on_both!(a_stale_write_is_a_conflict_and_keeps_its_events);

async fn updates_append_events_oldest_first_and_replace_images(db: &DatabaseConnection) {
    let repo = repo(db);
    let (new, images) = new_order(TENANT);
    let mut order = repo.insert(new, &images).await.unwrap();
    let worker = Stamp::new(Actor::Worker, t0() + TimeDelta::minutes(2));
    order
        .batch_created(
            stamp_at(t0() + TimeDelta::minutes(1)),
            BatchCreated {
                batch_no: "B1".into(),
                batch_status: "init".into(),
            },
        )
        .unwrap();
    repo.update(&mut order).await.unwrap();
    order.signed(worker).unwrap();
    let mut replaced = ApplicationImages::new();
    replaced
        .insert(Image::new(ImageKind::ShopSignBoardPic, png(9_000, 0x33)).unwrap())
        .unwrap();
    repo.update_with_images(&mut order, &replaced)
        .await
        .unwrap();

    let events = repo.events(TENANT, order.id()).await.unwrap();
    assert!(matches!(
        events[0].kind,
        EventKind::Created {
            reapplied_from: None
        }
    ));
    assert_eq!(events[0].actor, Actor::User(UserId(42)));
    assert!(
        events.windows(2).all(|w| w[0].time <= w[1].time),
        "{events:?}"
    );
    let last = events.last().unwrap();
    assert_eq!((last.actor, last.time), (Actor::Worker, worker.now));
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::AlipayCall(call) if call.method == AlipayMethod::Create && call.code.as_deref() == Some("10000")
    )));
    assert_eq!(repo.images(TENANT, order.id()).await.unwrap(), replaced);
    assert_eq!(order.version(), 3);
}
on_both!(updates_append_events_oldest_first_and_replace_images);

async fn reapplying_supersedes_the_original_once(db: &DatabaseConnection) {
    let repo = repo(db);
    let mut original = closed(&repo).await;
    let stale = original.clone();
    let (details, images) = application("杭州示例商贸有限公司", "示例便利店");
    let mut reapply = NewOrder::new(
        TENANT,
        details.clone(),
        stamp_at(t0() + TimeDelta::hours(1)),
    );
    reapply.reapplied_from = Some(original.id());

    let new = repo
        .insert_superseding(reapply, &images, &mut original)
        .await
        .unwrap();

    assert_eq!(new.state().reapplied_from, Some(original.id()));
    let stored = repo.get(TENANT, original.id()).await.unwrap().unwrap();
    assert_eq!(stored.state().superseded_by, Some(new.id()));
    assert_eq!(stored.state().close_reason, Some(CloseReason::Superseded));
    assert_eq!(stored.state(), original.state());
    assert!(original.pending_events().is_empty());

    // The same original, read before: the whole re-application is refused.
    let mut stale = stale;
    let again = NewOrder::new(TENANT, details, stamp_at(t0() + TimeDelta::hours(2)));
    let result = repo.insert_superseding(again, &images, &mut stale).await;
    assert!(
        matches!(result, Err(RepositoryError::Conflict)),
        "{result:?}"
    );
    let all = repo
        .list(TENANT, &OrderFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
}
on_both!(reapplying_supersedes_the_original_once);

async fn the_list_filters_sorts_and_pages(db: &DatabaseConnection) {
    let repo = repo(db);
    let names = [
        ("杭州alpha商贸有限公司", "湖滨店"),
        ("杭州Beta科技有限公司", "西溪店"),
        ("上海100%纯果汁有限公司", "徐汇店"),
        ("上海gamma_餐饮有限公司", "西溪二店"),
    ];
    let mut ids = Vec::new();
    for (i, (merchant, shop)) in names.iter().cycle().take(12).enumerate() {
        let (details, images) = application(merchant, shop);
        let created = t0() + TimeDelta::minutes(i64::try_from(i).unwrap());
        let order = repo
            .insert(NewOrder::new(TENANT, details, stamp_at(created)), &images)
            .await
            .unwrap();
        ids.push(order.id());
    }
    // One SUBMITTED order with Alipay numbers and the correction flag.
    let mut state = repo
        .get(TENANT, ids[5])
        .await
        .unwrap()
        .unwrap()
        .state()
        .clone();
    state.status = OrderStatus::Submitted;
    state.alipay.batch_no = Some("BATCH-5".into());
    state.alipay.order_no = Some("ORDER-5".into());
    state.alipay.needs_correction = true;
    repo.update(&mut FacetofaceOrder::restore(state))
        .await
        .unwrap();
    let (details, images) = application("杭州alpha商贸有限公司", "湖滨店");
    repo.insert(
        NewOrder::new(OTHER_TENANT, details, stamp_at(t0())),
        &images,
    )
    .await
    .unwrap();

    let list = |filter: OrderFilter, page: PageRequest| {
        let repo = &repo;
        async move { repo.list(TENANT, &filter, &page).await.unwrap() }
    };
    let ids_of = |page: &xjz_domain::ports::repository::Page<FacetofaceOrder>| {
        page.items
            .iter()
            .map(FacetofaceOrder::id)
            .collect::<Vec<_>>()
    };

    let page = list(
        OrderFilter::default(),
        PageRequest {
            page_no: 2,
            page_size: 5,
            ..PageRequest::default()
        },
    )
    .await;
    assert_eq!(
        (page.total, page.items.len(), page.has_next()),
        (12, 5, true)
    );
    let newest_first: Vec<_> = ids.iter().rev().copied().collect();
    assert_eq!(ids_of(&page), newest_first[5..10]);
    let last = list(
        OrderFilter::default(),
        PageRequest {
            page_no: 3,
            page_size: 5,
            ..PageRequest::default()
        },
    )
    .await;
    assert_eq!((last.items.len(), last.has_next()), (2, false));

    let ascending = PageRequest {
        page_size: 100,
        order_by: vec![(SortField::Id, SortDirection::Asc)],
        ..PageRequest::default()
    };
    let by = |filter: OrderFilter| list(filter, ascending.clone());
    let expect = |indexes: &[usize]| indexes.iter().map(|i| ids[*i]).collect::<Vec<_>>();

    let alpha = by(OrderFilter {
        merchant_name: Some("ALPHA".into()),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(
        ids_of(&alpha),
        expect(&[0, 4, 8]),
        "contains, ASCII case-insensitive"
    );
    let percent = by(OrderFilter {
        merchant_name: Some("100%".into()),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(ids_of(&percent), expect(&[2, 6, 10]));
    let underscore = by(OrderFilter {
        merchant_name: Some("a_餐".into()),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(ids_of(&underscore), expect(&[3, 7, 11]), "_ is literal");
    let literal = by(OrderFilter {
        merchant_name: Some("%".into()),
        shop_name: Some("湖滨".into()),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(literal.total, 0, "% is literal");
    let xixi = by(OrderFilter {
        shop_name: Some("西溪".into()),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(ids_of(&xixi), expect(&[1, 3, 5, 7, 9, 11]));
    let status = by(OrderFilter {
        order_status: Some(OrderStatus::Submitted),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(ids_of(&status), expect(&[5]));
    let init = by(OrderFilter {
        order_status: Some(OrderStatus::Init),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(init.total, 11);
    for filter in [
        OrderFilter {
            batch_no: Some("BATCH-5".into()),
            ..OrderFilter::default()
        },
        OrderFilter {
            order_no: Some("ORDER-5".into()),
            ..OrderFilter::default()
        },
        OrderFilter {
            needs_correction: Some(true),
            ..OrderFilter::default()
        },
    ] {
        assert_eq!(
            ids_of(&by(filter.clone()).await),
            expect(&[5]),
            "{filter:?}"
        );
    }
    let range = by(OrderFilter {
        created_from: Some(t0() + TimeDelta::minutes(2)),
        created_to: Some(t0() + TimeDelta::minutes(4)),
        ..OrderFilter::default()
    })
    .await;
    assert_eq!(ids_of(&range), expect(&[2, 3, 4]));
}
on_both!(the_list_filters_sorts_and_pages);

async fn a_bad_row_is_an_error_not_a_panic(db: &DatabaseConnection) {
    let repo = repo(db);
    let (new, images) = new_order(TENANT);
    let id = repo.insert(new, &images).await.unwrap().id();
    for (column, value) in [
        ("order_status", "'PAUSED'"),
        ("submit_step", "'half_done'"),
        ("shop_address", "'{not json'"),
        ("contact_mobile", "'12345'"),
        ("restrict_infos", "'{}'"),
    ] {
        let original = crate::helpers::raw_string(
            db,
            &format!("SELECT {column} FROM pay_facetoface_order WHERE id = {id}"),
            column,
        )
        .await
        .unwrap();
        crate::helpers::raw_exec(
            db,
            &format!("UPDATE pay_facetoface_order SET {column} = {value} WHERE id = {id}"),
        )
        .await;

        let read = repo.get(TENANT, id).await;
        let listed = repo
            .list(TENANT, &OrderFilter::default(), &PageRequest::default())
            .await;

        assert!(
            matches!(read, Err(RepositoryError::Unexpected(_))),
            "{column}: {read:?}"
        );
        assert!(listed.is_err(), "{column}");
        crate::helpers::raw_exec(
            db,
            &format!(
                "UPDATE pay_facetoface_order SET {column} = '{}' WHERE id = {id}",
                original.replace('\'', "''")
            ),
        )
        .await;
        assert!(
            repo.get(TENANT, id).await.unwrap().is_some(),
            "{column} restored"
        );
    }
}
on_both!(a_bad_row_is_an_error_not_a_panic);
