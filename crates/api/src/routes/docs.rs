//! `/api/openapi.json` and `/docs` (Swagger UI).
//!
//! The UI's files come from `utoipa-swagger-ui`'s vendored copy (feature `vendored`): built
//! into the binary, no download at build time and no CDN at run time.

use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The document, computed once at start.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub String);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .route("/docs", web::get().to(docs_redirect))
        .service(SwaggerUi::new("/docs/{_:.*}").config(Config::new(["/api/openapi.json"])));
}

async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}
