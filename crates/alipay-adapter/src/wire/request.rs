//! Request DTOs, borrowing from the caller's values (serialised once, the JSON text then
//! signed and sent as is — API.md §7.3).
//!
//! Field order follows the keys' alphabetical order, as the Python SDK writes them, so our
//! JSON is byte-identical to the SDK's (vectors.json); Alipay itself ignores key order.

use serde::Serialize;

/// `biz_content` of `alipay.open.agent.create`. Never `order_ticket` or `sign_mode`
/// (API.md §2.1: they switch to flows we do not use).
#[derive(Debug, Serialize)]
pub(crate) struct CreateBizContent<'a> {
    pub(crate) account: &'a str,
    pub(crate) contact_info: ContactInfo<'a>,
}

/// `contact_info` of create.
#[derive(Debug, Serialize)]
pub(crate) struct ContactInfo<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contact_email: Option<&'a str>,
    pub(crate) contact_mobile: &'a str,
    pub(crate) contact_name: &'a str,
}

/// `biz_content` of confirm, order.query and cancel.
#[derive(Debug, Serialize)]
pub(crate) struct BatchBizContent<'a> {
    pub(crate) batch_no: &'a str,
}

/// `shop_address` of facetoface.sign (a JSON string in a text field).
#[derive(Debug, Serialize)]
pub(crate) struct ShopAddressWire<'a> {
    pub(crate) city_code: &'a str,
    pub(crate) country_code: &'a str,
    pub(crate) detail_address: &'a str,
    pub(crate) district_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) latitude: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) longitude: Option<&'a str>,
    pub(crate) province_code: &'a str,
}

/// The top-level text fields of facetoface.sign (no `biz_content`, API.md §1.3).
#[derive(Debug, Default)]
pub(crate) struct FacetofaceSignFields<'a> {
    pub(crate) batch_no: &'a str,
    pub(crate) mcc_code: &'a str,
    pub(crate) rate: Option<&'a str>,
    pub(crate) sign_and_auth: bool,
    pub(crate) shop_name: Option<&'a str>,
    /// Already serialised [`ShopAddressWire`].
    pub(crate) shop_address_json: Option<String>,
    pub(crate) business_license_no: Option<&'a str>,
    pub(crate) business_license_mobile: Option<&'a str>,
    pub(crate) date_limitation: Option<String>,
    pub(crate) long_term: bool,
}

impl FacetofaceSignFields<'_> {
    /// The text parameters in the SDK's order. Booleans are `"true"` or left out (the Python
    /// SDK omits `false`); absent values are left out (never sent empty).
    pub(crate) fn text_params(&self) -> Vec<(&'static str, &str)> {
        let optional = [
            ("rate", self.rate),
            ("sign_and_auth", self.sign_and_auth.then_some("true")),
            ("shop_name", self.shop_name),
            ("shop_address", self.shop_address_json.as_deref()),
            ("business_license_no", self.business_license_no),
            ("business_license_mobile", self.business_license_mobile),
            ("date_limitation", self.date_limitation.as_deref()),
            ("long_term", self.long_term.then_some("true")),
        ];
        [("batch_no", self.batch_no), ("mcc_code", self.mcc_code)]
            .into_iter()
            .chain(
                optional
                    .into_iter()
                    .filter_map(|(name, value)| value.map(|v| (name, v))),
            )
            .collect()
    }
}

/// One image part of facetoface.sign: never signed (API.md §7.4).
#[derive(Clone)]
pub(crate) struct ImageFile {
    /// The form field, e.g. `shop_sign_board_pic`.
    pub(crate) field: &'static str,
    /// A file name whose extension matches the content.
    pub(crate) file_name: String,
    /// `image/png`, `image/jpeg`, …
    pub(crate) mime: &'static str,
    /// Shared with the order's image: building (or rebuilding) the form copies nothing.
    pub(crate) bytes: bytes::Bytes,
}

impl std::fmt::Debug for ImageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageFile")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("len", &self.bytes.len())
            .finish()
    }
}
