//! `AlipayClient`: the five calls at wire level. One pipeline for all of them:
//! build the parameters → sign → send (query + form or multipart) → read the raw body →
//! verify and classify (xjz-alipay-protocol) → parse the verified node → log one line.

mod send;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use xjz_alipay_protocol::request::{BIZ_CONTENT, methods};
use xjz_alipay_protocol::{AlipayPublicKey, AppPrivateKey, ResponseVerdict, verify_response};
use xjz_domain::ports::Clock;

use crate::config::AlipayClientConfig;
use crate::error::{AlipayCallError, ClientBuildError};
use crate::observer::CallObserver;
use crate::wire::{
    BatchBizContent, ConfirmResponse, CreateBizContent, CreateResponse, EmptyResponse,
    FacetofaceSignFields, ImageFile, OrderQueryResponse,
};

/// One call: method, the batch it concerns (for the log line), business text parameters
/// (already-serialised JSON where needed) and image files.
pub(crate) struct Call<'a> {
    pub(crate) method: &'static str,
    pub(crate) batch_no: Option<&'a str>,
    pub(crate) params: Vec<(&'a str, &'a str)>,
    pub(crate) files: Vec<ImageFile>,
}

/// A typed answer that may name a batch for the log line (create's new batch).
pub(crate) trait Answer: DeserializeOwned {
    fn batch_no(&self) -> Option<&str> {
        None
    }
}

impl Answer for CreateResponse {
    fn batch_no(&self) -> Option<&str> {
        Some(&self.batch_no)
    }
}
impl Answer for EmptyResponse {}
impl Answer for ConfirmResponse {}
impl Answer for OrderQueryResponse {}

/// The wire-level client. Holds one `reqwest::Client` (connection pool) for its lifetime.
pub(crate) struct AlipayClient {
    http: reqwest::Client,
    gateway: reqwest::Url,
    app_id: String,
    app_key: AppPrivateKey,
    alipay_key: AlipayPublicKey,
    timeout: Duration,
    upload_timeout: Duration,
    clock: Arc<dyn Clock>,
    observer: Option<Arc<dyn CallObserver>>,
}

impl std::fmt::Debug for AlipayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlipayClient")
            .field("gateway", &self.gateway.as_str())
            .field("app_id", &self.app_id)
            .field("timeout", &self.timeout)
            .field("upload_timeout", &self.upload_timeout)
            .finish_non_exhaustive()
    }
}

impl AlipayClient {
    pub(crate) fn new(
        config: AlipayClientConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ClientBuildError> {
        let gateway =
            reqwest::Url::parse(&config.gateway_url).map_err(|_| ClientBuildError::GatewayUrl)?;
        if !matches!(gateway.scheme(), "http" | "https") || gateway.cannot_be_a_base() {
            return Err(ClientBuildError::GatewayUrl);
        }
        if config.app_id.trim().is_empty() {
            return Err(ClientBuildError::AppId);
        }
        // reqwest is built without a bundled TLS crypto provider (no aws-lc, no OpenSSL);
        // rustls uses the process default, which we make ring. An Err only means a default
        // was installed already (by us or the host program), which is fine.
        let _already_installed = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("xjz-alipay-adapter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientBuildError::Http(e.without_url().to_string()))?;
        Ok(Self {
            http,
            gateway,
            app_id: config.app_id,
            app_key: config.app_private_key,
            alipay_key: config.alipay_public_key,
            timeout: config.timeout,
            upload_timeout: config.upload_timeout,
            clock,
            observer: None,
        })
    }

    /// Tells `observer` about every call from now on.
    pub(crate) fn set_observer(&mut self, observer: Arc<dyn CallObserver>) {
        self.observer = Some(observer);
    }

    /// `alipay.open.agent.create`.
    pub(crate) async fn create(
        &self,
        biz: &CreateBizContent<'_>,
    ) -> Result<CreateResponse, AlipayCallError> {
        let json = to_json(biz)?;
        let answer: CreateResponse = self
            .execute(Call {
                method: methods::CREATE,
                batch_no: None,
                params: vec![(BIZ_CONTENT, &json)],
                files: Vec::new(),
            })
            .await?;
        if answer.batch_no.is_empty() {
            return Err(AlipayCallError::Malformed(
                "create answered without a batch_no".to_owned(),
            ));
        }
        Ok(answer)
    }

    /// `alipay.open.agent.facetoface.sign`: top-level text fields + image files, multipart.
    pub(crate) async fn facetoface_sign(
        &self,
        fields: &FacetofaceSignFields<'_>,
        files: Vec<ImageFile>,
    ) -> Result<(), AlipayCallError> {
        let _: EmptyResponse = self
            .execute(Call {
                method: methods::FACETOFACE_SIGN,
                batch_no: Some(fields.batch_no),
                params: fields.text_params(),
                files,
            })
            .await?;
        Ok(())
    }

    /// `alipay.open.agent.confirm`.
    pub(crate) async fn confirm(&self, batch_no: &str) -> Result<ConfirmResponse, AlipayCallError> {
        self.batch_call(methods::CONFIRM, batch_no).await
    }

    /// `alipay.open.agent.order.query`.
    pub(crate) async fn query_order(
        &self,
        batch_no: &str,
    ) -> Result<OrderQueryResponse, AlipayCallError> {
        self.batch_call(methods::ORDER_QUERY, batch_no).await
    }

    /// `alipay.open.agent.cancel`.
    pub(crate) async fn cancel(&self, batch_no: &str) -> Result<(), AlipayCallError> {
        let _: EmptyResponse = self.batch_call(methods::CANCEL, batch_no).await?;
        Ok(())
    }

    async fn batch_call<T: Answer>(
        &self,
        method: &'static str,
        batch_no: &str,
    ) -> Result<T, AlipayCallError> {
        let json = to_json(&BatchBizContent { batch_no })?;
        self.execute(Call {
            method,
            batch_no: Some(batch_no),
            params: vec![(BIZ_CONTENT, &json)],
            files: Vec::new(),
        })
        .await
    }

    /// Runs one call and writes its log line: method, batch_no, outcome, latency, and
    /// Alipay's code/sub_code on refusals. Nothing else (no keys, no personal data).
    async fn execute<T: Answer>(&self, call: Call<'_>) -> Result<T, AlipayCallError> {
        let method = call.method;
        let batch_no = call.batch_no.map(str::to_owned);
        let started = Instant::now();
        let result = self.execute_inner::<T>(call).await;
        let elapsed = started.elapsed();
        let latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        if let Some(observer) = &self.observer {
            let outcome = match &result {
                Ok(_) => "success",
                Err(err) => err.class(),
            };
            observer.call_finished(method, outcome, elapsed);
        }
        match &result {
            Ok(answer) => tracing::info!(
                alipay.method = method,
                batch_no = answer.batch_no().or(batch_no.as_deref()).unwrap_or("-"),
                outcome = "success",
                latency_ms,
                "alipay call"
            ),
            Err(err) => {
                let refusal = err.refusal();
                tracing::warn!(
                    alipay.method = method,
                    batch_no = batch_no.as_deref().unwrap_or("-"),
                    outcome = err.class(),
                    latency_ms,
                    code = refusal.map_or("-", |r| r.code.as_str()),
                    sub_code = refusal.and_then(|r| r.sub_code.as_deref()).unwrap_or("-"),
                    "alipay call"
                );
            }
        }
        result
    }

    async fn execute_inner<T: Answer>(&self, call: Call<'_>) -> Result<T, AlipayCallError> {
        let method = call.method;
        let body = self.send(call).await?;
        let body = std::str::from_utf8(&body)
            .map_err(|_| AlipayCallError::Malformed("answer is not UTF-8".to_owned()))?;
        match verify_response(body, method, &self.alipay_key) {
            ResponseVerdict::Success(node) => serde_json::from_str(node.content)
                .map_err(|e| AlipayCallError::Malformed(format!("{method} answer: {e}"))),
            ResponseVerdict::BusinessError(node) => {
                Err(AlipayCallError::Business(node.status.into()))
            }
            ResponseVerdict::ErrorResponse(node) => {
                Err(AlipayCallError::ErrorResponse(node.status.into()))
            }
            ResponseVerdict::Unsigned(node) => Err(AlipayCallError::Unsigned(node.status.into())),
            ResponseVerdict::BadSignature(reason) => Err(AlipayCallError::BadSignature(reason)),
            ResponseVerdict::Malformed(reason) => {
                Err(AlipayCallError::Malformed(reason.to_string()))
            }
        }
    }
}

fn to_json(value: &impl serde::Serialize) -> Result<String, AlipayCallError> {
    serde_json::to_string(value).map_err(|e| AlipayCallError::Request(e.to_string()))
}
