//! Rows ⇄ domain. A row that does not make a valid order (unknown status, bad JSON,
//! details that no longer parse, an undecryptable token) is an error, never a panic.

use anyhow::{Context as _, anyhow};
use chrono::{DateTime, SubsecRound as _, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use serde::{Deserialize, Serialize};
use xjz_domain::application::{
    ApplicationDetails, ApplicationForm, Image, ImageFormat, ImageInfo, ImageKind, ShopAddressForm,
};
use xjz_domain::ids::{Actor, OrderId, TenantId, UserId};
use xjz_domain::order::{
    AlipaySide, Audit, CloseReason, EventKind, FacetofaceOrder, LastError, OrderEvent, OrderState,
    OrderStatus, PollingStopReason, Progress, SubmitStep,
};
use xjz_domain::ports::gateway::{AlipayError, AlipayMethod, AppAuthToken, ErrorClass};

use crate::crypto::SecretCipher;
use crate::entity::{order, order_event, order_image};

/// Stored times have PostgreSQL's precision (microseconds) on both databases, so SQLite's
/// text timestamps compare in time order and both back ends read back the same value.
pub(crate) fn stored_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

fn stored(time: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    time.map(stored_time)
}

/// `last_error` as JSON.
#[derive(Serialize, Deserialize)]
struct LastErrorJson {
    method: AlipayMethod,
    class: ErrorClass,
    alipay: Option<AlipayError>,
    message: String,
    at: DateTime<Utc>,
}

/// Every column of the order from its state; `id` is left for the database on insert.
pub(crate) fn active_model(
    state: &OrderState,
    cipher: &SecretCipher,
    with_id: bool,
) -> anyhow::Result<order::ActiveModel> {
    let form = state.details.to_form();
    let alipay = &state.alipay;
    let progress = &state.progress;
    let token = alipay
        .app_auth_token
        .as_ref()
        .map(|t| cipher.encrypt(t.expose_secret()))
        .transpose()?;
    let shop_address = form
        .shop_address
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    let last_error = progress
        .last_error
        .as_ref()
        .map(|e| {
            serde_json::to_string(&LastErrorJson {
                method: e.method,
                class: e.class,
                alipay: e.alipay.clone(),
                message: e.message.clone(),
                at: stored_time(e.at),
            })
        })
        .transpose()?;
    let long_term = match form.long_term.as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => return Err(anyhow!("unexpected long_term {other:?} in details")),
        None => None,
    };
    Ok(order::ActiveModel {
        id: if with_id { Set(state.id.0) } else { NotSet },
        uuid: Set(state.uuid),
        tenant_id: Set(state.tenant_id.0),
        description: Set(state.description.clone()),
        created_time: Set(stored_time(state.audit.created_time)),
        updated_time: Set(stored_time(state.audit.updated_time)),
        created_id: Set(state.audit.created_id.map(|u| u.0)),
        updated_id: Set(state.audit.updated_id.map(|u| u.0)),
        is_deleted: Set(false),
        deleted_time: Set(None),
        version: Set(state.version),
        order_status: Set(state.status.as_str().to_owned()),
        close_reason: Set(state.close_reason.map(|r| r.as_str().to_owned())),
        account: Set(form.account.unwrap_or_default()),
        contact_name: Set(form.contact_name.unwrap_or_default()),
        contact_mobile: Set(form.contact_mobile.unwrap_or_default()),
        contact_email: Set(form.contact_email),
        merchant_name: Set(form.merchant_name),
        mcc_code: Set(form.mcc_code.unwrap_or_default()),
        rate: Set(form.rate),
        sign_and_auth: Set(state.details.sign_and_auth()),
        business_license_no: Set(form.business_license_no),
        business_license_mobile: Set(form.business_license_mobile),
        long_term: Set(long_term),
        date_limitation: Set(form.date_limitation),
        shop_name: Set(form.shop_name),
        shop_address: Set(shop_address),
        remark: Set(form.remark),
        batch_no: Set(alipay.batch_no.clone()),
        order_no: Set(alipay.order_no.clone()),
        alipay_order_status: Set(alipay.alipay_order_status.clone()),
        needs_correction: Set(alipay.needs_correction),
        confirm_url: Set(alipay.confirm_url.clone()),
        merchant_pid: Set(alipay.merchant_pid.clone()),
        app_auth_token: Set(token),
        reject_reason: Set(alipay.reject_reason.clone()),
        restrict_infos: Set(serde_json::to_string(&alipay.restrict_infos)?),
        product_status: Set(alipay.product_status.clone()),
        product_reject_reason: Set(alipay.product_reject_reason.clone()),
        submit_step: Set(progress.submit_step.as_str().to_owned()),
        batch_created_time: Set(stored(progress.batch_created_time)),
        confirmed_time: Set(stored(progress.confirmed_time)),
        merchant_confirm_time: Set(stored(progress.merchant_confirm_time)),
        last_error: Set(last_error),
        last_query_time: Set(stored(progress.last_query_time)),
        next_query_time: Set(stored(progress.next_query_time)),
        query_count: Set(i32::try_from(progress.query_count)?),
        polling_stopped_time: Set(stored(progress.polling_stopped_time)),
        polling_stopped_reason: Set(progress
            .polling_stopped_reason
            .map(|r| r.as_str().to_owned())),
        superseded_by: Set(state.superseded_by.map(|o| o.0)),
        reapplied_from: Set(state.reapplied_from.map(|o| o.0)),
    })
}

fn parsed<T>(
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> anyhow::Result<T> {
    parse(value).ok_or_else(|| anyhow!("unknown {column} {value:?}"))
}

fn parsed_opt<T>(
    column: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Option<T>,
) -> anyhow::Result<Option<T>> {
    value.map(|v| parsed(column, v, parse)).transpose()
}

/// A row and the cipher that opens its secrets.
pub(crate) struct StoredOrder<'a> {
    pub row: order::Model,
    pub cipher: &'a SecretCipher,
}

impl TryFrom<StoredOrder<'_>> for FacetofaceOrder {
    type Error = anyhow::Error;

    fn try_from(StoredOrder { row, cipher }: StoredOrder<'_>) -> anyhow::Result<Self> {
        let id = row.id;
        let context = || format!("pay_facetoface_order {id} cannot be read");
        restore(row, cipher).with_context(context)
    }
}

fn restore(row: order::Model, cipher: &SecretCipher) -> anyhow::Result<FacetofaceOrder> {
    let shop_address: Option<ShopAddressForm> = row
        .shop_address
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .context("shop_address")?;
    let bool_text = |b: bool| if b { "true" } else { "false" }.to_owned();
    let form = ApplicationForm {
        account: Some(row.account),
        contact_name: Some(row.contact_name),
        contact_mobile: Some(row.contact_mobile),
        contact_email: row.contact_email,
        merchant_name: row.merchant_name,
        mcc_code: Some(row.mcc_code),
        rate: row.rate,
        sign_and_auth: Some(bool_text(row.sign_and_auth)),
        business_license_no: row.business_license_no,
        business_license_mobile: row.business_license_mobile,
        long_term: row.long_term.map(bool_text),
        date_limitation: row.date_limitation,
        shop_name: row.shop_name,
        shop_address,
        remark: row.remark,
        images: Vec::new(),
    };
    let details = ApplicationDetails::restore(&form)
        .map_err(|errors| anyhow!("stored details no longer parse: {errors}"))?;
    let app_auth_token = row
        .app_auth_token
        .as_deref()
        .map(|stored| cipher.decrypt(stored).map(AppAuthToken::new))
        .transpose()
        .context("app_auth_token")?;
    let last_error = row
        .last_error
        .as_deref()
        .map(serde_json::from_str::<LastErrorJson>)
        .transpose()
        .context("last_error")?
        .map(|e| LastError {
            method: e.method,
            class: e.class,
            alipay: e.alipay,
            message: e.message,
            at: e.at,
        });
    let state = OrderState {
        id: OrderId(row.id),
        uuid: row.uuid,
        tenant_id: TenantId(row.tenant_id),
        version: row.version,
        audit: Audit {
            created_time: row.created_time,
            updated_time: row.updated_time,
            created_id: row.created_id.map(UserId),
            updated_id: row.updated_id.map(UserId),
        },
        description: row.description,
        status: parsed("order_status", &row.order_status, OrderStatus::parse)?,
        close_reason: parsed_opt(
            "close_reason",
            row.close_reason.as_deref(),
            CloseReason::parse,
        )?,
        details,
        alipay: AlipaySide {
            batch_no: row.batch_no,
            order_no: row.order_no,
            alipay_order_status: row.alipay_order_status,
            needs_correction: row.needs_correction,
            confirm_url: row.confirm_url,
            merchant_pid: row.merchant_pid,
            app_auth_token,
            reject_reason: row.reject_reason,
            restrict_infos: serde_json::from_str(&row.restrict_infos).context("restrict_infos")?,
            product_status: row.product_status,
            product_reject_reason: row.product_reject_reason,
        },
        progress: Progress {
            submit_step: parsed("submit_step", &row.submit_step, SubmitStep::parse)?,
            batch_created_time: row.batch_created_time,
            confirmed_time: row.confirmed_time,
            merchant_confirm_time: row.merchant_confirm_time,
            last_error,
            last_query_time: row.last_query_time,
            next_query_time: row.next_query_time,
            query_count: u32::try_from(row.query_count).context("query_count")?,
            polling_stopped_time: row.polling_stopped_time,
            polling_stopped_reason: parsed_opt(
                "polling_stopped_reason",
                row.polling_stopped_reason.as_deref(),
                PollingStopReason::parse,
            )?,
        },
        superseded_by: row.superseded_by.map(OrderId),
        reapplied_from: row.reapplied_from.map(OrderId),
    };
    Ok(FacetofaceOrder::restore(state))
}

/// An event row (`id` left to the database).
pub(crate) fn event_model(
    order_id: OrderId,
    tenant_id: TenantId,
    event: &OrderEvent,
) -> anyhow::Result<order_event::ActiveModel> {
    let payload = serde_json::to_value(&event.kind)?;
    let kind = payload
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let (actor_type, actor_id) = match event.actor {
        Actor::User(user) => ("user", Some(user.0)),
        Actor::Worker => ("worker", None),
        Actor::System => ("system", None),
    };
    let (alipay_code, alipay_sub_code) = match &event.kind {
        EventKind::AlipayCall(outcome) => (outcome.code.clone(), outcome.sub_code.clone()),
        _ => (None, None),
    };
    Ok(order_event::ActiveModel {
        id: NotSet,
        order_id: Set(order_id.0),
        tenant_id: Set(tenant_id.0),
        time: Set(stored_time(event.time)),
        actor_type: Set(actor_type.to_owned()),
        actor_id: Set(actor_id),
        kind: Set(kind),
        payload: Set(serde_json::to_string(&payload)?),
        alipay_code: Set(alipay_code),
        alipay_sub_code: Set(alipay_sub_code),
    })
}

impl TryFrom<order_event::Model> for OrderEvent {
    type Error = anyhow::Error;

    fn try_from(row: order_event::Model) -> anyhow::Result<Self> {
        let actor = match (row.actor_type.as_str(), row.actor_id) {
            ("user", Some(id)) => Actor::User(UserId(id)),
            ("worker", None) => Actor::Worker,
            ("system", None) => Actor::System,
            (other, id) => return Err(anyhow!("event {}: bad actor {other:?}/{id:?}", row.id)),
        };
        let kind: EventKind = serde_json::from_str(&row.payload)
            .with_context(|| format!("event {}: payload", row.id))?;
        Ok(OrderEvent {
            time: row.time,
            actor,
            kind,
        })
    }
}

/// An image row (`id` left to the database).
pub(crate) fn image_model(
    order_id: OrderId,
    image: &Image,
    file: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<order_image::ActiveModel> {
    Ok(order_image::ActiveModel {
        id: NotSet,
        order_id: Set(order_id.0),
        kind: Set(image.kind().field_name().to_owned()),
        format: Set(image.format().extension().to_owned()),
        // The bytes are in `file` (see `image_files`).
        bytes: Set(Vec::new()),
        size: Set(i32::try_from(image.len())?),
        file: Set(Some(file.to_owned())),
        created_time: Set(stored_time(now)),
    })
}

/// What a row says of its image: kind, format (its column) and size.
pub(crate) fn image_info(kind: &str, format: &str, size: i32) -> anyhow::Result<ImageInfo> {
    Ok(ImageInfo {
        kind: parsed("image kind", kind, ImageKind::from_field_name)?,
        format: parsed("image format", format, ImageFormat::from_extension)?,
        size: usize::try_from(size)?,
    })
}

/// The image of a row whose bytes are `bytes` (its file's, or the row's own for rows stored
/// before image files).
pub(crate) fn stored_image(row: &order_image::Model, bytes: Vec<u8>) -> anyhow::Result<Image> {
    let kind = parsed("image kind", &row.kind, ImageKind::from_field_name)?;
    // The format is derived from the bytes again; the column is for reports.
    Image::new(kind, bytes).map_err(|e| anyhow!("image {}: {e}", row.id))
}
