//! The polling schedule table (`pay_facetoface_poll`), kept in step with the orders.
//!
//! An order has a row exactly while `claim_due` may take it: not deleted, a
//! `next_query_time`, and a polled status (SUBMITTED, MERCHANT_AUDITING, MERCHANT_CONFIRM)
//! or INIT at `confirm_sent` (DESIGN §5). Every write of an order writes or deletes its row
//! in the same transaction; `claim_due` pushes only the row's `next_query_time` (the lease),
//! so a claim rewrites ~60-byte rows with two small indexes instead of ~900-byte order rows
//! with nine. While the row exists its `next_query_time` is the order's: reads overlay it
//! on the order row ([`overlay`]).

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _,
};
use uuid::Uuid;
use xjz_domain::ids::OrderId;
use xjz_domain::order::{OrderState, OrderStatus, SubmitStep};
use xjz_domain::ports::repository::RepositoryError;

use super::mapping::stored_time;
use crate::entity::{order, order_poll};
use crate::unexpected;

/// Whether `claim_due` may take the order (when its `next_query_time` has come).
fn is_polled(state: &OrderState) -> bool {
    state.status.is_polled()
        || (state.status == OrderStatus::Init
            && state.progress.submit_step == SubmitStep::ConfirmSent)
}

/// The same rule on the order table's columns (for rows written in bulk).
fn polled_rows() -> Condition {
    let polled: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.is_polled())
        .map(OrderStatus::as_str)
        .collect();
    Condition::all()
        .add(order::Column::IsDeleted.eq(false))
        .add(order::Column::NextQueryTime.is_not_null())
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

/// Writes (or deletes) the schedule row of the order `id` as `state` says; call it in the
/// transaction that writes the order row.
pub(super) async fn sync<C: ConnectionTrait>(
    txn: &C,
    id: OrderId,
    state: &OrderState,
) -> Result<(), RepositoryError> {
    match state.progress.next_query_time.filter(|_| is_polled(state)) {
        Some(next) => {
            let row = order_poll::ActiveModel {
                order_id: Set(id.0),
                tenant_id: Set(state.tenant_id.0),
                next_query_time: Set(stored_time(next)),
            };
            order_poll::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(order_poll::Column::OrderId)
                        .update_columns([
                            order_poll::Column::TenantId,
                            order_poll::Column::NextQueryTime,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(txn)
                .await
                .map_err(unexpected)?;
        }
        None => {
            order_poll::Entity::delete_many()
                .filter(order_poll::Column::OrderId.eq(id.0))
                .exec(txn)
                .await
                .map_err(unexpected)?;
        }
    }
    Ok(())
}

/// Adds the schedule rows of freshly inserted orders, found by their `uuid`s (bulk seeding).
pub(crate) async fn sync_inserted<C: ConnectionTrait>(
    txn: &C,
    uuids: &[Uuid],
) -> Result<(), DbErr> {
    if uuids.is_empty() {
        return Ok(());
    }
    let select = Query::select()
        .columns([
            order::Column::Id,
            order::Column::TenantId,
            order::Column::NextQueryTime,
        ])
        .from(order::Entity)
        .cond_where(polled_rows().add(order::Column::Uuid.is_in(uuids.iter().copied())))
        .to_owned();
    let insert = Query::insert()
        .into_table(order_poll::Entity)
        .columns([
            order_poll::Column::OrderId,
            order_poll::Column::TenantId,
            order_poll::Column::NextQueryTime,
        ])
        .select_from(select)
        .map_err(|e| DbErr::Custom(format!("pay_facetoface_poll insert: {e}")))?
        .to_owned();
    let backend = txn.get_database_backend();
    txn.execute_raw(backend.build(&insert)).await?;
    Ok(())
}

/// The order row as the domain sees it: `next_query_time` from the schedule row if any.
pub(super) fn overlay(mut row: order::Model, poll: Option<order_poll::Model>) -> order::Model {
    if let Some(poll) = poll {
        row.next_query_time = Some(poll.next_query_time);
    }
    row
}
