//! apalis poll jobs and the `xjz-worker` binary.
//!
//! **Not landed yet.** Issue #8 (worker) builds it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
