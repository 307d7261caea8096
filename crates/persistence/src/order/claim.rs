//! `claim_due`: hand each due order to exactly one poller per lease.
//!
//! The claim works on the narrow schedule table (`pay_facetoface_poll`, see
//! [`super::poll`]), which holds a row for exactly the orders that may be claimed, so "due"
//! is just `next_query_time <= now`. Both databases run the same single statement in a
//! transaction — `UPDATE pay_facetoface_poll SET next_query_time = now + lease WHERE
//! order_id IN (SELECT order_id … WHERE next_query_time <= now ORDER BY next_query_time
//! LIMIT n) RETURNING order_id, tenant_id` — and differ in how concurrent claimers are kept
//! apart:
//! - PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` locks the chosen rows and makes other
//!   claimers skip them. It is written `WHERE order_id = ANY(ARRAY(SELECT …))`: with
//!   `IN (SELECT …)` the planner hash-joins the 1,000 ids against a sequential scan of the
//!   whole table (130 ms at 300,000 rows), with `ANY(ARRAY(…))` it looks them up in the
//!   primary key; a claimer that read a row before our commit re-checks it under
//!   READ COMMITTED once the lock is gone and sees it is no longer due.
//! - SQLite: `UPDATE … WHERE order_id IN (SELECT …)` (primary-key lookups); no row locks, so the transaction starts with `BEGIN IMMEDIATE` (SeaORM's
//!   `TransactionOptions::sqlite_transaction_mode`): it takes the database's write lock
//!   before the SELECT, so claims are serialised and no two read the same due rows. Other
//!   writers wait up to the busy timeout set by [`crate::connect`].
//!
//! The order rows are not written: reads of an order take `next_query_time` from its
//! schedule row, so the order shows the lease as before.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query, UpdateStatement};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait as _, DatabaseConnection, DbBackend, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, QueryTrait as _, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait as _,
};
use xjz_domain::ids::{OrderId, TenantId};
use xjz_domain::ports::repository::{DueOrder, RepositoryError};

use super::mapping::stored_time;
use crate::entity::order_poll;
use crate::unexpected;

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
    let statement = if backend == DbBackend::Postgres {
        Statement::from_sql_and_values(
            backend,
            CLAIM_POSTGRES,
            [
                stored_time(now + lease).into(),
                stored_time(now).into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
            ],
        )
    } else {
        backend.build(&claim_sqlite(now, limit, lease))
    };
    let rows = txn.query_all_raw(statement).await.map_err(unexpected)?;
    txn.commit().await.map_err(unexpected)?;
    rows.iter()
        .map(|row| {
            Ok(DueOrder {
                order_id: OrderId(row.try_get("", "order_id").map_err(unexpected)?),
                tenant_id: TenantId(row.try_get("", "tenant_id").map_err(unexpected)?),
            })
        })
        .collect()
}

/// PostgreSQL's claim: $1 the lease end, $2 now, $3 the limit.
const CLAIM_POSTGRES: &str = "UPDATE pay_facetoface_poll SET next_query_time = $1 \
     WHERE order_id = ANY(ARRAY(SELECT order_id FROM pay_facetoface_poll \
     WHERE next_query_time <= $2 ORDER BY next_query_time LIMIT $3 FOR UPDATE SKIP LOCKED)) \
     RETURNING order_id, tenant_id";

/// SQLite's claim (inside `BEGIN IMMEDIATE`): `UPDATE … WHERE order_id IN (SELECT …)`.
fn claim_sqlite(now: DateTime<Utc>, limit: u64, lease: TimeDelta) -> UpdateStatement {
    let due = order_poll::Entity::find()
        .select_only()
        .column(order_poll::Column::OrderId)
        .filter(order_poll::Column::NextQueryTime.lte(stored_time(now)))
        // Most overdue first; the next_query_time index gives this order, so LIMIT stops
        // the scan early.
        .order_by_asc(order_poll::Column::NextQueryTime)
        .limit(limit);
    // One statement, one round trip, no id list sent back and forth.
    Query::update()
        .table(order_poll::Entity)
        .value(order_poll::Column::NextQueryTime, stored_time(now + lease))
        .and_where(Expr::col(order_poll::Column::OrderId).in_subquery(due.into_query()))
        .returning(
            Query::returning().columns([order_poll::Column::OrderId, order_poll::Column::TenantId]),
        )
        .to_owned()
}
