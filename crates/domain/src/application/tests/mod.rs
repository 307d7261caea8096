//! Whole-form tests: required fields, cross-field rules, every error at once, and the
//! round trip an edit relies on.

use chrono::NaiveDate;

use super::*;
use crate::validation::{FieldErrorCode, ValidationErrors};

mod edit;
mod props;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn s(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn png(len: usize) -> Vec<u8> {
    let mut bytes = PNG.to_vec();
    bytes.resize(len, 0);
    bytes
}

fn minimal() -> ApplicationForm {
    ApplicationForm {
        account: s("shop@example.com"),
        contact_name: s("张三"),
        contact_mobile: s("13812345678"),
        mcc_code: s("A0001_B0199"),
        ..ApplicationForm::default()
    }
}

fn complete() -> ApplicationForm {
    ApplicationForm {
        contact_email: s("zhang@example.com"),
        merchant_name: s("杭州西湖小馆餐饮有限公司"),
        rate: s("0.6"),
        sign_and_auth: s("true"),
        business_license_no: s("91350100M000100Y43"),
        business_license_mobile: s("13912345678"),
        long_term: s("false"),
        date_limitation: s("2030-12-31"),
        shop_name: s("西湖小馆"),
        shop_address: Some(ShopAddressForm {
            province_code: s("330000"),
            city_code: s("330100"),
            district_code: s("330106"),
            detail_address: s("文三路 90 号"),
            ..ShopAddressForm::default()
        }),
        remark: s("first shop"),
        images: vec![
            (ImageKind::ShopSignBoardPic, png(6_000)),
            (ImageKind::BusinessLicensePic, png(9_000)),
        ],
        ..minimal()
    }
}

fn errors_of(form: ApplicationForm) -> Vec<(String, FieldErrorCode)> {
    Application::parse(form, today())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn fields(errors: &[(String, FieldErrorCode)]) -> Vec<&str> {
    errors.iter().map(|(field, _)| field.as_str()).collect()
}

#[test]
fn a_complete_form_parses_into_checked_values() {
    let application = Application::parse(complete(), today()).unwrap();
    let details = application.details();
    assert_eq!(details.account().kind(), AccountKind::Email);
    assert_eq!(details.rate().map(|r| r.as_str()), Some("0.60"));
    assert!(details.sign_and_auth());
    assert_eq!(
        details.business_license_no().map(BusinessLicenceNo::as_str),
        Some("91350100M000100Y43")
    );
    assert_eq!(
        details
            .business_license_mobile()
            .map(Mobile::masked)
            .as_deref(),
        Some("139****5678")
    );
    assert_eq!(
        details
            .licence_validity()
            .and_then(|v| v.date_limitation())
            .as_deref(),
        Some("2030-12-31")
    );
    assert_eq!(
        details.shop_address().map(ShopAddress::country_code),
        Some("156")
    );
    assert_eq!(application.images().len(), 2);
}

#[test]
fn the_four_required_fields_alone_are_enough() {
    let details = Application::parse(minimal(), today())
        .unwrap()
        .into_parts()
        .0;
    assert!(!details.sign_and_auth());
    assert_eq!(
        (
            details.rate(),
            details.business_licence(),
            details.shop_address()
        ),
        (None, None, None)
    );
}

#[test]
fn an_empty_form_names_each_required_field() {
    let errors = errors_of(ApplicationForm::default());
    assert_eq!(
        fields(&errors),
        ["account", "contact_name", "contact_mobile", "mcc_code"]
    );
    assert!(
        errors
            .iter()
            .all(|(_, code)| *code == FieldErrorCode::Required)
    );
}

#[test]
fn five_bad_fields_give_five_errors_at_once() {
    let form = ApplicationForm {
        account: s("not-an-account"),
        contact_name: s(&"名".repeat(21)),
        contact_mobile: s("12345"),
        mcc_code: s("A0001_B0199"),
        rate: s("0.61"),
        shop_name: s(""),
        images: vec![(ImageKind::ShopScenePic, png(5_119))],
        ..complete()
    };
    let errors = errors_of(form);
    assert_eq!(
        errors,
        [
            ("account".to_owned(), FieldErrorCode::Format),
            ("contact_name".to_owned(), FieldErrorCode::Length),
            ("contact_mobile".to_owned(), FieldErrorCode::Format),
            ("rate".to_owned(), FieldErrorCode::Range),
            ("shop_scene_pic".to_owned(), FieldErrorCode::Length),
        ]
    );
}

#[test]
fn sign_and_auth_requires_a_rate() {
    let errors = errors_of(ApplicationForm {
        sign_and_auth: s("true"),
        ..minimal()
    });
    assert_eq!(errors, [("rate".to_owned(), FieldErrorCode::Required)]);
    assert!(
        Application::parse(
            ApplicationForm {
                sign_and_auth: s("false"),
                ..minimal()
            },
            today()
        )
        .is_ok()
    );
    assert!(
        Application::parse(
            ApplicationForm {
                rate: s("0.38"),
                ..minimal()
            },
            today()
        )
        .is_ok()
    );
}

#[test]
fn sign_and_auth_accepts_only_true_or_false() {
    let errors = errors_of(ApplicationForm {
        sign_and_auth: s("1"),
        rate: s("0.38"),
        ..minimal()
    });
    assert_eq!(
        errors,
        [("sign_and_auth".to_owned(), FieldErrorCode::Format)]
    );
}

#[test]
fn licence_details_without_a_licence_number_are_conflicts() {
    let form = ApplicationForm {
        business_license_mobile: s("13912345678"),
        long_term: s("true"),
        ..minimal()
    };
    assert_eq!(
        errors_of(form),
        [
            (
                "business_license_mobile".to_owned(),
                FieldErrorCode::Conflict
            ),
            ("long_term".to_owned(), FieldErrorCode::Conflict)
        ]
    );
}

#[test]
fn a_licence_number_needs_a_validity() {
    let form = ApplicationForm {
        business_license_no: s("91350100M000100Y43"),
        ..minimal()
    };
    assert_eq!(
        errors_of(form),
        [("date_limitation".to_owned(), FieldErrorCode::Required)]
    );
    let form = ApplicationForm {
        business_license_no: s("91350100M000100Y43"),
        long_term: s("true"),
        ..minimal()
    };
    assert!(Application::parse(form, today()).is_ok());
}

#[test]
fn address_errors_are_nested_and_reported_with_the_rest() {
    let form = ApplicationForm {
        mcc_code: s("bad"),
        shop_address: Some(ShopAddressForm {
            city_code: s("320100"),
            ..complete().shop_address.unwrap()
        }),
        ..complete()
    };
    assert_eq!(
        fields(&errors_of(form)),
        [
            "mcc_code",
            "shop_address.city_code",
            "shop_address.district_code"
        ]
    );
}

#[test]
fn duplicate_and_bad_images_are_reported_after_the_text_fields() {
    let form = ApplicationForm {
        contact_email: s("nope"),
        images: vec![
            (ImageKind::ShopScenePic, png(6_000)),
            (ImageKind::ShopScenePic, png(6_000)),
            (ImageKind::SpecialLicensePic, b"%PDF-1.7".repeat(1_000)),
        ],
        ..complete()
    };
    assert_eq!(
        errors_of(form),
        [
            ("contact_email".to_owned(), FieldErrorCode::Format),
            ("shop_scene_pic".to_owned(), FieldErrorCode::Conflict),
            ("special_license_pic".to_owned(), FieldErrorCode::Format),
        ]
    );
}

#[test]
fn blank_optional_fields_count_as_not_given() {
    let form = ApplicationForm {
        contact_email: s(" "),
        rate: s(""),
        sign_and_auth: s(""),
        business_license_no: s(""),
        long_term: s(""),
        date_limitation: s(""),
        remark: s("  "),
        ..minimal()
    };
    let details = Application::parse(form, today()).unwrap().into_parts().0;
    assert_eq!(
        (
            details.contact_email(),
            details.remark(),
            details.business_licence()
        ),
        (None, None, None)
    );
}
