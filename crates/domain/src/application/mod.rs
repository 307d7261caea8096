//! A merchant's 当面付 application: value objects that check themselves on construction and
//! report field + code + reason (see [`crate::validation`]), and the parser that turns a raw
//! [`ApplicationForm`] into an [`Application`], collecting every bad field at once.
//!
//! Rules and lengths follow `alipay/API.md` §2.1–2.2 and §6; where Alipay leaves a limit
//! unstated, the constant that sets ours says so.
//!
//! Design:
//! - one parser for apply, edit and re-apply ([`ApplicationDetails::to_form`] +
//!   [`ApplicationForm::overlay`] + [`Application::parse`]);
//! - optional text that is blank counts as not given (multipart forms send empty parts);
//! - mobiles and licence numbers are masked in `Debug`, images show their size only.

mod account;
mod address;
mod contact;
mod details;
mod form;
mod image;
mod images;
mod licence;
mod mcc;
mod names;
mod rate;
mod text;

#[cfg(test)]
mod tests;

pub use account::{AccountKind, MerchantAccount};
pub use address::{CHINA, SHOP_ADDRESS_FIELD, ShopAddress, ShopAddressForm};
pub use contact::{ContactName, Email, Mobile};
pub use details::{Application, ApplicationDetails, CONTACT_MOBILE_FIELD, SIGN_AND_AUTH_FIELD};
pub use form::ApplicationForm;
pub use image::{Image, ImageFormat, ImageInfo, ImageKind};
pub use images::ApplicationImages;
pub use licence::{
    BusinessLicence, BusinessLicenceNo, DATE_LIMITATION_FIELD, LICENCE_MOBILE_FIELD,
    LONG_TERM_FIELD, LicenceNoKind, LicenceValidity,
};
pub use mcc::{MccCode, MccStyle};
pub use names::{MerchantName, Remark, ShopName};
pub use rate::Rate;
