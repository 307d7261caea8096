//! Repository tests on real databases: SQLite always, PostgreSQL when
//! `XJZ_TEST_POSTGRES_URL` is set (each test gets a fresh database, dropped at its end).
//! Every scenario runs as `<scenario>::on_sqlite` and `<scenario>::on_postgres`.

// Scenarios are plain async fns called by the generated #[tokio::test]s: clippy's
// allow-*-in-tests does not reach them, so the test crate allows what tests do.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod helpers;

mod claim;
mod idempotency;
mod images;
mod migrations;
mod orders;
mod secrets;
