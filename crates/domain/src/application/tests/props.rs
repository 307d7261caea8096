//! Properties of the whole parser: no input makes it panic, whatever it accepts survives the
//! round trip an edit makes, and whatever it rejects comes with at least one named field.

use proptest::option;
use proptest::prelude::*;

use super::*;

/// Mostly the first (valid) sample, sometimes another (near misses), rarely anything at
/// all; absent half the time.
fn field(samples: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    option::weighted(0.5, value(samples))
}

/// As [`field`], but present nearly always (the form's required fields).
fn required(samples: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    option::weighted(0.95, value(samples))
}

fn value(samples: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        24 => Just(samples[0].to_owned()),
        4 => proptest::sample::select(samples).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

prop_compose! {
    fn forms()(
        account in required(&["shop@example.com", "13812345678", "2088123412341234", "nobody"]),
        contact_name in required(&["张三", "", "李四李四李四李四李四李四李四李四李四李四李"]),
        contact_mobile in required(&["13812345678", "1381234567"]),
        contact_email in field(&["a@b.cn", "a@b", ""]),
        mcc_code in required(&["A0001_B0199", "A_A03_4582", "A0001B0199"]),
        rate in field(&["0.38", "0.6", "0.61", "0.375"]),
        sign_and_auth in field(&["true", "false", "yes"]),
        business_license_no in field(&["91350100M000100Y43", "110108000000016", "91350100M000100Y44"]),
        business_license_mobile in field(&["13912345678", "139"]),
        long_term in field(&["true", "false"]),
        date_limitation in field(&["2030-12-31", "2020-01-01", "2030-02-30"]),
        shop_name in field(&["西湖小馆", " "]),
        remark in field(&["note", "line\nbreak"]),
        address in option::of((
            field(&["330000", "330100"]),
            field(&["330100", "320100"]),
            field(&["330106", "330206"]),
            field(&["文三路 90 号"]),
            field(&["120.153576", "181"]),
            field(&["30.287459", "-90.1"]),
        )),
    ) -> ApplicationForm {
        let shop_address = address.map(|(province, city, district, detail, lon, lat)| ShopAddressForm {
            country_code: None,
            province_code: province,
            city_code: city,
            district_code: district,
            detail_address: detail,
            longitude: lon,
            latitude: lat,
        });
        ApplicationForm {
            account, contact_name, contact_mobile, contact_email, merchant_name: None, mcc_code,
            rate, sign_and_auth, business_license_no, business_license_mobile, long_term,
            date_limitation, shop_name, shop_address, remark, images: Vec::new(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn accepted_forms_round_trip_and_rejected_forms_name_their_fields(form in forms()) {
        let parsed = ApplicationDetails::parse(&form, today());
        match parsed {
            Ok(details) => {
                prop_assert_eq!(ApplicationDetails::parse(&details.to_form(), today()), Ok(details));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.fields().all(|field| !field.is_empty()));
            }
        }
    }
}
