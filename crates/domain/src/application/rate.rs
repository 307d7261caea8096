//! The service fee rate (`rate`, API.md §6.3): a percent string from 0.38 to 0.60 inclusive,
//! sent with exactly two decimals.

use std::fmt;

use super::text;
use crate::validation::{FieldError, FieldErrorCode};

/// A fee rate in percent, held as hundredths of a percent (38..=60) so comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u8);

impl Rate {
    pub const FIELD: &'static str = "rate";
    /// 0.38 %, in hundredths of a percent.
    pub const MIN_HUNDREDTHS: u8 = 38;
    /// 0.60 %, in hundredths of a percent.
    pub const MAX_HUNDREDTHS: u8 = 60;

    /// Accepts `0.38` … `0.60` with at most two decimals; `"0.6"` becomes `0.60`. A `%` sign,
    /// a sign, an exponent, a leading dot or a third decimal is a format error, even when the
    /// value would be in range: Alipay documents exactly this shape and nothing else.
    ///
    /// # Errors
    /// `Required` when blank, `Format` for any other shape, `Range` outside 0.38–0.60.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = text::required(Self::FIELD, raw)?;
        let (int, frac) = value.split_once('.').unwrap_or((value, ""));
        let well_formed = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
            && frac.len() <= 2
            && !(value.ends_with('.'));
        if !well_formed {
            return Err(FieldError::new(
                Self::FIELD,
                FieldErrorCode::Format,
                "must be a percentage with at most two decimals, like 0.38 (no % sign)",
            ));
        }
        // Any non-zero integer part is out of range; skipping the arithmetic keeps huge inputs
        // from overflowing.
        let whole_is_zero = int.bytes().all(|b| b == b'0');
        let frac_hundredths = frac
            .bytes()
            .map(|b| b - b'0')
            .chain([0, 0])
            .take(2)
            .fold(0u8, |acc, d| acc * 10 + d);
        if !whole_is_zero
            || !(Self::MIN_HUNDREDTHS..=Self::MAX_HUNDREDTHS).contains(&frac_hundredths)
        {
            return Err(FieldError::new(
                Self::FIELD,
                FieldErrorCode::Range,
                "must be between 0.38 and 0.60",
            ));
        }
        Ok(Self(frac_hundredths))
    }

    /// The rate in hundredths of a percent: 38 for 0.38 %.
    pub fn hundredths(self) -> u8 {
        self.0
    }

    /// The wire form, always two decimals: `0.38`, `0.60`.
    pub fn as_str(&self) -> &'static str {
        // `parse` only builds values inside the table's range.
        WIRE[usize::from(self.0 - Self::MIN_HUNDREDTHS)]
    }
}

const WIRE: [&str; 23] = [
    "0.38", "0.39", "0.40", "0.41", "0.42", "0.43", "0.44", "0.45", "0.46", "0.47", "0.48", "0.49",
    "0.50", "0.51", "0.52", "0.53", "0.54", "0.55", "0.56", "0.57", "0.58", "0.59", "0.60",
];

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn code_of(raw: &str) -> FieldErrorCode {
        let error = Rate::parse(raw).unwrap_err();
        assert_eq!(error.field, "rate");
        error.code
    }

    #[test]
    fn the_ends_of_the_range_are_accepted() {
        assert_eq!(Rate::parse("0.38").unwrap().to_string(), "0.38");
        assert_eq!(Rate::parse("0.60").unwrap().to_string(), "0.60");
    }

    #[test]
    fn just_outside_the_range_is_rejected_as_range() {
        assert_eq!(code_of("0.37"), FieldErrorCode::Range);
        assert_eq!(code_of("0.61"), FieldErrorCode::Range);
        assert_eq!(code_of("1.00"), FieldErrorCode::Range);
        assert_eq!(code_of("0"), FieldErrorCode::Range);
        assert_eq!(code_of("99999999999999999999999.5"), FieldErrorCode::Range);
    }

    #[test]
    fn one_decimal_is_normalised_to_two() {
        let rate = Rate::parse(" 0.6 ").unwrap();
        assert_eq!((rate.as_str(), rate.hundredths()), ("0.60", 60));
        assert_eq!(Rate::parse("0.5").unwrap().to_string(), "0.50");
        assert_eq!(Rate::parse("00.45").unwrap().to_string(), "0.45");
    }

    #[test]
    fn signs_percent_exponents_and_extra_decimals_are_format_errors() {
        for bad in [
            "0.38%", "+0.38", "-0.38", "3.8e-1", "0.380", ".38", "0.", "0,38", "0.3 8", "abc",
            "０.38",
        ] {
            assert_eq!(code_of(bad), FieldErrorCode::Format, "{bad}");
        }
        assert_eq!(code_of(" "), FieldErrorCode::Required);
    }

    proptest! {
        #[test]
        fn the_rate_parser_never_panics(raw in any::<String>()) {
            let _ = Rate::parse(&raw);
        }

        #[test]
        fn the_wire_form_is_the_value_with_two_decimals(hundredths in 38u8..=60) {
            let rate = Rate::parse(&format!("0.{hundredths}")).unwrap();
            prop_assert_eq!(rate.as_str(), format!("0.{hundredths:02}"));
        }

        #[test]
        fn a_two_decimal_rate_is_valid_iff_it_lies_in_the_range(whole in 0u32..3, hundredths in 0u32..100) {
            let raw = format!("{whole}.{hundredths:02}");
            let value = whole * 100 + hundredths;
            let parsed = Rate::parse(&raw);
            prop_assert_eq!(parsed.is_ok(), (38..=60).contains(&value));
            if let Ok(rate) = parsed {
                prop_assert_eq!(rate.to_string(), raw);
            }
        }

        #[test]
        fn a_rate_with_three_decimals_is_never_valid(thousandths in 0u32..1000) {
            let raw = format!("0.{thousandths:03}");
            prop_assert!(Rate::parse(&raw).is_err(), "{} was accepted", raw);
        }
    }
}
