//! Request ids: taken from a well-formed `X-Request-Id` header or generated (UUID v7), put on
//! the root span (so every log line of the request carries it), echoed in the answer's
//! header, written to the operation log and to 10500 answers.

use std::fmt;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::{Error, HttpMessage as _};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

/// The header carrying the id both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// One request's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// The caller's id when it is 1–64 characters of `[A-Za-z0-9._-]`, else a new one (an
    /// arbitrary header must not reach logs or the database).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                (1..=64).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            })
            .map_or_else(
                || Self(uuid::Uuid::now_v7().to_string()),
                |v| Self(v.to_owned()),
            )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

tokio::task_local! {
    static REQUEST_ID: RequestId;
}

/// Runs `future` with `id` as the current request id (see [`current_request_id`]).
pub async fn scope<F: Future>(id: RequestId, future: F) -> F::Output {
    REQUEST_ID.scope(id, future).await
}

/// The id of the request being served, when called inside one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.0.clone()).ok()
}

/// tracing-actix-web's root span, with our request id and the fields the request log line
/// fills in later (route, user, tenant).
#[derive(Debug)]
pub struct XjzRootSpan;

impl RootSpanBuilder for XjzRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = RequestId::from_headers(request.headers());
        let span = tracing::info_span!(
            "http_request",
            request_id = %id,
            method = %request.method(),
            route = tracing::field::Empty,
            user_id = tracing::field::Empty,
            tenant_id = tracing::field::Empty,
        );
        request.extensions_mut().insert(id);
        span
    }

    fn on_request_end<B: MessageBody>(_span: Span, _outcome: &Result<ServiceResponse<B>, Error>) {
        // The request log line is written by `middleware::request_context`, which knows the
        // envelope code and the caller.
    }
}
