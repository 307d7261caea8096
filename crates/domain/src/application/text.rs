//! Small text checks shared by the application's value objects: trimming, length in
//! characters (never bytes: most names are Chinese), control characters, optional inputs.

use crate::validation::{FieldError, FieldErrorCode};

/// The value without surrounding whitespace; `Required` when nothing is left.
///
/// # Errors
/// `Required` when `raw` is empty or whitespace only.
pub(crate) fn required<'a>(field: &str, raw: &'a str) -> Result<&'a str, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        Err(FieldError::required(field))
    } else {
        Ok(value)
    }
}

/// A non-blank optional input, trimmed. Multipart forms send empty parts for untouched
/// inputs and Alipay's SDKs drop empty values, so blank means "not given" (API.md §7.2).
pub(crate) fn given(raw: Option<&String>) -> Option<&str> {
    raw.map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

/// `Length` unless `min <= chars <= max`.
///
/// # Errors
/// `Length` naming the allowed range when the character count is outside it.
pub(crate) fn char_len(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let count = value.chars().count();
    if count < min || count > max {
        let reason = if min <= 1 {
            format!("must be at most {max} characters (got {count})")
        } else {
            format!("must be {min} to {max} characters (got {count})")
        };
        return Err(FieldError::new(field, FieldErrorCode::Length, reason));
    }
    Ok(())
}

/// Rejects control characters (newlines included) and U+FFFD, the mark of text decoded with
/// the wrong charset — Alipay refuses "garbled" names (`INVALID_CONTACT_NAME`).
///
/// # Errors
/// `Format` when such a character is present.
pub(crate) fn single_line(field: &str, value: &str) -> Result<(), FieldError> {
    if value.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            FieldErrorCode::Format,
            "must not contain control characters",
        ));
    }
    if value.contains('\u{FFFD}') {
        return Err(FieldError::new(
            field,
            FieldErrorCode::Format,
            "contains garbled characters",
        ));
    }
    Ok(())
}

/// A single-line text of `min..=max` characters after trimming.
///
/// # Errors
/// `Required` when blank, `Length` or `Format` as [`char_len`] and [`single_line`].
pub(crate) fn name(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = required(field, raw)?;
    char_len(field, value, 1, max)?;
    single_line(field, value)?;
    Ok(value.to_owned())
}

/// `true` for `"true"`, `false` for `"false"` or nothing; Alipay's booleans are these two
/// strings on the wire (API.md §7.12) and anything else is more likely a mistake than a yes.
///
/// # Errors
/// `Format` for any other value.
pub(crate) fn boolean(field: &str, raw: Option<&String>) -> Result<bool, FieldError> {
    match given(raw) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(FieldError::new(
            field,
            FieldErrorCode::Format,
            "must be \"true\" or \"false\"",
        )),
    }
}

/// `true` when every byte of `value` is an ASCII digit and there are `len` of them.
pub(crate) fn is_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    #[test]
    fn blank_optional_inputs_count_as_not_given() {
        assert_eq!(given(some("  ").as_ref()), None);
        assert_eq!(given(None), None);
        assert_eq!(given(some(" x ").as_ref()), Some("x"));
    }

    #[test]
    fn booleans_accept_only_true_false_or_nothing() {
        assert_eq!(boolean("f", None), Ok(false));
        assert_eq!(boolean("f", some("").as_ref()), Ok(false));
        assert_eq!(boolean("f", some("false").as_ref()), Ok(false));
        assert_eq!(boolean("f", some("true").as_ref()), Ok(true));
        for bad in ["TRUE", "1", "yes", "on", "t"] {
            let error = boolean("f", some(bad).as_ref()).unwrap_err();
            assert_eq!(
                (error.field.as_str(), error.code),
                ("f", FieldErrorCode::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn lengths_are_counted_in_characters_not_bytes() {
        assert!(char_len("f", "支付宝", 1, 3).is_ok());
        assert_eq!(
            char_len("f", "支付宝x", 1, 3).unwrap_err().code,
            FieldErrorCode::Length
        );
    }

    #[test]
    fn control_and_replacement_characters_are_rejected() {
        assert!(single_line("f", "a\nb").is_err());
        assert!(single_line("f", "a\u{7}b").is_err());
        assert!(single_line("f", "a\u{FFFD}b").is_err());
        assert!(single_line("f", "张三 Zhang").is_ok());
    }
}
