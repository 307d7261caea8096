//! The facetoface module: `/api/v1/payment/facetoface` (DESIGN §4), mounted through an
//! [`ApiModule`]. Handlers translate HTTP to the domain service and back; every decision is
//! the service's.

pub mod dto;
pub mod export;
pub mod handlers;
pub mod list;
pub mod multipart;
pub mod openapi;
pub mod options;

use std::sync::Arc;

use actix_web::web;
use xjz_bootstrap::Settings;
use xjz_bootstrap::wiring::{BuildError, FacetofaceServiceImpl, build_observed_facetoface_service};
use xjz_persistence::DatabaseConnection;

use crate::auth::require;
use crate::metrics::Metrics;
use crate::startup::ApiModule;
use multipart::UploadLimits;

/// Where the module is mounted, relative to `/api/v1`.
pub const BASE: &str = "/payment/facetoface";

/// The module's permissions (DESIGN §4).
pub mod permission {
    pub const QUERY: &str = "module_payment:facetoface:query";
    pub const DETAIL: &str = "module_payment:facetoface:detail";
    pub const APPLY: &str = "module_payment:facetoface:apply";
    pub const REFRESH: &str = "module_payment:facetoface:refresh";
    pub const CANCEL: &str = "module_payment:facetoface:cancel";
    pub const EXPORT: &str = "module_payment:facetoface:export";
}

/// What the handlers share.
pub struct Facetoface {
    pub service: Arc<FacetofaceServiceImpl>,
    pub limits: UploadLimits,
}

impl std::fmt::Debug for Facetoface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Facetoface").finish_non_exhaustive()
    }
}

/// The module with the production adapters (the database given, the configured Alipay whose
/// calls are counted in `metrics`).
///
/// # Errors
/// A malformed data key or an Alipay client that cannot be built.
pub fn module(
    settings: &Settings,
    db: &DatabaseConnection,
    metrics: Arc<Metrics>,
) -> Result<ApiModule, BuildError> {
    let service = build_observed_facetoface_service(settings, db, Some(metrics))?;
    let max_request = usize::try_from(settings.server.max_upload_bytes).unwrap_or(usize::MAX);
    Ok(module_with(Facetoface {
        service,
        limits: UploadLimits {
            max_image_bytes: xjz_domain::application::Image::MAX_BYTES,
            max_request_bytes: max_request,
        },
    }))
}

/// The module around an existing service.
pub fn module_with(state: Facetoface) -> ApiModule {
    let state = web::Data::new(state);
    ApiModule {
        name: "facetoface",
        configure: Arc::new(move |cfg| configure(cfg, state.clone())),
        openapi: openapi::document,
    }
}

/// Every route with its permission. Fixed paths come before `/{id}`.
fn configure(cfg: &mut web::ServiceConfig, state: web::Data<Facetoface>) {
    use handlers as h;
    use permission as p;
    cfg.service(
        web::scope(BASE)
            .app_data(state)
            .service(
                web::resource("")
                    .wrap(require(p::QUERY))
                    .route(web::get().to(h::list)),
            )
            .service(
                web::resource("/options")
                    .wrap(require(p::QUERY))
                    .route(web::get().to(h::options)),
            )
            .service(
                web::resource("/export")
                    .wrap(require(p::EXPORT))
                    .route(web::get().to(h::export)),
            )
            .service(
                web::resource("/apply")
                    .wrap(require(p::APPLY))
                    .route(web::post().to(h::apply)),
            )
            .service(
                web::resource("/{id}")
                    .route(web::get().to(h::detail).wrap(require(p::DETAIL)))
                    .route(web::patch().to(h::edit).wrap(require(p::APPLY))),
            )
            .service(
                web::resource("/{id}/images/{field}")
                    .wrap(require(p::DETAIL))
                    .route(web::get().to(h::image)),
            )
            .service(
                web::resource("/{id}/events")
                    .wrap(require(p::DETAIL))
                    .route(web::get().to(h::events)),
            )
            .service(
                web::resource("/{id}/query")
                    .wrap(require(p::REFRESH))
                    .route(web::post().to(h::refresh)),
            )
            .service(
                web::resource("/{id}/resume")
                    .wrap(require(p::APPLY))
                    .route(web::post().to(h::resume)),
            )
            .service(
                web::resource("/{id}/cancel")
                    .wrap(require(p::CANCEL))
                    .route(web::post().to(h::cancel)),
            )
            .service(
                web::resource("/{id}/reapply")
                    .wrap(require(p::APPLY))
                    .route(web::post().to(h::reapply)),
            ),
    );
}
