//! The facetoface services: apply, resume, edit, refresh (query one), poll, cancel, re-apply.
//!
//! One service generic over its ports owns every decision; adapters only store, call and
//! translate. Each method loads the order, lets the aggregate change it, and saves after
//! every Alipay step, so a crash or a lost reply always leaves a resumable order.

mod apply;
mod manage;
mod read;
mod submit;
mod track;

#[cfg(test)]
mod tests;

use chrono::TimeDelta;

use crate::error::ServiceError;
use crate::ids::{Actor, OrderId, Stamp, TenantId, UserId};
use crate::order::FacetofaceOrder;
use crate::polling::PollingPolicy;
use crate::ports::{AgentGateway, Clock, IdempotencyKey, IdempotencyStore, OrderRepository};

pub use apply::{ApplyCommand, ReapplyCommand};
pub use manage::EditCommand;
pub use track::PollOutcome;

/// Service tunables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceConfig {
    pub polling: PollingPolicy,
    /// A batch older than this is treated as dead (Alipay expires unconfirmed batches after
    /// one hour; five minutes of margin cover clock skew and a slow submission).
    pub batch_ttl: TimeDelta,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            polling: PollingPolicy::default(),
            batch_ttl: TimeDelta::minutes(55),
        }
    }
}

/// An `Idempotency-Key` and the fingerprint of the request that carried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: IdempotencyKey,
    /// A digest of the request (the api hashes fields and image bytes).
    pub fingerprint: String,
}

/// Who is calling, in which tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub tenant_id: TenantId,
    pub user_id: UserId,
}

impl Caller {
    fn actor(self) -> Actor {
        Actor::User(self.user_id)
    }
}

/// The facetoface service.
#[derive(Debug)]
pub struct FacetofaceService<R, G, I, C> {
    repo: R,
    gateway: G,
    idempotency: I,
    clock: C,
    config: ServiceConfig,
}

impl<R, G, I, C> FacetofaceService<R, G, I, C>
where
    R: OrderRepository,
    G: AgentGateway,
    I: IdempotencyStore,
    C: Clock,
{
    pub fn new(repo: R, gateway: G, idempotency: I, clock: C, config: ServiceConfig) -> Self {
        Self {
            repo,
            gateway,
            idempotency,
            clock,
            config,
        }
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    fn stamp(&self, actor: Actor) -> Stamp {
        Stamp::new(actor, self.clock.now())
    }

    async fn load(&self, tenant: TenantId, id: OrderId) -> Result<FacetofaceOrder, ServiceError> {
        self.repo
            .get(tenant, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Re-plans polling and saves the order with its pending events.
    async fn save(&self, order: &mut FacetofaceOrder, actor: Actor) -> Result<(), ServiceError> {
        order.schedule(self.stamp(actor), &self.config.polling);
        self.repo.update(order).await?;
        Ok(())
    }
}
