//! `GET /api/v1/system/operation-logs` (admins: `system:operation_log:query`).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};
use xjz_persistence::platform::{OperationLogFilter, OperationLogRecord, OperationLogSort};

use crate::auth::{Caller, require};
use crate::http::envelope::{Page, PageQuery, ok};
use crate::http::error::ApiError;
use crate::http::order_by;
use crate::oplog::{OperationLogService, format_time, parse_time};

/// The permission of the operation-log list.
pub const OPERATION_LOG_QUERY: &str = "system:operation_log:query";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/system/operation-logs")
            .wrap(require(OPERATION_LOG_QUERY))
            .route(web::get().to(list_operation_logs)),
    );
}

/// The columns the list can be ordered by.
const SORT_COLUMNS: &[(&str, OperationLogSort)] = &[
    ("time", OperationLogSort::Time),
    ("id", OperationLogSort::Id),
    ("duration_ms", OperationLogSort::DurationMs),
    ("outcome_code", OperationLogSort::OutcomeCode),
    ("method", OperationLogSort::Method),
    ("user_id", OperationLogSort::UserId),
];

/// Filters (all optional), order and paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OperationLogQuery {
    /// From 1 (default 1) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page_no: Option<u64>,
    /// 1–100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u64>,
    /// JSON list of `{column: "asc"|"desc"}`; columns: time, id, duration_ms, outcome_code,
    /// method, user_id. Default `[{"time":"desc"}]` (newest first).
    #[param(example = r#"[{"duration_ms":"desc"}]"#)]
    pub order_by: Option<String>,
    pub user_id: Option<i64>,
    /// `POST`, `PATCH`, …
    pub method: Option<String>,
    /// Substring of the route pattern.
    pub route: Option<String>,
    pub outcome_code: Option<i32>,
    pub request_id: Option<String>,
    /// `YYYY-MM-DD HH:mm:ss` (China time), inclusive.
    pub time_from: Option<String>,
    /// `YYYY-MM-DD HH:mm:ss` (China time), inclusive.
    pub time_to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OperationLogResponseData {
    pub id: i64,
    /// `YYYY-MM-DD HH:mm:ss`, China time.
    pub time: String,
    pub user_id: Option<i64>,
    pub method: String,
    /// The route pattern, e.g. `/api/v1/payment/facetoface/{id}/cancel`.
    pub route: String,
    pub target_id: Option<String>,
    pub outcome_code: i32,
    pub duration_ms: i64,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

impl From<OperationLogRecord> for OperationLogResponseData {
    fn from(r: OperationLogRecord) -> Self {
        Self {
            id: r.id,
            time: format_time(r.entry.time),
            user_id: r.entry.user_id,
            method: r.entry.method,
            route: r.entry.route,
            target_id: r.entry.target_id,
            outcome_code: r.entry.outcome_code,
            duration_ms: r.entry.duration_ms,
            client_ip: r.entry.client_ip,
            request_id: r.entry.request_id,
        }
    }
}

impl OperationLogQuery {
    fn into_domain(self) -> Result<(u64, u64, OperationLogFilter), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let paging = PageQuery {
            page_no: self.page_no,
            page_size: self.page_size,
        }
        .validate();
        let (page_no, page_size) = match paging {
            Ok(p) => p,
            Err(e) => {
                e.into_iter().for_each(|f| errors.push(f));
                (1, 10)
            }
        };
        let mut time = |field: &str, value: Option<String>| {
            value.and_then(|v| {
                let parsed = parse_time(&v);
                if parsed.is_none() {
                    errors.push(FieldError::new(
                        field,
                        FieldErrorCode::Format,
                        "expected YYYY-MM-DD HH:mm:ss",
                    ));
                }
                parsed
            })
        };
        let from = time("time_from", self.time_from);
        let to = time("time_to", self.time_to);
        let order_by = self
            .order_by
            .and_then(|value| order_by::parse_into(&mut errors, &value, SORT_COLUMNS))
            .unwrap_or_default();
        let filter = OperationLogFilter {
            user_id: self.user_id,
            method: self.method,
            route: self.route,
            outcome_code: self.outcome_code,
            request_id: self.request_id,
            from,
            to,
            order_by,
        };
        errors.into_result(|| (page_no, page_size, filter))
    }
}

#[utoipa::path(
    get, path = "/api/v1/system/operation-logs", tag = "system",
    security(("bearer" = [])),
    params(OperationLogQuery),
    responses(
        (status = 200, description = "a page, newest first unless `order_by` says otherwise", body = inline(crate::openapi::EnvelopeOf<crate::openapi::PageOf<OperationLogResponseData>>)),
        (status = 400, description = "malformed query (10400)", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = crate::openapi::ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = crate::openapi::ErrorEnvelope),
        (status = 422, description = "bad paging, time or order_by (10422)", body = crate::openapi::ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn list_operation_logs(
    caller: Caller,
    log: web::Data<OperationLogService>,
    query: web::Query<OperationLogQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page_no, page_size, filter) = query.into_inner().into_domain()?;
    let page = log
        .list(caller.tenant_id, &filter, page_no, page_size)
        .await?;
    let items = page
        .items
        .into_iter()
        .map(OperationLogResponseData::from)
        .collect();
    Ok(ok(
        "查询成功",
        Page::new(page_no, page_size, page.total, items),
    ))
}
