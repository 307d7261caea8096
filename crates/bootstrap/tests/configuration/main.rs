//! Black-box tests of `xjz_bootstrap::load`: the environment is an injected map, the config
//! and data directories are temporary; the process environment is never touched.

// Helpers outside `#[test]` fns panic on setup failure by design; clippy's
// allow-unwrap-in-tests only covers the test fns themselves.
#![allow(clippy::unwrap_used)]

mod adapters;
mod derived;
mod development;
mod docs;
mod file_variants;
mod helpers;
mod layering;
mod production;
mod redaction;
