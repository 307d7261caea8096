//! `order_by` of every list (DESIGN §4): a JSON list of `{column: "asc"|"desc"}`, e.g.
//! `[{"created_time":"desc"}]`, checked against the columns the list allows.

use xjz_domain::ports::repository::SortDirection;
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};

/// Most sort keys one request may give.
const MAX_KEYS: usize = 5;

/// Parses `value` against `columns` (`(name, key)` pairs); `Ok(None)` for an empty value
/// (the list's default order).
///
/// # Errors
/// The `order_by` field error: not a JSON list of objects, an unknown column, a direction
/// other than `asc`/`desc`, or not 1 to 5 keys.
pub fn parse<T: Copy>(
    value: &str,
    columns: &[(&str, T)],
) -> Result<Option<Vec<(T, SortDirection)>>, FieldError> {
    let bad = |reason: String| FieldError::new("order_by", FieldErrorCode::Format, reason);
    if value.trim().is_empty() {
        return Ok(None);
    }
    let items = serde_json::from_str::<Vec<serde_json::Map<String, serde_json::Value>>>(value)
        .map_err(|_| {
            let example = columns.first().map_or("id", |(name, _)| name);
            bad(format!(
                r#"must be a JSON list like [{{"{example}":"desc"}}]"#
            ))
        })?;
    let mut keys = Vec::new();
    for (column, direction) in items.iter().flatten() {
        let key = columns
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, key)| *key)
            .ok_or_else(|| {
                let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
                bad(format!("columns: {}", names.join(", ")))
            })?;
        let direction = match direction.as_str() {
            Some("asc") => SortDirection::Asc,
            Some("desc") => SortDirection::Desc,
            _ => return Err(bad("directions: asc or desc".to_owned())),
        };
        keys.push((key, direction));
    }
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(bad(format!("give 1 to {MAX_KEYS} sort keys")));
    }
    Ok(Some(keys))
}

/// [`parse`], recording its error among the request's other field errors.
pub fn parse_into<T: Copy>(
    errors: &mut ValidationErrors,
    value: &str,
    columns: &[(&str, T)],
) -> Option<Vec<(T, SortDirection)>> {
    parse(value, columns).unwrap_or_else(|e| {
        errors.push(e);
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[(&str, u8)] = &[("time", 1), ("id", 2)];

    fn reason(value: &str) -> String {
        parse(value, COLUMNS).unwrap_err().to_string()
    }

    #[test]
    fn keys_in_the_given_order() {
        assert_eq!(
            parse(r#"[{"id":"asc"},{"time":"desc"}]"#, COLUMNS).unwrap(),
            Some(vec![(2, SortDirection::Asc), (1, SortDirection::Desc)])
        );
        assert_eq!(parse("  ", COLUMNS).unwrap(), None);
    }

    #[test]
    fn every_kind_of_mistake_is_named() {
        assert!(reason("time desc").contains(r#"[{"time":"desc"}]"#));
        assert!(reason(r#"[{"mobile":"asc"}]"#).contains("columns: time, id"));
        assert!(reason(r#"[{"id":"up"}]"#).contains("asc or desc"));
        assert!(reason("[]").contains("1 to 5"));
        assert!(reason(&format!("[{}]", [r#"{"id":"asc"}"#; 6].join(","))).contains("1 to 5"));
    }
}
