//! The `xjz-api` process.
//!
//! **Partly landed.** What exists: `xjz-api serve` loads and checks the configuration
//! (DESIGN §3), reports the secrets it generated in development, validates the Alipay keys,
//! and starts the embedded Alipay simulator when `XJZ__EMBEDDED__SIMULATOR` is on. The HTTP
//! API itself (issue #6, routes in issue #7), the embedded worker (issue #8) and the web
//! page (issue #9) are not landed yet; `serve` says so at start-up instead of pretending.

pub mod serve;
