//! The merchant's Alipay account (`account` of `alipay.open.agent.create`, API.md §2.1): the
//! login the merchant confirms with — an e-mail or a mainland mobile — or its `2088…` PID.

use std::fmt;

use super::contact::{check_email_shape, is_mainland_mobile};
use super::text;
use crate::validation::{FieldError, FieldErrorCode};

/// Which of the three accepted shapes an account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    Email,
    Mobile,
    /// Alipay partner id: `2088` followed by 12 digits.
    Pid,
}

/// A validated merchant account. The kind is derived from the shape, never declared.
#[derive(Clone, PartialEq, Eq)]
pub struct MerchantAccount {
    value: String,
    kind: AccountKind,
}

impl MerchantAccount {
    pub const FIELD: &'static str = "account";
    /// Alipay documents no maximum; 100 bounds what we store and send.
    pub const MAX_CHARS: usize = 100;

    /// # Errors
    /// `Required` when blank, `Length` above 100 characters, `Format` when the value is none
    /// of an e-mail address, an 11-digit mainland mobile or a `2088` + 12-digit PID.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = text::required(Self::FIELD, raw)?;
        text::char_len(Self::FIELD, value, 1, Self::MAX_CHARS)?;
        let kind = if value.contains('@') {
            check_email_shape(value).map_err(Self::format_error)?;
            AccountKind::Email
        } else if is_mainland_mobile(value) {
            AccountKind::Mobile
        } else if text::is_digits(value, 16) && value.starts_with("2088") {
            AccountKind::Pid
        } else {
            return Err(Self::format_error(
                "must be the merchant's Alipay login (e-mail or 11-digit mainland mobile) or a 16-digit PID starting with 2088",
            ));
        };
        Ok(Self {
            value: value.to_owned(),
            kind,
        })
    }

    fn format_error(reason: &str) -> FieldError {
        FieldError::new(Self::FIELD, FieldErrorCode::Format, reason)
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn kind(&self) -> AccountKind {
        self.kind
    }

    /// The account fit for lists and logs: a mobile as `138****5678`, the rest unchanged.
    pub fn masked(&self) -> String {
        match self.kind {
            AccountKind::Mobile => format!("{}****{}", &self.value[..3], &self.value[7..]),
            AccountKind::Email | AccountKind::Pid => self.value.clone(),
        }
    }
}

impl fmt::Debug for MerchantAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantAccount")
            .field("value", &self.masked())
            .field("kind", &self.kind)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_e_mail_account_is_recognised_as_email() {
        let account = MerchantAccount::parse(" shop@example.com ").unwrap();
        assert_eq!(
            (account.as_str(), account.kind()),
            ("shop@example.com", AccountKind::Email)
        );
    }

    #[test]
    fn a_mainland_mobile_account_is_recognised_as_mobile_and_masked_in_debug() {
        let account = MerchantAccount::parse("13812345678").unwrap();
        assert_eq!(account.kind(), AccountKind::Mobile);
        assert_eq!(account.masked(), "138****5678");
        assert!(!format!("{account:?}").contains("13812345678"));
    }

    #[test]
    fn a_2088_pid_of_16_digits_is_recognised_as_pid() {
        let account = MerchantAccount::parse("2088123412341234").unwrap();
        assert_eq!(account.kind(), AccountKind::Pid);
    }

    #[test]
    fn pids_of_the_wrong_length_or_prefix_are_rejected() {
        for bad in [
            "208812341234123",
            "20881234123412345",
            "2089123412341234",
            "2088abcd12341234",
        ] {
            let error = MerchantAccount::parse(bad).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code),
                ("account", FieldErrorCode::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn other_shapes_are_rejected() {
        for bad in [
            "merchant",
            "12812345678",
            "a@b",
            "@example.com",
            "138 1234 5678",
        ] {
            assert_eq!(
                MerchantAccount::parse(bad).unwrap_err().code,
                FieldErrorCode::Format,
                "{bad}"
            );
        }
        assert_eq!(
            MerchantAccount::parse("  ").unwrap_err().code,
            FieldErrorCode::Required
        );
    }

    #[test]
    fn an_account_of_100_characters_is_accepted_and_101_is_rejected() {
        let address =
            |len: usize| format!("merchant@{}.{}.com", "a".repeat(40), "b".repeat(len - 54));
        let at_limit = address(100);
        assert_eq!(at_limit.len(), 100);
        assert!(MerchantAccount::parse(&at_limit).is_ok());
        let too_long = address(101);
        assert_eq!(
            MerchantAccount::parse(&too_long).unwrap_err().code,
            FieldErrorCode::Length
        );
    }
}
