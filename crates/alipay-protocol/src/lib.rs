//! Alipay gateway.do protocol primitives (keys, sign content, RSA2, signed-node extraction).
//!
//! **Not landed yet.** Issue #3 (adapter) builds it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
