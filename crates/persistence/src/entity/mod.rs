//! SeaORM entities: private to this crate (they never cross the ports).

pub(crate) mod idempotency_key;
pub(crate) mod order;
pub(crate) mod order_event;
pub(crate) mod order_image;
pub(crate) mod order_poll;
