//! The request middleware every answer passes through (outermost after tracing):
//! - makes the request id current (task-local) and echoes it in `X-Request-Id`;
//! - wraps any answer that is not yet enveloped (405 of a resource, a middleware error) in
//!   the envelope of its status;
//! - counts the request in the metrics, writes the operation-log row of a mutating `/api`
//!   request, and writes the one structured log line of the request (STYLE §7).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{ALLOW, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, ResponseError as _, web};
use chrono::Utc;
use futures::FutureExt as _;
use xjz_persistence::platform::NewOperationLog;

use super::envelope::Outcome;
use super::error::{ApiError, ErrorKind, from_status};
use super::request_id::{self, REQUEST_ID_HEADER, RequestId};
use crate::auth::{Caller, TrustedProxies};
use crate::metrics::Metrics;
use crate::oplog::{AuditActor, OperationLogService};

/// See the module docs.
///
/// # Errors
/// Only an `Err` of an inner service, passed through.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let start = Instant::now();
    let id = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(|| RequestId::from_headers(req.headers()));
    request_id::scope(id.clone(), async move {
        // Inner services answer errors as responses; an `Err` here (none of ours produce
        // one) goes up to actix, which renders it with the error's own `error_response`.
        // The request cannot be kept aside to build a response: cloning it before routing
        // would stop the router from filling in the path parameters.
        // A panicking handler must not drop the connection (nor take the worker thread
        // down): it answers 10500 like any unexpected error, its cause in the log.
        let res = match std::panic::AssertUnwindSafe(next.call(req))
            .catch_unwind()
            .await
        {
            Ok(res) => res?.map_into_boxed_body(),
            Err(panic) => {
                let cause = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic".to_owned());
                return Err(
                    ApiError::Unexpected(anyhow::anyhow!("handler panicked: {cause}")).into(),
                );
            }
        };
        let mut res = envelope_if_bare(res);
        if let Ok(value) = HeaderValue::from_str(id.as_str()) {
            res.headers_mut()
                .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
        }
        finish(&res, &id, start).await;
        Ok(res)
    })
    .await
}

fn envelope_if_bare(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    if res.response().extensions().get::<Outcome>().is_some() || status.as_u16() < 400 {
        return res;
    }
    let allow = res.headers().get(ALLOW).cloned();
    let mut enveloped = from_status(status).error_response();
    if let Some(allow) = allow {
        enveloped.headers_mut().insert(ALLOW, allow);
    }
    res.into_response(enveloped)
}

fn outcome_code(res: &ServiceResponse<BoxBody>) -> u32 {
    match res.response().extensions().get::<Outcome>() {
        Some(outcome) => outcome.0,
        None if res.status().as_u16() < 400 => 0,
        None => from_status(res.status()).code(),
    }
}

async fn finish(res: &ServiceResponse<BoxBody>, id: &RequestId, start: Instant) {
    let req = res.request();
    let method = req.method().clone();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let code = outcome_code(res);
    let status = res.status();
    let elapsed = start.elapsed();
    let (user_id, tenant_id) = actor(req);
    if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
        metrics.request(method.as_str(), &route, code, elapsed.as_secs_f64());
    }
    if is_mutating(&method)
        && req.path().starts_with("/api/")
        && let Some(log) = req.app_data::<web::Data<OperationLogService>>()
    {
        let client_ip = req
            .app_data::<web::Data<TrustedProxies>>()
            .and_then(|proxies| proxies.client_ip(req))
            .map(|ip| ip.to_string());
        log.record(NewOperationLog {
            time: Utc::now(),
            user_id,
            tenant_id,
            method: method.to_string(),
            route: route.clone(),
            target_id: req.match_info().get("id").map(ToOwned::to_owned),
            outcome_code: i32::try_from(code).unwrap_or(i32::MAX),
            duration_ms: i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
            client_ip,
            request_id: Some(id.to_string()),
        })
        .await;
    }
    let error_kind = res.response().extensions().get::<ErrorKind>().map(|k| k.0);
    let duration_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::warn!(%method, %route, status = status.as_u16(), code, duration_ms, user_id, tenant_id, error_kind, "request");
    } else {
        tracing::info!(%method, %route, status = status.as_u16(), code, duration_ms, user_id, tenant_id, error_kind, "request");
    }
}

fn actor(req: &actix_web::HttpRequest) -> (Option<i64>, Option<i64>) {
    let extensions = req.extensions();
    if let Some(caller) = extensions.get::<Caller>() {
        return (Some(caller.user_id), Some(caller.tenant_id));
    }
    extensions
        .get::<AuditActor>()
        .map_or((None, None), |a| (a.user_id, a.tenant_id))
}

fn is_mutating(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, test, web};

    use super::request_context;

    #[allow(clippy::panic)] // the point of the test
    async fn boom() -> &'static str {
        panic!("boom")
    }

    #[actix_web::test]
    #[allow(clippy::panic)]
    async fn a_panicking_handler_answers_10500_and_the_server_keeps_serving() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(request_context))
                .route("/boom", web::get().to(boom))
                .route("/fine", web::get().to(|| async { "fine" })),
        )
        .await;

        // actix renders the middleware's error with the error's own response.
        let Err(error) =
            test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await
        else {
            panic!("the panic becomes an error");
        };
        let res = error.error_response();
        assert_eq!(res.status(), 500);
        let bytes = actix_web::body::to_bytes(res.into_body()).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["code"], 10500);
        assert!(
            !body.to_string().contains("boom"),
            "the cause stays in the log: {body}"
        );

        let res =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(res.status(), 200);
    }
}
