//! The merchant's contact person: name, mainland mobile and e-mail (Alipay's
//! `contact_info`, API.md §2.1). Mobiles are personal data: `Debug` and `masked()` hide them.

use std::fmt;

use super::text;
use crate::validation::{FieldError, FieldErrorCode};

/// The contact person's name: trimmed, 1–20 characters (Alipay: "max 20 characters").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactName(String);

impl ContactName {
    pub const FIELD: &'static str = "contact_name";
    pub const MAX_CHARS: usize = 20;

    /// # Errors
    /// `Required` when blank, `Length` above 20 characters, `Format` for control characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        text::name(Self::FIELD, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A mainland China mobile number: 11 digits, `1[3-9]` then nine digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    /// `field` is the wire name the number arrived under (`contact_mobile`,
    /// `business_license_mobile`), so the error names the right input.
    ///
    /// # Errors
    /// `Required` when blank, `Format` when not an 11-digit mainland mobile.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let value = text::required(field, raw)?;
        if is_mainland_mobile(value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                FieldErrorCode::Format,
                "must be an 11-digit mainland mobile number starting with 13-19",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: for lists, exports and logs.
    pub fn masked(&self) -> String {
        // Only ASCII digits get here, so byte slicing is on char boundaries.
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mobile").field(&self.masked()).finish()
    }
}

pub(crate) fn is_mainland_mobile(value: &str) -> bool {
    let bytes = value.as_bytes();
    text::is_digits(value, 11) && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1])
}

/// The contact e-mail: at most 64 characters, `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub const FIELD: &'static str = "contact_email";
    pub const MAX_CHARS: usize = 64;

    /// # Errors
    /// `Required` when blank, `Length` above 64 characters, `Format` when not an address.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = text::required(Self::FIELD, raw)?;
        text::char_len(Self::FIELD, value, 1, Self::MAX_CHARS)?;
        check_email_shape(value)
            .map_err(|reason| FieldError::new(Self::FIELD, FieldErrorCode::Format, reason))?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A deliberately plain check (ASCII, one `@`, dotted domain with an alphabetic TLD): enough
/// to catch typos before Alipay does (`INVALID_CONTACT_EMAIL`), without pretending to be
/// RFC 5322.
pub(crate) fn check_email_shape(value: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "must be an e-mail address like name@example.com";
    let Some((local, domain)) = value.split_once('@') else {
        return Err(SHAPE);
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._%+-!#$&'*/=?^`{|}~".contains(&b));
    if !local_ok {
        return Err(SHAPE);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    if labels.len() < 2 || !labels.iter().all(label_ok) || !tld_ok {
        return Err(SHAPE);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_twenty_character_chinese_name_is_accepted() {
        let name = "张".repeat(20);
        assert_eq!(ContactName::parse(&name).unwrap().as_str(), name);
    }

    #[test]
    fn a_twenty_one_character_name_is_rejected() {
        for name in ["张".repeat(21), "a".repeat(21)] {
            let error = ContactName::parse(&name).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code),
                ("contact_name", FieldErrorCode::Length)
            );
        }
    }

    #[test]
    fn a_contact_name_is_trimmed_and_must_not_be_blank_or_contain_control_characters() {
        assert_eq!(ContactName::parse("  张三  ").unwrap().as_str(), "张三");
        assert_eq!(
            ContactName::parse(" \t ").unwrap_err().code,
            FieldErrorCode::Required
        );
        assert_eq!(
            ContactName::parse("张\n三").unwrap_err().code,
            FieldErrorCode::Format
        );
    }

    #[test]
    fn mainland_mobiles_are_accepted_and_masked() {
        let mobile = Mobile::parse("contact_mobile", " 13812345678 ").unwrap();
        assert_eq!(mobile.as_str(), "13812345678");
        assert_eq!(mobile.masked(), "138****5678");
        assert_eq!(format!("{mobile:?}"), "Mobile(\"138****5678\")");
        assert!(Mobile::parse("contact_mobile", "19912345678").is_ok());
    }

    #[test]
    fn malformed_mobiles_are_rejected_under_the_given_field_name() {
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "+8613812345678",
            "138-1234-5678",
            "1381234567a",
        ] {
            let error = Mobile::parse("business_license_mobile", bad).unwrap_err();
            assert_eq!(error.field, "business_license_mobile", "{bad}");
            assert_eq!(error.code, FieldErrorCode::Format, "{bad}");
        }
        assert_eq!(
            Mobile::parse("contact_mobile", "").unwrap_err().code,
            FieldErrorCode::Required
        );
    }

    #[test]
    fn reasonable_e_mail_addresses_are_accepted() {
        for good in [
            "a@b.cn",
            "first.last+tag@mail.example.com",
            "x_y-z@sub-domain.example.org",
        ] {
            assert_eq!(Email::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn malformed_e_mail_addresses_are_rejected() {
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a@b.c",
            "a@b..com",
            ".a@b.com",
            "a..b@c.com",
            "a@-b.com",
            "a@b.c0m",
            "张@b.com",
            "a b@c.com",
            "a@b.com.",
        ] {
            let error = Email::parse(bad).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code),
                ("contact_email", FieldErrorCode::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_e_mail_of_64_characters_is_accepted_and_65_is_rejected() {
        let ok = format!("{}@example.com", "a".repeat(64 - 12));
        assert_eq!(ok.len(), 64);
        assert!(Email::parse(&ok).is_ok());
        let long = format!("{}@example.com", "a".repeat(65 - 12));
        assert_eq!(
            Email::parse(&long).unwrap_err().code,
            FieldErrorCode::Length
        );
    }

    proptest! {
        #[test]
        fn the_mobile_parser_never_panics(raw in any::<String>()) {
            let _ = Mobile::parse("contact_mobile", &raw);
        }

        #[test]
        fn a_digit_string_is_a_mobile_iff_it_has_11_digits_starting_13_to_19(raw in "[0-9]{9,13}") {
            let expected = raw.len() == 11 && raw.starts_with('1') && !raw[1..2].contains(['0', '1', '2']);
            prop_assert_eq!(Mobile::parse("contact_mobile", &raw).is_ok(), expected);
        }

        #[test]
        fn every_number_of_the_mainland_pattern_is_accepted(raw in "1[3-9][0-9]{9}") {
            let mobile = Mobile::parse("contact_mobile", &raw).unwrap();
            prop_assert_eq!(mobile.masked(), format!("{}****{}", &raw[..3], &raw[7..]));
        }
    }
}
