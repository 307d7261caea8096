//! Extractor configuration: actix's payload errors become [`ApiError`]s (10400 / 10413),
//! and [`JsonOrForm`] accepts a body as JSON or as a url-encoded form (OAuth2 password
//! form for login).

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Limit of JSON and form bodies (uploads have their own, `SERVER__MAX_UPLOAD_BYTES`).
pub const JSON_LIMIT: usize = 256 * 1024;

/// Registers the extractor configs on the app.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|e, _| json_error(e).into()),
    )
    .app_data(
        web::FormConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|e, _| form_error(e).into()),
    )
    .app_data(web::QueryConfig::default().error_handler(|e, _| query_error(&e).into()))
    .app_data(web::PathConfig::default().error_handler(|e, _| path_error(&e).into()));
}

fn json_error(error: JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge
        }
        JsonPayloadError::ContentType => {
            ApiError::BadRequest("expected Content-Type: application/json".to_owned())
        }
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("invalid JSON body: {e}")),
        other => ApiError::BadRequest(format!("unreadable body: {other}")),
    }
}

fn form_error(error: UrlencodedError) -> ApiError {
    match error {
        UrlencodedError::Overflow { .. } => ApiError::PayloadTooLarge,
        UrlencodedError::Parse(_) => ApiError::BadRequest("invalid form body".to_owned()),
        other => ApiError::BadRequest(format!("invalid form body: {other}")),
    }
}

fn query_error(error: &QueryPayloadError) -> ApiError {
    ApiError::BadRequest(format!("invalid query string: {error}"))
}

fn path_error(error: &PathError) -> ApiError {
    ApiError::BadRequest(format!("invalid path parameter: {error}"))
}

/// A body given as JSON, or as `application/x-www-form-urlencoded`.
#[derive(Debug)]
pub struct JsonOrForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonOrForm<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if is_form {
            let form = web::Form::<T>::from_request(req, payload);
            Box::pin(async move { Ok(Self(form.await?.into_inner())) })
        } else {
            let json = web::Json::<T>::from_request(req, payload);
            Box::pin(async move { Ok(Self(json.await?.into_inner())) })
        }
    }
}
