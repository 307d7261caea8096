//! The five methods' business logic: parse the business parameters, check them, then one
//! short state call under the lock. Answers are built here, signed later by the caller.

use serde::{Deserialize, Serialize};

use super::Method;
use super::params::Incoming;
use super::validate::{self, CreateBiz};
use crate::clock::Millis;
use crate::respond::{Reply, codes};
use crate::scenario::OrderStatus;
use crate::sim::Sim;
use crate::state::{Application, BizError, QueryView, TokenGrant};

/// Runs `method` and returns its answer (success or business error).
pub fn run(sim: &Sim, method: Method, incoming: &Incoming) -> Reply {
    let node = method.node();
    let now = sim.clock.now_ms();
    let app_id = sim.app_id.as_str();
    let result = match method {
        Method::Create => create(sim, app_id, incoming, now),
        Method::FacetofaceSign => facetoface_sign(sim, app_id, incoming, now),
        Method::Confirm => batch_no(incoming).and_then(|b| {
            let confirmed = sim.update(|s| s.confirm(app_id, &b, now))?;
            let body = ConfirmBody {
                token: confirmed.token,
                order_no: confirmed.order_no,
            };
            Ok(Reply::success(node, &body))
        }),
        Method::OrderQuery => batch_no(incoming).and_then(|b| {
            let view = sim.update(|s| s.query(app_id, &b, now))?;
            Ok(Reply::success(node, &QueryBody::from(&view)))
        }),
        Method::Cancel => batch_no(incoming).and_then(|b| {
            sim.update(|s| s.cancel(app_id, &b, now))?;
            Ok(Reply::empty_success(node))
        }),
    };
    result.unwrap_or_else(|e| Reply::error(node, codes::BUSINESS, e.sub_code, &e.sub_msg))
}

fn invalid(what: &str) -> BizError {
    BizError::new("INVALID_PARAMETER", format!("参数有误：{what}"))
}

fn biz_content<T: for<'de> Deserialize<'de>>(incoming: &Incoming) -> Result<T, BizError> {
    let text = incoming
        .non_empty("biz_content")
        .ok_or_else(|| invalid("biz_content 不能为空"))?;
    serde_json::from_str(text).map_err(|_| invalid("biz_content 不是合法的JSON"))
}

#[derive(Deserialize)]
struct BatchBiz {
    #[serde(default)]
    batch_no: Option<String>,
}

fn batch_no(incoming: &Incoming) -> Result<String, BizError> {
    let biz: BatchBiz = biz_content(incoming)?;
    biz.batch_no
        .filter(|b| !b.trim().is_empty())
        .ok_or_else(|| BizError::new("INVALID_BATCH_NO", "batch_no不能为空"))
}

/// The batch a request names, for the counters (facetoface.sign carries it top-level).
pub fn batch_no_of(incoming: &Incoming) -> Option<String> {
    match incoming.non_empty("batch_no") {
        Some(b) => Some(b.to_owned()),
        None => incoming
            .non_empty("biz_content")
            .and_then(|t| serde_json::from_str::<BatchBiz>(t).ok())
            .and_then(|b| b.batch_no),
    }
}

#[derive(Serialize)]
struct CreateBody<'a> {
    batch_no: &'a str,
    batch_status: &'a str,
}

fn create(sim: &Sim, app_id: &str, incoming: &Incoming, now: Millis) -> Result<Reply, BizError> {
    let biz: CreateBiz = biz_content(incoming)?;
    let account = validate::create(&biz)?;
    let batch = sim.update(|s| s.create(app_id, &account, now));
    Ok(Reply::success(
        Method::Create.node(),
        &CreateBody {
            batch_no: &batch.batch_no,
            batch_status: batch.status.as_str(),
        },
    ))
}

fn facetoface_sign(
    sim: &Sim,
    app_id: &str,
    incoming: &Incoming,
    now: Millis,
) -> Result<Reply, BizError> {
    let batch_no = incoming
        .non_empty("batch_no")
        .ok_or_else(|| BizError::new("INVALID_BATCH_NO", "batch_no不能为空"))?;
    let application = application(incoming)?;
    sim.update(|s| s.sign(app_id, batch_no, application, now))?;
    Ok(Reply::empty_success(Method::FacetofaceSign.node()))
}

/// facetoface.sign's text fields and images, checked.
fn application(incoming: &Incoming) -> Result<Application, BizError> {
    let mcc_code = incoming
        .non_empty("mcc_code")
        .ok_or_else(|| invalid("mcc_code 不能为空"))?;
    if !validate::is_mcc(mcc_code) {
        return Err(invalid("mcc_code 不合法"));
    }
    let sign_and_auth = validate::boolean("sign_and_auth", incoming.non_empty("sign_and_auth"))?;
    let rate = incoming.non_empty("rate");
    match rate {
        Some(r) => {
            validate::rate(r)?;
        }
        None if sign_and_auth => return Err(invalid("sign_and_auth 为 true 时 rate 必填")),
        None => {}
    }
    validate::boolean("long_term", incoming.non_empty("long_term"))?;
    if incoming
        .non_empty("date_limitation")
        .is_some_and(|d| !validate::is_date(d))
    {
        return Err(invalid("date_limitation 格式应为 yyyy-MM-dd"));
    }
    if let Some(address) = incoming.non_empty("shop_address")
        && !serde_json::from_str::<serde_json::Value>(address).is_ok_and(|v| v.is_object())
    {
        return Err(invalid("shop_address 不是合法的JSON对象"));
    }
    if incoming
        .non_empty("business_license_no")
        .is_some_and(|n| n.chars().count() > 32)
    {
        return Err(invalid("business_license_no 长度不能超过32"));
    }
    if incoming
        .non_empty("business_license_mobile")
        .is_some_and(|m| !validate::is_mobile(m))
    {
        return Err(invalid("business_license_mobile 不合法"));
    }
    let mut images = std::collections::BTreeMap::new();
    for upload in &incoming.files {
        if validate::IMAGE_FIELDS.contains(&upload.field.as_str()) {
            validate::image(&upload.field, &upload.bytes)?;
            images.insert(upload.field.clone(), upload.bytes.len());
        }
    }
    Ok(Application {
        mcc_code: mcc_code.to_owned(),
        rate: rate.map(str::to_owned),
        sign_and_auth,
        shop_name: incoming.non_empty("shop_name").map(str::to_owned),
        images,
    })
}

#[derive(Serialize)]
struct ConfirmBody {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    token: Option<TokenGrant>,
    order_no: String,
}

#[derive(Serialize)]
struct ProductInfo<'a> {
    product_code: &'a str,
    product_name: &'a str,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reject_reason: Option<String>,
}

#[derive(Serialize)]
struct QueryBody<'a> {
    order_no: &'a str,
    order_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirm_url: Option<String>,
    merchant_pid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reject_reason: Option<String>,
    product_agent_status_infos: [ProductInfo<'a>; 1],
}

impl<'a> From<&'a QueryView> for QueryBody<'a> {
    fn from(view: &'a QueryView) -> Self {
        let reason = match view.status {
            OrderStatus::MerchantApplyOrderCanceled => view.reject_reason.clone(),
            OrderStatus::MerchantInfoHold => Some(view.hold_reasons.join("；")),
            OrderStatus::MerchantAuditing
            | OrderStatus::MerchantConfirm
            | OrderStatus::MerchantConfirmSuccess
            | OrderStatus::MerchantConfirmTimeOut => None,
        };
        let confirm_url = (view.status == OrderStatus::MerchantConfirm).then(|| {
            format!(
                "https://b.alipay.com/page/message/tasksDetail?bizData=%7B%22orderNo%22%3A%22{}%22%7D",
                view.order_no
            )
        });
        Self {
            order_no: &view.order_no,
            order_status: view.status.as_str(),
            confirm_url,
            merchant_pid: &view.merchant_pid,
            reject_reason: reason.clone(),
            product_agent_status_infos: [ProductInfo {
                product_code: "FACE_TO_FACE_PAYMENT",
                product_name: "当面付",
                status: view.status.product_status(),
                reject_reason: reason,
            }],
        }
    }
}
