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
//! Not landed here: the facetoface routes (issue #7), the embedded worker (issue #8) and the
//! web page build (issue #9); `serve` says so at start-up.

pub mod auth;
pub mod cli;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod oplog;
pub mod routes;
pub mod serve;
pub mod startup;
