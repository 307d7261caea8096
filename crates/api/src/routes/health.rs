//! `/healthz` (the process answers), `/readyz` (database reachable, migrations current),
//! `/metrics` (Prometheus text).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;
use xjz_persistence::DatabaseConnection;

use crate::http::envelope::{ok, respond};
use crate::metrics::Metrics;

/// What `/readyz` checks.
#[derive(Debug, Clone)]
pub struct Readiness {
    db: DatabaseConnection,
}

impl Readiness {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// `Err(reason)` when not ready.
    async fn check(&self) -> Result<(), &'static str> {
        self.db.ping().await.map_err(|_| "database unreachable")?;
        let states = xjz_migration::status(&self.db)
            .await
            .map_err(|_| "cannot read migration state")?;
        if states.iter().all(|s| s.applied) {
            Ok(())
        } else {
            Err("migrations pending")
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Resources (not bare routes), so another method answers 10405 instead of falling
    // through to the static page.
    cfg.service(web::resource("/healthz").route(web::get().to(healthz)))
        .service(web::resource("/readyz").route(web::get().to(readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics)));
}

#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "the process answers", body = crate::openapi::ErrorEnvelope)))]
pub async fn healthz() -> HttpResponse {
    ok("ok", json!({ "status": "up" }))
}

#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "ready", body = crate::openapi::ErrorEnvelope),
        (status = 503, description = "database unreachable or migrations pending (10503)", body = crate::openapi::ErrorEnvelope),
    ))]
pub async fn readyz(readiness: web::Data<Readiness>) -> HttpResponse {
    match readiness.check().await {
        Ok(()) => ok("ready", json!({ "status": "ready" })),
        Err(reason) => {
            tracing::warn!(reason, "not ready");
            respond(
                StatusCode::SERVICE_UNAVAILABLE,
                10503,
                reason,
                json!({ "status": "not_ready", "reason": reason }),
            )
        }
    }
}

#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render())
}
