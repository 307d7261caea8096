//! Serde helper: an optional text field that also accepts a JSON number (`330000`,
//! `120.153576`) or null. Browsers and scripts send region codes and coordinates either way;
//! the value objects then validate the text.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserialises a string, an integer, a float or null into `Option<String>`.
///
/// # Errors
/// Any other JSON type (object, array, boolean).
pub(crate) fn string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_any(StringOrNumber)
}

struct StringOrNumber;

impl<'de> Visitor<'de> for StringOrNumber {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Some(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    /// Rust prints the shortest text that reads back as the same float, so `120.153576`
    /// stays `120.153576`.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}
