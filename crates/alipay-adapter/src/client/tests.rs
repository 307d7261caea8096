//! Request building against vectors.json `request` cases (timestamp pinned): the adapter's
//! DTOs serialise to the SDK's JSON, and query, body and multipart parts come out as the
//! official SDK sends them, signature byte-exact.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use serde_json::Value;
use xjz_alipay_protocol::{AlipayPublicKey, AppPrivateKey};
use xjz_domain::ports::Clock;

use super::send::{PreparedBody, multipart_form};
use super::{AlipayClient, Call};
use crate::config::AlipayClientConfig;
use crate::wire::{
    BatchBizContent, ContactInfo, CreateBizContent, FacetofaceSignFields, ImageFile,
    ShopAddressWire,
};

struct FixedClock;
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH
    }
}

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../tests/fixtures/vectors.json")).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn client(v: &Value) -> AlipayClient {
    let config = AlipayClientConfig {
        gateway_url: "https://openapi.alipay.com/gateway.do".to_owned(),
        app_id: s(&v["app_id"]).to_owned(),
        app_private_key: AppPrivateKey::parse(s(&v["keys"]["app"]["private_key_pkcs1_pem"]))
            .unwrap(),
        alipay_public_key: AlipayPublicKey::parse(s(&v["keys"]["alipay"]["public_key_spki_pem"]))
            .unwrap(),
        timeout: crate::DEFAULT_TIMEOUT,
        upload_timeout: crate::DEFAULT_UPLOAD_TIMEOUT,
    };
    AlipayClient::new(config, Arc::new(FixedClock)).unwrap()
}

fn case<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["request"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// The biz_content the adapter's DTO writes for a case's `biz_content_object`.
fn adapter_biz_content(method: &str, object: &Value) -> String {
    if method == "alipay.open.agent.create" {
        let contact = &object["contact_info"];
        serde_json::to_string(&CreateBizContent {
            account: s(&object["account"]),
            contact_info: ContactInfo {
                contact_email: contact.get("contact_email").map(s),
                contact_mobile: s(&contact["contact_mobile"]),
                contact_name: s(&contact["contact_name"]),
            },
        })
        .unwrap()
    } else {
        serde_json::to_string(&BatchBizContent {
            batch_no: s(&object["batch_no"]),
        })
        .unwrap()
    }
}

#[test]
fn form_requests_match_the_sdk_query_body_and_signature() {
    let v = vectors();
    let client = client(&v);
    let timestamp = s(&v["pinned_timestamp"]);
    // req_create_special_chars carries order_ticket, which we never send: its biz_content
    // goes through unchanged to check the encoding of & = + space / and Chinese.
    for id in [
        "req_create",
        "req_confirm",
        "req_order_query",
        "req_cancel",
        "req_create_special_chars",
    ] {
        let case = case(&v, id);
        let method = s(&case["method"]);
        let given = s(&case["inputs"]["biz_content"]);
        if id != "req_create_special_chars" {
            let ours = adapter_biz_content(method, &case["inputs"]["biz_content_object"]);
            assert_eq!(ours, given, "{id}: biz_content");
        }
        let method: &'static str = match method {
            "alipay.open.agent.create" => "alipay.open.agent.create",
            "alipay.open.agent.confirm" => "alipay.open.agent.confirm",
            "alipay.open.agent.order.query" => "alipay.open.agent.order.query",
            "alipay.open.agent.cancel" => "alipay.open.agent.cancel",
            other => panic!("{other}"),
        };
        let call = Call {
            method,
            batch_no: None,
            params: vec![("biz_content", given)],
            files: Vec::new(),
        };
        let prepared = client.prepare(call, timestamp).unwrap();
        let expected = &case["expected"];
        assert_eq!(prepared.url.path(), s(&expected["url_path"]), "{id}");
        assert_eq!(
            prepared.url.query(),
            Some(s(&expected["query_string"])),
            "{id}: query"
        );
        let PreparedBody::Form(body) = prepared.body else {
            panic!("{id}: form body expected");
        };
        assert_eq!(body, s(&expected["body"]), "{id}: body");
    }
}

#[tokio::test]
async fn facetoface_sign_is_multipart_with_signed_text_fields_and_unsigned_files() {
    let v = vectors();
    let client = client(&v);
    let case = case(&v, "req_facetoface_sign");
    let text = &case["inputs"]["text_params"];
    let expected = &case["expected"];
    let parts = expected["multipart"]["parts"].as_array().unwrap();
    let part = |name: &str| parts.iter().find(|p| p["name"] == name).unwrap();

    let address = &text["shop_address"];
    let address_json = serde_json::to_string(&ShopAddressWire {
        city_code: s(&address["city_code"]),
        country_code: s(&address["country_code"]),
        detail_address: s(&address["detail_address"]),
        district_code: s(&address["district_code"]),
        latitude: None,
        longitude: None,
        province_code: s(&address["province_code"]),
    })
    .unwrap();
    assert_eq!(address_json, s(&part("shop_address")["value"]));
    let fields = FacetofaceSignFields {
        batch_no: s(&text["batch_no"]),
        mcc_code: s(&text["mcc_code"]),
        rate: Some(s(&text["rate"])),
        sign_and_auth: text["sign_and_auth"].as_bool().unwrap(),
        shop_name: Some(s(&text["shop_name"])),
        shop_address_json: Some(address_json),
        ..FacetofaceSignFields::default()
    };
    let files: Vec<ImageFile> = parts
        .iter()
        .filter(|p| p["kind"] == "file")
        .map(|p| {
            use base64::Engine as _;
            let field = match s(&p["name"]) {
                "business_license_pic" => "business_license_pic",
                "shop_sign_board_pic" => "shop_sign_board_pic",
                other => panic!("{other}"),
            };
            ImageFile {
                field,
                file_name: s(&p["filename"]).to_owned(),
                mime: if p["content_type"] == "image/png" {
                    "image/png"
                } else {
                    "image/bmp"
                },
                bytes: base64::engine::general_purpose::STANDARD
                    .decode(s(&p["content_base64"]))
                    .unwrap()
                    .into(),
            }
        })
        .collect();
    let call = Call {
        method: "alipay.open.agent.facetoface.sign",
        batch_no: Some(fields.batch_no),
        params: fields.text_params(),
        files,
    };
    let prepared = client.prepare(call, s(&v["pinned_timestamp"])).unwrap();
    assert_eq!(prepared.url.query(), Some(s(&expected["query_string"])));
    let PreparedBody::Multipart { text, files } = prepared.body else {
        panic!("multipart expected");
    };
    let mut ours = text.clone();
    ours.sort();
    let mut theirs: Vec<(String, String)> = parts
        .iter()
        .filter(|p| p["kind"] == "text")
        .map(|p| (s(&p["name"]).to_owned(), s(&p["value"]).to_owned()))
        .collect();
    theirs.sort();
    assert_eq!(ours, theirs, "text parts");

    // The bytes on the wire: each part with the SDK's headers, files raw.
    let form = multipart_form(text, files).unwrap();
    let boundary = form.boundary().to_owned();
    let mut stream = form.into_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.unwrap());
    }
    for p in parts {
        let name = s(&p["name"]);
        let mut head = format!("--{boundary}\r\n");
        for header in p["headers"].as_array().unwrap() {
            head.push_str(&format!(
                "{}: {}\r\n",
                s(&header[0]).to_lowercase(),
                s(&header[1])
            ));
        }
        head.push_str("\r\n");
        let content: Vec<u8> = if p["kind"] == "text" {
            s(&p["value"]).as_bytes().to_vec()
        } else {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(s(&p["content_base64"]))
                .unwrap()
        };
        let mut whole = head.into_bytes();
        whole.extend_from_slice(&content);
        whole.extend_from_slice(b"\r\n");
        let lower = String::from_utf8_lossy(&body).to_lowercase().into_bytes();
        let whole_lower = String::from_utf8_lossy(&whole).to_lowercase().into_bytes();
        assert!(
            lower
                .windows(whole_lower.len())
                .any(|w| w == whole_lower.as_slice()),
            "part {name} not found as the SDK lays it out in:\n{}",
            String::from_utf8_lossy(&body)
        );
    }
    assert!(body.ends_with(format!("--{boundary}--\r\n").as_bytes()));
}
