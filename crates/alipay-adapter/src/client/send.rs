//! Request building and sending, as the official SDK does it (API.md §1.3, §3.2): common
//! parameters and `sign` in the URL query (incl. `charset`), business text parameters in a
//! form-urlencoded body, or — when there are files — as multipart text parts next to the
//! image parts. What is sent is exactly what was signed.

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part};
use xjz_alipay_protocol::request::methods;
use xjz_alipay_protocol::{GatewayRequest, china_timestamp};

use super::{AlipayClient, Call};
use crate::error::AlipayCallError;
use crate::wire::ImageFile;

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=utf-8";
const TEXT_PART_TYPE: &str = "text/plain; charset=utf-8";

/// A signed request ready to send.
pub(crate) struct Prepared {
    pub(crate) url: reqwest::Url,
    pub(crate) body: PreparedBody,
}

pub(crate) enum PreparedBody {
    /// `application/x-www-form-urlencoded` text.
    Form(String),
    /// Text fields (name, value) and files.
    Multipart {
        text: Vec<(String, String)>,
        files: Vec<ImageFile>,
    },
}

impl AlipayClient {
    /// Signs `call` at `timestamp` (China time text) and lays it out for the wire.
    pub(crate) fn prepare(
        &self,
        call: Call<'_>,
        timestamp: &str,
    ) -> Result<Prepared, AlipayCallError> {
        let mut request = GatewayRequest::new(&self.app_id, call.method, timestamp);
        for (name, value) in &call.params {
            request = request.param(name, value);
        }
        let signed = request
            .sign(&self.app_key)
            .map_err(|e| AlipayCallError::Request(e.to_string()))?;
        let mut url = self.gateway.clone();
        url.set_query(Some(&signed.query_string()));
        let body = if call.files.is_empty() {
            PreparedBody::Form(signed.form_body())
        } else {
            let text = signed
                .body_params()
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            PreparedBody::Multipart {
                text,
                files: call.files,
            }
        };
        Ok(Prepared { url, body })
    }

    /// Sends the call and returns the raw body of a 200 answer.
    pub(super) async fn send(&self, call: Call<'_>) -> Result<Vec<u8>, AlipayCallError> {
        let timeout = if call.method == methods::FACETOFACE_SIGN {
            self.upload_timeout
        } else {
            self.timeout
        };
        let timestamp = china_timestamp(self.clock.now());
        let prepared = self.prepare(call, &timestamp)?;
        let builder = self.http.post(prepared.url).timeout(timeout);
        let builder = match prepared.body {
            PreparedBody::Form(body) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE))
                .body(body),
            PreparedBody::Multipart { text, files } => {
                builder.multipart(multipart_form(text, files)?)
            }
        };
        let response = builder
            .send()
            .await
            .map_err(AlipayCallError::from_reqwest)?;
        let status = response.status();
        if !status.is_success() {
            return Err(AlipayCallError::Transport {
                status: Some(status.as_u16()),
                message: format!("HTTP {status}"),
            });
        }
        read_capped(response).await
    }
}

/// Alipay's answers here are a few KB; anything past this is not an answer.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, AlipayCallError> {
    let too_large = || AlipayCallError::Malformed("answer larger than 1 MiB".to_owned());
    let announced = response.content_length().unwrap_or(0);
    if usize::try_from(announced).map_or(true, |n| n > MAX_ANSWER_BYTES) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(AlipayCallError::from_reqwest)?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The multipart body: text parts first (with a UTF-8 text content type), then the files
/// with their image type, as the SDK lays them out.
pub(crate) fn multipart_form(
    text: Vec<(String, String)>,
    files: Vec<ImageFile>,
) -> Result<Form, AlipayCallError> {
    let mut form = Form::new();
    for (name, value) in text {
        let part = Part::text(value)
            .mime_str(TEXT_PART_TYPE)
            .map_err(|e| AlipayCallError::Request(e.to_string()))?;
        form = form.part(name, part);
    }
    for file in files {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-transfer-encoding",
            HeaderValue::from_static("binary"),
        );
        let length = file.bytes.len() as u64;
        let part = Part::stream_with_length(reqwest::Body::from(file.bytes), length)
            .file_name(file.file_name)
            .mime_str(file.mime)
            .map_err(|e| AlipayCallError::Request(e.to_string()))?
            .headers(headers);
        form = form.part(file.field, part);
    }
    Ok(form)
}
