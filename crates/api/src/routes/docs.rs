//! `/api/openapi.json` and `/docs` (Swagger UI).
//!
//! utoipa-swagger-ui downloads the UI at build time, which our builds cannot; `/docs` is a
//! small page loading swagger-ui-dist from a CDN (the browser needs internet access; the
//! JSON document itself is always served locally).

use actix_web::{HttpResponse, web};

/// The document, computed once at start.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub String);

const SWAGGER_PAGE: &str = r##"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>xjz API docs</title>
<link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js" crossorigin></script>
<script>window.onload = () => { window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#ui" }); };</script>
<noscript>The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a>.</noscript>
</body></html>"##;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .route("/docs", web::get().to(docs_page))
        .route("/docs/", web::get().to(docs_page));
}

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(SWAGGER_PAGE)
}
