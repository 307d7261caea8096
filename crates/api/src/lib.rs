//! The actix-web application and the `xjz-api` binary.
//!
//! **Not landed yet.** Issue #6 (API platform) and issue #7 (facetoface routes) build it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
