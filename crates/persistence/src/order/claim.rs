//! `claim_due`: hand each due order to exactly one poller per lease.
//!
//! Both databases run the same single statement in a transaction — `UPDATE … SET
//! next_query_time = now + lease WHERE id IN (SELECT id … due … ORDER BY next_query_time
//! LIMIT n) RETURNING id, tenant_id` — and differ in how concurrent claimers are kept apart:
//! - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` locks the chosen rows and makes other
//!   claimers skip them; a claimer that read a row before our commit re-checks it under
//!   READ COMMITTED once the lock is gone and sees it is no longer due.
//! - SQLite: no row locks, so the transaction starts with `BEGIN IMMEDIATE` (SeaORM's
//!   `TransactionOptions::sqlite_transaction_mode`): it takes the database's write lock
//!   before the SELECT, so claims are serialised and no two read the same due rows. Other
//!   writers wait up to the busy timeout set by [`crate::connect`].

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait as _, DatabaseConnection, DbBackend,
    EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _,
    SqliteTransactionMode, TransactionOptions, TransactionTrait as _,
};
use xjz_domain::ids::{OrderId, TenantId};
use xjz_domain::order::{OrderStatus, SubmitStep};
use xjz_domain::ports::repository::{DueOrder, RepositoryError};

use super::mapping::stored_time;
use crate::entity::order;
use crate::unexpected;

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
    let mut due = order::Entity::find()
        .select_only()
        .column(order::Column::Id)
        .filter(due_condition(now))
        // Most overdue first; the due index gives this order, so LIMIT stops the scan early.
        .order_by_asc(order::Column::NextQueryTime)
        .limit(limit);
    if backend == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    // One statement: UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED])
    // RETURNING id, tenant_id — one round trip, no id list sent back and forth.
    let update = Query::update()
        .table(order::Entity)
        .value(order::Column::NextQueryTime, stored_time(now + lease))
        .and_where(Expr::col(order::Column::Id).in_subquery(due.into_query()))
        .returning(Query::returning().columns([order::Column::Id, order::Column::TenantId]))
        .to_owned();
    let rows = txn
        .query_all_raw(backend.build(&update))
        .await
        .map_err(unexpected)?;
    txn.commit().await.map_err(unexpected)?;
    rows.iter()
        .map(|row| {
            Ok(DueOrder {
                order_id: OrderId(row.try_get("", "id").map_err(unexpected)?),
                tenant_id: TenantId(row.try_get("", "tenant_id").map_err(unexpected)?),
            })
        })
        .collect()
}
