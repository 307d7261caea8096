//! `claim_due`: hand each due order to exactly one poller per lease.
//!
//! Both databases run the same two statements in one transaction — select up to `limit`
//! due ids, then push their `next_query_time` to `now + lease` — and differ in how the
//! transaction keeps concurrent claimers apart:
//! - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` locks the chosen rows and makes other
//!   claimers skip them; a claimer that read a row before our commit re-checks it under
//!   READ COMMITTED once the lock is gone and sees it is no longer due.
//! - SQLite: no row locks, so the transaction starts with `BEGIN IMMEDIATE` (SeaORM's
//!   `TransactionOptions::sqlite_transaction_mode`): it takes the database's write lock
//!   before the SELECT, so claims are serialised and no two read the same due rows. Other
//!   writers wait up to the busy timeout set by [`crate::connect`].

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, DbBackend, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, SqliteTransactionMode, TransactionOptions,
    TransactionTrait as _,
};
use xjz_domain::ids::{OrderId, TenantId};
use xjz_domain::order::{OrderStatus, SubmitStep};
use xjz_domain::ports::repository::{DueOrder, RepositoryError};

use super::mapping::stored_time;
use crate::entity::order;
use crate::unexpected;

/// Ids per UPDATE … WHERE id IN (…), well below every bind-parameter limit.
const CHUNK: usize = 500;

/// The statuses polled on their schedule (DESIGN §5), plus INIT stuck at `confirm_sent`.
pub(crate) fn due_condition(now: DateTime<Utc>) -> Condition {
    let polled: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_polled())
        .map(OrderStatus::as_str)
        .collect();
    Condition::all()
        .add(order::Column::NextQueryTime.lte(stored_time(now)))
        .add(order::Column::IsDeleted.eq(false))
        .add(
            Condition::any()
                .add(order::Column::OrderStatus.is_in(polled))
                .add(
                    Condition::all()
                        .add(order::Column::OrderStatus.eq(OrderStatus::Init.as_str()))
                        .add(order::Column::SubmitStep.eq(SubmitStep::ConfirmSent.as_str())),
                ),
        )
}

pub(super) async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
    lease: TimeDelta,
) -> Result<Vec<DueOrder>, RepositoryError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let options = TransactionOptions {
        sqlite_transaction_mode: (backend == DbBackend::Sqlite)
            .then_some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    let txn = db.begin_with_options(options).await.map_err(unexpected)?;
    let mut select = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .column(order::Column::TenantId)
        .filter(due_condition(now))
        // Most overdue first; the due index gives this order, so LIMIT stops the scan early.
        .order_by_asc(order::Column::NextQueryTime)
        .limit(limit);
    if backend == DbBackend::Postgres {
        select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let due: Vec<(i64, i64)> = select.into_tuple().all(&txn).await.map_err(unexpected)?;
    let until = stored_time(now + lease);
    for chunk in due.chunks(CHUNK) {
        order::Entity::update_many()
            .col_expr(
                order::Column::NextQueryTime,
                sea_orm::sea_query::Expr::value(until),
            )
            .filter(order::Column::Id.is_in(chunk.iter().map(|(id, _)| *id)))
            .exec(&txn)
            .await
            .map_err(unexpected)?;
    }
    txn.commit().await.map_err(unexpected)?;
    Ok(due
        .into_iter()
        .map(|(id, tenant)| DueOrder {
            tenant_id: TenantId(tenant),
            order_id: OrderId(id),
        })
        .collect())
}
