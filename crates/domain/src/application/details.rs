//! The checked application: [`ApplicationDetails`] (every text field) and [`Application`]
//! (details + images). One parser serves apply, edit and re-apply: an edit turns the stored
//! details back into a form ([`ApplicationDetails::to_form`]), overlays the changes and parses
//! again, so the rules cannot drift between the three.

use chrono::NaiveDate;

use super::account::MerchantAccount;
use super::address::ShopAddress;
use super::contact::{ContactName, Email, Mobile};
use super::form::ApplicationForm;
use super::images::ApplicationImages;
use super::licence::{BusinessLicence, BusinessLicenceNo, LicenceFields, LicenceValidity};
use super::mcc::MccCode;
use super::names::{MerchantName, Remark, ShopName};
use super::rate::Rate;
use super::text;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

pub const CONTACT_MOBILE_FIELD: &str = "contact_mobile";
pub const SIGN_AND_AUTH_FIELD: &str = "sign_and_auth";

/// Every text field of an application, checked. `sign_and_auth` implies a rate; a licence's
/// mobile and validity exist only inside [`BusinessLicence`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDetails {
    account: MerchantAccount,
    contact_name: ContactName,
    contact_mobile: Mobile,
    contact_email: Option<Email>,
    merchant_name: Option<MerchantName>,
    mcc_code: MccCode,
    rate: Option<Rate>,
    sign_and_auth: bool,
    business_licence: Option<BusinessLicence>,
    shop_name: Option<ShopName>,
    shop_address: Option<ShopAddress>,
    remark: Option<Remark>,
}

impl ApplicationDetails {
    /// Checks every text field of `form` (its images are ignored) and reports all problems.
    /// `today` (China date) bounds the licence's `date_limitation`.
    ///
    /// # Errors
    /// Every [`FieldError`] found, in form order.
    pub fn parse(form: &ApplicationForm, today: NaiveDate) -> Result<Self, ValidationErrors> {
        Self::parse_at(form, Some(today))
    }

    /// For details read back from storage: the same checks except those that depend on the
    /// date, so a licence that expired after the order was made does not make the order
    /// unreadable.
    ///
    /// # Errors
    /// Every [`FieldError`] found, in form order.
    pub fn restore(form: &ApplicationForm) -> Result<Self, ValidationErrors> {
        Self::parse_at(form, None)
    }

    fn parse_at(
        form: &ApplicationForm,
        today: Option<NaiveDate>,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let required = |raw: &Option<String>| raw.clone().unwrap_or_default();
        let account = errors.check(MerchantAccount::parse(&required(&form.account)));
        let contact_name = errors.check(ContactName::parse(&required(&form.contact_name)));
        let contact_mobile = errors.check(Mobile::parse(
            CONTACT_MOBILE_FIELD,
            &required(&form.contact_mobile),
        ));
        let contact_email = optional(&mut errors, &form.contact_email, Email::parse);
        let merchant_name = optional(&mut errors, &form.merchant_name, MerchantName::parse);
        let mcc_code = errors.check(MccCode::parse(&required(&form.mcc_code)));
        let rate = optional(&mut errors, &form.rate, Rate::parse);
        let sign_and_auth = errors.check(text::boolean(
            SIGN_AND_AUTH_FIELD,
            form.sign_and_auth.as_ref(),
        ));
        if sign_and_auth == Some(true) && text::given(form.rate.as_ref()).is_none() {
            let reason = "is required when sign_and_auth is true";
            errors.push(FieldError::new(
                Rate::FIELD,
                FieldErrorCode::Required,
                reason,
            ));
        }
        let licence_fields = LicenceFields {
            no: form.business_license_no.as_ref(),
            mobile: form.business_license_mobile.as_ref(),
            long_term: form.long_term.as_ref(),
            date_limitation: form.date_limitation.as_ref(),
        };
        let business_licence =
            BusinessLicence::parse_fields(licence_fields, today).unwrap_or_else(|more| {
                errors.extend(more);
                None
            });
        let shop_name = optional(&mut errors, &form.shop_name, ShopName::parse);
        let shop_address = form.shop_address.as_ref().and_then(|address| {
            ShopAddress::parse(address)
                .map_err(|more| errors.extend(more))
                .ok()
        });
        let remark = optional(&mut errors, &form.remark, Remark::parse);
        match (
            account,
            contact_name,
            contact_mobile,
            mcc_code,
            sign_and_auth,
        ) {
            (
                Some(account),
                Some(contact_name),
                Some(contact_mobile),
                Some(mcc_code),
                Some(sign_and_auth),
            ) if errors.is_empty() => Ok(Self {
                account,
                contact_name,
                contact_mobile,
                contact_email,
                merchant_name,
                mcc_code,
                rate,
                sign_and_auth,
                business_licence,
                shop_name,
                shop_address,
                remark,
            }),
            _ => Err(errors),
        }
    }

    pub fn account(&self) -> &MerchantAccount {
        &self.account
    }
    pub fn contact_name(&self) -> &ContactName {
        &self.contact_name
    }
    pub fn contact_mobile(&self) -> &Mobile {
        &self.contact_mobile
    }
    pub fn contact_email(&self) -> Option<&Email> {
        self.contact_email.as_ref()
    }
    pub fn merchant_name(&self) -> Option<&MerchantName> {
        self.merchant_name.as_ref()
    }
    pub fn mcc_code(&self) -> &MccCode {
        &self.mcc_code
    }
    /// Always present when [`sign_and_auth`](Self::sign_and_auth) is true.
    pub fn rate(&self) -> Option<Rate> {
        self.rate
    }
    pub fn sign_and_auth(&self) -> bool {
        self.sign_and_auth
    }
    pub fn business_licence(&self) -> Option<&BusinessLicence> {
        self.business_licence.as_ref()
    }
    pub fn business_license_no(&self) -> Option<&BusinessLicenceNo> {
        self.business_licence.as_ref().map(BusinessLicence::no)
    }
    pub fn business_license_mobile(&self) -> Option<&Mobile> {
        self.business_licence
            .as_ref()
            .and_then(BusinessLicence::mobile)
    }
    pub fn licence_validity(&self) -> Option<LicenceValidity> {
        self.business_licence
            .as_ref()
            .map(BusinessLicence::validity)
    }
    pub fn shop_name(&self) -> Option<&ShopName> {
        self.shop_name.as_ref()
    }
    pub fn shop_address(&self) -> Option<&ShopAddress> {
        self.shop_address.as_ref()
    }
    pub fn remark(&self) -> Option<&Remark> {
        self.remark.as_ref()
    }

    /// The details as a form (no images) that parses back to the same details. With a
    /// licence, `long_term` is always written out (`"true"` or `"false"`), so an edit that
    /// sets a date on a long-term licence must also send `long_term = "false"`.
    pub fn to_form(&self) -> ApplicationForm {
        let text = |value: &str| Some(value.to_owned());
        let licence = self.business_licence.as_ref();
        let validity = licence.map(BusinessLicence::validity);
        ApplicationForm {
            account: text(self.account.as_str()),
            contact_name: text(self.contact_name.as_str()),
            contact_mobile: text(self.contact_mobile.as_str()),
            contact_email: self.contact_email.as_ref().and_then(|v| text(v.as_str())),
            merchant_name: self.merchant_name.as_ref().and_then(|v| text(v.as_str())),
            mcc_code: text(self.mcc_code.as_str()),
            rate: self.rate.and_then(|v| text(v.as_str())),
            sign_and_auth: text(if self.sign_and_auth { "true" } else { "false" }),
            business_license_no: licence.and_then(|l| text(l.no().as_str())),
            business_license_mobile: licence
                .and_then(BusinessLicence::mobile)
                .and_then(|m| text(m.as_str())),
            long_term: validity.and_then(|v| text(if v.long_term() { "true" } else { "false" })),
            date_limitation: validity.and_then(|v| v.date_limitation()),
            shop_name: self.shop_name.as_ref().and_then(|v| text(v.as_str())),
            shop_address: self.shop_address.as_ref().map(ShopAddress::to_form),
            remark: self.remark.as_ref().and_then(|v| text(v.as_str())),
            images: Vec::new(),
        }
    }
}

/// Parses a non-blank optional input, recording its error; `None` when absent or bad.
fn optional<T>(
    errors: &mut ValidationErrors,
    raw: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Option<T> {
    text::given(raw.as_ref()).and_then(|value| errors.check(parse(value)))
}

/// A complete, checked application: what apply and re-apply submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    details: ApplicationDetails,
    images: ApplicationImages,
}

impl Application {
    /// Checks every field and every image of `form` and returns all problems at once.
    /// `today` is the current date in China (UTC+8, from the `Clock` port); a licence
    /// `date_limitation` before it is refused.
    ///
    /// # Errors
    /// Every [`FieldError`] found: text fields in form order, then images in upload order.
    pub fn parse(mut form: ApplicationForm, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let uploads = std::mem::take(&mut form.images);
        let details = ApplicationDetails::parse(&form, today);
        let images = ApplicationImages::parse(uploads);
        match (details, images) {
            (Ok(details), Ok(images)) => Ok(Self { details, images }),
            (details, images) => {
                let mut errors = ValidationErrors::new();
                errors.extend(details.err().unwrap_or_default());
                errors.extend(images.err().unwrap_or_default());
                Err(errors)
            }
        }
    }

    pub fn new(details: ApplicationDetails, images: ApplicationImages) -> Self {
        Self { details, images }
    }

    pub fn details(&self) -> &ApplicationDetails {
        &self.details
    }

    pub fn images(&self) -> &ApplicationImages {
        &self.images
    }

    /// For re-apply: `application.images_mut().merge_missing_from(original.images())`.
    pub fn images_mut(&mut self) -> &mut ApplicationImages {
        &mut self.images
    }

    pub fn into_parts(self) -> (ApplicationDetails, ApplicationImages) {
        (self.details, self.images)
    }
}
