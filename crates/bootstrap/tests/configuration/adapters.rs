//! Settings build the Alipay client's configuration; the simulator's test keys parse.

use std::time::Duration;

use secrecy::SecretString;
use xjz_alipay_sim::test_keys;

use crate::helpers::TestEnv;

#[test]
fn development_defaults_build_a_client_config_with_the_test_keys() {
    let mut t = TestEnv::new();
    t.set("XJZ__ALIPAY__TIMEOUT_SECS", "7");

    let alipay = t.load_ok().settings.alipay;
    let config = alipay.client_config().unwrap();

    assert_eq!(config.gateway_url, "http://127.0.0.1:8090/gateway.do");
    assert_eq!(config.app_id, test_keys::APP_ID);
    assert_eq!(config.timeout, Duration::from_secs(7));
    assert_eq!(config.upload_timeout, Duration::from_secs(120));
    assert!(!format!("{config:?}").contains("MII"));
}

#[test]
fn every_spelling_of_the_test_app_key_parses() {
    for key in [
        test_keys::APP_PRIVATE_KEY_PEM,
        test_keys::APP_PRIVATE_KEY_PKCS1_PEM,
    ] {
        let mut alipay = TestEnv::new().load_ok().settings.alipay;
        alipay.app_private_key = SecretString::from(key);
        assert!(alipay.client_config().is_ok());
    }
}

#[test]
fn a_key_that_does_not_parse_is_an_error_without_its_content() {
    let mut t = TestEnv::new();
    t.set(
        "XJZ__ALIPAY__APP_PRIVATE_KEY",
        "MIIBnotARealKeyButSecretLooking",
    );

    let alipay = t.load_ok().settings.alipay;
    let error = alipay.client_config().unwrap_err();

    assert!(
        !error
            .to_string()
            .contains("MIIBnotARealKeyButSecretLooking"),
        "{error}"
    );
}
