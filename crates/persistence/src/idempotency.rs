//! `SeaOrmIdempotencyStore`: the [`IdempotencyStore`] port on `sys_idempotency_key`.
//!
//! The unique (tenant, user, key) index arbitrates concurrent first requests: both try an
//! `INSERT … ON CONFLICT DO NOTHING`, exactly one inserts (`Started`), the other reads the
//! winner's row. Records older than 24 hours count as absent, and a `Started` record left
//! without an order for 5 minutes (a crashed request) may be claimed again; both are taken
//! over with a conditional UPDATE, so two requests cannot take over the same stale record.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _,
};
use xjz_domain::ids::OrderId;
use xjz_domain::ports::RepositoryError;
use xjz_domain::ports::idempotency::{
    IdempotencyBegin, IdempotencyKey, IdempotencyScope, IdempotencyStore,
};

use crate::entity::idempotency_key as key_row;
use crate::order::mapping::stored_time;
use crate::unexpected;

/// How long a key is remembered.
pub const KEY_VALIDITY: TimeDelta = TimeDelta::hours(24);
/// How long a first request may run before its key may be claimed again.
pub const STARTED_TIMEOUT: TimeDelta = TimeDelta::minutes(5);

/// Idempotency keys in the platform database.
#[derive(Debug, Clone)]
pub struct SeaOrmIdempotencyStore {
    db: DatabaseConnection,
}

impl SeaOrmIdempotencyStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    fn scoped(scope: IdempotencyScope, key: &IdempotencyKey) -> Condition {
        Condition::all()
            .add(key_row::Column::TenantId.eq(scope.tenant_id.0))
            .add(key_row::Column::UserId.eq(scope.user_id.0))
            .add(key_row::Column::IdemKey.eq(key.as_str()))
    }
}

#[async_trait]
impl IdempotencyStore for SeaOrmIdempotencyStore {
    async fn begin(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<IdempotencyBegin, RepositoryError> {
        let now = stored_time(now);
        let row = key_row::ActiveModel {
            id: NotSet,
            tenant_id: Set(scope.tenant_id.0),
            user_id: Set(scope.user_id.0),
            idem_key: Set(key.as_str().to_owned()),
            fingerprint: Set(fingerprint.to_owned()),
            order_id: Set(None),
            created_time: Set(now),
        };
        let inserted = key_row::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    key_row::Column::TenantId,
                    key_row::Column::UserId,
                    key_row::Column::IdemKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(unexpected)?;
        if inserted == 1 {
            return Ok(IdempotencyBegin::Started);
        }
        // Take over an expired record, or a Started one whose request died.
        let takeover = Condition::any()
            .add(key_row::Column::CreatedTime.lte(now - KEY_VALIDITY))
            .add(
                Condition::all()
                    .add(key_row::Column::OrderId.is_null())
                    .add(key_row::Column::CreatedTime.lte(now - STARTED_TIMEOUT)),
            );
        let taken = key_row::Entity::update_many()
            .col_expr(key_row::Column::Fingerprint, Expr::value(fingerprint))
            .col_expr(key_row::Column::OrderId, Expr::value(Option::<i64>::None))
            .col_expr(key_row::Column::CreatedTime, Expr::value(now))
            .filter(Self::scoped(scope, key))
            .filter(takeover)
            .exec(&self.db)
            .await
            .map_err(unexpected)?;
        if taken.rows_affected == 1 {
            return Ok(IdempotencyBegin::Started);
        }
        let Some(existing) = key_row::Entity::find()
            .filter(Self::scoped(scope, key))
            .one(&self.db)
            .await
            .map_err(unexpected)?
        else {
            // Released between our insert and our read: the caller may simply retry.
            return Ok(IdempotencyBegin::InProgress);
        };
        Ok(if existing.fingerprint != fingerprint {
            IdempotencyBegin::Mismatch
        } else if let Some(order) = existing.order_id {
            IdempotencyBegin::Replay(OrderId(order))
        } else {
            IdempotencyBegin::InProgress
        })
    }

    async fn attach(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
        order: OrderId,
    ) -> Result<(), RepositoryError> {
        key_row::Entity::update_many()
            .col_expr(key_row::Column::OrderId, Expr::value(order.0))
            .filter(Self::scoped(scope, key))
            .exec(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(())
    }

    async fn release(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
    ) -> Result<(), RepositoryError> {
        key_row::Entity::delete_many()
            .filter(Self::scoped(scope, key))
            .exec(&self.db)
            .await
            .map_err(unexpected)?;
        Ok(())
    }
}
