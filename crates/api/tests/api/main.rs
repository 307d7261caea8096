//! The API over real HTTP on a real database (one binary, zero2prod style).

// Helpers outside `#[test]` functions unwrap too: a failing fixture is a failing test.
#![allow(clippy::unwrap_used)]

mod auth;
mod envelope;
mod facetoface;
mod helpers;
mod operation_log;
mod platform;
