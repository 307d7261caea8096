//! The business licence number (`business_license_no`, API.md §2.2): an 18-character unified
//! social credit code whose check character is verified (GB 32100-2015), or a legacy 15-digit
//! registration number from before 2015.

use std::fmt;

use crate::application::text;
use crate::validation::{FieldError, FieldErrorCode};

/// The 31 characters of a unified social credit code, in value order (no I, O, S, V, Z).
const USCC_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weight of position i is 3^i mod 31 (GB 32100-2015 §5).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Which numbering scheme a licence number uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenceNoKind {
    /// 18-character unified social credit code (统一社会信用代码).
    UnifiedSocialCreditCode,
    /// 15-digit registration number (注册号) of licences issued before the 2015 reform. Only
    /// its shape is checked, not its check digit: these numbers are being phased out and a
    /// false rejection here would block a real merchant, while Alipay checks them anyway.
    LegacyRegistrationNo,
}

#[derive(Clone, PartialEq, Eq)]
pub struct BusinessLicenceNo {
    value: String,
    kind: LicenceNoKind,
}

impl BusinessLicenceNo {
    pub const FIELD: &'static str = "business_license_no";
    pub const MAX_CHARS: usize = 32;

    /// Trims and upper-cases the input (credit codes are often typed in lower case).
    ///
    /// # Errors
    /// `Required` when blank, `Length` above 32 characters, `Format` when neither scheme fits
    /// or the credit code's check character is wrong.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = text::required(Self::FIELD, raw)?.to_ascii_uppercase();
        text::char_len(Self::FIELD, &value, 1, Self::MAX_CHARS)?;
        let format = |reason: &str| FieldError::new(Self::FIELD, FieldErrorCode::Format, reason);
        let kind = if value.len() == 18 && value.is_ascii() {
            let digits: Option<Vec<u32>> = value.bytes().map(uscc_value).collect();
            let digits = digits.ok_or_else(|| {
                format("contains a character not used in unified social credit codes")
            })?;
            if uscc_check_value(&digits[..17]) != digits[17] {
                return Err(format(
                    "check character does not match: not a valid unified social credit code",
                ));
            }
            LicenceNoKind::UnifiedSocialCreditCode
        } else if text::is_digits(&value, 15) {
            LicenceNoKind::LegacyRegistrationNo
        } else {
            return Err(format(
                "must be an 18-character unified social credit code or a 15-digit registration number",
            ));
        };
        Ok(Self { value, kind })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn kind(&self) -> LicenceNoKind {
        self.kind
    }

    /// First four and last four characters, the rest starred: `9135**********0Y43`.
    pub fn masked(&self) -> String {
        // ASCII only, at least 15 characters: slicing is safe and the ends never overlap.
        let n = self.value.len();
        format!(
            "{}{}{}",
            &self.value[..4],
            "*".repeat(n - 8),
            &self.value[n - 4..]
        )
    }
}

impl fmt::Debug for BusinessLicenceNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessLicenceNo")
            .field("value", &self.masked())
            .field("kind", &self.kind)
            .finish()
    }
}

fn uscc_value(c: u8) -> Option<u32> {
    USCC_CHARSET
        .iter()
        .position(|&x| x == c)
        .and_then(|i| u32::try_from(i).ok())
}

/// The value of the check character for the first 17 characters' values.
fn uscc_check_value(body: &[u32]) -> u32 {
    let sum: u32 = body.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completes a 17-character body with the check character the standard's algorithm gives.
    fn with_check_char(body: &str) -> String {
        let values: Vec<u32> = body.bytes().map(|c| uscc_value(c).unwrap()).collect();
        let check = USCC_CHARSET[uscc_check_value(&values) as usize] as char;
        format!("{body}{check}")
    }

    #[test]
    fn the_example_code_of_gb_32100_and_a_published_company_code_are_accepted() {
        for code in ["91350100M000100Y43", "9144030071526726XG"] {
            let licence = BusinessLicenceNo::parse(code).unwrap();
            assert_eq!(
                (licence.as_str(), licence.kind()),
                (code, LicenceNoKind::UnifiedSocialCreditCode)
            );
        }
    }

    #[test]
    fn codes_built_with_the_check_algorithm_are_accepted_in_any_case() {
        for body in [
            "91330106MA2H0000A",
            "12100000400000000",
            "92440300L12345678",
            "Y1110000X00000000",
        ] {
            let code = with_check_char(body);
            assert!(BusinessLicenceNo::parse(&code).is_ok(), "{code}");
            assert_eq!(
                BusinessLicenceNo::parse(&code.to_lowercase())
                    .unwrap()
                    .as_str(),
                code
            );
        }
    }

    #[test]
    fn a_wrong_check_character_is_rejected() {
        let code = with_check_char("91330106MA2H0000A");
        let last = code.as_bytes()[17];
        let wrong = USCC_CHARSET.iter().find(|&&c| c != last).copied().unwrap() as char;
        let error = BusinessLicenceNo::parse(&format!("{}{wrong}", &code[..17])).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("business_license_no", FieldErrorCode::Format)
        );
        assert!(error.reason.contains("check character"));
    }

    #[test]
    fn letters_outside_the_credit_code_charset_are_rejected() {
        for letter in ['I', 'O', 'Z', 'S', 'V'] {
            let code = format!("91350100M000100{letter}43");
            assert_eq!(
                BusinessLicenceNo::parse(&code).unwrap_err().code,
                FieldErrorCode::Format,
                "{code}"
            );
        }
    }

    #[test]
    fn a_legacy_15_digit_registration_number_is_accepted() {
        let licence = BusinessLicenceNo::parse("110108000000016").unwrap();
        assert_eq!(licence.kind(), LicenceNoKind::LegacyRegistrationNo);
    }

    #[test]
    fn other_lengths_and_shapes_are_rejected() {
        for bad in [
            "11010800000001",
            "1101080000000160",
            "11010800000001X",
            "91350100M000100Y4",
            "91350100M000100Y433",
        ] {
            assert_eq!(
                BusinessLicenceNo::parse(bad).unwrap_err().code,
                FieldErrorCode::Format,
                "{bad}"
            );
        }
        assert_eq!(
            BusinessLicenceNo::parse(&"1".repeat(33)).unwrap_err().code,
            FieldErrorCode::Length
        );
        assert_eq!(
            BusinessLicenceNo::parse("").unwrap_err().code,
            FieldErrorCode::Required
        );
    }

    #[test]
    fn masking_keeps_the_first_and_last_four_characters() {
        let licence = BusinessLicenceNo::parse("91350100M000100Y43").unwrap();
        assert_eq!(licence.masked(), "9135**********0Y43");
        assert_eq!(
            BusinessLicenceNo::parse("110108000000016")
                .unwrap()
                .masked(),
            "1101*******0016"
        );
        assert!(!format!("{licence:?}").contains("91350100M000100Y43"));
    }
}
