//! The ports: how the domain talks to Alipay, storage and time. Adapters implement them;
//! domain tests use their mockall mocks (feature `mock` exports them to other crates' tests).

pub mod clock;
pub mod gateway;
pub mod idempotency;
pub mod repository;

pub use clock::{Clock, SystemClock};
pub use gateway::{AgentGateway, GatewayError};
pub use idempotency::{IdempotencyBegin, IdempotencyKey, IdempotencyScope, IdempotencyStore};
pub use repository::{OrderRepository, RepositoryError};
