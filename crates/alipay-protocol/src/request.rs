//! Building and checking gateway.do requests (API.md §1.2, §3).
//!
//! The common parameters and `sign` travel in the URL query; the business text parameters
//! (`biz_content`, or facetoface.sign's top-level fields) in the body. Everything that is
//! sent is signed, and only what is sent: empty values are dropped from both.

use chrono::{DateTime, FixedOffset, Offset as _, Utc};

use crate::signature::{SignError, Signer, Verifier, VerifyError, sign_content};

/// `charset` we always send (and sign): UTF-8 only.
pub const CHARSET: &str = "utf-8";
/// `format` we send: JSON is the only format.
pub const FORMAT: &str = "json";
/// `sign_type`: RSA2 = SHA256withRSA.
pub const SIGN_TYPE: &str = "RSA2";
/// `version` of the gateway protocol.
pub const VERSION: &str = "1.0";
/// The name of the business parameter that carries JSON for most methods.
pub const BIZ_CONTENT: &str = "biz_content";
/// The parameter holding the signature.
pub const SIGN: &str = "sign";

/// Alipay's method names for the five calls of the agent flow.
pub mod methods {
    /// Opens an agent transaction (batch).
    pub const CREATE: &str = "alipay.open.agent.create";
    /// Attaches the 当面付 application (multipart).
    pub const FACETOFACE_SIGN: &str = "alipay.open.agent.facetoface.sign";
    /// Submits the transaction.
    pub const CONFIRM: &str = "alipay.open.agent.confirm";
    /// Polls the application.
    pub const ORDER_QUERY: &str = "alipay.open.agent.order.query";
    /// Cancels an `init` transaction.
    pub const CANCEL: &str = "alipay.open.agent.cancel";
}

const CHINA_OFFSET_SECS: i32 = 8 * 3600;

/// `timestamp` as Alipay wants it: `yyyy-MM-dd HH:mm:ss` in China time (fixed UTC+8),
/// whatever the host's time zone (API.md §7.1).
#[must_use]
pub fn china_timestamp(now: DateTime<Utc>) -> String {
    // UTC+8 is always a valid offset; the fallback only keeps this function total.
    let china = FixedOffset::east_opt(CHINA_OFFSET_SECS).unwrap_or_else(|| Utc.fix());
    now.with_timezone(&china)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// One call to the gateway before signing: the common parameters and the business text
/// parameters, borrowed from the caller (nothing is copied until the wire strings are built).
#[derive(Debug, Clone)]
pub struct GatewayRequest<'a> {
    app_id: &'a str,
    method: &'a str,
    timestamp: &'a str,
    business: Vec<(&'a str, &'a str)>,
}

impl<'a> GatewayRequest<'a> {
    /// A request for `method` by `app_id` at `timestamp` (see [`china_timestamp`]).
    #[must_use]
    pub const fn new(app_id: &'a str, method: &'a str, timestamp: &'a str) -> Self {
        Self {
            app_id,
            method,
            timestamp,
            business: Vec::new(),
        }
    }

    /// Adds a business text parameter. An empty or whitespace-only value is left out
    /// entirely — neither signed nor sent — as the Java SDK does (vectors.json: "a client
    /// should not send them"; Alipay's rule for them is undocumented).
    #[must_use]
    pub fn param(mut self, name: &'a str, value: &'a str) -> Self {
        if !value.trim().is_empty() {
            self.business.push((name, value));
        }
        self
    }

    /// Adds `biz_content` (the exact JSON text that will be sent and signed).
    #[must_use]
    pub fn biz_content(self, json: &'a str) -> Self {
        self.param(BIZ_CONTENT, json)
    }

    /// The method name.
    #[must_use]
    pub const fn method(&self) -> &'a str {
        self.method
    }

    /// The common parameters without `sign`, in the order the Python SDK writes them.
    #[must_use]
    pub const fn common_params(&self) -> [(&'static str, &'a str); 7] {
        [
            ("timestamp", self.timestamp),
            ("app_id", self.app_id),
            ("method", self.method),
            ("charset", CHARSET),
            ("format", FORMAT),
            ("version", VERSION),
            ("sign_type", SIGN_TYPE),
        ]
    }

    /// The business text parameters, in the order they were added.
    #[must_use]
    pub fn business_params(&self) -> &[(&'a str, &'a str)] {
        &self.business
    }

    /// The sign content over common and business parameters.
    #[must_use]
    pub fn sign_content(&self) -> String {
        sign_content(
            self.common_params()
                .into_iter()
                .chain(self.business.iter().copied()),
        )
    }

    /// Signs the request.
    ///
    /// # Errors
    /// [`SignError`] if signing fails.
    pub fn sign(self, signer: &(impl Signer + ?Sized)) -> Result<SignedRequest<'a>, SignError> {
        let sign = signer.sign(self.sign_content().as_bytes())?;
        Ok(SignedRequest {
            request: self,
            sign,
        })
    }
}

/// A signed request: what goes in the URL query and what goes in the body.
#[derive(Debug, Clone)]
pub struct SignedRequest<'a> {
    request: GatewayRequest<'a>,
    sign: String,
}

impl<'a> SignedRequest<'a> {
    /// The base64 signature.
    #[must_use]
    pub fn sign(&self) -> &str {
        &self.sign
    }

    /// The method name.
    #[must_use]
    pub const fn method(&self) -> &'a str {
        self.request.method
    }

    /// Query parameters (decoded): the common parameters, then `sign`.
    pub fn query_params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.request
            .common_params()
            .into_iter()
            .chain(std::iter::once((SIGN, self.sign.as_str())))
    }

    /// The URL query string, form-urlencoded (space → `+`; `+`, `/`, `=` of the signature
    /// percent-encoded), without the leading `?`.
    #[must_use]
    pub fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::with_capacity(512))
            .extend_pairs(self.query_params())
            .finish()
    }

    /// Body text parameters (decoded): `biz_content` or the top-level fields.
    #[must_use]
    pub fn body_params(&self) -> &[(&'a str, &'a str)] {
        self.request.business_params()
    }

    /// The `application/x-www-form-urlencoded` body.
    #[must_use]
    pub fn form_body(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.request.business.iter().copied())
            .finish()
    }
}

/// Why a received request's signature was refused (simulator side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestSignatureError {
    /// No `sign` parameter, or an empty one.
    #[error("request has no sign")]
    Missing,
    /// The signature did not verify.
    #[error(transparent)]
    Invalid(#[from] VerifyError),
}

/// Verifies a received request: `params` are all its decoded text parameters (query and
/// body, never files) including `sign`; the sign content is rebuilt by Alipay's rule and
/// checked with the app public key.
///
/// # Errors
/// [`RequestSignatureError::Missing`] without a `sign`, `Invalid` when it does not verify.
pub fn verify_request<'p>(
    params: impl IntoIterator<Item = (&'p str, &'p str)> + Clone,
    verifier: &(impl Verifier + ?Sized),
) -> Result<(), RequestSignatureError> {
    let sign = params
        .clone()
        .into_iter()
        .find(|(k, _)| *k == SIGN)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
        .ok_or(RequestSignatureError::Missing)?;
    let content = sign_content(params);
    verifier.verify(content.as_bytes(), sign)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn china_timestamp_is_utc_plus_eight_across_midnight() {
        let now = Utc.with_ymd_and_hms(2024, 5, 19, 18, 11, 12).unwrap();
        assert_eq!(china_timestamp(now), "2024-05-20 02:11:12");
    }

    #[test]
    fn empty_and_blank_business_values_are_neither_signed_nor_sent() {
        let req = GatewayRequest::new("app", "m", "t")
            .param("a", "")
            .param("b", " \t")
            .param("c", " c ")
            .biz_content("{}");
        assert_eq!(
            req.business_params(),
            &[("c", " c "), ("biz_content", "{}")]
        );
        let content = req.sign_content();
        assert!(
            !content.contains("a=") && !content.contains("b="),
            "{content}"
        );
        assert!(content.contains("&c= c &"), "{content}");
    }
}
