//! The streaming reader of the multipart apply / re-apply / edit request (DESIGN §4
//! "Contract details"): text parts named like Alipay's parameters (plus `merchant_name`,
//! `remark`, and `version` for edits), `shop_address` as a JSON object, and the five image
//! parts.
//!
//! Rules:
//! - every part is read chunk by chunk and counted: an image over
//!   [`UploadLimits::max_image_bytes`], a text part over [`TEXT_MAX_BYTES`] or a file part
//!   whose first bytes are not a png, jpeg, gif or bmp ([`ImageFormat::detect`]) answers 10422
//!   at once, and a request whose parts add up to more than
//!   [`UploadLimits::max_request_bytes`] answers 10413 at once; the rest of the request is not
//!   read;
//! - unknown parts, repeated parts, text that is not UTF-8 and a `shop_address` that is not a
//!   JSON object are collected and answered together (10422, one error per field) once the
//!   request has been read;
//! - a request that is not multipart, or a broken multipart body, answers 10400;
//! - an empty file part (a browser's file input left empty) counts as not given; empty text
//!   parts are kept (`Some("")`): the domain treats blank optional text as not given, and an
//!   edit uses it to clear a field.
//!
//! The domain ([`xjz_domain::application::Application::parse`]) checks the values themselves.

use std::collections::BTreeMap;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use futures::StreamExt as _;
use xjz_domain::application::{
    ApplicationForm, Image, ImageFormat, ImageKind, SHOP_ADDRESS_FIELD, ShopAddressForm,
};
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};
use xxhash_rust::xxh3::Xxh3;

use crate::http::error::ApiError;

/// The most bytes one text part may carry (`shop_address` included).
pub const TEXT_MAX_BYTES: usize = 64 * 1024;

/// The text part that carries the expected order version of an edit (PATCH).
pub const VERSION_FIELD: &str = "version";

/// How many leading bytes of a file part are gathered before its format is decided (the
/// longest signature [`ImageFormat::detect`] knows is 8 bytes).
const SNIFF_BYTES: usize = 16;

/// The text parts, as named on the wire (DESIGN §4).
const TEXT_FIELDS: [&str; 16] = [
    "account",
    "contact_name",
    "contact_mobile",
    "contact_email",
    "mcc_code",
    "rate",
    "sign_and_auth",
    "business_license_no",
    "business_license_mobile",
    "long_term",
    "date_limitation",
    "shop_name",
    SHOP_ADDRESS_FIELD,
    "merchant_name",
    "remark",
    VERSION_FIELD,
];

/// Size limits of one apply / re-apply / edit request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// The most bytes one image part may carry (Alipay's 5 MB: [`Image::MAX_BYTES`]).
    pub max_image_bytes: usize,
    /// The most bytes all parts together may carry (`XJZ__SERVER__MAX_UPLOAD_BYTES`).
    pub max_request_bytes: usize,
}

impl Default for UploadLimits {
    /// 5,000,000 bytes per image, 30 MiB per request (DESIGN §3).
    fn default() -> Self {
        Self {
            max_image_bytes: Image::MAX_BYTES,
            max_request_bytes: 30 * 1024 * 1024,
        }
    }
}

/// What one request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedForm {
    /// The application fields and uploads, unchecked (the domain parses them).
    pub form: ApplicationForm,
    /// The `version` text part (edits), as sent.
    pub version: Option<String>,
    /// Hex BLAKE3 of the request in canonical form: the parts sorted by name, each name and
    /// value (text as sent; an image as its own BLAKE3) prefixed with its length; `version`
    /// and empty file parts left out. Equal for the same request in any part order,
    /// different when any byte differs. Idempotency keys compare requests by it.
    pub fingerprint: String,
}

/// Reads an apply / re-apply / edit request part by part.
///
/// # Errors
/// - [`ApiError::Validation`] (10422): an image over `max_image_bytes`, a file part that is
///   not a png, jpeg, gif or bmp, a text part over [`TEXT_MAX_BYTES`] (each at once, with
///   the errors collected so far); after the whole request: unknown or repeated parts,
///   text that is not UTF-8, a `shop_address` that is not a JSON object — all of them;
/// - [`ApiError::PayloadTooLarge`] (10413): the parts add up to more than
///   `max_request_bytes`;
/// - [`ApiError::BadRequest`] (10400): not a multipart request, or a broken multipart body.
pub async fn read_form(
    mut payload: Multipart,
    limits: UploadLimits,
) -> Result<ReceivedForm, ApiError> {
    let mut reader = Reader {
        limits,
        total: 0,
        texts: BTreeMap::new(),
        images: Vec::new(),
        seen: Vec::new(),
        errors: ValidationErrors::new(),
    };
    while let Some(part) = payload.next().await {
        reader.read_part(part.map_err(multipart_error)?).await?;
    }
    reader.finish()
}

/// An image part: its kind, bytes and 128-bit XXH3 digest (for the fingerprint).
///
/// XXH3, not a cryptographic hash: the digest only tells one request from another under the
/// same caller's `Idempotency-Key` — the one who could craft a collision is the caller, against
/// their own retry — and 128 bits make an accidental one negligible. On the benchmark machine
/// 25 MB of images take 1.1 ms of XXH3-128 against 5.1 ms of BLAKE3 (and ~22 ms of SHA-256,
/// before session 5), all on the request's own thread.
type ReceivedImage = (ImageKind, Vec<u8>, u128);

/// The state of one request being read.
struct Reader {
    limits: UploadLimits,
    /// Bytes of part content read so far.
    total: usize,
    /// Text parts that are valid UTF-8, by name (sorted: the fingerprint's order).
    texts: BTreeMap<&'static str, String>,
    /// Non-empty image parts in arrival order (at most one per kind).
    images: Vec<ReceivedImage>,
    /// Every known part name met so far, to refuse repeats.
    seen: Vec<&'static str>,
    errors: ValidationErrors,
}

impl Reader {
    async fn read_part(&mut self, mut field: Field) -> Result<(), ApiError> {
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(ApiError::BadRequest(
                "malformed multipart body: every part needs a form-data name".to_owned(),
            ));
        };
        let known = ImageKind::from_field_name(&name)
            .map(ImageKind::field_name)
            .or_else(|| TEXT_FIELDS.iter().copied().find(|known| *known == name));
        let Some(known) = known else {
            if !self.errors.fields().any(|reported| reported == name) {
                self.errors.push(FieldError::new(
                    name,
                    FieldErrorCode::Unknown,
                    "unknown field",
                ));
            }
            return self.skip(&mut field).await;
        };
        if self.seen.contains(&known) {
            if !self.errors.fields().any(|reported| reported == known) {
                self.errors.push(FieldError::new(
                    known,
                    FieldErrorCode::Conflict,
                    "was given more than once",
                ));
            }
            return self.skip(&mut field).await;
        }
        self.seen.push(known);
        if let Some(kind) = ImageKind::from_field_name(known) {
            let (bytes, digest) = self.read_image(kind, &mut field).await?;
            if !bytes.is_empty() {
                self.images.push((kind, bytes, digest));
            }
        } else {
            let bytes = self.read_text(known, &mut field).await?;
            match String::from_utf8(bytes) {
                Ok(text) => {
                    self.texts.insert(known, text);
                }
                Err(_) => self.errors.push(FieldError::new(
                    known,
                    FieldErrorCode::Format,
                    "must be UTF-8 text",
                )),
            }
        }
        Ok(())
    }

    /// An image part's bytes and digest: refused as soon as it grows past the limit or its
    /// first bytes are no image. Each chunk is digested as it arrives (no second pass over
    /// the part).
    async fn read_image(
        &mut self,
        kind: ImageKind,
        field: &mut Field,
    ) -> Result<(Vec<u8>, u128), ApiError> {
        let limit = self.limits.max_image_bytes;
        // Reserved once: growing a 5 MB buffer by doubling copies it along the way. The
        // reservation is address space; only the pages the image fills become memory.
        let mut bytes = Vec::with_capacity(limit);
        let mut digest = Xxh3::new();
        let mut sniffed = false;
        while let Some(chunk) = next_chunk(field).await? {
            if bytes.len() + chunk.len() > limit {
                let reason = format!("is larger than the maximum of {limit} bytes");
                return Err(self.refuse(FieldError::new(
                    kind.field_name(),
                    FieldErrorCode::Length,
                    reason,
                )));
            }
            self.count(chunk.len())?;
            bytes.extend_from_slice(&chunk);
            digest.update(&chunk);
            if !sniffed && bytes.len() >= SNIFF_BYTES {
                self.check_format(kind, &bytes)?;
                sniffed = true;
            }
        }
        if !sniffed && !bytes.is_empty() {
            self.check_format(kind, &bytes)?;
        }
        Ok((bytes, digest.digest128()))
    }

    fn check_format(&mut self, kind: ImageKind, bytes: &[u8]) -> Result<(), ApiError> {
        match ImageFormat::detect(bytes) {
            Some(_) => Ok(()),
            None => Err(self.refuse(FieldError::new(
                kind.field_name(),
                FieldErrorCode::Format,
                "must be a png, jpeg, gif or bmp image",
            ))),
        }
    }

    /// A text part's bytes, refused as soon as they pass [`TEXT_MAX_BYTES`].
    async fn read_text(
        &mut self,
        name: &'static str,
        field: &mut Field,
    ) -> Result<Vec<u8>, ApiError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = next_chunk(field).await? {
            if bytes.len() + chunk.len() > TEXT_MAX_BYTES {
                let reason = format!("is longer than the maximum of {TEXT_MAX_BYTES} bytes");
                return Err(self.refuse(FieldError::new(name, FieldErrorCode::Length, reason)));
            }
            self.count(chunk.len())?;
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Reads past a part that is not kept (unknown or repeated), still counting its bytes.
    async fn skip(&mut self, field: &mut Field) -> Result<(), ApiError> {
        while let Some(chunk) = next_chunk(field).await? {
            self.count(chunk.len())?;
        }
        Ok(())
    }

    fn count(&mut self, len: usize) -> Result<(), ApiError> {
        self.total = self.total.saturating_add(len);
        if self.total > self.limits.max_request_bytes {
            return Err(ApiError::PayloadTooLarge);
        }
        Ok(())
    }

    /// The answer of an error that stops reading: it, after every error collected so far.
    fn refuse(&mut self, error: FieldError) -> ApiError {
        let mut errors = std::mem::take(&mut self.errors);
        errors.push(error);
        ApiError::Validation(errors)
    }

    fn finish(mut self) -> Result<ReceivedForm, ApiError> {
        let images = std::mem::take(&mut self.images);
        let shop_address = match self.texts.get(SHOP_ADDRESS_FIELD) {
            Some(json) if !json.trim().is_empty() => match shop_address(json) {
                Ok(address) => Some(address),
                Err(reason) => {
                    self.errors.push(FieldError::new(
                        SHOP_ADDRESS_FIELD,
                        FieldErrorCode::Format,
                        reason,
                    ));
                    None
                }
            },
            _ => None,
        };
        if !self.errors.is_empty() {
            return Err(ApiError::Validation(self.errors));
        }
        let fingerprint = fingerprint(&self.texts, &images);
        let mut texts = self.texts;
        let mut take = |name: &str| texts.remove(name);
        let form = ApplicationForm {
            account: take("account"),
            contact_name: take("contact_name"),
            contact_mobile: take("contact_mobile"),
            contact_email: take("contact_email"),
            merchant_name: take("merchant_name"),
            mcc_code: take("mcc_code"),
            rate: take("rate"),
            sign_and_auth: take("sign_and_auth"),
            business_license_no: take("business_license_no"),
            business_license_mobile: take("business_license_mobile"),
            long_term: take("long_term"),
            date_limitation: take("date_limitation"),
            shop_name: take("shop_name"),
            shop_address,
            remark: take("remark"),
            images: images
                .into_iter()
                .map(|(kind, bytes, _)| (kind, bytes))
                .collect(),
        };
        let version = take(VERSION_FIELD);
        Ok(ReceivedForm {
            form,
            version,
            fingerprint,
        })
    }
}

/// The `shop_address` part: a JSON object (serde would also take an array for a struct).
fn shop_address(json: &str) -> Result<ShopAddressForm, String> {
    let reason = |e: serde_json::Error| format!("must be a JSON object: {e}");
    let value: serde_json::Value = serde_json::from_str(json).map_err(reason)?;
    let not = match &value {
        serde_json::Value::Object(_) => return serde_json::from_value(value).map_err(reason),
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Null => "null",
    };
    Err(format!("must be a JSON object, not {not}"))
}

/// The next chunk of a part.
async fn next_chunk(field: &mut Field) -> Result<Option<Bytes>, ApiError> {
    field.next().await.transpose().map_err(multipart_error)
}

/// Hex BLAKE3 over the request in canonical form: the parts sorted by name (text and images
/// alike, `version` left out), each as its name and its value (the text as sent, the image's
/// XXH3-128 digest as 16 big-endian bytes), both prefixed with their length as a 64-bit
/// big-endian number.
fn fingerprint(texts: &BTreeMap<&'static str, String>, images: &[ReceivedImage]) -> String {
    let digests: Vec<(&str, [u8; 16])> = images
        .iter()
        .map(|(kind, _, digest)| (kind.field_name(), digest.to_be_bytes()))
        .collect();
    let mut parts: Vec<(&str, &[u8])> = texts
        .iter()
        .filter(|(name, _)| **name != VERSION_FIELD)
        .map(|(name, value)| (*name, value.as_bytes()))
        .chain(
            digests
                .iter()
                .map(|(name, digest)| (*name, digest.as_slice())),
        )
        .collect();
    parts.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = blake3::Hasher::new();
    for (name, value) in parts {
        for bytes in [name.as_bytes(), value] {
            hasher.update(&(bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
    }
    hasher.finalize().to_hex().to_string()
}

/// A multipart error as the API answers it.
fn multipart_error(error: MultipartError) -> ApiError {
    match error {
        MultipartError::Payload(PayloadError::Overflow) => ApiError::PayloadTooLarge,
        e @ (MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing) => {
            ApiError::BadRequest(format!("expected a multipart/form-data request: {e}"))
        }
        e => ApiError::BadRequest(format!("malformed multipart body: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use actix_web::http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
    use actix_web::{App, HttpResponse, test, web};
    use serde_json::Value;

    use super::*;

    const BOUNDARY: &str = "xjz-test-boundary-7MA4YWxkTrZu0gW";

    /// One part of a test request: a text part, or a file part (sent with a file name).
    #[derive(Clone)]
    enum Part {
        Text(&'static str, Vec<u8>),
        File(&'static str, Vec<u8>),
    }

    fn text(name: &'static str, value: &str) -> Part {
        Part::Text(name, value.as_bytes().to_vec())
    }

    fn file(name: &'static str, bytes: Vec<u8>) -> Part {
        Part::File(name, bytes)
    }

    /// `len` bytes starting with `magic`.
    fn image(magic: &[u8], len: usize) -> Vec<u8> {
        let mut bytes = magic.to_vec();
        bytes.resize(len, 0x42);
        bytes
    }

    fn png(len: usize) -> Vec<u8> {
        image(b"\x89PNG\r\n\x1a\n", len)
    }

    fn jpeg(len: usize) -> Vec<u8> {
        image(&[0xFF, 0xD8, 0xFF, 0xE0], len)
    }

    /// A `multipart/form-data` body, written by hand (RFC 7578) so tests control every byte.
    fn body(parts: &[Part]) -> Vec<u8> {
        let mut body = Vec::new();
        for part in parts {
            let (head, value) = match part {
                Part::Text(name, value) => (
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n"),
                    value,
                ),
                Part::File(name, value) => (
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.jpg\"\r\n\
                         Content-Type: image/jpeg\r\n"
                    ),
                    value,
                ),
            };
            body.extend_from_slice(format!("--{BOUNDARY}\r\n{head}\r\n").as_bytes());
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    /// A part whose headers carry no Content-Disposition, and no closing boundary: reading it
    /// fails with a multipart error.
    fn malformed_tail() -> Vec<u8> {
        format!("--{BOUNDARY}\r\nX-Not-A-Disposition: nothing\r\n\r\nnever closed").into_bytes()
    }

    fn multipart_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = format!("multipart/form-data; boundary={BOUNDARY}");
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(CONTENT_TYPE, value);
        }
        headers
    }

    /// The body as a stream of `chunk`-byte pieces, and how many pieces were pulled.
    fn streamed(
        headers: &HeaderMap,
        body: Vec<u8>,
        chunk: usize,
    ) -> (Multipart, Rc<Cell<usize>>, usize) {
        let chunks: Vec<Result<Bytes, PayloadError>> = body
            .chunks(chunk)
            .map(|piece| Ok(Bytes::copy_from_slice(piece)))
            .collect();
        let count = chunks.len();
        let pulled = Rc::new(Cell::new(0));
        let counter = Rc::clone(&pulled);
        let stream = futures::stream::iter(chunks).inspect(move |_| counter.set(counter.get() + 1));
        (Multipart::new(headers, stream), pulled, count)
    }

    async fn read_body(body: Vec<u8>, limits: UploadLimits) -> Result<ReceivedForm, ApiError> {
        let (payload, _, _) = streamed(&multipart_headers(), body, 4_096);
        read_form(payload, limits).await
    }

    async fn read(parts: &[Part]) -> Result<ReceivedForm, ApiError> {
        read_body(body(parts), UploadLimits::default()).await
    }

    fn small_limits() -> UploadLimits {
        UploadLimits {
            max_image_bytes: 10_000,
            max_request_bytes: 1_000_000,
        }
    }

    /// The field, code and reason of each error of a 10422 answer (panics on any other).
    fn field_errors(
        result: Result<ReceivedForm, ApiError>,
    ) -> Vec<(String, FieldErrorCode, String)> {
        match result {
            Err(ApiError::Validation(errors)) => errors
                .into_iter()
                .map(|e| (e.field, e.code, e.reason))
                .collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn fields_and_codes(result: Result<ReceivedForm, ApiError>) -> Vec<(String, FieldErrorCode)> {
        field_errors(result)
            .into_iter()
            .map(|(field, code, _)| (field, code))
            .collect()
    }

    const SHOP_ADDRESS: &str = r#"{"province_code":"330000","city_code":330100,"district_code":"330106","detail_address":"文三路 100 号","longitude":"120.1","latitude":"30.2"}"#;

    fn valid_parts() -> Vec<Part> {
        vec![
            text("account", "merchant01@example.com"),
            text("contact_name", "张三"),
            text("contact_mobile", "13800138000"),
            text("contact_email", "zhangsan@example.com"),
            text("mcc_code", "A0001_B0199"),
            text("rate", "0.38"),
            text("sign_and_auth", "true"),
            text("business_license_no", "91350100M000100Y43"),
            text("business_license_mobile", "13912345678"),
            text("long_term", "false"),
            text("date_limitation", "2030-12-31"),
            text("shop_name", "示例便利店"),
            text("shop_address", SHOP_ADDRESS),
            text("merchant_name", "杭州示例商贸有限公司"),
            text("remark", "备注"),
            file("shop_scene_pic", png(6_000)),
            file("shop_sign_board_pic", jpeg(7_000)),
        ]
    }

    fn expected_form() -> ApplicationForm {
        ApplicationForm {
            account: Some("merchant01@example.com".into()),
            contact_name: Some("张三".into()),
            contact_mobile: Some("13800138000".into()),
            contact_email: Some("zhangsan@example.com".into()),
            merchant_name: Some("杭州示例商贸有限公司".into()),
            mcc_code: Some("A0001_B0199".into()),
            rate: Some("0.38".into()),
            sign_and_auth: Some("true".into()),
            business_license_no: Some("91350100M000100Y43".into()),
            business_license_mobile: Some("13912345678".into()),
            long_term: Some("false".into()),
            date_limitation: Some("2030-12-31".into()),
            shop_name: Some("示例便利店".into()),
            shop_address: Some(ShopAddressForm {
                country_code: None,
                province_code: Some("330000".into()),
                city_code: Some("330100".into()),
                district_code: Some("330106".into()),
                detail_address: Some("文三路 100 号".into()),
                longitude: Some("120.1".into()),
                latitude: Some("30.2".into()),
            }),
            remark: Some("备注".into()),
            images: vec![
                (ImageKind::ShopScenePic, png(6_000)),
                (ImageKind::ShopSignBoardPic, jpeg(7_000)),
            ],
        }
    }

    #[actix_web::test]
    async fn all_text_fields_and_two_images_parse_into_the_form() {
        // 7-byte pieces: every part, and every image's first 16 bytes, spans several chunks.
        let (payload, pulled, count) = streamed(&multipart_headers(), body(&valid_parts()), 7);

        let received = read_form(payload, UploadLimits::default()).await.unwrap();

        assert_eq!(received.form, expected_form());
        assert_eq!(received.version, None);
        assert_eq!(received.fingerprint.len(), 64);
        assert!(received.fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(pulled.get(), count);
    }

    #[actix_web::test]
    async fn a_form_is_read_through_an_actix_app_and_a_non_multipart_request_answers_10400() {
        async fn handler(payload: Multipart) -> Result<HttpResponse, ApiError> {
            let received = read_form(payload, UploadLimits::default()).await?;
            Ok(HttpResponse::Ok().body(received.fingerprint))
        }
        let app = test::init_service(App::new().route("/", web::post().to(handler))).await;

        let request = test::TestRequest::post()
            .uri("/")
            .insert_header((
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            ))
            .set_payload(body(&valid_parts()))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status().as_u16(), 200);
        let fingerprint = test::read_body(response).await;
        let direct = read(&valid_parts()).await.unwrap().fingerprint;
        assert_eq!(fingerprint, direct.as_bytes());

        let request = test::TestRequest::post()
            .uri("/")
            .set_json(serde_json::json!({"account": "merchant01@example.com"}))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status().as_u16(), 400);
        let envelope: Value = test::read_body_json(response).await;
        assert_eq!(envelope["code"], 10400);
        let msg = envelope["msg"].as_str().unwrap();
        assert!(msg.contains("multipart/form-data"), "{msg}");
    }

    #[actix_web::test]
    async fn an_image_over_the_limit_is_refused_at_once_naming_the_field() {
        // The oversize image is followed by a malformed part: the answer is the size error,
        // and most of the body was never pulled.
        let mut bytes = body(&[text("account", "merchant01@example.com")]);
        bytes.truncate(bytes.len() - format!("--{BOUNDARY}--\r\n").len());
        let mut image_part = body(&[file("shop_scene_pic", png(200_000))]);
        image_part.truncate(image_part.len() - format!("--{BOUNDARY}--\r\n").len());
        bytes.extend_from_slice(&image_part);
        bytes.extend_from_slice(&malformed_tail());
        let (payload, pulled, count) = streamed(&multipart_headers(), bytes, 4_096);

        let errors = field_errors(read_form(payload, small_limits()).await);

        assert_eq!(errors.len(), 1, "{errors:?}");
        let (field, code, reason) = &errors[0];
        assert_eq!(
            (field.as_str(), *code),
            ("shop_scene_pic", FieldErrorCode::Length)
        );
        assert!(reason.contains("10000 bytes"), "{reason}");
        assert!(
            pulled.get() < count / 2,
            "pulled {} of {count} chunks",
            pulled.get()
        );

        // The same tail after a small image is indeed a multipart error.
        let mut bytes = body(&[file("shop_scene_pic", png(6_000))]);
        bytes.truncate(bytes.len() - format!("--{BOUNDARY}--\r\n").len());
        bytes.extend_from_slice(&malformed_tail());
        let result = read_body(bytes, small_limits()).await;
        assert!(matches!(result, Err(ApiError::BadRequest(_))), "{result:?}");
    }

    #[actix_web::test]
    async fn a_file_part_that_is_not_an_image_is_refused_at_once() {
        let mut bytes = body(&[file("business_license_pic", image(b"%PDF-1.7\n", 200_000))]);
        bytes.truncate(bytes.len() - format!("--{BOUNDARY}--\r\n").len());
        bytes.extend_from_slice(&malformed_tail());
        let limits = UploadLimits::default();
        let (payload, pulled, count) = streamed(&multipart_headers(), bytes, 4_096);

        let errors = fields_and_codes(read_form(payload, limits).await);

        assert_eq!(
            errors,
            [("business_license_pic".to_owned(), FieldErrorCode::Format)]
        );
        assert!(
            pulled.get() < count / 2,
            "pulled {} of {count} chunks",
            pulled.get()
        );

        // Shorter than the sniffing window: decided on what there is.
        let errors =
            fields_and_codes(read(&[file("special_license_pic", b"hello".to_vec())]).await);
        assert_eq!(
            errors,
            [("special_license_pic".to_owned(), FieldErrorCode::Format)]
        );
        // Every format the domain takes passes, whatever the part claims to be.
        for magic in [
            &b"GIF89a"[..],
            b"GIF87a",
            b"BM",
            b"\x89PNG\r\n\x1a\n",
            b"\xFF\xD8\xFF",
        ] {
            let received = read(&[file("shop_scene_pic", image(magic, 6_000))])
                .await
                .unwrap();
            assert_eq!(received.form.images.len(), 1);
        }
    }

    #[actix_web::test]
    async fn an_unknown_part_is_refused_by_name() {
        let mut parts = valid_parts();
        parts.push(text("nickname", "小张"));
        parts.push(file("shop_pic", png(6_000)));

        let errors = field_errors(read(&parts).await);

        assert_eq!(
            errors,
            [
                (
                    "nickname".to_owned(),
                    FieldErrorCode::Unknown,
                    "unknown field".to_owned()
                ),
                (
                    "shop_pic".to_owned(),
                    FieldErrorCode::Unknown,
                    "unknown field".to_owned()
                ),
            ]
        );
    }

    #[actix_web::test]
    async fn a_malformed_shop_address_is_refused_with_serdes_reason() {
        for (json, reason) in [
            (
                r#"{"province_code": "330000""#,
                "must be a JSON object: EOF while parsing an object at line 1 column 26",
            ),
            (
                r#"{"province_code": true}"#,
                "must be a JSON object: invalid type: boolean `true`, expected a string, a number or null",
            ),
            (r#"["330000"]"#, "must be a JSON object, not an array"),
            ("330000", "must be a JSON object, not a number"),
            ("null", "must be a JSON object, not null"),
        ] {
            let parts = [text("shop_address", json)];

            let errors = field_errors(read(&parts).await);

            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(
                errors[0],
                (
                    "shop_address".to_owned(),
                    FieldErrorCode::Format,
                    reason.to_owned()
                )
            );
        }
        // Blank counts as not given.
        let received = read(&[text("shop_address", "  ")]).await.unwrap();
        assert_eq!(received.form.shop_address, None);
    }

    #[actix_web::test]
    async fn field_errors_are_collected_and_answered_together() {
        // Truncated UTF-8 in remark, a JSON syntax error in shop_address, then a repeated
        // text part, an unknown part and a repeated image part.
        let mut parts = valid_parts();
        parts[12] = text("shop_address", "{not json}");
        parts[14] = Part::Text("remark", vec![0xE5, 0xA4, 0x87, 0xFF]);
        parts.push(text("contact_name", "李四"));
        parts.push(text("nickname", "小张"));
        parts.push(file("shop_scene_pic", png(6_000)));

        let errors = fields_and_codes(read(&parts).await);

        assert_eq!(
            errors,
            [
                ("remark".to_owned(), FieldErrorCode::Format),
                ("contact_name".to_owned(), FieldErrorCode::Conflict),
                ("nickname".to_owned(), FieldErrorCode::Unknown),
                ("shop_scene_pic".to_owned(), FieldErrorCode::Conflict),
                ("shop_address".to_owned(), FieldErrorCode::Format),
            ]
        );
    }

    #[actix_web::test]
    async fn a_text_part_over_64_kib_is_refused_at_once() {
        let mut bytes = body(&[text("remark", &"备".repeat(200_000))]);
        bytes.truncate(bytes.len() - format!("--{BOUNDARY}--\r\n").len());
        bytes.extend_from_slice(&malformed_tail());
        let (payload, pulled, count) = streamed(&multipart_headers(), bytes, 4_096);

        let errors = field_errors(read_form(payload, UploadLimits::default()).await);

        assert_eq!(errors.len(), 1, "{errors:?}");
        let (field, code, reason) = &errors[0];
        assert_eq!((field.as_str(), *code), ("remark", FieldErrorCode::Length));
        assert!(reason.contains("65536 bytes"), "{reason}");
        assert!(
            pulled.get() < count / 2,
            "pulled {} of {count} chunks",
            pulled.get()
        );

        // Exactly 64 KiB is taken.
        let received = read(&[text("remark", &"a".repeat(TEXT_MAX_BYTES))])
            .await
            .unwrap();
        assert_eq!(received.form.remark.map(|r| r.len()), Some(TEXT_MAX_BYTES));
    }

    #[actix_web::test]
    async fn a_request_over_the_total_limit_is_payload_too_large() {
        let limits = UploadLimits {
            max_image_bytes: 10_000,
            max_request_bytes: 25_000,
        };
        let images = [
            file("shop_scene_pic", png(9_000)),
            file("shop_sign_board_pic", png(9_000)),
        ];
        assert!(read_body(body(&images), limits).await.is_ok());

        let mut over = images.to_vec();
        over.push(file("business_license_pic", png(9_000)));
        let result = read_body(body(&over), limits).await;
        assert!(
            matches!(result, Err(ApiError::PayloadTooLarge)),
            "{result:?}"
        );

        // Parts that are read past (unknown, repeated) count too.
        let skipped = [
            text("nickname", &"x".repeat(20_000)),
            file("shop_scene_pic", png(9_000)),
        ];
        let result = read_body(body(&skipped), limits).await;
        assert!(
            matches!(result, Err(ApiError::PayloadTooLarge)),
            "{result:?}"
        );

        // actix's own overflow of a payload is a 10413 too.
        assert_eq!(
            multipart_error(MultipartError::Payload(PayloadError::Overflow)).code(),
            10413
        );
    }

    #[actix_web::test]
    async fn non_multipart_and_broken_bodies_are_bad_requests() {
        let mut json = HeaderMap::new();
        json.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let (payload, _, _) = streamed(&json, b"{}".to_vec(), 4_096);
        match read_form(payload, UploadLimits::default()).await {
            Err(ApiError::BadRequest(msg)) => {
                assert!(
                    msg.starts_with("expected a multipart/form-data request"),
                    "{msg}"
                );
            }
            other => panic!("{other:?}"),
        }

        let (payload, _, _) = streamed(&HeaderMap::new(), body(&valid_parts()), 4_096);
        let result = read_form(payload, UploadLimits::default()).await;
        assert!(matches!(result, Err(ApiError::BadRequest(_))), "{result:?}");

        // Cut off before the closing boundary.
        let mut truncated = body(&valid_parts());
        truncated.truncate(truncated.len() - 40);
        match read_body(truncated, UploadLimits::default()).await {
            Err(ApiError::BadRequest(msg)) => {
                assert!(msg.starts_with("malformed multipart body"), "{msg}");
            }
            other => panic!("{other:?}"),
        }

        // A part without a name.
        let nameless = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--{BOUNDARY}--\r\n"
        );
        let result = read_body(nameless.into_bytes(), UploadLimits::default()).await;
        assert!(matches!(result, Err(ApiError::BadRequest(_))), "{result:?}");
    }

    #[actix_web::test]
    async fn the_fingerprint_ignores_part_order_and_version_and_changes_with_any_byte() {
        let original = read(&valid_parts()).await.unwrap().fingerprint;

        let mut reordered = valid_parts();
        reordered.reverse();
        reordered.insert(3, text("version", "7"));
        let received = read(&reordered).await.unwrap();
        assert_eq!(received.fingerprint, original);
        assert_eq!(received.version.as_deref(), Some("7"));

        let mut image_changed = valid_parts();
        if let Some(Part::File(_, bytes)) = image_changed.last_mut() {
            bytes[6_999] ^= 1;
        }
        let mut text_changed = valid_parts();
        text_changed[5] = text("rate", "0.39");
        let mut added = valid_parts();
        added.push(file("special_license_pic", png(6_000)));
        let mut emptied = valid_parts();
        emptied[14] = text("remark", "");
        let mut removed = valid_parts();
        removed.remove(14);
        // The same bytes split differently between two fields.
        let mut shifted = valid_parts();
        shifted[0] = text("account", "merchant01@example.co");
        shifted[1] = text("contact_name", "m张三");

        let mut seen = vec![original];
        for parts in [
            image_changed,
            text_changed,
            added,
            emptied,
            removed,
            shifted,
        ] {
            let fingerprint = read(&parts).await.unwrap().fingerprint;
            assert!(!seen.contains(&fingerprint), "{fingerprint} repeats");
            seen.push(fingerprint);
        }
    }

    #[actix_web::test]
    async fn an_empty_file_part_counts_as_not_given_and_empty_text_is_kept() {
        let parts = [
            text("remark", ""),
            file("special_license_pic", Vec::new()),
            file("shop_scene_pic", png(6_000)),
        ];

        let received = read(&parts).await.unwrap();

        assert_eq!(received.form.remark.as_deref(), Some(""));
        assert_eq!(
            received.form.images,
            [(ImageKind::ShopScenePic, png(6_000))]
        );
        let without_empty = read(&[text("remark", ""), file("shop_scene_pic", png(6_000))])
            .await
            .unwrap();
        assert_eq!(received.fingerprint, without_empty.fingerprint);
    }
}
