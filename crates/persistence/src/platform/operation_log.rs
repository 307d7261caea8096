//! The operation log: one row per mutating request (DESIGN §4). Rows carry identifiers,
//! the route pattern and the outcome, never bodies; the api crate redacts before writing.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait as _, EntityTrait as _, Order, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use xjz_domain::ports::repository::SortDirection;

use super::entity::operation_log as row;
use super::{PlatformError, SeaOrmPlatformStore};
use crate::order::mapping::stored_time;

/// A row to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperationLog {
    pub time: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub tenant_id: Option<i64>,
    pub method: String,
    /// The route pattern (`/api/v1/payment/facetoface/{id}/cancel`), not the raw path.
    pub route: String,
    pub target_id: Option<String>,
    pub outcome_code: i32,
    pub duration_ms: i64,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

/// A stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLogRecord {
    pub id: i64,
    pub entry: NewOperationLog,
}

/// A column the list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationLogSort {
    Time,
    Id,
    DurationMs,
    OutcomeCode,
    Method,
    UserId,
}

/// Filters of the list (all optional, combined with AND) and its order. The tenant is always
/// given by the caller (from the token), never by the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationLogFilter {
    pub user_id: Option<i64>,
    pub method: Option<String>,
    /// Substring of the route pattern.
    pub route: Option<String>,
    pub outcome_code: Option<i32>,
    pub request_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Sort keys, first the most significant; empty = newest first. Ties are broken by the
    /// row id in the direction of the first key, so pages never overlap.
    pub order_by: Vec<(OperationLogSort, SortDirection)>,
}

/// One page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLogPage {
    pub total: u64,
    pub items: Vec<OperationLogRecord>,
}

impl From<row::Model> for OperationLogRecord {
    fn from(r: row::Model) -> Self {
        Self {
            id: r.id,
            entry: NewOperationLog {
                time: r.time,
                user_id: r.user_id,
                tenant_id: r.tenant_id,
                method: r.method,
                route: r.route,
                target_id: r.target_id,
                outcome_code: r.outcome_code,
                duration_ms: r.duration_ms,
                client_ip: r.client_ip,
                request_id: r.request_id,
            },
        }
    }
}

impl SeaOrmPlatformStore {
    /// Writes rows, in one statement (one commit for all of them).
    ///
    /// # Errors
    /// The database failed: none of the rows is written.
    pub async fn log_operations(&self, entries: Vec<NewOperationLog>) -> Result<(), PlatformError> {
        if entries.is_empty() {
            return Ok(());
        }
        let models = entries.into_iter().map(|entry| row::ActiveModel {
            id: NotSet,
            time: Set(stored_time(entry.time)),
            user_id: Set(entry.user_id),
            tenant_id: Set(entry.tenant_id),
            method: Set(truncate(entry.method, 16)),
            route: Set(truncate(entry.route, 255)),
            target_id: Set(entry.target_id.map(|t| truncate(t, 64))),
            outcome_code: Set(entry.outcome_code),
            duration_ms: Set(entry.duration_ms),
            client_ip: Set(entry.client_ip.map(|t| truncate(t, 64))),
            request_id: Set(entry.request_id.map(|t| truncate(t, 64))),
        });
        row::Entity::insert_many(models)
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// A page (`page_no` from 1) of a tenant's rows in the filter's order.
    ///
    /// # Errors
    /// The database failed.
    pub async fn operation_logs(
        &self,
        tenant_id: i64,
        filter: &OperationLogFilter,
        page_no: u64,
        page_size: u64,
    ) -> Result<OperationLogPage, PlatformError> {
        let mut query = row::Entity::find().filter(row::Column::TenantId.eq(tenant_id));
        if let Some(user_id) = filter.user_id {
            query = query.filter(row::Column::UserId.eq(user_id));
        }
        if let Some(method) = &filter.method {
            query = query.filter(row::Column::Method.eq(method.to_ascii_uppercase()));
        }
        if let Some(route) = &filter.route {
            query = query.filter(row::Column::Route.contains(route));
        }
        if let Some(code) = filter.outcome_code {
            query = query.filter(row::Column::OutcomeCode.eq(code));
        }
        if let Some(request_id) = &filter.request_id {
            query = query.filter(row::Column::RequestId.eq(request_id.as_str()));
        }
        if let Some(from) = filter.from {
            query = query.filter(row::Column::Time.gte(stored_time(from)));
        }
        if let Some(to) = filter.to {
            query = query.filter(row::Column::Time.lte(stored_time(to)));
        }
        let total = query.clone().count(&self.db).await?;
        let newest_first = [(OperationLogSort::Time, SortDirection::Desc)];
        let keys = if filter.order_by.is_empty() {
            &newest_first[..]
        } else {
            &filter.order_by[..]
        };
        for (field, direction) in keys {
            query = query.order_by(sort_column(*field), sea_order(*direction));
        }
        if !keys.iter().any(|(f, _)| *f == OperationLogSort::Id) {
            query = query.order_by(row::Column::Id, sea_order(keys[0].1));
        }
        let items = query
            .offset(page_no.saturating_sub(1).saturating_mul(page_size))
            .limit(page_size)
            .all(&self.db)
            .await?
            .into_iter()
            .map(OperationLogRecord::from)
            .collect();
        Ok(OperationLogPage { total, items })
    }
}

fn sort_column(field: OperationLogSort) -> row::Column {
    match field {
        OperationLogSort::Time => row::Column::Time,
        OperationLogSort::Id => row::Column::Id,
        OperationLogSort::DurationMs => row::Column::DurationMs,
        OperationLogSort::OutcomeCode => row::Column::OutcomeCode,
        OperationLogSort::Method => row::Column::Method,
        OperationLogSort::UserId => row::Column::UserId,
    }
}

fn sea_order(direction: SortDirection) -> Order {
    match direction {
        SortDirection::Asc => Order::Asc,
        SortDirection::Desc => Order::Desc,
    }
}

fn truncate(mut value: String, max: usize) -> String {
    if value.len() > max {
        let mut end = max;
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        value.truncate(end);
    }
    value
}
