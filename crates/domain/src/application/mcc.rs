//! The business category (`mcc_code`, API.md §2.2 and §6.4): Alipay's 商家经营类目 2.0 code
//! `A0001_B0199` (preferred) or the legacy 1.0 form `A_A03_4582`.

use super::text;
use crate::validation::{FieldError, FieldErrorCode};

/// Which catalogue a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MccStyle {
    /// `<letter><4 digits>_<letter><4 digits>`, e.g. `A0001_B0199`.
    V2,
    /// `<letter>_<letter><2 digits>_<4-digit ISO MCC>`, e.g. `A_A03_4582`. Whether Alipay still
    /// accepts these is unconfirmed (API.md §8); they are allowed so old data stays valid.
    V1,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MccCode {
    value: String,
    style: MccStyle,
}

impl MccCode {
    pub const FIELD: &'static str = "mcc_code";
    pub const MAX_CHARS: usize = 16;

    /// # Errors
    /// `Required` when blank, `Length` above 16 characters, `Format` for any other shape.
    /// Letters must be upper case, as Alipay's catalogue writes them.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = text::required(Self::FIELD, raw)?;
        text::char_len(Self::FIELD, value, 1, Self::MAX_CHARS)?;
        let style = style_of(value.as_bytes()).ok_or_else(|| {
            FieldError::new(
                Self::FIELD,
                FieldErrorCode::Format,
                "must be a category code like A0001_B0199 (or the older A_A03_4582)",
            )
        })?;
        Ok(Self {
            value: value.to_owned(),
            style,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn style(&self) -> MccStyle {
        self.style
    }
}

fn style_of(code: &[u8]) -> Option<MccStyle> {
    let letter = |i: usize| code[i].is_ascii_uppercase();
    let digits = |range: std::ops::Range<usize>| code[range].iter().all(u8::is_ascii_digit);
    match code.len() {
        11 if letter(0) && digits(1..5) && code[5] == b'_' && letter(6) && digits(7..11) => {
            Some(MccStyle::V2)
        }
        10 if letter(0)
            && code[1] == b'_'
            && letter(2)
            && digits(3..5)
            && code[5] == b'_'
            && digits(6..10) =>
        {
            Some(MccStyle::V1)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_2_0_code_is_accepted_as_v2() {
        for good in ["A0001_B0199", "A0001_B0001", " Z9999_Z9999 "] {
            assert_eq!(
                MccCode::parse(good).unwrap().style(),
                MccStyle::V2,
                "{good}"
            );
        }
        assert_eq!(
            MccCode::parse(" A0001_B0199 ").unwrap().as_str(),
            "A0001_B0199"
        );
    }

    #[test]
    fn a_legacy_1_0_code_is_accepted_as_v1() {
        for good in ["A_A03_4582", "C_C07_5732"] {
            let code = MccCode::parse(good).unwrap();
            assert_eq!((code.as_str(), code.style()), (good, MccStyle::V1));
        }
    }

    #[test]
    fn near_misses_are_rejected_as_format_errors() {
        for bad in [
            "a0001_b0199",
            "A001_B0199",
            "A0001B0199",
            "A0001-B0199",
            "A0001_B019",
            "A0001_B01999",
            "A_A3_4582",
            "A_A03_458",
            "A-A03-4582",
            "1_A03_4582",
            "A0001_B01９9",
            "支付宝支付宝",
        ] {
            let error = MccCode::parse(bad).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code),
                ("mcc_code", FieldErrorCode::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_missing_or_over_long_code_is_rejected() {
        assert_eq!(
            MccCode::parse("").unwrap_err().code,
            FieldErrorCode::Required
        );
        assert_eq!(
            MccCode::parse("A0001_B0199_C0001").unwrap_err().code,
            FieldErrorCode::Length
        );
    }
}
