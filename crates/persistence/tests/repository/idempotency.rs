//! The idempotency store: first run, replay, mismatch, in progress, expiry, takeover.

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use xjz_domain::ids::{OrderId, TenantId, UserId};
use xjz_domain::ports::idempotency::{
    IdempotencyBegin, IdempotencyKey, IdempotencyScope, IdempotencyStore,
};
use xjz_persistence::SeaOrmIdempotencyStore;

use crate::helpers::t0;
use crate::on_both;

const SCOPE: IdempotencyScope = IdempotencyScope {
    tenant_id: TenantId(7),
    user_id: UserId(42),
};

async fn keys_replay_mismatch_and_expire(db: &DatabaseConnection) {
    use IdempotencyBegin::*;
    let store = SeaOrmIdempotencyStore::new(db.clone());
    let key = IdempotencyKey::parse("apply-0001").unwrap();
    let now = t0();

    assert_eq!(store.begin(SCOPE, &key, "fp1", now).await.unwrap(), Started);
    assert_eq!(
        store.begin(SCOPE, &key, "fp1", now).await.unwrap(),
        InProgress
    );
    assert_eq!(
        store.begin(SCOPE, &key, "fp2", now).await.unwrap(),
        Mismatch
    );
    let other_user = IdempotencyScope {
        user_id: UserId(43),
        ..SCOPE
    };
    let other_tenant = IdempotencyScope {
        tenant_id: TenantId(8),
        ..SCOPE
    };
    assert_eq!(
        store.begin(other_user, &key, "fp1", now).await.unwrap(),
        Started
    );
    assert_eq!(
        store.begin(other_tenant, &key, "fp1", now).await.unwrap(),
        Started
    );

    store.attach(SCOPE, &key, OrderId(31)).await.unwrap();
    assert_eq!(
        store.begin(SCOPE, &key, "fp1", now).await.unwrap(),
        Replay(OrderId(31))
    );
    assert_eq!(
        store.begin(SCOPE, &key, "fp2", now).await.unwrap(),
        Mismatch
    );
    let later = now + TimeDelta::hours(23);
    assert_eq!(
        store.begin(SCOPE, &key, "fp1", later).await.unwrap(),
        Replay(OrderId(31))
    );
    let expired = now + TimeDelta::hours(24);
    assert_eq!(
        store.begin(SCOPE, &key, "fp2", expired).await.unwrap(),
        Started
    );
    assert_eq!(
        store.begin(SCOPE, &key, "fp2", expired).await.unwrap(),
        InProgress
    );

    // A Started record whose request died is claimable after 5 minutes, not before.
    let crashed = IdempotencyKey::parse("apply-0002").unwrap();
    assert_eq!(
        store.begin(SCOPE, &crashed, "fp", now).await.unwrap(),
        Started
    );
    let soon = now + TimeDelta::minutes(4);
    assert_eq!(
        store.begin(SCOPE, &crashed, "fp", soon).await.unwrap(),
        InProgress
    );
    let stale = now + TimeDelta::minutes(5);
    assert_eq!(
        store.begin(SCOPE, &crashed, "fp", stale).await.unwrap(),
        Started
    );

    // Released keys may be used again, with any fingerprint.
    store.release(SCOPE, &crashed).await.unwrap();
    assert_eq!(
        store.begin(SCOPE, &crashed, "fp-new", stale).await.unwrap(),
        Started
    );
}
on_both!(keys_replay_mismatch_and_expire);

async fn concurrent_first_requests_start_once(db: &DatabaseConnection) {
    let key = IdempotencyKey::parse("race").unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = SeaOrmIdempotencyStore::new(db.clone());
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            store.begin(SCOPE, &key, "fp", t0()).await.unwrap()
        }));
    }
    let mut started = 0;
    for task in tasks {
        match task.await.unwrap() {
            IdempotencyBegin::Started => started += 1,
            IdempotencyBegin::InProgress => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(started, 1);
}
on_both!(concurrent_first_requests_start_once);
