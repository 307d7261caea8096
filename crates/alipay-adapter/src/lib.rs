//! Alipay OpenAPI client implementing `AgentGateway`, and the `xjz-alipay` CLI.
//!
//! **Not landed yet.** Issue #3 (adapter) builds it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
