//! How long a business licence is valid (`long_term`, `date_limitation`, API.md §2.2):
//! long-term, or through a day that must not have passed yet.

use chrono::NaiveDate;

use super::{DATE_LIMITATION_FIELD, LONG_TERM_FIELD};
use crate::application::text;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

/// How long a licence is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenceValidity {
    LongTerm,
    /// Valid through this day (inclusive).
    Until(NaiveDate),
}

impl LicenceValidity {
    /// Reads the two wire fields; `Ok(None)` when neither says anything (`long_term` absent or
    /// `"false"`, no date). A date before `today` is refused: Alipay rejects expired licences.
    ///
    /// # Errors
    /// `Format` for a `long_term` other than `"true"`/`"false"` or a date not `YYYY-MM-DD`,
    /// `Conflict` when `long_term` is true and a date is given, `Range` for a past date.
    pub fn parse(
        long_term: Option<&String>,
        date_limitation: Option<&String>,
        today: NaiveDate,
    ) -> Result<Option<Self>, ValidationErrors> {
        Self::parse_at(long_term, date_limitation, Some(today))
    }

    /// As [`parse`](Self::parse); `today = None` skips the past-date check (stored data).
    pub(crate) fn parse_at(
        long_term: Option<&String>,
        date_limitation: Option<&String>,
        today: Option<NaiveDate>,
    ) -> Result<Option<Self>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let long_term = errors.check(text::boolean(LONG_TERM_FIELD, long_term));
        let date =
            text::given(date_limitation).and_then(|raw| errors.check(parse_date(raw, today)));
        let validity = match (long_term, date) {
            (Some(true), Some(_)) => {
                errors.push(FieldError::new(
                    DATE_LIMITATION_FIELD,
                    FieldErrorCode::Conflict,
                    "must not be given when long_term is true",
                ));
                None
            }
            (Some(true), None) => Some(Self::LongTerm),
            (_, Some(date)) => Some(Self::Until(date)),
            (_, None) => None,
        };
        errors.into_result(|| validity)
    }

    /// `long_term` on the wire.
    pub fn long_term(&self) -> bool {
        matches!(self, Self::LongTerm)
    }

    /// `date_limitation` on the wire, `YYYY-MM-DD`; `None` for a long-term licence.
    pub fn date_limitation(&self) -> Option<String> {
        match self {
            Self::LongTerm => None,
            Self::Until(date) => Some(date.format("%Y-%m-%d").to_string()),
        }
    }
}

fn parse_date(raw: &str, today: Option<NaiveDate>) -> Result<NaiveDate, FieldError> {
    let format = || {
        FieldError::new(
            DATE_LIMITATION_FIELD,
            FieldErrorCode::Format,
            "must be a date as YYYY-MM-DD",
        )
    };
    let b = raw.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format());
    }
    // chrono alone would also take `2030-1-5`; the shape check above keeps the wire form exact.
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| format())?;
    if today.is_some_and(|today| date < today) {
        return Err(FieldError::new(
            DATE_LIMITATION_FIELD,
            FieldErrorCode::Range,
            "must not be in the past",
        ));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn s(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    fn validity(
        long_term: Option<String>,
        date: Option<String>,
    ) -> Result<Option<LicenceValidity>, ValidationErrors> {
        LicenceValidity::parse(long_term.as_ref(), date.as_ref(), today())
    }

    fn codes(errors: &ValidationErrors) -> Vec<(&str, FieldErrorCode)> {
        errors
            .errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect()
    }

    #[test]
    fn long_term_true_alone_is_a_long_term_validity() {
        let v = validity(s("true"), None).unwrap().unwrap();
        assert_eq!(
            (v, v.long_term(), v.date_limitation()),
            (LicenceValidity::LongTerm, true, None)
        );
    }

    #[test]
    fn a_date_alone_or_with_long_term_false_is_valid_until_that_day() {
        for long_term in [None, s("false"), s("")] {
            let v = validity(long_term, s("2030-01-31")).unwrap().unwrap();
            assert_eq!(
                v,
                LicenceValidity::Until(NaiveDate::from_ymd_opt(2030, 1, 31).unwrap())
            );
            assert_eq!(
                (v.long_term(), v.date_limitation()),
                (false, s("2030-01-31"))
            );
        }
    }

    #[test]
    fn nothing_or_long_term_false_means_no_validity() {
        assert_eq!(validity(None, None), Ok(None));
        assert_eq!(validity(s("false"), s("  ")), Ok(None));
    }

    #[test]
    fn long_term_and_a_date_together_are_a_conflict() {
        let errors = validity(s("true"), s("2030-01-31")).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("date_limitation", FieldErrorCode::Conflict)]
        );
    }

    #[test]
    fn today_is_still_valid_but_yesterday_is_out_of_range() {
        assert!(validity(None, s("2026-11-26")).is_ok());
        let errors = validity(None, s("2026-11-25")).unwrap_err();
        assert_eq!(codes(&errors), [("date_limitation", FieldErrorCode::Range)]);
    }

    #[test]
    fn malformed_dates_and_booleans_are_format_errors() {
        for bad in [
            "2030-1-31",
            "2030/01/31",
            "20300131",
            "2030-02-30",
            "2030-13-01",
            "31-01-2030",
        ] {
            let errors = validity(None, s(bad)).unwrap_err();
            assert_eq!(
                codes(&errors),
                [("date_limitation", FieldErrorCode::Format)],
                "{bad}"
            );
        }
        let errors = validity(s("yes"), s("bad")).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("long_term", FieldErrorCode::Format),
                ("date_limitation", FieldErrorCode::Format)
            ]
        );
    }
}
