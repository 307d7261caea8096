//! The shop's structured address (`shop_address`, Alipay's `SignAddressInfo`, API.md §2.2):
//! GB/T 2260-style region codes that nest (district in city in province), a street address
//! and optional AMap coordinates. Errors are reported as `shop_address.<key>`.

use serde::{Deserialize, Serialize};

use super::text;

mod lenient;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

pub const SHOP_ADDRESS_FIELD: &str = "shop_address";
/// ISO 3166 numeric code of China, Alipay's default.
pub const CHINA: &str = "156";

/// The address as the API receives it (a JSON object) and as it is stored and sent to
/// Alipay. Codes and coordinates may arrive as JSON numbers; they are kept as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopAddressForm {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub country_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub province_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub city_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub district_code: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub detail_address: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub longitude: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::string"
    )]
    pub latitude: Option<String>,
}

/// A validated shop address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopAddress {
    country_code: String,
    province_code: String,
    city_code: String,
    district_code: String,
    detail_address: String,
    longitude: Option<String>,
    latitude: Option<String>,
}

impl ShopAddress {
    pub const DETAIL_MAX_CHARS: usize = 256;

    /// Checks every key and reports all problems, each under `shop_address.<key>`.
    ///
    /// # Errors
    /// `Required` for a missing region code or street address, `Format` for a code that is
    /// not six digits (three for the country) or a bad coordinate, `Conflict` when a city is
    /// not in its province or a district not in its city, `Range` for coordinates outside
    /// ±180/±90, `Length` for a street address over 256 characters.
    pub fn parse(form: &ShopAddressForm) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let field = |key: &str| format!("{SHOP_ADDRESS_FIELD}.{key}");
        let country_code = match text::given(form.country_code.as_ref()) {
            None => Some(CHINA.to_owned()),
            Some(code) if text::is_digits(code, 3) => Some(code.to_owned()),
            Some(_) => {
                errors.push(FieldError::new(
                    field("country_code"),
                    FieldErrorCode::Format,
                    "must be three digits",
                ));
                None
            }
        };
        let province = errors.check(
            region(&field("province_code"), form.province_code.as_ref()).and_then(|code| {
                if code.ends_with("0000") {
                    Ok(code)
                } else {
                    Err(FieldError::new(
                        field("province_code"),
                        FieldErrorCode::Format,
                        "must be a province code like 330000",
                    ))
                }
            }),
        );
        let city = errors.check(region(&field("city_code"), form.city_code.as_ref()));
        let district = errors.check(region(&field("district_code"), form.district_code.as_ref()));
        if let (Some(province), Some(c)) = (&province, &city)
            && c[..2] != province[..2]
        {
            errors.push(FieldError::new(
                field("city_code"),
                FieldErrorCode::Conflict,
                "is not in province_code",
            ));
        }
        if let (Some(c), Some(d)) = (&city, &district)
            && d[..4] != c[..4]
        {
            errors.push(FieldError::new(
                field("district_code"),
                FieldErrorCode::Conflict,
                "is not in city_code",
            ));
        }
        let detail_address = errors.check(
            text::required(
                &field("detail_address"),
                form.detail_address.as_deref().unwrap_or(""),
            )
            .and_then(|value| {
                text::char_len(&field("detail_address"), value, 1, Self::DETAIL_MAX_CHARS)?;
                text::single_line(&field("detail_address"), value)?;
                Ok(value.to_owned())
            }),
        );
        let longitude = coordinate(
            &mut errors,
            &field("longitude"),
            form.longitude.as_ref(),
            180,
        );
        let latitude = coordinate(&mut errors, &field("latitude"), form.latitude.as_ref(), 90);
        for (present, missing, key) in [
            (&form.longitude, &form.latitude, "latitude"),
            (&form.latitude, &form.longitude, "longitude"),
        ] {
            if text::given(present.as_ref()).is_some() && text::given(missing.as_ref()).is_none() {
                let reason = "is required when the other coordinate is given";
                errors.push(FieldError::new(
                    field(key),
                    FieldErrorCode::Required,
                    reason,
                ));
            }
        }
        match (country_code, province, city, district, detail_address) {
            (
                Some(country_code),
                Some(province_code),
                Some(city_code),
                Some(district_code),
                Some(detail_address),
            ) if errors.is_empty() => {
                let (longitude, latitude) = (longitude.flatten(), latitude.flatten());
                Ok(Self {
                    country_code,
                    province_code,
                    city_code,
                    district_code,
                    detail_address,
                    longitude,
                    latitude,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn country_code(&self) -> &str {
        &self.country_code
    }
    pub fn province_code(&self) -> &str {
        &self.province_code
    }
    pub fn city_code(&self) -> &str {
        &self.city_code
    }
    pub fn district_code(&self) -> &str {
        &self.district_code
    }
    pub fn detail_address(&self) -> &str {
        &self.detail_address
    }
    pub fn longitude(&self) -> Option<&str> {
        self.longitude.as_deref()
    }
    pub fn latitude(&self) -> Option<&str> {
        self.latitude.as_deref()
    }

    /// The address as a form again, all keys filled (`country_code` included): what adapters
    /// serialise for Alipay and storage, and what an edit starts from.
    pub fn to_form(&self) -> ShopAddressForm {
        ShopAddressForm {
            country_code: Some(self.country_code.clone()),
            province_code: Some(self.province_code.clone()),
            city_code: Some(self.city_code.clone()),
            district_code: Some(self.district_code.clone()),
            detail_address: Some(self.detail_address.clone()),
            longitude: self.longitude.clone(),
            latitude: self.latitude.clone(),
        }
    }
}

fn region(field: &str, raw: Option<&String>) -> Result<String, FieldError> {
    let code = text::required(field, raw.map_or("", String::as_str))?;
    if text::is_digits(code, 6) {
        Ok(code.to_owned())
    } else {
        Err(FieldError::new(
            field,
            FieldErrorCode::Format,
            "must be a six-digit region code",
        ))
    }
}

/// `Some(None)` when absent, `Some(Some(value))` when valid, `None` after recording an error.
fn coordinate(
    errors: &mut ValidationErrors,
    field: &str,
    raw: Option<&String>,
    limit: i64,
) -> Option<Option<String>> {
    let Some(value) = text::given(raw) else {
        return Some(None);
    };
    errors.check(parse_coordinate(field, value, limit).map(|()| Some(value.to_owned())))
}

fn parse_coordinate(field: &str, value: &str, limit: i64) -> Result<(), FieldError> {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || int.len() > 3
        || !digits(int)
        || !digits(frac)
        || frac.len() > 6
        || unsigned.ends_with('.')
    {
        let reason = "must be a decimal number with at most six decimals";
        return Err(FieldError::new(field, FieldErrorCode::Format, reason));
    }
    // Compare in millionths: exact, and small enough for i64 after the length checks.
    let millionths = format!("{int}{frac:0<6}")
        .parse::<i64>()
        .unwrap_or(i64::MAX);
    if millionths > limit * 1_000_000 {
        return Err(FieldError::new(
            field,
            FieldErrorCode::Range,
            format!("must be between -{limit} and {limit}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
