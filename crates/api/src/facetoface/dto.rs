//! The order and its timeline as the API shows them (field names as DESIGN §2).
//!
//! One shape for detail and list: [`OrderData::detail`] shows the merchant's data as stored,
//! [`OrderData::listed`] masks mobiles, a mobile account and the licence number. Secrets never
//! leave the server: the app auth token shows only as `has_app_auth_token`.

use serde::Serialize;
use utoipa::ToSchema;
use xjz_domain::FacetofaceOrder;
use xjz_domain::application::{ImageInfo, ShopAddressForm};
use xjz_domain::order::{LastError, OrderEvent};
use xjz_domain::ports::gateway::RestrictInfo;

use crate::oplog::format_time;

/// An order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 42, "uuid": "0b1e5c1e-8d7e-4d1c-9f1e-3f7c2a9b6d10", "version": 3,
    "created_time": "2026-11-26 10:00:00", "updated_time": "2026-11-26 10:00:02",
    "order_status": "MERCHANT_CONFIRM", "account": "demo@example.com",
    "contact_name": "张三", "contact_mobile": "138****5678", "mcc_code": "A0001_B0199",
    "rate": "0.38", "sign_and_auth": true, "shop_name": "示例小店",
    "batch_no": "2026112600502000000000000001", "needs_correction": false,
    "confirm_url": "https://example.com/confirm", "has_app_auth_token": false,
    "submit_step": "confirmed", "query_count": 2
}))]
pub struct OrderData {
    pub id: i64,
    pub uuid: String,
    pub version: i32,
    pub description: Option<String>,
    /// `YYYY-MM-DD HH:mm:ss`, China time (as every time here).
    pub created_time: String,
    pub updated_time: String,
    pub created_id: Option<i64>,
    pub updated_id: Option<i64>,
    /// INIT, SUBMITTED, MERCHANT_AUDITING, MERCHANT_CONFIRM, SUCCESS, CLOSED.
    pub order_status: String,
    /// Why a CLOSED order closed: rejected, timeout, cancelled, superseded.
    pub closed_reason: Option<String>,

    /// Masked in lists when it is a mobile.
    pub account: String,
    pub contact_name: String,
    /// Masked in lists (`138****5678`).
    pub contact_mobile: String,
    pub contact_email: Option<String>,
    pub merchant_name: Option<String>,
    pub mcc_code: String,
    /// Percent with two decimals, e.g. `0.38`.
    pub rate: Option<String>,
    pub sign_and_auth: bool,
    /// Masked in lists.
    pub business_license_no: Option<String>,
    /// Masked in lists.
    pub business_license_mobile: Option<String>,
    pub long_term: Option<bool>,
    /// `YYYY-MM-DD` when the licence is not long-term.
    pub date_limitation: Option<String>,
    pub shop_name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub shop_address: Option<ShopAddressForm>,
    pub remark: Option<String>,
    /// The image fields stored with the order (detail only; absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageData>>,

    pub batch_no: Option<String>,
    pub order_no: Option<String>,
    /// Alipay's own status, as last received.
    pub alipay_order_status: Option<String>,
    pub needs_correction: bool,
    pub confirm_url: Option<String>,
    pub merchant_pid: Option<String>,
    /// Whether Alipay gave an app auth token (the token itself never leaves the server).
    pub has_app_auth_token: bool,
    pub reject_reason: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub restrict_infos: Vec<RestrictInfo>,
    /// The FACE_TO_FACE_PAYMENT product status (e.g. `valid`, `restrictValid`).
    pub product_status: Option<String>,
    pub product_reject_reason: Option<String>,

    /// none, batch_created, signed, confirm_sent, confirmed.
    pub submit_step: String,
    pub batch_created_time: Option<String>,
    pub confirmed_time: Option<String>,
    pub merchant_confirm_time: Option<String>,
    pub last_error: Option<LastErrorData>,
    pub last_query_time: Option<String>,
    pub next_query_time: Option<String>,
    pub query_count: u32,
    pub polling_stopped_time: Option<String>,
    pub polling_stopped_reason: Option<String>,
    pub superseded_by: Option<i64>,
    pub reapplied_from: Option<i64>,
}

/// The last failed Alipay call.
#[derive(Debug, Serialize, ToSchema)]
pub struct LastErrorData {
    /// e.g. `alipay.open.agent.confirm`.
    pub method: String,
    /// transport, timeout, bad_signature, malformed, unsigned, error_response, business.
    pub class: String,
    pub code: Option<String>,
    pub msg: Option<String>,
    pub sub_code: Option<String>,
    pub sub_msg: Option<String>,
    pub message: String,
    pub time: String,
}

/// A stored image.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImageData {
    /// The Alipay parameter name, e.g. `shop_scene_pic`.
    pub field: String,
    /// `image/jpeg`, `image/png`, …
    pub content_type: String,
    pub size: usize,
}

/// One timeline entry.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "time": "2026-11-26 10:00:01", "actor": {"type": "user", "id": 1},
    "kind": "alipay_call", "method": "alipay.open.agent.create", "code": "10000"
}))]
pub struct EventData {
    pub time: String,
    /// `{type: user, id}`, `{type: worker}` or `{type: system}`.
    #[schema(value_type = Object)]
    pub actor: serde_json::Value,
    /// What happened (`created`, `alipay_call`, `step_reached`, `status_changed`, …) with
    /// its own fields flattened in.
    pub kind: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub detail: serde_json::Map<String, serde_json::Value>,
}

impl OrderData {
    /// Everything except secret values.
    pub fn detail(order: &FacetofaceOrder, images: Option<&[ImageInfo]>) -> Self {
        let mut data = Self::build(order, false);
        data.images = images.map(|images| {
            images
                .iter()
                .map(|image| ImageData {
                    field: image.kind.field_name().to_owned(),
                    content_type: image.format.mime().to_owned(),
                    size: image.size,
                })
                .collect()
        });
        data
    }

    /// As listed and exported: mobiles, a mobile account and the licence number masked.
    pub fn listed(order: &FacetofaceOrder) -> Self {
        Self::build(order, true)
    }

    fn build(order: &FacetofaceOrder, masked: bool) -> Self {
        let state = order.state();
        let details = &state.details;
        let alipay = &state.alipay;
        let progress = &state.progress;
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(format_time);
        let mobile = |m: &xjz_domain::application::Mobile| {
            if masked {
                m.masked()
            } else {
                m.as_str().to_owned()
            }
        };
        let validity = details.licence_validity();
        Self {
            id: state.id.0,
            uuid: state.uuid.to_string(),
            version: state.version,
            description: state.description.clone(),
            created_time: format_time(state.audit.created_time),
            updated_time: format_time(state.audit.updated_time),
            created_id: state.audit.created_id.map(|u| u.0),
            updated_id: state.audit.updated_id.map(|u| u.0),
            order_status: state.status.as_str().to_owned(),
            closed_reason: state.close_reason.map(|r| r.as_str().to_owned()),
            account: if masked {
                details.account().masked()
            } else {
                details.account().as_str().to_owned()
            },
            contact_name: details.contact_name().as_str().to_owned(),
            contact_mobile: mobile(details.contact_mobile()),
            contact_email: details.contact_email().map(|e| e.as_str().to_owned()),
            merchant_name: details.merchant_name().map(|n| n.as_str().to_owned()),
            mcc_code: details.mcc_code().as_str().to_owned(),
            rate: details.rate().map(|r| r.as_str().to_owned()),
            sign_and_auth: details.sign_and_auth(),
            business_license_no: details.business_license_no().map(|n| {
                if masked {
                    n.masked()
                } else {
                    n.as_str().to_owned()
                }
            }),
            business_license_mobile: details.business_license_mobile().map(mobile),
            long_term: validity.map(|v| v.long_term()),
            date_limitation: validity.and_then(|v| v.date_limitation()),
            shop_name: details.shop_name().map(|n| n.as_str().to_owned()),
            shop_address: details.shop_address().map(|a| a.to_form()),
            remark: details.remark().map(|r| r.as_str().to_owned()),
            images: None,
            batch_no: alipay.batch_no.clone(),
            order_no: alipay.order_no.clone(),
            alipay_order_status: alipay.alipay_order_status.clone(),
            needs_correction: alipay.needs_correction,
            confirm_url: alipay.confirm_url.clone(),
            merchant_pid: alipay.merchant_pid.clone(),
            has_app_auth_token: alipay.app_auth_token.is_some(),
            reject_reason: alipay.reject_reason.clone(),
            restrict_infos: alipay.restrict_infos.clone(),
            product_status: alipay.product_status.clone(),
            product_reject_reason: alipay.product_reject_reason.clone(),
            submit_step: progress.submit_step.as_str().to_owned(),
            batch_created_time: time(progress.batch_created_time),
            confirmed_time: time(progress.confirmed_time),
            merchant_confirm_time: time(progress.merchant_confirm_time),
            last_error: progress.last_error.as_ref().map(LastErrorData::from),
            last_query_time: time(progress.last_query_time),
            next_query_time: time(progress.next_query_time),
            query_count: progress.query_count,
            polling_stopped_time: time(progress.polling_stopped_time),
            polling_stopped_reason: progress
                .polling_stopped_reason
                .map(|r| r.as_str().to_owned()),
            superseded_by: state.superseded_by.map(|o| o.0),
            reapplied_from: state.reapplied_from.map(|o| o.0),
        }
    }

    /// As JSON (for error answers that carry the order).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl From<&LastError> for LastErrorData {
    fn from(e: &LastError) -> Self {
        Self {
            method: e.method.as_str().to_owned(),
            class: e.class.as_str().to_owned(),
            code: e.alipay.as_ref().map(|a| a.code.clone()),
            msg: e.alipay.as_ref().map(|a| a.msg.clone()),
            sub_code: e.alipay.as_ref().and_then(|a| a.sub_code.clone()),
            sub_msg: e.alipay.as_ref().and_then(|a| a.sub_msg.clone()),
            message: e.message.clone(),
            time: format_time(e.at),
        }
    }
}

impl From<&OrderEvent> for EventData {
    fn from(event: &OrderEvent) -> Self {
        let mut detail = match serde_json::to_value(&event.kind) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let kind = match detail.remove("kind") {
            Some(serde_json::Value::String(kind)) => kind,
            _ => "unknown".to_owned(),
        };
        Self {
            time: format_time(event.time),
            actor: serde_json::to_value(event.actor).unwrap_or(serde_json::Value::Null),
            kind,
            detail,
        }
    }
}
