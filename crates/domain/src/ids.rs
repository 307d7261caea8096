//! Identifiers and the "who and when" stamp carried by every change.

use chrono::{DateTime, Utc};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A tenant: one of the platform's customers. Every order belongs to exactly one.
    TenantId
);
id_type!(
    /// A platform user (operator).
    UserId
);
id_type!(
    /// An order's integer id (used in URLs).
    OrderId
);

/// Who caused a change: an operator, the polling worker, or the system itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Actor {
    User(UserId),
    Worker,
    System,
}

impl Actor {
    /// The user id for audit columns (`created_id`, `updated_id`), if a person acted.
    pub fn user_id(self) -> Option<UserId> {
        match self {
            Actor::User(id) => Some(id),
            Actor::Worker | Actor::System => None,
        }
    }
}

/// Who acts, and the time of the action (from the `Clock` port).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub actor: Actor,
    pub now: DateTime<Utc>,
}

impl Stamp {
    pub fn new(actor: Actor, now: DateTime<Utc>) -> Self {
        Self { actor, now }
    }
}
