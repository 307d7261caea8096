//! Domain crate.
