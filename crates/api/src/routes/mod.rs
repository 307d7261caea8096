//! The platform's routes; each resource registers its own (realworld `router()`).

pub mod auth;
pub mod docs;
pub mod health;
pub mod static_page;
pub mod system;

use actix_web::web;

/// Everything under `/api/v1` that the platform itself owns.
pub fn configure_api_v1(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
    system::configure(cfg);
}
