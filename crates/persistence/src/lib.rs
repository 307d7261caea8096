//! SeaORM entities and repositories implementing the repository ports.
//!
//! **Not landed yet.** Issue #5 (persistence) builds it. This crate is an empty placeholder so the workspace
//! layout of DESIGN §1 exists; it provides nothing and pretends nothing.
