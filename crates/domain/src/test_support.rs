//! Fixtures shared by the domain's unit tests.

use chrono::{DateTime, TimeZone, Utc};

use crate::application::{Application, ApplicationDetails};
pub use crate::fixtures::{png, valid_form};
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
