//! Test harness: a simulator on a free loopback port and a client that signs requests with
//! xjz-alipay-protocol exactly as the adapter will.

use std::time::Duration;

use serde_json::Value;
use xjz_alipay_protocol::{
    AppPrivateKey, GatewayRequest, KeyRole, ResponseVerdict, RsaPublicKey, Signer, china_timestamp,
    methods, verify_response,
};
use xjz_alipay_sim::{SimConfig, SimHandle, Simulator, test_keys};

pub const CREATE: &str = methods::CREATE;
pub const SIGN: &str = methods::FACETOFACE_SIGN;
pub const CONFIRM: &str = methods::CONFIRM;
pub const QUERY: &str = methods::ORDER_QUERY;
pub const CANCEL: &str = methods::CANCEL;

pub struct TestSim {
    pub handle: SimHandle,
    pub client: reqwest::Client,
    pub app_key: AppPrivateKey,
    pub alipay_key: RsaPublicKey,
}

/// One answer from the gateway.
#[derive(Debug)]
pub struct Answer {
    pub method: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
    alipay_key: RsaPublicKey,
}

impl Answer {
    /// The verdict of the protocol crate's strict verifier on this body.
    pub fn verdict(&self) -> ResponseVerdict<'_> {
        verify_response(&self.body, &self.method, &self.alipay_key)
    }

    /// The node, after checking that its signature verifies over its exact text.
    pub fn verified(&self) -> Value {
        let verdict = self.verdict();
        let node = verdict
            .verified()
            .unwrap_or_else(|| panic!("answer not verified: {verdict:?}\n{}", self.body));
        serde_json::from_str(node.content).expect("node is JSON")
    }

    /// The node of an answer Alipay sends unsigned.
    pub fn unsigned(&self) -> Value {
        match self.verdict() {
            ResponseVerdict::Unsigned(node) => serde_json::from_str(node.content).unwrap(),
            other => panic!("expected an unsigned answer, got {other:?}\n{}", self.body),
        }
    }

    pub fn code(&self) -> String {
        self.verified()["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// `sub_code` of a verified answer ("" on success).
    pub fn sub_code(&self) -> String {
        self.verified()["sub_code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn is_success(&self) -> bool {
        let node = self.verified();
        node["code"] == "10000" && node.get("sub_code").is_none()
    }
}

pub fn png(len: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.resize(len, 7);
    v
}

pub fn create_biz(account: &str) -> String {
    serde_json::json!({
        "account": account,
        "contact_info": {
            "contact_name": "张三",
            "contact_mobile": "13800138000",
            "contact_email": "zhangsan@example.com"
        }
    })
    .to_string()
}

pub fn batch_biz(batch_no: &str) -> String {
    serde_json::json!({ "batch_no": batch_no }).to_string()
}

impl TestSim {
    pub async fn start() -> Self {
        Self::start_with(SimConfig::default()).await
    }

    pub async fn start_with(config: SimConfig) -> Self {
        let handle = Simulator::start(config).await.expect("simulator starts");
        Self::attach(handle)
    }

    pub fn attach(handle: SimHandle) -> Self {
        // reqwest is built without a default TLS provider (rustls-no-provider).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let app_key =
            AppPrivateKey::parse(handle.app_private_key_pem().expect("test keys")).unwrap();
        let alipay_key =
            RsaPublicKey::parse(handle.alipay_public_key_pem(), KeyRole::AlipayPublicKey).unwrap();
        Self {
            handle,
            client: reqwest::Client::new(),
            app_key,
            alipay_key,
        }
    }

    pub fn answer(&self, method: &str, response: (u16, String, String)) -> Answer {
        Answer {
            method: method.to_owned(),
            status: response.0,
            content_type: response.1,
            body: response.2,
            alipay_key: self.alipay_key.clone(),
        }
    }

    async fn read(response: reqwest::Response) -> (u16, String, String) {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, content_type, response.text().await.unwrap())
    }

    /// A form-urlencoded call signed with `key` by `app_id`.
    pub async fn call_as(
        &self,
        client: &reqwest::Client,
        key: &(impl Signer + ?Sized),
        app_id: &str,
        method: &str,
        biz: &str,
    ) -> Result<Answer, reqwest::Error> {
        let timestamp = china_timestamp(chrono::Utc::now());
        let signed = GatewayRequest::new(app_id, method, &timestamp)
            .biz_content(biz)
            .sign(key)
            .unwrap();
        let response = client
            .post(format!(
                "{}?{}",
                self.handle.gateway_url(),
                signed.query_string()
            ))
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(signed.form_body())
            .send()
            .await?;
        Ok(self.answer(method, Self::read(response).await))
    }

    /// A correctly signed form-urlencoded call with these business parameters.
    pub async fn call_params(&self, method: &str, params: &[(&str, &str)]) -> Answer {
        let timestamp = china_timestamp(chrono::Utc::now());
        let mut request = GatewayRequest::new(test_keys::APP_ID, method, &timestamp);
        for (k, v) in params {
            request = request.param(k, v);
        }
        let signed = request.sign(&self.app_key).unwrap();
        let response = self
            .client
            .post(format!(
                "{}?{}",
                self.handle.gateway_url(),
                signed.query_string()
            ))
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(signed.form_body())
            .send()
            .await
            .unwrap();
        self.answer(method, Self::read(response).await)
    }

    /// A correctly signed form-urlencoded call.
    pub async fn call(&self, method: &str, biz: &str) -> Answer {
        self.call_as(&self.client, &self.app_key, test_keys::APP_ID, method, biz)
            .await
            .expect("gateway answers")
    }

    /// A correctly signed call with a client that gives up after `timeout`.
    pub async fn call_with_timeout(
        &self,
        timeout: Duration,
        method: &str,
        biz: &str,
    ) -> Result<Answer, reqwest::Error> {
        // reqwest is built without a default TLS provider (rustls-no-provider).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(timeout).build().unwrap();
        self.call_as(&client, &self.app_key, test_keys::APP_ID, method, biz)
            .await
    }

    /// Sends `query` and `body` pairs as given (no signing).
    pub async fn call_raw(
        &self,
        method: &str,
        query: &[(&str, &str)],
        body: &[(&str, &str)],
    ) -> Answer {
        let query = serde_urlencoded::to_string(query).unwrap();
        let body = serde_urlencoded::to_string(body).unwrap();
        let response = self
            .client
            .post(format!("{}?{query}", self.handle.gateway_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.answer(method, Self::read(response).await)
    }

    /// facetoface.sign as multipart: signed text fields plus unsigned files.
    pub async fn sign_multipart(
        &self,
        fields: &[(&str, &str)],
        files: &[(&str, Vec<u8>)],
    ) -> Answer {
        let timestamp = china_timestamp(chrono::Utc::now());
        let mut request = GatewayRequest::new(test_keys::APP_ID, SIGN, &timestamp);
        for (k, v) in fields {
            request = request.param(k, v);
        }
        let signed = request.sign(&self.app_key).unwrap();
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in signed.body_params() {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(format!("{field}.png"))
                .mime_str("image/png")
                .unwrap();
            form = form.part(field.to_string(), part);
        }
        let response = self
            .client
            .post(format!(
                "{}?{}",
                self.handle.gateway_url(),
                signed.query_string()
            ))
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.answer(SIGN, Self::read(response).await)
    }

    pub async fn create(&self, account: &str) -> String {
        let answer = self.call(CREATE, &create_biz(account)).await;
        let node = answer.verified();
        assert_eq!(node["code"], "10000", "{}", answer.body);
        assert_eq!(node["batch_status"], "init");
        node["batch_no"].as_str().unwrap().to_owned()
    }

    pub async fn sign_ok(&self, batch_no: &str, shop_name: &str) {
        let answer = self
            .sign_multipart(
                &[
                    ("batch_no", batch_no),
                    ("mcc_code", "A0001_B0199"),
                    ("rate", "0.38"),
                    ("sign_and_auth", "true"),
                    ("shop_name", shop_name),
                    (
                        "shop_address",
                        r#"{"city_code":"330100","detail_address":"文三路90号","district_code":"330106","province_code":"330000"}"#,
                    ),
                ],
                &[("shop_sign_board_pic", png(6000))],
            )
            .await;
        assert!(answer.is_success(), "{}", answer.body);
    }

    /// create + facetoface.sign.
    pub async fn signed_batch(&self, account: &str) -> String {
        let batch_no = self.create(account).await;
        self.sign_ok(&batch_no, "张三的小店").await;
        batch_no
    }

    /// create + facetoface.sign + confirm; returns (batch_no, order_no).
    pub async fn submitted_batch(&self, account: &str) -> (String, String) {
        let batch_no = self.signed_batch(account).await;
        let answer = self.call(CONFIRM, &batch_biz(&batch_no)).await;
        let node = answer.verified();
        assert_eq!(node["code"], "10000", "{}", answer.body);
        (batch_no, node["order_no"].as_str().unwrap().to_owned())
    }

    pub async fn query(&self, batch_no: &str) -> Value {
        let answer = self.call(QUERY, &batch_biz(batch_no)).await;
        answer.verified()
    }

    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.handle.admin_url()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, value)
    }
}
