//! Local Alipay gateway simulator.
//!
//! **Not landed yet.** Issue #4 (simulator) builds it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.

pub mod test_keys;
