//! `claim_due`: four concurrent claimers over 1,000 due orders take each exactly once.

use std::collections::HashSet;

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use xjz_domain::ids::TenantId;
use xjz_domain::order::{OrderStatus, SubmitStep};
use xjz_domain::ports::repository::{DueOrder, OrderRepository};
use xjz_persistence::seed::{insert_states, order_state};
use xjz_persistence::{DataKeys, SecretCipher};

use crate::helpers::{KEY_A, repo, t0};
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
