//! Settings build their adapters' configuration (STYLE §9, zero2prod
//! `EmailClientSettings::client()`), so the composition root only passes values along.

use secrecy::ExposeSecret;
use xjz_alipay_adapter::{AlipayClientConfig, ClientBuildError};

use super::settings::AlipaySettings;

impl AlipaySettings {
    /// The Alipay client's configuration: both keys parsed (once, here), both timeouts.
    ///
    /// # Errors
    /// [`ClientBuildError::Key`] naming the key that does not parse.
    pub fn client_config(&self) -> Result<AlipayClientConfig, ClientBuildError> {
        let config = AlipayClientConfig::from_key_text(
            &self.gateway_url,
            &self.app_id,
            self.app_private_key.expose_secret(),
            &self.alipay_public_key,
        )?;
        Ok(config.with_timeouts(self.timeout(), self.upload_timeout()))
    }
}
