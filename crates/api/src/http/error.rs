//! `ApiError`: the one error type of the HTTP layer and its envelope codes (DESIGN §4).
//!
//! Policy (STYLE §4):
//! - Handlers return `Result<HttpResponse, ApiError>`; each domain error kind has one `From`
//!   impl deciding status and machine code. Nothing else decides codes.
//! - Client errors carry what a person can act on (field reasons, Alipay's code/sub_msg).
//! - Unexpected errors (`Unexpected`, storage failures) log their whole cause chain once, here,
//!   and answer 10500 with only `data.request_id`: never a cause, stack trace or secret.
//! - actix's own errors (bad JSON, query, path, form, payload too large) become `ApiError`
//!   through [`super::extract`]'s configs; anything still unenveloped (405 from a resource,
//!   an error of a middleware) is wrapped by [`super::middleware`] from its status.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use serde_json::{Value, json};
use xjz_domain::ports::GatewayError;
use xjz_domain::validation::ValidationErrors;
use xjz_domain::{FacetofaceOrder, ServiceError};

use super::envelope::respond;
use super::request_id::current_request_id;

/// Every failure answer of the API.
#[derive(thiserror::Error)]
pub enum ApiError {
    /// 10400: malformed request (bad JSON, query, path or form; unreadable body).
    #[error("{0}")]
    BadRequest(String),
    /// 10401: not logged in, token invalid or expired, user disabled.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 10403: logged in, but the permission is missing.
    #[error("no permission")]
    Forbidden,
    /// 10404: no such resource (including another tenant's).
    #[error("{0}")]
    NotFound(String),
    /// 10405: the route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 10409: stale version, idempotency key reused, wrong state for the action.
    #[error("{0}")]
    Conflict(String),
    /// 10413: the body exceeds the configured limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 10422: every invalid field.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// 10429: too many attempts; try again after `retry_after_secs`.
    #[error("too many attempts, try again later")]
    RateLimited { retry_after_secs: u64 },
    /// 10502 (Alipay refused or answered badly) or 10504 (no answer in time), with the
    /// order as stored when there is one.
    #[error("Alipay call failed: {error}")]
    Gateway {
        error: Box<GatewayError>,
        order: Option<Value>,
    },
    /// 10500: anything else; the cause is logged, never sent.
    #[error("internal error")]
    Unexpected(#[source] anyhow::Error),
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        if let Self::Unexpected(cause) = self {
            write!(f, ": {cause:?}")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// The stable machine code (DESIGN §4).
    pub fn code(&self) -> u32 {
        match self {
            Self::BadRequest(_) => 10400,
            Self::Unauthorized(_) => 10401,
            Self::Forbidden => 10403,
            Self::NotFound(_) => 10404,
            Self::MethodNotAllowed => 10405,
            Self::Conflict(_) => 10409,
            Self::PayloadTooLarge => 10413,
            Self::Validation(_) => 10422,
            Self::RateLimited { .. } => 10429,
            Self::Gateway { error, .. } if matches!(**error, GatewayError::Timeout) => 10504,
            Self::Gateway { .. } => 10502,
            Self::Unexpected(_) => 10500,
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Validation(_) => "validation",
            Self::RateLimited { .. } => "rate_limited",
            Self::Gateway { .. } => "gateway",
            Self::Unexpected(_) => "unexpected",
        }
    }

    /// The error of a domain service, with `order_data` rendering the order carried by a
    /// gateway failure (modules pass their response DTO; [`From`] uses a minimal summary).
    pub fn from_service(
        error: ServiceError,
        order_data: impl Fn(&FacetofaceOrder) -> Value,
    ) -> Self {
        match error {
            ServiceError::Validation(errors) => Self::Validation(errors),
            ServiceError::NotFound => Self::NotFound("not found".to_owned()),
            ServiceError::Transition(e) => Self::Conflict(e.to_string()),
            ServiceError::StaleVersion => Self::Conflict(ServiceError::StaleVersion.to_string()),
            ServiceError::Idempotency(e) => Self::Conflict(e.to_string()),
            ServiceError::Gateway { error, order } => Self::Gateway {
                error: Box::new(error),
                order: order.as_deref().map(order_data),
            },
            e @ ServiceError::Repository(_) => Self::Unexpected(e.into()),
        }
    }

    /// The status, message and data of the envelope.
    fn parts(&self) -> (StatusCode, String, Value) {
        match self {
            Self::BadRequest(msg) => (StatusCode::BAD_REQUEST, msg.clone(), Value::Null),
            Self::Unauthorized(msg) => (StatusCode::UNAUTHORIZED, (*msg).to_owned(), Value::Null),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "暂无权限 (no permission)".to_owned(),
                Value::Null,
            ),
            Self::NotFound(msg) => (StatusCode::NOT_FOUND, msg.clone(), Value::Null),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed".to_owned(),
                Value::Null,
            ),
            Self::Conflict(msg) => (StatusCode::CONFLICT, msg.clone(), Value::Null),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large".to_owned(),
                Value::Null,
            ),
            Self::Validation(errors) => {
                let msg = errors
                    .errors()
                    .first()
                    .map_or_else(|| "invalid input".to_owned(), ToString::to_string);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    msg,
                    json!({ "errors": errors }),
                )
            }
            Self::RateLimited { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many attempts, try again in {retry_after_secs} s"),
                json!({ "retry_after_secs": retry_after_secs }),
            ),
            Self::Gateway { error, order } => {
                let status = if self.code() == 10504 {
                    StatusCode::GATEWAY_TIMEOUT
                } else {
                    StatusCode::BAD_GATEWAY
                };
                let mut data = serde_json::Map::new();
                if let Some(alipay) = error.alipay() {
                    data.insert("alipay".to_owned(), json!(alipay));
                }
                data.insert("error_class".to_owned(), json!(error.class()));
                if let Some(order) = order {
                    data.insert("order".to_owned(), order.clone());
                }
                let msg = match error.alipay() {
                    Some(a) => a.sub_msg.clone().unwrap_or_else(|| a.msg.clone()),
                    None => error.to_string(),
                };
                (status, msg, Value::Object(data))
            }
            Self::Unexpected(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; quote the request id to the operator".to_owned(),
                json!({ "request_id": current_request_id() }),
            ),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        Self::from_service(error, order_summary)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<xjz_persistence::platform::PlatformError> for ApiError {
    fn from(error: xjz_persistence::platform::PlatformError) -> Self {
        use xjz_persistence::platform::PlatformError;
        match error {
            PlatformError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            PlatformError::Duplicate(what) => Self::Conflict(format!("{what} already exists")),
            e @ PlatformError::Unexpected(_) => Self::Unexpected(e.into()),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        Self::Unexpected(error)
    }
}

/// The order fields every failure answer can carry without the facetoface DTO.
fn order_summary(order: &FacetofaceOrder) -> Value {
    json!({
        "id": order.id(),
        "order_status": order.status().as_str(),
        "submit_step": order.submit_step().as_str(),
        "batch_no": order.batch_no(),
        "version": order.version(),
    })
}

impl actix_web::ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(cause) = self {
            // The one place an unexpected error is logged (STYLE §10).
            tracing::error!(error.cause_chain = ?cause, error.message = %cause, "unexpected error");
        }
        let (status, msg, data) = self.parts();
        let mut response = respond(status, self.code(), &msg, data);
        if let Self::RateLimited { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if matches!(self, Self::Unauthorized(_)) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(ErrorKind(self.kind()));
        response
    }
}

/// The error kind of a failed answer, for the request log line.
#[derive(Debug, Clone, Copy)]
pub struct ErrorKind(pub &'static str);

/// The envelope for an error answer known only by its HTTP status (actix's own answers).
pub fn from_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("not found".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("not logged in"),
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        s if s.is_client_error() => {
            ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase())
        }
        s => ApiError::Unexpected(anyhow::anyhow!("unenveloped {s} answer")),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError as _;
    use xjz_domain::ports::gateway::AlipayError;
    use xjz_domain::ports::repository::RepositoryError;
    use xjz_domain::validation::{FieldError, FieldErrorCode};

    use super::*;

    async fn body(error: ApiError) -> (u16, Value) {
        let response = error.error_response();
        let status = response.status().as_u16();
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn each_service_error_kind_has_its_code_and_data() {
        let mut errors = ValidationErrors::new();
        errors.push(FieldError::required("account"));
        errors.push(FieldError::new("rate", FieldErrorCode::Range, "too high"));
        let (status, v) = body(ServiceError::Validation(errors).into()).await;
        assert_eq!((status, v["code"].as_u64()), (422, Some(10422)));
        assert_eq!(
            v["data"]["errors"][1],
            json!({"field": "rate", "code": "range", "reason": "too high"})
        );
        assert_eq!(v["msg"], "account: is required");

        let (status, v) = body(ServiceError::NotFound.into()).await;
        assert_eq!((status, v["code"].as_u64()), (404, Some(10404)));
        let (status, v) = body(ServiceError::StaleVersion.into()).await;
        assert_eq!((status, v["code"].as_u64()), (409, Some(10409)));

        let refused = GatewayError::Business(AlipayError {
            code: "40004".into(),
            msg: "Business Failed".into(),
            sub_code: Some("BATCH_STATUS_IS_FINAL".into()),
            sub_msg: Some("批次已结束".into()),
        });
        let (status, v) = body(
            ServiceError::Gateway {
                error: refused,
                order: None,
            }
            .into(),
        )
        .await;
        assert_eq!((status, v["code"].as_u64()), (502, Some(10502)));
        assert_eq!(v["data"]["alipay"]["sub_code"], "BATCH_STATUS_IS_FINAL");
        assert_eq!(v["msg"], "批次已结束");

        let (status, v) = body(
            ServiceError::Gateway {
                error: GatewayError::Timeout,
                order: None,
            }
            .into(),
        )
        .await;
        assert_eq!((status, v["code"].as_u64()), (504, Some(10504)));
    }

    #[tokio::test]
    async fn storage_failures_answer_10500_with_the_request_id_only() {
        let cause =
            RepositoryError::Unexpected(anyhow::anyhow!("password=hunter2 connection refused"));
        let (status, v) = crate::http::request_id::scope(
            crate::http::request_id::RequestId::from_headers(
                &actix_web::http::header::HeaderMap::new(),
            ),
            body(ServiceError::Repository(cause).into()),
        )
        .await;
        assert_eq!((status, v["code"].as_u64()), (500, Some(10500)));
        let data = v["data"].as_object().unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data["request_id"].as_str().unwrap().len(), 36);
        assert!(!v.to_string().contains("hunter2"));
    }
}
