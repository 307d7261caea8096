//! `XJZ__ALIPAY__*`: in development what is not set falls back to the simulator — its
//! gateway URL and its PUBLIC TEST app id and keys — with a notice; production has refused
//! any gap before [`Pending::finish`] runs.

use secrecy::{ExposeSecret, SecretString};
use xjz_alipay_sim::test_keys;

use super::FillIn;
use crate::configuration::defaults;
use crate::configuration::error::{ConfigError, Problems};
use crate::configuration::notice::{Notice, NoticeKind};
use crate::configuration::raw::RawAlipay;
use crate::configuration::secrets::value_or_file;
use crate::configuration::settings::{AlipaySettings, EmbeddedSettings};
use crate::configuration::validate;

/// The Alipay values as configured, gaps still open.
pub(super) struct Pending {
    pub gateway_url: Option<String>,
    pub app_id: Option<String>,
    pub app_private_key: Option<SecretString>,
    pub alipay_public_key: Option<String>,
    timeout_secs: u64,
    upload_timeout_secs: u64,
}

impl Pending {
    pub(super) fn read(problems: &mut Problems, raw: RawAlipay) -> Self {
        let pending = Self {
            app_private_key: value_or_file(
                problems,
                "XJZ__ALIPAY__APP_PRIVATE_KEY",
                raw.app_private_key,
                raw.app_private_key_file,
            ),
            alipay_public_key: value_or_file(
                problems,
                "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
                raw.alipay_public_key,
                raw.alipay_public_key_file,
            )
            .map(|key| key.expose_secret().to_owned()),
            gateway_url: raw.gateway_url,
            app_id: raw.app_id,
            timeout_secs: raw.timeout_secs.unwrap_or(defaults::ALIPAY_TIMEOUT_SECS),
            upload_timeout_secs: raw
                .upload_timeout_secs
                .unwrap_or(defaults::ALIPAY_UPLOAD_TIMEOUT_SECS),
        };
        if let Some(url) = &pending.gateway_url {
            validate::http_url(problems, "XJZ__ALIPAY__GATEWAY_URL", url);
        }
        if let Some(app_id) = &pending.app_id {
            validate::app_id(problems, app_id);
        }
        validate::positive(problems, "XJZ__ALIPAY__TIMEOUT_SECS", pending.timeout_secs);
        validate::positive(
            problems,
            "XJZ__ALIPAY__UPLOAD_TIMEOUT_SECS",
            pending.upload_timeout_secs,
        );
        pending
    }

    pub(super) fn finish(
        self,
        fill_in: &FillIn<'_>,
        embedded: &EmbeddedSettings,
        notices: &mut Vec<Notice>,
    ) -> Result<AlipaySettings, ConfigError> {
        let development = matches!(fill_in, FillIn::Development { .. });
        let uses_test_keys = self.app_id.is_none()
            || self.app_private_key.is_none()
            || self.alipay_public_key.is_none();
        if development && uses_test_keys {
            notices.push(Notice::new(
                NoticeKind::DevelopmentDefault,
                "XJZ__ALIPAY__APP_PRIVATE_KEY",
                "using the simulator's PUBLIC TEST keys/app id for what is not set \
                 (development only; refused in production)",
            ));
        }
        let gateway_url = match (self.gateway_url, development) {
            (Some(url), _) => url,
            (None, true) => simulator_gateway(embedded, notices),
            (None, false) => return Err(FillIn::missing("XJZ__ALIPAY__GATEWAY_URL")),
        };
        let fill = |value: Option<String>, key: &str, test_value: &str| match value {
            Some(value) => Ok(value),
            None if development => Ok(test_value.to_owned()),
            None => Err(FillIn::missing(key)),
        };
        Ok(AlipaySettings {
            gateway_url,
            app_id: fill(self.app_id, "XJZ__ALIPAY__APP_ID", test_keys::APP_ID)?,
            app_private_key: match self.app_private_key {
                Some(key) => key,
                None if development => SecretString::from(test_keys::APP_PRIVATE_KEY_PEM),
                None => return Err(FillIn::missing("XJZ__ALIPAY__APP_PRIVATE_KEY")),
            },
            alipay_public_key: fill(
                self.alipay_public_key,
                "XJZ__ALIPAY__ALIPAY_PUBLIC_KEY",
                test_keys::ALIPAY_PUBLIC_KEY_PEM,
            )?,
            timeout_secs: self.timeout_secs,
            upload_timeout_secs: self.upload_timeout_secs,
        })
    }
}

/// `http://{simulator_bind}/gateway.do`, announced.
fn simulator_gateway(embedded: &EmbeddedSettings, notices: &mut Vec<Notice>) -> String {
    let url = format!("http://{}/gateway.do", embedded.simulator_bind);
    let whose = if embedded.simulator {
        "the embedded simulator"
    } else {
        "a simulator run separately (the embedded one is off)"
    };
    notices.push(Notice::new(
        NoticeKind::DevelopmentDefault,
        "XJZ__ALIPAY__GATEWAY_URL",
        format!("not set: using {whose} at {url}"),
    ));
    url
}
