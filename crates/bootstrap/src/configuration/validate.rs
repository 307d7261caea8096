//! Checks that apply in every environment: ranges, addresses, URLs, data-key format.
//! Each failure is added to the problem list with the key's environment name.

use std::net::IpAddr;

use secrecy::SecretString;

use super::error::Problems;
use super::secrets::decode_data_key;
use super::settings::{MAX_POLL_DAYS, MAX_POLL_SECS, PollSettings};

/// A number that must be at least `min` (and at most `max`).
pub(crate) fn range(problems: &mut Problems, key: &str, value: u64, min: u64, max: u64) {
    if value < min || value > max {
        let wanted = match (min, max) {
            (min, u64::MAX) => format!("at least {min}"),
            (min, max) => format!("between {min} and {max}"),
        };
        problems.push(key, format!("is {value}; it must be {wanted}"));
    }
}

/// At least one.
pub(crate) fn positive(problems: &mut Problems, key: &str, value: u64) {
    range(problems, key, value, 1, u64::MAX);
}

pub(crate) fn poll(problems: &mut Problems, poll: &PollSettings) {
    let secs = [
        (
            "XJZ__POLL__FIRST_QUERY_DELAY_SECS",
            poll.first_query_delay_secs,
        ),
        ("XJZ__POLL__AUDIT_INTERVAL_SECS", poll.audit_interval_secs),
        (
            "XJZ__POLL__CONFIRM_INTERVAL_SECS",
            poll.confirm_interval_secs,
        ),
    ];
    for (key, value) in secs {
        range(problems, key, value, 1, MAX_POLL_SECS);
    }
    let days = [
        ("XJZ__POLL__CONFIRM_WINDOW_DAYS", poll.confirm_window_days),
        ("XJZ__POLL__MAX_DAYS", poll.max_days),
    ];
    for (key, value) in days {
        range(problems, key, value, 1, MAX_POLL_DAYS);
    }
}

/// `host:port` with a non-empty host and a numeric port (`[::1]:8080` for IPv6).
pub(crate) fn bind(problems: &mut Problems, key: &str, value: &str) {
    let ok = value.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty() && !host.contains(char::is_whitespace) && port.parse::<u16>().is_ok()
    });
    if !ok {
        problems.push(
            key,
            format!("is {value:?}; it must be host:port, e.g. 127.0.0.1:8080"),
        );
    }
}

/// An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
pub(crate) fn trusted_proxies(problems: &mut Problems, proxies: &[String]) {
    for proxy in proxies {
        let ok = match proxy.split_once('/') {
            Some((ip, prefix)) => match (ip.parse::<IpAddr>(), prefix.parse::<u8>()) {
                (Ok(IpAddr::V4(_)), Ok(bits)) => bits <= 32,
                (Ok(IpAddr::V6(_)), Ok(bits)) => bits <= 128,
                _ => false,
            },
            None => proxy.parse::<IpAddr>().is_ok(),
        };
        if !ok {
            problems.push(
                "XJZ__SERVER__TRUSTED_PROXIES",
                format!("{proxy:?} is not an IP address or CIDR block"),
            );
        }
    }
}

/// An absolute `http://` or `https://` URL.
pub(crate) fn http_url(problems: &mut Problems, key: &str, value: &str) {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = rest.is_some_and(|rest| !rest.is_empty() && !value.contains(char::is_whitespace));
    if !ok {
        problems.push(
            key,
            format!("is {value:?}; it must be an http:// or https:// URL"),
        );
    }
}

/// Alipay app ids are digits (e.g. `2021000000000001`).
pub(crate) fn app_id(problems: &mut Problems, value: &str) {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(
            "XJZ__ALIPAY__APP_ID",
            format!("is {value:?}; an Alipay app id is all digits"),
        );
    }
}

pub(crate) fn data_keys(
    problems: &mut Problems,
    current: Option<&SecretString>,
    previous: &[SecretString],
) {
    const HOW: &str = "it must be the base64 of exactly 32 random bytes \
                       (generate one with `openssl rand -base64 32`)";
    if let Some(key) = current
        && decode_data_key("XJZ__SECURITY__DATA_KEY", key).is_err()
    {
        problems.push("XJZ__SECURITY__DATA_KEY", HOW);
    }
    for (i, key) in previous.iter().enumerate() {
        if decode_data_key("XJZ__SECURITY__PREVIOUS_DATA_KEYS", key).is_err() {
            problems.push(
                "XJZ__SECURITY__PREVIOUS_DATA_KEYS",
                format!("entry {} (counting from 1): {HOW}", i + 1),
            );
        }
    }
}
