//! Test support: a stub gateway over real HTTP on 127.0.0.1:0 that records each request and
//! answers with whatever the test scripts, plus the vectors.json keys and domain fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use xjz_alipay_adapter::{AlipayAgentGateway, AlipayClientConfig};
use xjz_alipay_protocol::{KeyRole, RsaPrivateKey, RsaPublicKey, signed_response_body};
use xjz_domain::application::{
    ApplicationDetails, ApplicationForm, ApplicationImages, ImageKind, ShopAddressForm,
};
use xjz_domain::ports::SystemClock;

pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../fixtures/vectors.json")).unwrap()
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// One request as the stub saw it.
#[derive(Debug, Clone)]
pub struct Captured {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn form_params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// Text parts (name, value) and file parts (name, filename, content type, bytes) of a
    /// multipart body. Minimal parser: enough for what reqwest writes.
    pub fn multipart(&self) -> (Vec<(String, String)>, Vec<FilePart>) {
        let content_type = self.header("content-type").unwrap();
        let boundary = content_type.split("boundary=").nth(1).unwrap().trim();
        let delimiter = format!("--{boundary}");
        let body = &self.body;
        let mut texts = Vec::new();
        let mut files = Vec::new();
        let positions: Vec<usize> = find_all(body, delimiter.as_bytes());
        for pair in positions.windows(2) {
            let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
            let split = find_all(part, b"\r\n\r\n")[0];
            let head = String::from_utf8(part[..split].to_vec()).unwrap();
            let content = part[split + 4..].to_vec();
            let disposition = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
                .unwrap();
            let name = between(disposition, "name=\"", "\"");
            let part_type = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-type"))
                .map(|l| l.split_once(':').unwrap().1.trim().to_owned())
                .unwrap_or_default();
            if disposition.contains("filename=") {
                let filename = between(disposition, "filename=\"", "\"");
                files.push((name, filename, part_type, content));
            } else {
                texts.push((name, String::from_utf8(content).unwrap()));
            }
        }
        (texts, files)
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap() + start.len();
    let len = text[from..].find(end).unwrap();
    text[from..from + len].to_owned()
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// A file part: field name, file name, content type, bytes.
pub type FilePart = (String, String, String, Vec<u8>);

/// What the stub answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Self {
        Self {
            status: 200,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
}

type Responder = Arc<dyn Fn(&Captured) -> Reply + Send + Sync>;

/// A stub gateway; requests are kept in `captured`.
pub struct StubGateway {
    pub url: String,
    pub captured: Arc<Mutex<Vec<Captured>>>,
}

impl StubGateway {
    pub async fn start(responder: impl Fn(&Captured) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let captured = Arc::new(Mutex::new(Vec::new()));
        let responder: Responder = Arc::new(responder);
        let store = Arc::clone(&captured);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let responder = Arc::clone(&responder);
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    store.lock().unwrap().push(request.clone());
                    let reply = responder(&request);
                    tokio::time::sleep(reply.delay).await;
                    let head = format!(
                        "HTTP/1.1 {} X\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        reply.status,
                        reply.body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(reply.body.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            url: format!("http://{addr}/gateway.do"),
            captured,
        }
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.captured.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Captured> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = find_all(&buf, b"\r\n\r\n").first() {
            break *pos;
        }
    };
    let head = String::from_utf8(buf[..header_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = buf[header_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Captured {
        path: path.to_owned(),
        query: form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers,
        body,
    })
}

/// vectors.json's keys: the app key signs requests, the alipay key signs responses.
pub struct Keys {
    pub app_id: String,
    pub app_private_pem: String,
    pub app_public: RsaPublicKey,
    pub alipay_private: RsaPrivateKey,
    pub alipay_public_b64: String,
}

pub fn keys() -> Keys {
    let v = vectors();
    Keys {
        app_id: s(&v["app_id"]).to_owned(),
        app_private_pem: s(&v["keys"]["app"]["private_key_pkcs8_pem"]).to_owned(),
        app_public: RsaPublicKey::parse(
            s(&v["keys"]["app"]["public_key_spki_base64"]),
            KeyRole::AppPublicKey,
        )
        .unwrap(),
        alipay_private: RsaPrivateKey::parse(
            s(&v["keys"]["alipay"]["private_key_pkcs1_base64"]),
            KeyRole::AlipayPrivateKey,
        )
        .unwrap(),
        alipay_public_b64: s(&v["keys"]["alipay"]["public_key_spki_base64"]).to_owned(),
    }
}

/// A gateway pointed at `url` with vectors.json's keys.
pub fn gateway(url: &str, timeout: Duration, upload_timeout: Duration) -> AlipayAgentGateway {
    let k = keys();
    let config =
        AlipayClientConfig::from_key_text(url, &k.app_id, &k.app_private_pem, &k.alipay_public_b64)
            .unwrap()
            .with_timeouts(timeout, upload_timeout);
    AlipayAgentGateway::new(config, Arc::new(SystemClock)).unwrap()
}

/// A body signed by the vectors' Alipay key.
pub fn signed(node_name: &str, node_json: &str) -> String {
    signed_response_body(node_name, node_json, &keys().alipay_private).unwrap()
}

pub fn details() -> ApplicationDetails {
    let text = |v: &str| Some(v.to_owned());
    let form = ApplicationForm {
        account: text("merchant01@example.com"),
        contact_name: text("张三"),
        contact_mobile: text("13800138000"),
        contact_email: text("zhangsan@example.com"),
        mcc_code: text("A0001_B0199"),
        rate: text("0.38"),
        sign_and_auth: text("true"),
        shop_name: text("张三的小店"),
        shop_address: Some(ShopAddressForm {
            country_code: text("156"),
            province_code: text("330000"),
            city_code: text("330100"),
            district_code: text("330106"),
            detail_address: text("文三路90号"),
            ..ShopAddressForm::default()
        }),
        ..ApplicationForm::default()
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    ApplicationDetails::parse(&form, today).unwrap()
}

pub fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(len, 0x42);
    bytes
}

pub fn images() -> ApplicationImages {
    ApplicationImages::parse(vec![(ImageKind::ShopSignBoardPic, png(6_000))]).unwrap()
}
