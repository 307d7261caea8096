//! The facetoface domain: opening Alipay 当面付 for a merchant on behalf of an ISV.
//!
//! Framework-free by rule (DESIGN §1): no actix, sea-orm, reqwest, apalis or async runtime
//! here. Adapters implement the [`ports`]; the [`service`] owns every decision.

pub mod application;
pub mod polling;
pub mod validation;
