//! The business licence as a whole: its number, the holder's mobile and how long it is valid
//! (`business_license_no`, `business_license_mobile`, `long_term`, `date_limitation`,
//! API.md §2.2). The mobile and the validity only mean something next to a number, so they
//! live inside [`BusinessLicence`] and cannot exist without one.

use chrono::NaiveDate;

mod number;
mod validity;

pub use number::{BusinessLicenceNo, LicenceNoKind};
pub use validity::LicenceValidity;

use super::contact::Mobile;
use super::text;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

pub const LONG_TERM_FIELD: &str = "long_term";
pub const DATE_LIMITATION_FIELD: &str = "date_limitation";
pub const LICENCE_MOBILE_FIELD: &str = "business_license_mobile";

/// A licence number with its optional holder mobile and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessLicence {
    no: BusinessLicenceNo,
    mobile: Option<Mobile>,
    validity: LicenceValidity,
}

impl BusinessLicence {
    pub fn new(no: BusinessLicenceNo, mobile: Option<Mobile>, validity: LicenceValidity) -> Self {
        Self {
            no,
            mobile,
            validity,
        }
    }

    /// Parses the four licence fields together. Every problem is reported: a mobile or a
    /// validity without a number is a `Conflict` on that field; a number without a validity
    /// is `Required` on `date_limitation`. `today = None` skips the past-date check.
    pub(crate) fn parse_fields(
        fields: LicenceFields<'_>,
        today: Option<NaiveDate>,
    ) -> Result<Option<Self>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let no = text::given(fields.no).map(|raw| errors.check(BusinessLicenceNo::parse(raw)));
        let validity =
            match LicenceValidity::parse_at(fields.long_term, fields.date_limitation, today) {
                Ok(validity) => Some(validity),
                Err(more) => {
                    errors.extend(more);
                    None
                }
            };
        let Some(no) = no else {
            let conflict = |field| {
                FieldError::new(
                    field,
                    FieldErrorCode::Conflict,
                    "only applies together with business_license_no",
                )
            };
            if text::given(fields.mobile).is_some() {
                errors.push(conflict(LICENCE_MOBILE_FIELD));
            }
            match validity {
                Some(Some(LicenceValidity::LongTerm)) => errors.push(conflict(LONG_TERM_FIELD)),
                Some(Some(LicenceValidity::Until(_))) => {
                    errors.push(conflict(DATE_LIMITATION_FIELD))
                }
                Some(None) | None => {}
            }
            return errors.into_result(|| None);
        };
        let mobile = text::given(fields.mobile)
            .and_then(|raw| errors.check(Mobile::parse(LICENCE_MOBILE_FIELD, raw)));
        if validity == Some(None) {
            errors.push(FieldError::new(
                DATE_LIMITATION_FIELD,
                FieldErrorCode::Required,
                "is required with business_license_no unless long_term is true",
            ));
        }
        match (no, validity.flatten()) {
            (Some(no), Some(validity)) if errors.is_empty() => {
                Ok(Some(Self::new(no, mobile, validity)))
            }
            _ => Err(errors),
        }
    }

    pub fn no(&self) -> &BusinessLicenceNo {
        &self.no
    }

    /// The licence holder's mobile, when the licence is not the account holder's own.
    pub fn mobile(&self) -> Option<&Mobile> {
        self.mobile.as_ref()
    }

    pub fn validity(&self) -> LicenceValidity {
        self.validity
    }
}

/// The raw licence inputs of a form, as given.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LicenceFields<'a> {
    pub no: Option<&'a String>,
    pub mobile: Option<&'a String>,
    pub long_term: Option<&'a String>,
    pub date_limitation: Option<&'a String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "91350100M000100Y43";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn s(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    fn licence(
        no: Option<String>,
        mobile: Option<String>,
        long_term: Option<String>,
        date: Option<String>,
    ) -> Result<Option<BusinessLicence>, ValidationErrors> {
        let fields = LicenceFields {
            no: no.as_ref(),
            mobile: mobile.as_ref(),
            long_term: long_term.as_ref(),
            date_limitation: date.as_ref(),
        };
        BusinessLicence::parse_fields(fields, Some(today()))
    }

    fn codes(errors: &ValidationErrors) -> Vec<(&str, FieldErrorCode)> {
        errors
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect()
    }

    #[test]
    fn a_licence_with_number_mobile_and_validity_is_accepted() {
        let licence = licence(s(CODE), s("13912345678"), s("true"), None)
            .unwrap()
            .unwrap();
        assert_eq!(licence.no().as_str(), CODE);
        assert_eq!(licence.mobile().map(Mobile::as_str), Some("13912345678"));
        assert_eq!(licence.validity(), LicenceValidity::LongTerm);
    }

    #[test]
    fn no_licence_fields_at_all_is_no_licence() {
        assert_eq!(licence(None, None, None, None), Ok(None));
        assert_eq!(licence(s(""), s(" "), s("false"), None), Ok(None));
    }

    #[test]
    fn a_mobile_or_validity_without_a_number_is_a_conflict() {
        let errors = licence(None, s("13912345678"), s("true"), None).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("business_license_mobile", FieldErrorCode::Conflict),
                ("long_term", FieldErrorCode::Conflict)
            ]
        );
        let errors = licence(None, None, None, s("2030-01-31")).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("date_limitation", FieldErrorCode::Conflict)]
        );
    }

    #[test]
    fn a_number_without_a_validity_requires_a_date() {
        let errors = licence(s(CODE), None, s("false"), None).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("date_limitation", FieldErrorCode::Required)]
        );
    }

    #[test]
    fn every_bad_licence_field_is_reported_together() {
        let errors = licence(s("123"), s("12345"), s("maybe"), None).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("business_license_no", FieldErrorCode::Format),
                ("long_term", FieldErrorCode::Format),
                ("business_license_mobile", FieldErrorCode::Format),
            ]
        );
    }

    #[test]
    fn stored_licences_are_not_rejected_for_having_expired_since() {
        let (no, date) = (s(CODE), s("2020-01-01"));
        let fields = LicenceFields {
            no: no.as_ref(),
            date_limitation: date.as_ref(),
            ..LicenceFields::default()
        };
        assert!(
            BusinessLicence::parse_fields(fields, None)
                .unwrap()
                .is_some()
        );
    }
}
