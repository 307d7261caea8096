//! The `xjz-api` process: the actix-web application every module mounts into (DESIGN §4)
//! and the CLI around it.
//!
//! - [`startup::Application`] builds and runs the server; feature modules mount through
//!   [`startup::ApiModule`] and guard each resource with [`auth::require`].
//! - [`http`]: the envelope, [`http::error::ApiError`] and the request middleware (request
//!   ids, metrics, operation log, one log line per request).
//! - [`auth`]: login, tokens, permissions. [`oplog`]: the operation log.
//! - [`cli`]: `migrate`, `tenant add`, `user add|passwd|disable`; [`serve`]: `serve`.
//!
//! - [`facetoface`]: the facetoface module (`/api/v1/payment/facetoface`).

pub mod auth;
pub mod cli;
pub mod facetoface;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod oplog;
pub mod routes;
pub mod serve;
pub mod startup;
