//! Fixtures shared by the domain's unit tests.

use chrono::{DateTime, TimeZone, Utc};

use crate::application::{
    Application, ApplicationDetails, ApplicationForm, ImageKind, ShopAddressForm,
};
use crate::ids::{Actor, OrderId, Stamp, TenantId, UserId};
use crate::order::{AlipayOrderStatus, FacetofaceOrder, NewOrder, OrderStatus};
use crate::ports::clock::china_today;
use crate::ports::gateway::{BatchCreated, Confirmed, OrderQueried};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

pub fn stamp() -> Stamp {
    Stamp::new(Actor::User(UserId(42)), t0())
}

/// `len` bytes of a PNG (magic number first).
pub fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 0x42);
    bytes
}

pub fn valid_form() -> ApplicationForm {
    ApplicationForm {
        account: Some("merchant01@example.com".into()),
        contact_name: Some("张三".into()),
        contact_mobile: Some("13800138000".into()),
        contact_email: Some("zhangsan@example.com".into()),
        merchant_name: Some("杭州示例商贸有限公司".into()),
        mcc_code: Some("A0001_B0199".into()),
        rate: Some("0.38".into()),
        sign_and_auth: Some("true".into()),
        shop_name: Some("示例便利店".into()),
        shop_address: Some(ShopAddressForm {
            country_code: None,
            province_code: Some("330000".into()),
            city_code: Some("330100".into()),
            district_code: Some("330106".into()),
            detail_address: Some("文三路 100 号".into()),
            longitude: None,
            latitude: None,
        }),
        images: vec![
            (ImageKind::ShopScenePic, png(6_000)),
            (ImageKind::ShopSignBoardPic, png(7_000)),
        ],
        ..ApplicationForm::default()
    }
}

pub fn details() -> ApplicationDetails {
    Application::parse(valid_form(), china_today(t0()))
        .unwrap()
        .into_parts()
        .0
}

/// A fresh INIT order with id 1 in tenant 7.
pub fn new_order() -> FacetofaceOrder {
    let mut order = NewOrder::new(TenantId(7), details(), stamp()).into_order(OrderId(1));
    order.take_pending_events();
    order
}

/// An order driven through the aggregate's own methods to `status`.
pub fn order_in(status: OrderStatus) -> FacetofaceOrder {
    let s = stamp();
    let mut order = new_order();
    if status == OrderStatus::Init {
        return order;
    }
    order
        .batch_created(
            s,
            BatchCreated {
                batch_no: "B1".into(),
                batch_status: "init".into(),
            },
        )
        .unwrap();
    order.signed(s).unwrap();
    order.confirm_sending(s).unwrap();
    order
        .confirmed(
            s,
            Confirmed {
                order_no: Some("O1".into()),
                ..Confirmed::default()
            },
        )
        .unwrap();
    let alipay = match status {
        OrderStatus::Init | OrderStatus::Submitted => None,
        OrderStatus::MerchantAuditing => Some(AlipayOrderStatus::MerchantAuditing),
        OrderStatus::MerchantConfirm => Some(AlipayOrderStatus::MerchantConfirm),
        OrderStatus::Success => Some(AlipayOrderStatus::MerchantConfirmSuccess),
        OrderStatus::Closed => Some(AlipayOrderStatus::MerchantApplyOrderCanceled),
    };
    if let Some(alipay) = alipay {
        order
            .apply_query(s, &OrderQueried::with_status(alipay))
            .unwrap();
    }
    assert_eq!(order.status(), status);
    order.take_pending_events();
    order
}
