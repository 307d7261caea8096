//! The list's query string (DESIGN §4): filters, paging and `order_by`, parsed from the raw
//! pairs because `created_time` is given twice (from, to). Every bad parameter is reported
//! at once; an unknown parameter is an error too (a mistyped filter must not silently list
//! everything).

use serde::Deserialize;
use utoipa::IntoParams;
use xjz_domain::OrderStatus;
use xjz_domain::ports::repository::{OrderFilter, PageRequest, SortDirection, SortField};
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};

use crate::http::envelope::PageQuery;
use crate::http::order_by;
use crate::oplog::parse_time;

/// The list's parameters, for the OpenAPI document (the handler parses the raw pairs).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation type
pub struct ListParams {
    /// From 1 (default 1) to 1,000,000.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page_no: Option<u64>,
    /// 1–100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<u64>,
    /// JSON list of `{column: "asc"|"desc"}`; columns: id, created_time, updated_time,
    /// order_status, next_query_time. Default `[{"created_time":"desc"}]`.
    #[param(example = r#"[{"created_time":"desc"}]"#)]
    pub order_by: Option<String>,
    /// Exact: INIT, SUBMITTED, MERCHANT_AUDITING, MERCHANT_CONFIRM, SUCCESS, CLOSED.
    pub order_status: Option<String>,
    /// Contains.
    pub merchant_name: Option<String>,
    /// Contains.
    pub shop_name: Option<String>,
    /// Exact.
    pub batch_no: Option<String>,
    /// Exact.
    pub order_no: Option<String>,
    pub needs_correction: Option<bool>,
    /// Given twice: from, to (`YYYY-MM-DD HH:mm:ss`, China time, inclusive).
    #[param(style = Form, explode, min_items = 2, max_items = 2)]
    pub created_time: Option<Vec<String>>,
}

/// Longest accepted text filter.
const MAX_FILTER_CHARS: usize = 128;

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub filter: OrderFilter,
    pub page: PageRequest,
}

/// Parses the pairs; `extra` names further parameters the caller handles itself (e.g.
/// `format` of the export), returned by name.
///
/// # Errors
/// Every bad or unknown parameter.
pub fn parse(
    pairs: &[(String, String)],
    extra: &[&str],
) -> Result<(ListQuery, Vec<(String, String)>), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut filter = OrderFilter::default();
    let mut paging = PageQuery {
        page_no: None,
        page_size: None,
    };
    let mut order_by = vec![(SortField::CreatedTime, SortDirection::Desc)];
    let mut created = Vec::new();
    let mut rest = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in pairs {
        let key = key.as_str();
        let name = key.strip_suffix("[]").unwrap_or(key);
        if name != "created_time" {
            if seen.contains(&name) {
                errors.push(FieldError::new(
                    name,
                    FieldErrorCode::Format,
                    "given more than once",
                ));
                continue;
            }
            seen.push(name);
        }
        let value = value.trim();
        match name {
            "page_no" => paging.page_no = number(&mut errors, name, value),
            "page_size" => paging.page_size = number(&mut errors, name, value),
            "order_by" => {
                if let Some(sort) = order_by::parse_into(&mut errors, value, SORT_COLUMNS) {
                    order_by = sort;
                }
            }
            "order_status" if !value.is_empty() => {
                filter.order_status = OrderStatus::ALL
                    .into_iter()
                    .find(|s| s.as_str() == value)
                    .or_else(|| {
                        errors.push(FieldError::new(
                            name,
                            FieldErrorCode::Format,
                            "must be one of INIT, SUBMITTED, MERCHANT_AUDITING, MERCHANT_CONFIRM, SUCCESS, CLOSED",
                        ));
                        None
                    });
            }
            "merchant_name" => filter.merchant_name = text(&mut errors, name, value),
            "shop_name" => filter.shop_name = text(&mut errors, name, value),
            "batch_no" => filter.batch_no = text(&mut errors, name, value),
            "order_no" => filter.order_no = text(&mut errors, name, value),
            "needs_correction" if !value.is_empty() => {
                filter.needs_correction = match value {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    _ => {
                        errors.push(FieldError::new(
                            name,
                            FieldErrorCode::Format,
                            "must be true or false",
                        ));
                        None
                    }
                };
            }
            "created_time" => created.push(value.to_owned()),
            "order_status" | "needs_correction" => {}
            other if extra.contains(&other) => rest.push((other.to_owned(), value.to_owned())),
            other => errors.push(FieldError::new(
                other,
                FieldErrorCode::Format,
                "unknown parameter",
            )),
        }
    }
    match created.as_slice() {
        [] => {}
        [from, to] => {
            filter.created_from = time(&mut errors, from);
            filter.created_to = time(&mut errors, to);
            if let (Some(from), Some(to)) = (filter.created_from, filter.created_to)
                && from > to
            {
                errors.push(FieldError::new(
                    "created_time",
                    FieldErrorCode::Range,
                    "the start is after the end",
                ));
            }
        }
        _ => errors.push(FieldError::new(
            "created_time",
            FieldErrorCode::Format,
            "give it twice: from and to (YYYY-MM-DD HH:mm:ss)",
        )),
    }
    let (page_no, page_size) = match paging.validate() {
        Ok(p) => p,
        Err(e) => {
            e.into_iter().for_each(|f| errors.push(f));
            (1, 10)
        }
    };
    errors.into_result(|| {
        (
            ListQuery {
                filter,
                page: PageRequest {
                    page_no,
                    page_size,
                    order_by,
                },
            },
            rest,
        )
    })
}

fn number(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<u64> {
    value.parse().map_or_else(
        |_| {
            errors.push(FieldError::new(
                field,
                FieldErrorCode::Format,
                "must be a whole number",
            ));
            None
        },
        Some,
    )
}

fn text(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        None
    } else if value.chars().count() > MAX_FILTER_CHARS {
        errors.push(FieldError::new(
            field,
            FieldErrorCode::Length,
            "at most 128 characters",
        ));
        None
    } else {
        Some(value.to_owned())
    }
}

fn time(errors: &mut ValidationErrors, value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let parsed = parse_time(value);
    if parsed.is_none() {
        errors.push(FieldError::new(
            "created_time",
            FieldErrorCode::Format,
            "expected YYYY-MM-DD HH:mm:ss",
        ));
    }
    parsed
}

/// `[{"created_time":"desc"}, …]` (an object with several keys is read in its order).
/// The columns the list can be ordered by.
const SORT_COLUMNS: &[(&str, SortField)] = &[
    ("id", SortField::Id),
    ("created_time", SortField::CreatedTime),
    ("updated_time", SortField::UpdatedTime),
    ("order_status", SortField::OrderStatus),
    ("next_query_time", SortField::NextQueryTime),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_filter_and_the_paging_are_read() {
        let (query, rest) = parse(
            &pairs(&[
                ("page_no", "2"),
                ("page_size", "50"),
                ("order_by", r#"[{"id":"asc"},{"updated_time":"desc"}]"#),
                ("order_status", "MERCHANT_CONFIRM"),
                ("merchant_name", "小店"),
                ("shop_name", "门店"),
                ("batch_no", "B1"),
                ("order_no", "O1"),
                ("needs_correction", "true"),
                ("created_time", "2026-11-01 00:00:00"),
                ("created_time", "2026-11-30 23:59:59"),
                ("format", "csv"),
            ]),
            &["format"],
        )
        .unwrap();

        assert_eq!(query.page.page_no, 2);
        assert_eq!(query.page.page_size, 50);
        assert_eq!(
            query.page.order_by,
            vec![
                (SortField::Id, SortDirection::Asc),
                (SortField::UpdatedTime, SortDirection::Desc)
            ]
        );
        let f = &query.filter;
        assert_eq!(f.order_status, Some(OrderStatus::MerchantConfirm));
        assert_eq!(f.merchant_name.as_deref(), Some("小店"));
        assert_eq!(f.shop_name.as_deref(), Some("门店"));
        assert_eq!(f.batch_no.as_deref(), Some("B1"));
        assert_eq!(f.order_no.as_deref(), Some("O1"));
        assert_eq!(f.needs_correction, Some(true));
        assert_eq!(
            f.created_from.map(|t| t.to_rfc3339()),
            Some("2026-10-31T16:00:00+00:00".to_owned())
        );
        assert!(f.created_to.is_some());
        assert_eq!(rest, pairs(&[("format", "csv")]));
    }

    #[test]
    fn blank_filters_are_absent_and_the_defaults_apply() {
        let (query, _) =
            parse(&pairs(&[("order_status", ""), ("merchant_name", " ")]), &[]).unwrap();

        assert_eq!(query.filter, OrderFilter::default());
        assert_eq!(query.page, PageRequest::default());
    }

    #[test]
    fn every_bad_parameter_is_named_at_once() {
        let errors = parse(
            &pairs(&[
                ("page_no", "0"),
                ("page_size", "x"),
                ("order_by", "created_time desc"),
                ("order_status", "DONE"),
                ("needs_correction", "maybe"),
                ("created_time", "yesterday"),
                ("colour", "red"),
            ]),
            &[],
        )
        .unwrap_err();

        let fields: Vec<&str> = errors.fields().collect();
        for field in [
            "page_no",
            "page_size",
            "order_by",
            "order_status",
            "needs_correction",
            "created_time",
            "colour",
        ] {
            assert!(fields.contains(&field), "{field} missing in {fields:?}");
        }
    }

    #[test]
    fn a_reversed_time_range_and_an_unknown_sort_column_are_refused() {
        let errors = parse(
            &pairs(&[
                ("created_time[]", "2026-11-30 00:00:00"),
                ("created_time[]", "2026-11-01 00:00:00"),
                ("order_by", r#"[{"contact_mobile":"asc"}]"#),
            ]),
            &[],
        )
        .unwrap_err();

        let fields: Vec<&str> = errors.fields().collect();
        assert_eq!(fields, vec!["order_by", "created_time"]);
    }
}
