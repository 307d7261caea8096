//! What the client needs: the gateway, the app id, both keys (parsed once, at start-up) and
//! the two timeouts (DESIGN §3: `XJZ__ALIPAY__*`). The composition root builds this from its
//! settings; the ops CLI from the same environment keys.

use std::time::Duration;

use xjz_alipay_protocol::{AlipayPublicKey, AppPrivateKey};

use crate::error::ClientBuildError;

/// Default per-request timeout (`XJZ__ALIPAY__TIMEOUT_SECS`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default timeout of facetoface.sign, which uploads images (`…__UPLOAD_TIMEOUT_SECS`).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// Configuration of [`crate::AlipayAgentGateway`]. `Debug` shows no key material.
#[derive(Debug)]
pub struct AlipayClientConfig {
    /// `https://openapi.alipay.com/gateway.do`, or the simulator's.
    pub gateway_url: String,
    /// The ISV (third-party) application's id.
    pub app_id: String,
    /// Signs requests.
    pub app_private_key: AppPrivateKey,
    /// Verifies responses.
    pub alipay_public_key: AlipayPublicKey,
    /// Timeout of create, confirm, order.query and cancel.
    pub timeout: Duration,
    /// Timeout of facetoface.sign.
    pub upload_timeout: Duration,
}

impl AlipayClientConfig {
    /// Parses both keys from their text (PEM or bare base64) with the default timeouts.
    ///
    /// # Errors
    /// [`ClientBuildError::Key`] naming the key that does not load.
    pub fn from_key_text(
        gateway_url: impl Into<String>,
        app_id: impl Into<String>,
        app_private_key: &str,
        alipay_public_key: &str,
    ) -> Result<Self, ClientBuildError> {
        Ok(Self {
            gateway_url: gateway_url.into(),
            app_id: app_id.into(),
            app_private_key: AppPrivateKey::parse(app_private_key)?,
            alipay_public_key: AlipayPublicKey::parse(alipay_public_key)?,
            timeout: DEFAULT_TIMEOUT,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
        })
    }

    /// Sets both timeouts.
    #[must_use]
    pub const fn with_timeouts(mut self, timeout: Duration, upload_timeout: Duration) -> Self {
        self.timeout = timeout;
        self.upload_timeout = upload_timeout;
        self
    }
}
