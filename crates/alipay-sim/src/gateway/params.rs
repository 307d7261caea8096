//! Reading a gateway.do request: the URL query plus either a form-urlencoded body or a
//! multipart body (text parts become parameters, parts with a filename become files).

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{self, Bytes, BytesMut};
use futures::StreamExt as _;

/// One uploaded file (never signed).
#[derive(Debug)]
pub struct Upload {
    pub field: String,
    pub bytes: Bytes,
}

/// Every decoded text parameter (query first, then body) and the files.
#[derive(Debug, Default)]
pub struct Incoming {
    pub params: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl Incoming {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of `key` (empty values are as good as absent on the wire).
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }

    /// The parameters as borrowed pairs, for the sign content.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Why a request could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
    #[error("request body could not be read: {0}")]
    Body(String),
    #[error("parameters are not valid form-urlencoded UTF-8")]
    Form,
}

/// Reads the whole request.
///
/// # Errors
/// A body over `limit` bytes, a broken multipart stream, or undecodable parameters.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Incoming, ReadError> {
    let mut incoming = Incoming {
        params: parse_form(req.query_string().as_bytes())?,
        files: Vec::new(),
    };
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if is_multipart {
        read_multipart(Multipart::new(req.headers(), payload), limit, &mut incoming).await?;
    } else {
        let body = read_body(payload, limit).await?;
        incoming.params.extend(parse_form(&body)?);
    }
    Ok(incoming)
}

fn parse_form(bytes: &[u8]) -> Result<Vec<(String, String)>, ReadError> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| ReadError::Form)
}

async fn read_body(mut payload: web::Payload, limit: usize) -> Result<BytesMut, ReadError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ReadError::Body(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn read_multipart(
    mut multipart: Multipart,
    limit: usize,
    into: &mut Incoming,
) -> Result<(), ReadError> {
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| ReadError::Body(e.to_string()))?;
        let (name, is_file) = match field.content_disposition() {
            Some(cd) => (
                cd.get_name().unwrap_or_default().to_owned(),
                cd.get_filename().is_some(),
            ),
            None => (String::new(), false),
        };
        let mut data = BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ReadError::Body(e.to_string()))?;
            total += chunk.len();
            if total > limit {
                return Err(ReadError::TooLarge(limit));
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            into.files.push(Upload {
                field: name,
                bytes: data.freeze(),
            });
        } else {
            let text = String::from_utf8(data.to_vec()).map_err(|_| ReadError::Form)?;
            into.params.push((name, text));
        }
    }
    Ok(())
}
