//! `/healthz` and `/metrics` on `WORKER__METRICS_BIND`.

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpResponse, HttpServer, web};

use crate::metrics::WorkerMetrics;

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok\n")
}

async fn metrics(metrics: web::Data<WorkerMetrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render())
}

/// Starts the server on `bind` (one worker thread: it serves a scraper, not users).
///
/// # Errors
/// The address cannot be bound.
pub(crate) fn start(
    bind: &str,
    metrics_data: WorkerMetrics,
) -> std::io::Result<(ServerHandle, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let data = web::Data::new(metrics_data);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/healthz", web::get().to(healthz))
            .route("/metrics", web::get().to(metrics))
    })
    .workers(1)
    .disable_signals()
    .bind(bind)?
    .run();
    let handle = server.handle();
    Ok((handle, tokio::spawn(server)))
}
