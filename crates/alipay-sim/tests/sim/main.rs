//! The simulator over real HTTP on a free loopback port.

// Helpers outside `#[test]` fns: a failed set-up step should panic like an assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod batches;
mod faults;
mod helpers;
mod persistence;
mod protocol;
mod scenarios;
