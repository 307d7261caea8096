//! Shop address tests: nesting of region codes, required keys, coordinate limits, JSON input.

use super::*;

fn hangzhou() -> ShopAddressForm {
    ShopAddressForm {
        country_code: None,
        province_code: Some("330000".into()),
        city_code: Some("330100".into()),
        district_code: Some("330106".into()),
        detail_address: Some(" 文三路 90 号 ".into()),
        longitude: Some("120.153576".into()),
        latitude: Some("30.287459".into()),
    }
}

fn codes(form: &ShopAddressForm) -> Vec<(String, FieldErrorCode)> {
    ShopAddress::parse(form)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

fn one(field: &str, code: FieldErrorCode) -> Vec<(String, FieldErrorCode)> {
    vec![(format!("shop_address.{field}"), code)]
}

#[test]
fn a_nested_address_is_accepted_with_china_as_the_default_country() {
    let address = ShopAddress::parse(&hangzhou()).unwrap();
    assert_eq!(address.country_code(), "156");
    assert_eq!(
        (
            address.province_code(),
            address.city_code(),
            address.district_code()
        ),
        ("330000", "330100", "330106")
    );
    assert_eq!(address.detail_address(), "文三路 90 号");
    assert_eq!(
        (address.longitude(), address.latitude()),
        (Some("120.153576"), Some("30.287459"))
    );
}

#[test]
fn an_address_survives_a_round_trip_through_its_form() {
    let address = ShopAddress::parse(&hangzhou()).unwrap();
    assert_eq!(ShopAddress::parse(&address.to_form()).unwrap(), address);
    assert_eq!(address.to_form().country_code.as_deref(), Some("156"));
}

#[test]
fn coordinates_are_optional_as_a_pair() {
    let form = ShopAddressForm {
        longitude: None,
        latitude: None,
        ..hangzhou()
    };
    assert_eq!(ShopAddress::parse(&form).unwrap().longitude(), None);
    let form = ShopAddressForm {
        latitude: None,
        ..hangzhou()
    };
    assert_eq!(codes(&form), one("latitude", FieldErrorCode::Required));
}

#[test]
fn a_city_outside_its_province_or_a_district_outside_its_city_is_a_conflict() {
    let form = ShopAddressForm {
        city_code: Some("320100".into()),
        ..hangzhou()
    };
    assert_eq!(
        codes(&form),
        [
            ("shop_address.city_code".into(), FieldErrorCode::Conflict),
            (
                "shop_address.district_code".into(),
                FieldErrorCode::Conflict
            )
        ]
    );
    let form = ShopAddressForm {
        district_code: Some("330206".into()),
        ..hangzhou()
    };
    assert_eq!(codes(&form), one("district_code", FieldErrorCode::Conflict));
}

#[test]
fn region_codes_must_be_six_digits_and_a_province_must_end_in_0000() {
    for bad in ["33000", "3300000", "33A000", "３３0000"] {
        let form = ShopAddressForm {
            district_code: Some(bad.into()),
            ..hangzhou()
        };
        assert_eq!(
            codes(&form),
            one("district_code", FieldErrorCode::Format),
            "{bad}"
        );
    }
    let form = ShopAddressForm {
        province_code: Some("330100".into()),
        ..hangzhou()
    };
    assert_eq!(codes(&form), one("province_code", FieldErrorCode::Format));
    let form = ShopAddressForm {
        country_code: Some("CN".into()),
        ..hangzhou()
    };
    assert_eq!(codes(&form), one("country_code", FieldErrorCode::Format));
}

#[test]
fn an_empty_address_reports_every_required_key() {
    let fields: Vec<String> = codes(&ShopAddressForm::default())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "shop_address.province_code",
            "shop_address.city_code",
            "shop_address.district_code",
            "shop_address.detail_address"
        ]
    );
}

#[test]
fn the_street_address_holds_256_characters_but_not_257() {
    let form = ShopAddressForm {
        detail_address: Some("路".repeat(256)),
        ..hangzhou()
    };
    assert!(ShopAddress::parse(&form).is_ok());
    let form = ShopAddressForm {
        detail_address: Some("路".repeat(257)),
        ..hangzhou()
    };
    assert_eq!(codes(&form), one("detail_address", FieldErrorCode::Length));
}

#[test]
fn coordinates_at_the_limits_are_accepted() {
    for (lon, lat) in [("180", "90"), ("-180.000000", "-90.0"), ("0", "0.000001")] {
        let form = ShopAddressForm {
            longitude: Some(lon.into()),
            latitude: Some(lat.into()),
            ..hangzhou()
        };
        assert!(ShopAddress::parse(&form).is_ok(), "{lon},{lat}");
    }
}

#[test]
fn coordinates_beyond_the_limits_are_out_of_range() {
    let form = ShopAddressForm {
        longitude: Some("180.000001".into()),
        latitude: Some("-90.5".into()),
        ..hangzhou()
    };
    assert_eq!(
        codes(&form),
        [
            ("shop_address.longitude".into(), FieldErrorCode::Range),
            ("shop_address.latitude".into(), FieldErrorCode::Range)
        ]
    );
}

#[test]
fn malformed_coordinates_are_format_errors() {
    for bad in [
        "120.1234567",
        "+120.1",
        "1e2",
        "120.",
        ".5",
        "1200",
        "120,1",
        "east",
    ] {
        let form = ShopAddressForm {
            longitude: Some(bad.into()),
            ..hangzhou()
        };
        assert_eq!(
            codes(&form),
            one("longitude", FieldErrorCode::Format),
            "{bad}"
        );
    }
}

#[test]
fn codes_and_coordinates_may_arrive_as_json_numbers() {
    use serde::de::value::{
        Error, F64Deserializer, StrDeserializer, U64Deserializer, UnitDeserializer,
    };
    assert_eq!(
        lenient::string(U64Deserializer::<Error>::new(330000)),
        Ok(Some("330000".into()))
    );
    assert_eq!(
        lenient::string(F64Deserializer::<Error>::new(120.153576)),
        Ok(Some("120.153576".into()))
    );
    assert_eq!(
        lenient::string(StrDeserializer::<Error>::new("330100")),
        Ok(Some("330100".into()))
    );
    assert_eq!(lenient::string(UnitDeserializer::<Error>::new()), Ok(None));
}
