//! Free-text fields of an application: the shop's and the merchant's names (single line,
//! 1–128 characters) and the operator's remark (up to 500 characters, may span lines).

use super::text;
use crate::validation::{FieldError, FieldErrorCode};

/// The store name sent to Alipay as `shop_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopName(String);

impl ShopName {
    pub const FIELD: &'static str = "shop_name";
    /// Alipay gives no maximum (API.md §8); 128 is ours.
    pub const MAX_CHARS: usize = 128;

    /// # Errors
    /// `Required` when blank, `Length` above 128 characters, `Format` for control characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        text::name(Self::FIELD, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The merchant's name as the platform lists it (ours; not sent to Alipay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantName(String);

impl MerchantName {
    pub const FIELD: &'static str = "merchant_name";
    pub const MAX_CHARS: usize = 128;

    /// # Errors
    /// `Required` when blank, `Length` above 128 characters, `Format` for control characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        text::name(Self::FIELD, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The operator's note on an application (ours; not sent to Alipay). Line breaks and tabs are
/// fine here; other control characters are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark(String);

impl Remark {
    pub const FIELD: &'static str = "remark";
    pub const MAX_CHARS: usize = 500;

    /// Trims the text; an empty remark is allowed.
    ///
    /// # Errors
    /// `Length` above 500 characters, `Format` for control characters other than line breaks
    /// and tabs.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        text::char_len(Self::FIELD, value, 0, Self::MAX_CHARS)?;
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                Self::FIELD,
                FieldErrorCode::Format,
                "must not contain control characters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_name_is_trimmed_and_accepted_up_to_128_characters() {
        assert_eq!(
            ShopName::parse("  西湖小馆  ").unwrap().as_str(),
            "西湖小馆"
        );
        assert!(ShopName::parse(&"店".repeat(128)).is_ok());
        let error = ShopName::parse(&"店".repeat(129)).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("shop_name", FieldErrorCode::Length)
        );
    }

    #[test]
    fn a_blank_or_multi_line_shop_name_is_rejected() {
        assert_eq!(
            ShopName::parse("   ").unwrap_err().code,
            FieldErrorCode::Required
        );
        assert_eq!(
            ShopName::parse("a\r\nb").unwrap_err().code,
            FieldErrorCode::Format
        );
    }

    #[test]
    fn a_merchant_name_follows_the_same_rules_under_its_own_field() {
        assert_eq!(
            MerchantName::parse("杭州某某餐饮有限公司")
                .unwrap()
                .as_str(),
            "杭州某某餐饮有限公司"
        );
        assert!(MerchantName::parse(&"a".repeat(128)).is_ok());
        let error = MerchantName::parse(&"a".repeat(129)).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("merchant_name", FieldErrorCode::Length)
        );
        assert_eq!(MerchantName::parse("").unwrap_err().field, "merchant_name");
    }

    #[test]
    fn a_remark_may_span_lines_and_hold_500_characters_but_not_501() {
        assert_eq!(
            Remark::parse(" line one\nline two ").unwrap().as_str(),
            "line one\nline two"
        );
        assert!(Remark::parse(&"备".repeat(500)).is_ok());
        let error = Remark::parse(&"备".repeat(501)).unwrap_err();
        assert_eq!(
            (error.field.as_str(), error.code),
            ("remark", FieldErrorCode::Length)
        );
    }

    #[test]
    fn a_remark_with_other_control_characters_is_rejected() {
        assert_eq!(
            Remark::parse("bell\u{7}").unwrap_err().code,
            FieldErrorCode::Format
        );
    }
}
