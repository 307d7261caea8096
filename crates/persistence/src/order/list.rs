//! The paged list of DESIGN §4: exact and contains filters, a created_time range, sort keys
//! and the total.
//!
//! Contains-search is case-insensitive for ASCII on both databases (`ILIKE` on PostgreSQL,
//! served by the pg_trgm GIN indexes when the migration could create them; `LIKE` on
//! SQLite, which scans the tenant's rows). `%`, `_` and `\` in the search text are literal.

use sea_orm::sea_query::extension::postgres::PgExpr as _;
use sea_orm::sea_query::{Expr, ExprTrait as _, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, DbBackend, EntityTrait as _, Order,
    PaginatorTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use xjz_domain::ids::TenantId;
use xjz_domain::ports::repository::{
    OrderFilter, PageRequest, RepositoryError, SortDirection, SortField,
};

use super::mapping::stored_time;
use crate::entity::{order, order_poll};
use crate::unexpected;

fn contains(
    backend: DbBackend,
    column: order::Column,
    text: &str,
) -> sea_orm::sea_query::SimpleExpr {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    match backend {
        // Backslash is PostgreSQL's default LIKE escape (it refused the ILIKE … ESCAPE
        // sea-query rendered, so the default is relied on); SQLite has none: it is named.
        DbBackend::Postgres => Expr::col((order::Entity, column)).ilike(LikeExpr::new(pattern)),
        _ => Expr::col((order::Entity, column)).like(LikeExpr::new(pattern).escape('\\')),
    }
}

pub(super) fn condition(backend: DbBackend, tenant: TenantId, filter: &OrderFilter) -> Condition {
    let mut condition = Condition::all()
        .add(order::Column::TenantId.eq(tenant.0))
        .add(order::Column::IsDeleted.eq(false));
    if let Some(status) = filter.order_status {
        condition = condition.add(order::Column::OrderStatus.eq(status.as_str()));
    }
    if let Some(name) = filter.merchant_name.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(contains(backend, order::Column::MerchantName, name));
    }
    if let Some(name) = filter.shop_name.as_deref().filter(|s| !s.is_empty()) {
        condition = condition.add(contains(backend, order::Column::ShopName, name));
    }
    if let Some(batch_no) = &filter.batch_no {
        condition = condition.add(order::Column::BatchNo.eq(batch_no.as_str()));
    }
    if let Some(order_no) = &filter.order_no {
        condition = condition.add(order::Column::OrderNo.eq(order_no.as_str()));
    }
    if let Some(flag) = filter.needs_correction {
        condition = condition.add(order::Column::NeedsCorrection.eq(flag));
    }
    if let Some(from) = filter.created_from {
        condition = condition.add(order::Column::CreatedTime.gte(stored_time(from)));
    }
    if let Some(to) = filter.created_to {
        condition = condition.add(order::Column::CreatedTime.lte(stored_time(to)));
    }
    condition
}

fn sort_key(field: SortField) -> SimpleExpr {
    let column = |c: order::Column| Expr::col((order::Entity, c));
    match field {
        SortField::Id => column(order::Column::Id),
        SortField::CreatedTime => column(order::Column::CreatedTime),
        SortField::UpdatedTime => column(order::Column::UpdatedTime),
        SortField::OrderStatus => column(order::Column::OrderStatus),
        // The schedule row's time (a lease included) while the order is polled.
        SortField::NextQueryTime => Func::coalesce([
            Expr::col((order_poll::Entity, order_poll::Column::NextQueryTime)),
            column(order::Column::NextQueryTime),
        ])
        .into(),
    }
}

/// The total matching `filter` and the rows of the requested page, each with its
/// schedule row (if polled).
pub(super) async fn page(
    db: &DatabaseConnection,
    tenant: TenantId,
    filter: &OrderFilter,
    page: &PageRequest,
) -> Result<(u64, Vec<(order::Model, Option<order_poll::Model>)>), RepositoryError> {
    let condition = condition(db.get_database_backend(), tenant, filter);
    let total = order::Entity::find()
        .filter(condition.clone())
        .count(db)
        .await
        .map_err(unexpected)?;
    let mut select = order::Entity::find()
        .find_also_related(order_poll::Entity)
        .filter(condition);
    for (field, direction) in &page.order_by {
        select = match direction {
            SortDirection::Asc => select.order_by(sort_key(*field), Order::Asc),
            SortDirection::Desc => select.order_by(sort_key(*field), Order::Desc),
        };
    }
    // A stable order across pages even when the sort keys tie.
    let tie_break_desc = page
        .order_by
        .first()
        .is_none_or(|(_, d)| *d == SortDirection::Desc);
    select = if tie_break_desc {
        select.order_by_desc(order::Column::Id)
    } else {
        select.order_by_asc(order::Column::Id)
    };
    let size = std::cmp::max(page.page_size, 1);
    let offset = page.page_no.saturating_sub(1).saturating_mul(size);
    let rows = select
        .offset(offset)
        .limit(size)
        .all(db)
        .await
        .map_err(unexpected)?;
    Ok((total, rows))
}
