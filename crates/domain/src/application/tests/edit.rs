//! The round trip edits and re-applies rely on: details → form → overlay → parse, stored
//! details read back, images carried over.

use super::*;

#[test]
fn details_survive_a_round_trip_through_their_form() {
    for form in [
        minimal(),
        complete(),
        ApplicationForm {
            long_term: s("true"),
            date_limitation: None,
            ..complete()
        },
    ] {
        let details = Application::parse(form, today()).unwrap().into_parts().0;
        let again = details.to_form();
        assert!(again.images.is_empty());
        assert_eq!(ApplicationDetails::parse(&again, today()), Ok(details));
    }
}

#[test]
fn an_edit_overlays_changes_on_the_stored_details_and_checks_them_again() {
    let details = Application::parse(complete(), today())
        .unwrap()
        .into_parts()
        .0;
    let edited = details.to_form().overlay(ApplicationForm {
        shop_name: s("新名字"),
        remark: s(""),
        ..Default::default()
    });
    let edited = ApplicationDetails::parse(&edited, today()).unwrap();
    assert_eq!(edited.shop_name().map(ShopName::as_str), Some("新名字"));
    assert_eq!(edited.remark(), None);
    assert_eq!(edited.contact_name(), details.contact_name());

    let bad = details.to_form().overlay(ApplicationForm {
        rate: s("0.9"),
        ..Default::default()
    });
    let errors: ValidationErrors = ApplicationDetails::parse(&bad, today()).unwrap_err();
    assert_eq!(errors.fields().collect::<Vec<_>>(), ["rate"]);
}

#[test]
fn stored_details_with_a_licence_expired_since_are_restored() {
    let form = ApplicationForm {
        date_limitation: s("2026-01-01"),
        ..complete()
    };
    let errors = errors_of(form.clone());
    assert_eq!(
        errors,
        [("date_limitation".to_owned(), FieldErrorCode::Range)]
    );
    assert!(ApplicationDetails::restore(&form).is_ok());
}

#[test]
fn re_apply_keeps_original_images_that_were_not_uploaded_again() {
    let original = Application::parse(complete(), today()).unwrap();
    let form = ApplicationForm {
        images: vec![(ImageKind::ShopSignBoardPic, png(7_000))],
        ..complete()
    };
    let mut reapplied = Application::parse(form, today()).unwrap();

    reapplied.images_mut().merge_missing_from(original.images());

    let sizes: Vec<(ImageKind, usize)> = reapplied
        .images()
        .iter()
        .map(|i| (i.kind(), i.len()))
        .collect();
    assert_eq!(
        sizes,
        [
            (ImageKind::BusinessLicensePic, 9_000),
            (ImageKind::ShopSignBoardPic, 7_000)
        ]
    );
}
