//! The envelope every answer wears (DESIGN §4, FRONTEND "API conventions"):
//! `{code, msg, data, status_code, success}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;

/// Marks a response as already enveloped, with its machine code, so the request middleware
/// neither wraps it twice nor guesses its code (operation log, metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome(pub u32);

/// The wire shape.
#[derive(Debug, Serialize)]
pub struct Envelope<T: Serialize> {
    /// 0 on success, else the stable error code (DESIGN §4).
    pub code: u32,
    /// A message fit to show a person.
    pub msg: String,
    pub data: T,
    /// The HTTP status, repeated.
    pub status_code: u16,
    pub success: bool,
}

/// A JSON response in the envelope, marked with its [`Outcome`].
pub fn respond<T: Serialize>(status: StatusCode, code: u32, msg: &str, data: T) -> HttpResponse {
    let envelope = Envelope {
        code,
        msg: msg.to_owned(),
        data,
        status_code: status.as_u16(),
        success: code == 0,
    };
    let mut response = HttpResponseBuilder::new(status).json(envelope);
    response.extensions_mut().insert(Outcome(code));
    response
}

/// `200 {code: 0, msg, data}`.
pub fn ok<T: Serialize>(msg: &str, data: T) -> HttpResponse {
    respond(StatusCode::OK, 0, msg, data)
}

/// `201 {code: 0, msg, data}`.
pub fn created<T: Serialize>(msg: &str, data: T) -> HttpResponse {
    respond(StatusCode::CREATED, 0, msg, data)
}

/// A page of a list (`data` of list answers).
#[derive(Debug, Serialize)]
pub struct Page<T: Serialize> {
    pub page_no: u64,
    pub page_size: u64,
    pub total: u64,
    pub has_next: bool,
    pub items: Vec<T>,
}

impl<T: Serialize> Page<T> {
    pub fn new(page_no: u64, page_size: u64, total: u64, items: Vec<T>) -> Self {
        Self {
            page_no,
            page_size,
            total,
            has_next: page_no.saturating_mul(page_size) < total,
            items,
        }
    }
}

/// The highest `page_no` a list accepts: beyond it the row offset would leave the range the
/// databases bind (a larger number crashed the SQLite driver), and no list is that long.
pub const MAX_PAGE_NO: u64 = 1_000_000;

/// `page_no` (1–[`MAX_PAGE_NO`], default 1) and `page_size` (1–100, default 10), validated by
/// [`PageQuery::validate`].
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct PageQuery {
    pub page_no: Option<u64>,
    pub page_size: Option<u64>,
}

impl PageQuery {
    /// `(page_no, page_size)` or the field errors.
    ///
    /// # Errors
    /// A page number outside 1–[`MAX_PAGE_NO`] or a size outside 1–100.
    pub fn validate(self) -> Result<(u64, u64), xjz_domain::validation::ValidationErrors> {
        use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};
        let mut errors = ValidationErrors::new();
        let page_no = self.page_no.unwrap_or(1);
        let page_size = self.page_size.unwrap_or(10);
        if !(1..=MAX_PAGE_NO).contains(&page_no) {
            errors.push(FieldError::new(
                "page_no",
                FieldErrorCode::Range,
                format!("must be between 1 and {MAX_PAGE_NO}"),
            ));
        }
        if !(1..=100).contains(&page_size) {
            errors.push(FieldError::new(
                "page_size",
                FieldErrorCode::Range,
                "must be between 1 and 100",
            ));
        }
        if errors.is_empty() {
            Ok((page_no, page_size))
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(query: PageQuery) -> Vec<String> {
        query.validate().map_or_else(
            |errors| {
                errors
                    .errors()
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
            },
            |_| Vec::new(),
        )
    }

    #[test]
    fn page_numbers_beyond_the_maximum_are_refused_not_sent_to_the_database() {
        let query = |page_no| PageQuery {
            page_no: Some(page_no),
            page_size: Some(100),
        };
        assert_eq!(query(MAX_PAGE_NO).validate().ok(), Some((MAX_PAGE_NO, 100)));
        for page_no in [0, MAX_PAGE_NO + 1, 9_223_372_036_854_775_808, u64::MAX] {
            assert_eq!(
                fields(query(page_no)),
                vec!["page_no: must be between 1 and 1000000".to_owned()],
                "{page_no}"
            );
        }
    }
}
