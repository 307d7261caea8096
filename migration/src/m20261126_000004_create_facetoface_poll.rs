//! `pay_facetoface_poll`: the polling schedule of the orders still polled, in a narrow
//! table of its own, so `claim_due` rewrites small rows instead of wide order rows.
//!
//! One row per order that `claim_due` may take: not deleted, a `next_query_time`, and
//! SUBMITTED, MERCHANT_AUDITING, MERCHANT_CONFIRM, or INIT at `confirm_sent` (DESIGN §5).
//! The repository keeps it in step with the order in the transactions that save the order;
//! a claim pushes only this row's `next_query_time` (the lease), and reads of the order take
//! `next_query_time` from here when the row exists.
//!
//! `up` creates the table, fills it from the orders, and drops the order table's due index
//! (no longer used; without it a save that only re-plans the poll can be a HOT update on
//! PostgreSQL). `down` writes the schedules (leases included) back into the order rows,
//! recreates the due index and drops the table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PayFacetofacePoll {
    Table,
    OrderId,
    TenantId,
    NextQueryTime,
}

#[derive(DeriveIden)]
enum PayFacetofaceOrder {
    Table,
    Id,
    OrderStatus,
    NextQueryTime,
}

const IDX_POLL_NEXT: &str = "idx_pay_facetoface_poll_next_query_time";
/// The order table's due index of migration 000001.
const IDX_ORDER_DUE: &str = "idx_pay_facetoface_order_due";

/// The orders `claim_due` may take, as of this migration (the repository's rule).
const BACKFILL: &str = "INSERT INTO pay_facetoface_poll (order_id, tenant_id, next_query_time) \
     SELECT id, tenant_id, next_query_time FROM pay_facetoface_order \
     WHERE is_deleted = false AND next_query_time IS NOT NULL \
     AND (order_status IN ('SUBMITTED', 'MERCHANT_AUDITING', 'MERCHANT_CONFIRM') \
     OR (order_status = 'INIT' AND submit_step = 'confirm_sent'))";

/// Leases and schedules back into the order rows (a correlated subquery: both databases).
const WRITE_BACK: &str = "UPDATE pay_facetoface_order SET next_query_time = \
     (SELECT p.next_query_time FROM pay_facetoface_poll p \
      WHERE p.order_id = pay_facetoface_order.id) \
     WHERE id IN (SELECT order_id FROM pay_facetoface_poll)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PayFacetofacePoll as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_integer(P::OrderId).primary_key())
                    .col(big_integer(P::TenantId))
                    .col(timestamp_with_time_zone(P::NextQueryTime))
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::OrderId)
                            .to(PayFacetofaceOrder::Table, PayFacetofaceOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_POLL_NEXT)
                    .table(P::Table)
                    .col(P::NextQueryTime)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(BACKFILL)
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(IDX_ORDER_DUE)
                    .table(PayFacetofaceOrder::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PayFacetofaceOrder as O;
        manager
            .get_connection()
            .execute_unprepared(WRITE_BACK)
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(IDX_ORDER_DUE)
                    .table(O::Table)
                    .col(O::NextQueryTime)
                    .col(O::OrderStatus)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PayFacetofacePoll::Table).to_owned())
            .await
    }
}
