//! Configuration loading and wiring.
//!
//! **Not landed yet.** Issue #2 builds the configuration part. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
