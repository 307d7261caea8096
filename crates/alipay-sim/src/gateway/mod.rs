//! `POST /gateway.do`: read the request, count it, apply a fault if one triggers, run the
//! gateway checks and the method, then sign and send the answer.

mod common;
mod methods;
mod params;
pub mod validate;

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::faults::FaultKind;
use crate::respond::{ERROR_RESPONSE, Reply, Spoil, codes, http_ok, render};
use crate::sim::Sim;

/// The five methods the simulator speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Create,
    FacetofaceSign,
    Confirm,
    OrderQuery,
    Cancel,
}

impl Method {
    /// From the `method` parameter.
    pub fn parse(name: &str) -> Option<Self> {
        use xjz_alipay_protocol::methods as m;
        match name {
            m::CREATE => Some(Self::Create),
            m::FACETOFACE_SIGN => Some(Self::FacetofaceSign),
            m::CONFIRM => Some(Self::Confirm),
            m::ORDER_QUERY => Some(Self::OrderQuery),
            m::CANCEL => Some(Self::Cancel),
            _ => None,
        }
    }

    /// The response node name (`method` with `.` → `_`, plus `_response`).
    pub fn node(self) -> &'static str {
        match self {
            Self::Create => "alipay_open_agent_create_response",
            Self::FacetofaceSign => "alipay_open_agent_facetoface_sign_response",
            Self::Confirm => "alipay_open_agent_confirm_response",
            Self::OrderQuery => "alipay_open_agent_order_query_response",
            Self::Cancel => "alipay_open_agent_cancel_response",
        }
    }
}

/// The handler of `/gateway.do`.
pub async fn handle(req: HttpRequest, payload: web::Payload, sim: web::Data<Sim>) -> HttpResponse {
    let started = Instant::now();
    let incoming = match params::read(&req, payload, sim.max_body_bytes).await {
        Ok(incoming) => incoming,
        Err(e) => {
            sim.counters.record("-", None);
            tracing::debug!(error.message = %e, "unreadable gateway request");
            let reply = Reply::error(
                ERROR_RESPONSE,
                codes::INVALID,
                "isv.invalid-parameter",
                &format!("参数有误：{e}"),
            );
            return http_ok(render(&sim, &reply, Spoil::None));
        }
    };
    let method = incoming.non_empty("method").unwrap_or("-").to_owned();
    let batch_no = methods::batch_no_of(&incoming);
    sim.counters.record(&method, batch_no.as_deref());
    let node = Method::parse(&method).map_or(ERROR_RESPONSE, Method::node);

    let fault = sim.faults.pick(&method);
    let spoil = match &fault {
        None => Spoil::None,
        Some(FaultKind::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            Spoil::None
        }
        Some(FaultKind::NoAnswer) => return hang(&sim).await,
        Some(FaultKind::HttpError { status }) => return http_error(*status),
        Some(FaultKind::BusinessError {
            code,
            msg,
            sub_code,
            sub_msg,
        }) => {
            let reply = Reply::error(node, (code, msg), sub_code, sub_msg);
            return http_ok(render(&sim, &reply, Spoil::None));
        }
        Some(FaultKind::RateLimited) => {
            let reply = Reply::error(
                node,
                codes::LIMITED,
                "isv.app-call-limited",
                "应用调用频率超限",
            );
            return http_ok(render(&sim, &reply, Spoil::None));
        }
        Some(FaultKind::MalformedBody) => Spoil::Malformed,
        Some(FaultKind::BadSignature) => Spoil::BadSignature,
        Some(FaultKind::Unsigned) => Spoil::Unsigned,
        Some(FaultKind::LostReply) => {
            let reply = process(&sim, &incoming);
            tracing::debug!(method, batch_no, answer = %reply.json, "reply lost on purpose");
            return hang(&sim).await;
        }
    };
    let reply = process(&sim, &incoming);
    let body = render(&sim, &reply, spoil);
    tracing::debug!(
        method,
        batch_no,
        fault = ?fault,
        elapsed_us = started.elapsed().as_micros(),
        "gateway call"
    );
    http_ok(body)
}

fn process(sim: &Sim, incoming: &params::Incoming) -> Reply {
    match common::check(sim, incoming) {
        Ok(method) => methods::run(sim, method, incoming),
        Err(reply) => reply,
    }
}

/// Holds the request for the configured hang time, then drops the connection without an
/// answer (a body stream that fails makes the server close it).
async fn hang(sim: &Sim) -> HttpResponse {
    tokio::time::sleep(sim.hang).await;
    let failing = futures::stream::once(async {
        Err::<web::Bytes, std::io::Error>(std::io::Error::other("no answer (simulated fault)"))
    });
    HttpResponse::Ok().streaming(failing)
}

fn http_error(status: u16) -> HttpResponse {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(|s| s.is_server_error() || s.is_client_error())
        .unwrap_or(StatusCode::BAD_GATEWAY);
    HttpResponse::build(status)
        .content_type("text/html;charset=utf-8")
        .body(format!(
            "<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>"
        ))
}
