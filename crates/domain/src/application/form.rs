//! The application exactly as the API receives it: every text field optional and unchecked,
//! the images as raw uploads. [`Application::parse`](super::Application::parse) turns it into
//! checked values; edits overlay changes on [`ApplicationDetails::to_form`](super::ApplicationDetails::to_form).

use std::fmt;

use super::address::ShopAddressForm;
use super::contact::is_mainland_mobile;
use super::image::ImageKind;

/// Raw apply / edit / re-apply input. Field names are Alipay's parameter names (DESIGN §4).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApplicationForm {
    pub account: Option<String>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub contact_email: Option<String>,
    pub merchant_name: Option<String>,
    pub mcc_code: Option<String>,
    pub rate: Option<String>,
    pub sign_and_auth: Option<String>,
    pub business_license_no: Option<String>,
    pub business_license_mobile: Option<String>,
    pub long_term: Option<String>,
    pub date_limitation: Option<String>,
    pub shop_name: Option<String>,
    pub shop_address: Option<ShopAddressForm>,
    pub remark: Option<String>,
    /// Uploads in arrival order; a kind may repeat here (and is then reported).
    pub images: Vec<(ImageKind, Vec<u8>)>,
}

impl ApplicationForm {
    /// Edits: every field `changes` gives replaces this form's (a blank text clears an optional
    /// field, `shop_address` is replaced whole); its uploads are appended. Parse the result.
    #[must_use]
    pub fn overlay(mut self, changes: ApplicationForm) -> ApplicationForm {
        fn take<T>(field: &mut Option<T>, change: Option<T>) {
            if change.is_some() {
                *field = change;
            }
        }
        take(&mut self.account, changes.account);
        take(&mut self.contact_name, changes.contact_name);
        take(&mut self.contact_mobile, changes.contact_mobile);
        take(&mut self.contact_email, changes.contact_email);
        take(&mut self.merchant_name, changes.merchant_name);
        take(&mut self.mcc_code, changes.mcc_code);
        take(&mut self.rate, changes.rate);
        take(&mut self.sign_and_auth, changes.sign_and_auth);
        take(&mut self.business_license_no, changes.business_license_no);
        take(
            &mut self.business_license_mobile,
            changes.business_license_mobile,
        );
        take(&mut self.long_term, changes.long_term);
        take(&mut self.date_limitation, changes.date_limitation);
        take(&mut self.shop_name, changes.shop_name);
        take(&mut self.shop_address, changes.shop_address);
        take(&mut self.remark, changes.remark);
        self.images.extend(changes.images);
        self
    }
}

/// Personal data stays out of logs: mobiles (an account that is one included) and the
/// licence number show as `<redacted>`, images as their sizes.
impl fmt::Debug for ApplicationForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |value: &Option<String>| value.as_ref().map(|_| Redacted);
        let images: Vec<(ImageKind, ByteCount)> = self
            .images
            .iter()
            .map(|(kind, bytes)| (*kind, ByteCount(bytes.len())))
            .collect();
        f.debug_struct("ApplicationForm")
            .field(
                "account",
                &self.account.as_ref().map(|a| MaybeMobile(a.as_str())),
            )
            .field("contact_name", &self.contact_name)
            .field("contact_mobile", &redacted(&self.contact_mobile))
            .field("contact_email", &self.contact_email)
            .field("merchant_name", &self.merchant_name)
            .field("mcc_code", &self.mcc_code)
            .field("rate", &self.rate)
            .field("sign_and_auth", &self.sign_and_auth)
            .field("business_license_no", &redacted(&self.business_license_no))
            .field(
                "business_license_mobile",
                &redacted(&self.business_license_mobile),
            )
            .field("long_term", &self.long_term)
            .field("date_limitation", &self.date_limitation)
            .field("shop_name", &self.shop_name)
            .field("shop_address", &self.shop_address)
            .field("remark", &self.remark)
            .field("images", &images)
            .finish()
    }
}

struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

struct MaybeMobile<'a>(&'a str);

impl fmt::Debug for MaybeMobile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if is_mainland_mobile(self.0.trim()) {
            Redacted.fmt(f)
        } else {
            self.0.fmt(f)
        }
    }
}

struct ByteCount(usize);

impl fmt::Debug for ByteCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_replaces_given_fields_and_keeps_the_rest() {
        let base = ApplicationForm {
            contact_name: Some("张三".into()),
            shop_name: Some("old".into()),
            remark: Some("note".into()),
            images: vec![(ImageKind::ShopScenePic, vec![1])],
            ..ApplicationForm::default()
        };
        let changes = ApplicationForm {
            shop_name: Some("new".into()),
            remark: Some(String::new()),
            images: vec![(ImageKind::ShopSignBoardPic, vec![2])],
            ..ApplicationForm::default()
        };

        let merged = base.overlay(changes);

        assert_eq!(merged.contact_name.as_deref(), Some("张三"));
        assert_eq!(merged.shop_name.as_deref(), Some("new"));
        assert_eq!(merged.remark.as_deref(), Some(""));
        assert_eq!(merged.images.len(), 2);
    }

    #[test]
    fn debug_shows_image_sizes_and_hides_mobiles_and_the_licence_number() {
        let form = ApplicationForm {
            account: Some("13700001111".into()),
            contact_name: Some("张三".into()),
            contact_mobile: Some("13812345678".into()),
            business_license_no: Some("91350100M000100Y43".into()),
            business_license_mobile: Some("13912345678".into()),
            images: vec![(ImageKind::ShopScenePic, vec![0x89; 6_000])],
            ..ApplicationForm::default()
        };

        let debug = format!("{form:?}");

        assert!(debug.contains("张三"), "{debug}");
        assert!(debug.contains("(ShopScenePic, 6000 bytes)"), "{debug}");
        for secret in [
            "13812345678",
            "91350100M000100Y43",
            "13912345678",
            "13700001111",
            "137, 137",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(
            debug.contains("contact_mobile: Some(<redacted>)"),
            "{debug}"
        );
    }
}
