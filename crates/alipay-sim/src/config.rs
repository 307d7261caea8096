//! The simulator's settings, with defaults fit for tests: loopback port 0, the TEST-ONLY
//! keys of [`crate::test_keys`], state in memory, one-hour batch expiry, approve scenario.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::scenario::Scenario;
use crate::test_keys;

/// Everything [`crate::Simulator::start`] needs.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Where to listen; port 0 picks a free port (see [`crate::SimHandle::base_url`]).
    pub bind: SocketAddr,
    /// JSON file to keep state in across restarts; `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// How long an `init` batch lives before it times out (Alipay: one hour).
    pub batch_expiry: Duration,
    /// Scenario for batches that no rule, marker or admin call chose one for.
    pub default_scenario: Scenario,
    /// Key material and app id.
    pub keys: SimKeys,
    /// HTTP worker threads.
    pub workers: usize,
    /// How often changed state is written to `state_file` (and once more on stop).
    pub persist_every: Duration,
    /// How long `no_answer` and `lost_reply` hold a connection before closing it unanswered.
    pub hang: Duration,
    /// Largest request body accepted (five 5 MB images and the text fields fit).
    pub max_body_bytes: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state_file: None,
            batch_expiry: Duration::from_secs(3600),
            default_scenario: Scenario::default(),
            keys: SimKeys::test_keys(),
            workers: 2,
            persist_every: Duration::from_millis(200),
            hang: Duration::from_secs(60),
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// The app id and the four keys (PEM or bare base64; PKCS#1/PKCS#8 private, SPKI public).
///
/// The simulator itself uses `app_id`, `app_public_key` (to verify requests) and
/// `alipay_private_key` (to sign answers); `app_private_key` and `alipay_public_key` are
/// carried only to hand them to clients. `Debug` never shows key text.
#[derive(Clone, PartialEq, Eq)]
pub struct SimKeys {
    pub app_id: String,
    pub app_public_key: String,
    pub alipay_private_key: String,
    pub alipay_public_key: String,
    /// The client's signing key, when known (the test keys).
    pub app_private_key: Option<String>,
}

impl SimKeys {
    /// The TEST-ONLY keys shipped in [`crate::test_keys`].
    pub fn test_keys() -> Self {
        Self {
            app_id: test_keys::APP_ID.to_owned(),
            app_public_key: test_keys::APP_PUBLIC_KEY_PEM.to_owned(),
            alipay_private_key: test_keys::ALIPAY_PRIVATE_KEY_PEM.to_owned(),
            alipay_public_key: test_keys::ALIPAY_PUBLIC_KEY_PEM.to_owned(),
            app_private_key: Some(test_keys::APP_PRIVATE_KEY_PEM.to_owned()),
        }
    }
}

impl fmt::Debug for SimKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimKeys")
            .field("app_id", &self.app_id)
            .field("test_keys", &(*self == Self::test_keys()))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_key_text() {
        let text = format!("{:?}", SimConfig::default());
        assert!(!text.contains("PRIVATE KEY"));
        assert!(!text.contains("MII"));
        assert!(text.contains("2021000000000001"));
    }
}
