//! `claim_due`: four concurrent claimers over 1,000 due orders take each exactly once; the
//! polling schedule table follows every save of the order; the schedule migration carries
//! leases both ways.

use std::collections::HashSet;

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use xjz_domain::ids::TenantId;
use xjz_domain::order::{FacetofaceOrder, OrderStatus, SubmitStep};
use xjz_domain::ports::repository::OrderFilter;
use xjz_domain::ports::repository::{
    DueOrder, OrderRepository, PageRequest, SortDirection, SortField,
};
use xjz_migration::{MigrationCommand, run};
use xjz_persistence::seed::{insert_states, order_state};
use xjz_persistence::{DataKeys, SecretCipher};

use crate::helpers::{KEY_A, TENANT, new_order, raw_string, repo, t0};
use crate::on_both;

const DUE: usize = 1_000;

/// 1,000 due orders over every claimable kind, and 300 that must never be claimed.
async fn seed(db: &DatabaseConnection) {
    let cipher = SecretCipher::new(&DataKeys::new(KEY_A)).unwrap();
    let now = t0();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut states = Vec::new();
    let polled = [
        OrderStatus::Submitted,
        OrderStatus::MerchantAuditing,
        OrderStatus::MerchantConfirm,
        OrderStatus::Init,
    ];
    for i in 0..DUE {
        let status = polled[i % polled.len()];
        let mut state = order_state(
            i as u64,
            TenantId(1 + (i % 3) as i64),
            status,
            now,
            &mut rng,
        )
        .unwrap();
        if status == OrderStatus::Init {
            state.progress.submit_step = SubmitStep::ConfirmSent;
            state.alipay.batch_no = Some(format!("DUE-{i}"));
        }
        state.progress.next_query_time = Some(now - TimeDelta::seconds(1 + (i % 600) as i64));
        states.push(state);
    }
    for i in DUE..DUE + 300 {
        let kind = i % 3;
        let status = [
            OrderStatus::Submitted,
            OrderStatus::Init,
            OrderStatus::Success,
        ][kind];
        let mut state = order_state(i as u64, TenantId(1), status, now, &mut rng).unwrap();
        state.progress.next_query_time = Some(match kind {
            0 => now + TimeDelta::seconds(1), // not due yet
            _ => now - TimeDelta::minutes(5), // INIT before confirm_sent, or terminal
        });
        if status == OrderStatus::Init {
            state.progress.submit_step = SubmitStep::Signed;
        }
        states.push(state);
    }
    insert_states(db, &cipher, &states).await.unwrap();
}

async fn four_claimers_take_each_due_order_exactly_once(db: &DatabaseConnection) {
    seed(db).await;
    let now = t0();
    let lease = TimeDelta::minutes(10);
    let mut workers = Vec::new();
    for _ in 0..4 {
        let repo = repo(db);
        workers.push(tokio::spawn(async move {
            let mut mine: Vec<DueOrder> = Vec::new();
            loop {
                let batch = repo.claim_due(now, 40, lease).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch);
            }
        }));
    }
    let mut all = Vec::new();
    let mut per_worker = Vec::new();
    for worker in workers {
        let mine = worker.await.unwrap();
        per_worker.push(mine.len());
        all.extend(mine);
    }
    let unique: HashSet<_> = all.iter().map(|d| d.order_id).collect();
    assert_eq!(all.len(), DUE, "claims per worker: {per_worker:?}");
    assert_eq!(unique.len(), DUE);

    let repo = repo(db);
    for due in all.iter().step_by(97) {
        let order = repo
            .get(due.tenant_id, due.order_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(order.state().progress.next_query_time, Some(now + lease));
    }
    // Within the lease only the 100 orders that were not yet due at `now` come up.
    let within = repo
        .claim_due(now + lease - TimeDelta::seconds(1), 2_000, lease)
        .await
        .unwrap();
    assert_eq!(within.len(), 100);
    assert!(within.iter().all(|d| !unique.contains(&d.order_id)));
    let after_lease = repo.claim_due(now + lease, 2_000, lease).await.unwrap();
    let second: HashSet<_> = after_lease.iter().map(|d| d.order_id).collect();
    assert!(
        second.is_superset(&unique),
        "expired leases are claimable again"
    );
}
on_both!(four_claimers_take_each_due_order_exactly_once);

/// Rows in the schedule table for `id` (0 or 1).
async fn schedule_rows(db: &DatabaseConnection, id: i64) -> String {
    raw_string(
        db,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS n FROM pay_facetoface_poll WHERE order_id = {id}"
        ),
        "n",
    )
    .await
    .unwrap()
}

async fn the_schedule_follows_every_save_of_the_order(db: &DatabaseConnection) {
    let repo = repo(db);
    let now = t0();
    let lease = TimeDelta::minutes(10);
    let far = now + TimeDelta::days(365);
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    let id = order.id();
    assert_eq!(
        schedule_rows(db, id.0).await,
        "0",
        "a new INIT order is not polled"
    );
    assert!(repo.claim_due(far, 10, lease).await.unwrap().is_empty());

    // Submitted and due: claimable once per lease, and the order shows the lease.
    let mut state = order.state().clone();
    state.status = OrderStatus::Submitted;
    state.progress.submit_step = SubmitStep::Confirmed;
    state.progress.next_query_time = Some(now - TimeDelta::seconds(1));
    repo.update(&mut FacetofaceOrder::restore(state))
        .await
        .unwrap();
    assert_eq!(schedule_rows(db, id.0).await, "1");
    let claimed = repo.claim_due(now, 10, lease).await.unwrap();
    assert_eq!(
        claimed,
        vec![DueOrder {
            order_id: id,
            tenant_id: TENANT
        }]
    );
    assert!(repo.claim_due(now, 10, lease).await.unwrap().is_empty());
    let mut leased = repo.get(TENANT, id).await.unwrap().unwrap();
    assert_eq!(leased.state().progress.next_query_time, Some(now + lease));
    let listed = repo
        .list(
            TENANT,
            &OrderFilter::default(),
            &PageRequest {
                order_by: vec![(SortField::NextQueryTime, SortDirection::Asc)],
                ..PageRequest::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        listed.items[0].state().progress.next_query_time,
        Some(now + lease)
    );

    // A save during the lease (an operator's edit) keeps the lease.
    repo.update(&mut leased).await.unwrap();
    assert!(
        repo.claim_due(now + TimeDelta::minutes(1), 10, lease)
            .await
            .unwrap()
            .is_empty()
    );

    // The poller re-plans: the new time is the one that counts.
    let mut state = repo.get(TENANT, id).await.unwrap().unwrap().state().clone();
    state.progress.next_query_time = Some(now + TimeDelta::minutes(2));
    repo.update(&mut FacetofaceOrder::restore(state))
        .await
        .unwrap();
    assert!(
        repo.claim_due(now + TimeDelta::minutes(1), 10, lease)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = repo
        .claim_due(now + TimeDelta::minutes(2), 10, lease)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);

    // Terminal (even with a stale next_query_time left in the state): never claimed again.
    let mut state = repo.get(TENANT, id).await.unwrap().unwrap().state().clone();
    state.status = OrderStatus::Success;
    repo.update(&mut FacetofaceOrder::restore(state))
        .await
        .unwrap();
    assert_eq!(schedule_rows(db, id.0).await, "0");
    assert!(repo.claim_due(far, 10, lease).await.unwrap().is_empty());
}
on_both!(the_schedule_follows_every_save_of_the_order);

async fn the_schedule_migration_carries_leases_down_and_up(db: &DatabaseConnection) {
    seed(db).await;
    let now = t0();
    let lease = TimeDelta::minutes(10);
    let first: HashSet<_> = repo(db)
        .claim_due(now, 300, lease)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.order_id)
        .collect();
    assert_eq!(first.len(), 300);

    // Down: the schedules (leases included) go back into the order rows; up: they return.
    let states = run(db, MigrationCommand::Down).await.unwrap();
    assert!(states.last().is_some_and(|m| !m.applied), "{states:?}");
    let states = run(db, MigrationCommand::Up).await.unwrap();
    assert!(states.iter().all(|m| m.applied));

    let repo = repo(db);
    let rest = repo.claim_due(now, 2_000, lease).await.unwrap();
    assert_eq!(rest.len(), 700, "the leased 300 stay leased");
    assert!(rest.iter().all(|d| !first.contains(&d.order_id)));
    let not_yet_due = repo
        .claim_due(now + lease - TimeDelta::seconds(1), 2_000, lease)
        .await
        .unwrap();
    assert_eq!(not_yet_due.len(), 100);
    let expired: HashSet<_> = repo
        .claim_due(now + lease, 2_000, lease)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.order_id)
        .collect();
    assert!(expired.is_superset(&first));
    // The terminal and INIT-before-confirm_sent rows never got a schedule row.
    let everything = repo
        .claim_due(now + TimeDelta::days(365), 2_000, lease)
        .await
        .unwrap();
    assert_eq!(everything.len(), DUE + 100);
}
on_both!(the_schedule_migration_carries_leases_down_and_up);
