//! Field-level validation errors.
//!
//! Every value object reports *which* field is wrong and *why*; an application form gathers
//! every bad field before failing (DESIGN §2, API code 10422), so callers get one answer
//! listing all problems instead of fixing them one round-trip at a time.

use std::fmt;

/// Stable, machine-readable reason kinds. The human text lives in [`FieldError::reason`];
/// clients that localise (the admin page) key on this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    /// A required value is missing or blank.
    Required,
    /// The value is longer (or shorter) than allowed.
    Length,
    /// The value does not have the expected shape.
    Format,
    /// The value is well-formed but outside the allowed range.
    Range,
    /// The value conflicts with another field of the same form.
    Conflict,
    /// The field is not known at all.
    Unknown,
}

/// One invalid field: its wire name (dotted for nested values, e.g. `shop_address.city_code`)
/// and a reason fit to show a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldErrorCode,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldErrorCode, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            reason: reason.into(),
        }
    }

    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, FieldErrorCode::Required, "is required")
    }

    /// The same error, reported under `prefix.field` (nested values).
    #[must_use]
    pub fn nested_in(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for FieldError {}

/// A non-empty list of field errors, in the order the fields were checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Keeps the value of `result` if it is valid; otherwise records its error and gives `None`,
    /// so a parser can check every field before deciding.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    pub fn extend(&mut self, other: ValidationErrors) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.field.as_str())
    }

    /// `Ok(value)` when nothing was recorded, else every recorded error.
    ///
    /// # Errors
    /// Returns `self` when at least one field error was recorded.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl IntoIterator for ValidationErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for e in &self.0 {
            if !first {
                f.write_str("; ")?;
            }
            first = false;
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
