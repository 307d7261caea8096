//! The facetoface handlers: HTTP in, a service call, the envelope out.
//!
//! Documentation of each route (parameters, bodies, answers) lives in [`super::openapi`].

use actix_multipart::Multipart;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, web};
use xjz_domain::application::ImageKind;
use xjz_domain::ports::IdempotencyKey;
use xjz_domain::service::{self, ApplyCommand, EditCommand, Idempotency, ReapplyCommand};
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};
use xjz_domain::{FacetofaceOrder, OrderId, ServiceError, TenantId, UserId};

use super::Facetoface;
use super::dto::{EventData, OrderData};
use super::export::{ExportFormat, export_response};
use super::list::ListParams;
use super::list::{self, ListQuery};
use super::multipart::{ReceivedForm, read_form};
use super::openapi::{ApplyForm, EditForm, ExportFileFormat, ImageField, TAG};
use super::options::FacetofaceOptions;
use crate::auth::Caller;
use crate::http::envelope::{Page, created, ok};
use crate::http::error::ApiError;
use crate::openapi::{EnvelopeOf, ErrorEnvelope, PageOf};

/// The header of apply and re-apply.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Rows fetched per page while exporting.
const EXPORT_PAGE: u64 = 500;

type State = web::Data<Facetoface>;
type Pairs = web::Query<Vec<(String, String)>>;

fn domain_caller(caller: &Caller) -> service::Caller {
    service::Caller {
        tenant_id: TenantId(caller.tenant_id),
        user_id: UserId(caller.user_id),
    }
}

/// A service error as the API answers it; a failed Alipay call carries the order.
fn failure(error: ServiceError) -> ApiError {
    ApiError::from_service(error, |order| OrderData::detail(order, None).to_value())
}

fn order_answer(msg: &str, order: &FacetofaceOrder) -> HttpResponse {
    ok(msg, OrderData::detail(order, None))
}

/// `GET /payment/facetoface`: a page of the tenant's orders, masked.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface", tag = TAG, security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "a page, masked", body = inline(EnvelopeOf<PageOf<OrderData>>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 422, description = "every invalid field (10422)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn list(caller: Caller, state: State, query: Pairs) -> Result<HttpResponse, ApiError> {
    let (ListQuery { filter, page }, _) = list::parse(&query, &[])?;
    let found = state
        .service
        .list(caller.tenant(), &filter, &page)
        .await
        .map_err(failure)?;
    let items = found.items.iter().map(OrderData::listed).collect();
    Ok(ok(
        "查询成功",
        Page::new(page.page_no, page.page_size, found.total, items),
    ))
}

/// `GET /payment/facetoface/options`: MCC catalogue, region tree, status labels.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface/options", tag = TAG, security(("bearer" = [])),
    responses(
        (status = 200, description = "MCC catalogue, region tree, status labels", body = inline(EnvelopeOf<FacetofaceOptions>)),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn options(_caller: Caller) -> Result<HttpResponse, ApiError> {
    let options = super::options::options().map_err(|e| ApiError::Unexpected(e.into()))?;
    let mut response = ok("查询成功", options);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

/// `GET /payment/facetoface/export?format=csv|xlsx`: the filtered list, masked, as a file.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface/export", tag = TAG, security(("bearer" = [])),
    params(ListParams, ("format" = Option<ExportFileFormat>, Query, description = "csv (default) or xlsx")),
    responses(
        (status = 200, description = "the filtered orders, masked, as a file", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 422, description = "every invalid field (10422)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn export(caller: Caller, state: State, query: Pairs) -> Result<HttpResponse, ApiError> {
    let (ListQuery { filter, page }, rest) = list::parse(&query, &["format"])?;
    let format = match rest.iter().find(|(k, _)| k == "format") {
        Some((_, value)) => ExportFormat::parse(value).map_err(single)?,
        None => ExportFormat::Csv,
    };
    let tenant = caller.tenant();
    let service = state.service.clone();
    let order_by = page.order_by;
    let fetch = move |page_no: u64| {
        let service = service.clone();
        let filter = filter.clone();
        let request = xjz_domain::ports::repository::PageRequest {
            page_no,
            page_size: EXPORT_PAGE,
            order_by: order_by.clone(),
        };
        async move {
            service
                .list(tenant, &filter, &request)
                .await
                .map(|p| p.items)
                .map_err(failure)
        }
    };
    let stamp: String = crate::oplog::format_time(chrono::Utc::now())
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let stem = format!("facetoface-{stamp}");
    export_response(format, &stem, fetch).await
}

fn single(error: FieldError) -> ApiError {
    let mut errors = ValidationErrors::new();
    errors.push(error);
    ApiError::Validation(errors)
}

fn idempotency(
    req: &HttpRequest,
    received: &ReceivedForm,
) -> Result<Option<Idempotency>, ApiError> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| {
        single(FieldError::new(
            IDEMPOTENCY_KEY,
            FieldErrorCode::Format,
            "must be visible ASCII",
        ))
    })?;
    let key = IdempotencyKey::parse(text).map_err(single)?;
    Ok(Some(Idempotency {
        key,
        fingerprint: received.fingerprint.clone(),
    }))
}

/// `version` is for PATCH only.
fn no_version(received: &ReceivedForm) -> Result<(), ApiError> {
    if received.version.is_some() {
        return Err(single(FieldError::new(
            "version",
            FieldErrorCode::Format,
            "unknown field (only PATCH takes a version)",
        )));
    }
    Ok(())
}

/// `POST /payment/facetoface/apply` (multipart): validate, store, submit to Alipay.
#[utoipa::path(
    post, path = "/api/v1/payment/facetoface/apply", tag = TAG, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "1-128 visible ASCII; the same key and request return the first answer for 24 hours")),
    request_body(content = ApplyForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "stored and submitted", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 413, description = "request too large (10413)", body = ErrorEnvelope),
        (status = 422, description = "every invalid field (10422)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
        (status = 502, description = "Alipay refused (10502): data.alipay and the order", body = ErrorEnvelope),
        (status = 504, description = "Alipay did not answer in time (10504): data.order", body = ErrorEnvelope),
    )
)]
pub async fn apply(
    req: HttpRequest,
    caller: Caller,
    state: State,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let received = read_form(payload, state.limits).await?;
    no_version(&received)?;
    let idempotency = idempotency(&req, &received)?;
    let order = state
        .service
        .apply(ApplyCommand {
            caller: domain_caller(&caller),
            idempotency,
            form: received.form,
        })
        .await
        .map_err(failure)?;
    Ok(created("申请已提交", OrderData::detail(&order, None)))
}

/// `POST /payment/facetoface/{id}/reapply` (multipart): a new application replacing this one.
#[utoipa::path(
    post, path = "/api/v1/payment/facetoface/{id}/reapply", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order re-applied for (CLOSED or held for correction)"),
        ("Idempotency-Key" = Option<String>, Header, description = "as for apply")),
    request_body(content = ApplyForm, content_type = "multipart/form-data", description = "like apply; images not given are copied from the original"),
    responses(
        (status = 201, description = "the new order, stored and submitted", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 413, description = "request too large (10413)", body = ErrorEnvelope),
        (status = 422, description = "every invalid field (10422)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
        (status = 502, description = "Alipay refused (10502): data.alipay and the order", body = ErrorEnvelope),
        (status = 504, description = "Alipay did not answer in time (10504): data.order", body = ErrorEnvelope),
    )
)]
pub async fn reapply(
    req: HttpRequest,
    caller: Caller,
    state: State,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let received = read_form(payload, state.limits).await?;
    no_version(&received)?;
    let idempotency = idempotency(&req, &received)?;
    let order = state
        .service
        .reapply(ReapplyCommand {
            caller: domain_caller(&caller),
            original: OrderId(id.into_inner()),
            idempotency,
            form: received.form,
        })
        .await
        .map_err(failure)?;
    Ok(created("重新申请已提交", OrderData::detail(&order, None)))
}

/// `GET /payment/facetoface/{id}`: everything except secret values, with the stored images.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    responses(
        (status = 200, description = "the order (no secret values) with its stored images", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn detail(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let caller = domain_caller(&caller);
    let id = OrderId(id.into_inner());
    let order = state.service.get(caller, id).await.map_err(failure)?;
    let images = state
        .service
        .image_infos(caller, id)
        .await
        .map_err(failure)?;
    Ok(ok("查询成功", OrderData::detail(&order, Some(&images))))
}

/// `PATCH /payment/facetoface/{id}` (multipart, INIT only): corrected fields and images.
#[utoipa::path(
    patch, path = "/api/v1/payment/facetoface/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    request_body(content = EditForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "the corrected order", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 413, description = "request too large (10413)", body = ErrorEnvelope),
        (status = 422, description = "every invalid field (10422)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn edit(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let received = read_form(payload, state.limits).await?;
    let expected_version = match received.version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i32>().map_err(|_| {
            single(FieldError::new(
                "version",
                FieldErrorCode::Format,
                "must be the order's version number",
            ))
        })?),
    };
    let order = state
        .service
        .edit(EditCommand {
            caller: domain_caller(&caller),
            order: OrderId(id.into_inner()),
            expected_version,
            changes: received.form,
        })
        .await
        .map_err(failure)?;
    Ok(order_answer("修改成功", &order))
}

/// `GET /payment/facetoface/{id}/images/{field}`: the stored bytes.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface/{id}/images/{field}", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id"),
        ("field" = ImageField, Path, description = "the image field")),
    responses(
        (status = 200, description = "the image bytes, in the format they were uploaded in", content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "image/gif"), (Vec<u8> = "image/bmp"))),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn image(
    caller: Caller,
    state: State,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, field) = path.into_inner();
    let kind = ImageKind::from_field_name(&field)
        .ok_or_else(|| ApiError::NotFound(format!("no image field {field:?}")))?;
    let image = state
        .service
        .image(domain_caller(&caller), OrderId(id), kind)
        .await
        .map_err(failure)?;
    Ok(HttpResponse::Ok()
        .content_type(image.format().mime())
        .insert_header(CacheControl(vec![
            CacheDirective::Private,
            CacheDirective::NoStore,
        ]))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", image.file_name()),
        ))
        .body(image.shared_bytes()))
}

/// `GET /payment/facetoface/{id}/events`: the timeline, oldest first.
#[utoipa::path(
    get, path = "/api/v1/payment/facetoface/{id}/events", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    responses(
        (status = 200, description = "the timeline, oldest first", body = inline(EnvelopeOf<Vec<EventData>>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
    )
)]
pub async fn events(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (_, events) = state
        .service
        .events(domain_caller(&caller), OrderId(id.into_inner()))
        .await
        .map_err(failure)?;
    let items: Vec<EventData> = events.iter().map(EventData::from).collect();
    Ok(ok("查询成功", items))
}

/// `POST /payment/facetoface/{id}/query`: refresh from Alipay now.
#[utoipa::path(
    post, path = "/api/v1/payment/facetoface/{id}/query", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    responses(
        (status = 200, description = "the order after asking Alipay", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
        (status = 502, description = "Alipay refused (10502): data.alipay and the order", body = ErrorEnvelope),
        (status = 504, description = "Alipay did not answer in time (10504): data.order", body = ErrorEnvelope),
    )
)]
pub async fn refresh(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    act(&caller, &state, id.into_inner(), Action::Refresh).await
}

/// `POST /payment/facetoface/{id}/resume`: continue an INIT order's submission.
#[utoipa::path(
    post, path = "/api/v1/payment/facetoface/{id}/resume", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    responses(
        (status = 200, description = "the order after continuing its submission", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
        (status = 502, description = "Alipay refused (10502): data.alipay and the order", body = ErrorEnvelope),
        (status = 504, description = "Alipay did not answer in time (10504): data.order", body = ErrorEnvelope),
    )
)]
pub async fn resume(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    act(&caller, &state, id.into_inner(), Action::Resume).await
}

/// `POST /payment/facetoface/{id}/cancel`: cancel an INIT order (and its batch at Alipay).
#[utoipa::path(
    post, path = "/api/v1/payment/facetoface/{id}/cancel", tag = TAG, security(("bearer" = [])),
    params(("id" = i64, Path, description = "the order id")),
    responses(
        (status = 200, description = "the order, CLOSED", body = inline(EnvelopeOf<OrderData>)),
        (status = 400, description = "malformed request (10400)", body = ErrorEnvelope),
        (status = 401, description = "not logged in (10401)", body = ErrorEnvelope),
        (status = 403, description = "no permission (10403)", body = ErrorEnvelope),
        (status = 404, description = "no such order in the tenant (10404)", body = ErrorEnvelope),
        (status = 409, description = "wrong state, stale version or reused Idempotency-Key (10409)", body = ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = ErrorEnvelope),
        (status = 502, description = "Alipay refused (10502): data.alipay and the order", body = ErrorEnvelope),
        (status = 504, description = "Alipay did not answer in time (10504): data.order", body = ErrorEnvelope),
    )
)]
pub async fn cancel(
    caller: Caller,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    act(&caller, &state, id.into_inner(), Action::Cancel).await
}

/// The three operator actions on one order.
#[derive(Debug, Clone, Copy)]
enum Action {
    Refresh,
    Resume,
    Cancel,
}

async fn act(
    caller: &Caller,
    state: &State,
    id: i64,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let (caller, id) = (domain_caller(caller), OrderId(id));
    let service = &state.service;
    let (result, msg) = match action {
        Action::Refresh => (service.refresh(caller, id).await, "已刷新"),
        Action::Resume => (service.resume(caller, id).await, "已继续提交"),
        Action::Cancel => (service.cancel(caller, id).await, "已取消"),
    };
    Ok(order_answer(msg, &result.map_err(failure)?))
}
