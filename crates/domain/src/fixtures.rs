//! Valid example inputs, shared by this crate's tests and other crates' tests (feature
//! `test-support`), so every suite starts from the same known-good application.

use crate::application::{ApplicationForm, ImageKind, ShopAddressForm};

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
