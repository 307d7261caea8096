//! Service tests over mockall mocks of every port.
//!
//! The repository and idempotency mocks are given `returning` closures over a shared
//! in-memory store, so flows can be followed across calls; the gateway mock gets exact
//! expectations per test (which methods, how often, in which order).

mod apply;
mod cancel;
mod resume;
mod track;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

use super::{Caller, FacetofaceService, ServiceConfig};
use crate::application::{ApplicationImages, ImageInfo};
use crate::ids::{OrderId, TenantId, UserId};
use crate::order::{EventKind, FacetofaceOrder, OrderEvent};
use crate::ports::clock::MockClock;
use crate::ports::gateway::{AlipayError, BatchCreated, GatewayError, MockAgentGateway};
use crate::ports::idempotency::{IdempotencyBegin, MockIdempotencyStore};
use crate::ports::repository::{MockOrderRepository, RepositoryError};

pub(super) type Service =
    FacetofaceService<MockOrderRepository, MockAgentGateway, MockIdempotencyStore, MockClock>;

pub(super) const TENANT: TenantId = TenantId(7);
pub(super) const OTHER_TENANT: TenantId = TenantId(8);
pub(super) const CALLER: Caller = Caller {
    tenant_id: TENANT,
    user_id: UserId(42),
};

pub(super) use crate::test_support::{png, t0, valid_form};

pub(super) fn business(sub_code: &str) -> GatewayError {
    GatewayError::Business(AlipayError {
        code: "40004".into(),
        msg: "Business Failed".into(),
        sub_code: Some(sub_code.into()),
        sub_msg: Some(format!("{sub_code} (test)")),
    })
}

pub(super) fn created(batch_no: &str) -> Result<BatchCreated, GatewayError> {
    Ok(BatchCreated {
        batch_no: batch_no.into(),
        batch_status: "init".into(),
    })
}

/// What the mocked repository and idempotency store hold.
#[derive(Default)]
pub(super) struct Store {
    pub orders: HashMap<OrderId, FacetofaceOrder>,
    pub images: HashMap<OrderId, ApplicationImages>,
    pub events: HashMap<OrderId, Vec<OrderEvent>>,
    pub keys: HashMap<String, (String, Option<OrderId>)>,
    /// The next this many saves (updates) fail, as a database that went away would.
    pub failing_saves: usize,
    /// The next this many idempotency links (`attach`) fail.
    pub failing_attaches: usize,
    next_id: i64,
}

impl Store {
    fn save(&mut self, order: &mut FacetofaceOrder) -> Result<(), RepositoryError> {
        if self.failing_saves > 0 {
            self.failing_saves -= 1;
            return Err(RepositoryError::Unexpected(anyhow::anyhow!(
                "database gone"
            )));
        }
        let stored_version = self.orders.get(&order.id()).map(FacetofaceOrder::version);
        if stored_version != Some(order.version()) {
            return Err(RepositoryError::Conflict);
        }
        let events = order.take_pending_events();
        self.events.entry(order.id()).or_default().extend(events);
        order.mark_saved(order.version() + 1);
        self.orders.insert(order.id(), order.clone());
        Ok(())
    }
}

/// The service under test, its store, clock and gateway mock.
pub(super) struct Harness {
    pub store: Arc<Mutex<Store>>,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

impl Harness {
    pub fn new() -> Self {
        Self {
            store: Arc::default(),
            now: Arc::new(Mutex::new(t0())),
        }
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.now.lock().unwrap() += by;
    }

    pub fn order(&self, id: OrderId) -> FacetofaceOrder {
        self.store.lock().unwrap().orders[&id].clone()
    }

    pub fn events(&self, id: OrderId) -> Vec<EventKind> {
        self.store
            .lock()
            .unwrap()
            .events
            .get(&id)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    pub fn only_order(&self) -> FacetofaceOrder {
        let store = self.store.lock().unwrap();
        assert_eq!(store.orders.len(), 1, "expected exactly one stored order");
        store.orders.values().next().unwrap().clone()
    }

    /// Stores `order` as if it had been saved earlier (for tests that start mid-flow).
    pub fn put(&self, mut order: FacetofaceOrder) -> OrderId {
        let mut store = self.store.lock().unwrap();
        let events = order.take_pending_events();
        store.events.entry(order.id()).or_default().extend(events);
        store.images.entry(order.id()).or_default();
        store.next_id = store.next_id.max(order.id().0);
        store.orders.insert(order.id(), order.clone());
        order.id()
    }

    pub fn service(&self, gateway: MockAgentGateway) -> Service {
        FacetofaceService::new(
            self.repository(),
            gateway,
            self.idempotency(),
            self.clock(),
            ServiceConfig::default(),
        )
    }

    fn clock(&self) -> MockClock {
        let now = Arc::clone(&self.now);
        let mut clock = MockClock::new();
        clock.expect_now().returning(move || *now.lock().unwrap());
        clock
    }

    fn repository(&self) -> MockOrderRepository {
        let mut repo = MockOrderRepository::new();
        let s = Arc::clone(&self.store);
        repo.expect_insert().returning(move |new, images| {
            let mut store = s.lock().unwrap();
            store.next_id += 1;
            let mut order = new.into_order(OrderId(store.next_id));
            let events = order.take_pending_events();
            store.events.insert(order.id(), events);
            store.images.insert(order.id(), images.clone());
            store.orders.insert(order.id(), order.clone());
            Ok(order)
        });
        let s = Arc::clone(&self.store);
        repo.expect_insert_superseding()
            .returning(move |new, images, original| {
                let mut store = s.lock().unwrap();
                store.next_id += 1;
                let created = new.created;
                let mut order = new.into_order(OrderId(store.next_id));
                original
                    .supersede(created, order.id())
                    .map_err(|e| RepositoryError::Unexpected(e.into()))?;
                store.save(original)?;
                let events = order.take_pending_events();
                store.events.insert(order.id(), events);
                store.images.insert(order.id(), images.clone());
                store.orders.insert(order.id(), order.clone());
                Ok(order)
            });
        let s = Arc::clone(&self.store);
        repo.expect_get().returning(move |tenant, id| {
            let store = s.lock().unwrap();
            Ok(store
                .orders
                .get(&id)
                .filter(|o| o.tenant_id() == tenant)
                .cloned())
        });
        let s = Arc::clone(&self.store);
        repo.expect_update()
            .returning(move |order| s.lock().unwrap().save(order));
        let s = Arc::clone(&self.store);
        repo.expect_update_with_images()
            .returning(move |order, images| {
                let mut store = s.lock().unwrap();
                store.save(order)?;
                store.images.insert(order.id(), images.clone());
                Ok(())
            });
        let s = Arc::clone(&self.store);
        repo.expect_images().returning(move |tenant, id| {
            let store = s.lock().unwrap();
            match store.orders.get(&id) {
                Some(o) if o.tenant_id() == tenant => {
                    Ok(store.images.get(&id).cloned().unwrap_or_default())
                }
                _ => Ok(ApplicationImages::new()),
            }
        });
        let s = Arc::clone(&self.store);
        repo.expect_image_infos().returning(move |tenant, id| {
            let store = s.lock().unwrap();
            match (store.orders.get(&id), store.images.get(&id)) {
                (Some(o), Some(images)) if o.tenant_id() == tenant => {
                    Ok(images.iter().map(ImageInfo::from).collect())
                }
                _ => Ok(Vec::new()),
            }
        });
        let s = Arc::clone(&self.store);
        repo.expect_image().returning(move |tenant, id, kind| {
            let store = s.lock().unwrap();
            match (store.orders.get(&id), store.images.get(&id)) {
                (Some(o), Some(images)) if o.tenant_id() == tenant => Ok(images.get(kind).cloned()),
                _ => Ok(None),
            }
        });
        repo
    }

    fn idempotency(&self) -> MockIdempotencyStore {
        let mut idem = MockIdempotencyStore::new();
        let s = Arc::clone(&self.store);
        idem.expect_begin()
            .returning(move |_, key, fingerprint, _| {
                let mut store = s.lock().unwrap();
                Ok(match store.keys.get(key.as_str()) {
                    None => {
                        store
                            .keys
                            .insert(key.as_str().to_owned(), (fingerprint.to_owned(), None));
                        IdempotencyBegin::Started
                    }
                    Some((fp, _)) if fp != fingerprint => IdempotencyBegin::Mismatch,
                    Some((_, Some(id))) => IdempotencyBegin::Replay(*id),
                    Some((_, None)) => IdempotencyBegin::InProgress,
                })
            });
        let s = Arc::clone(&self.store);
        idem.expect_attach().returning(move |_, key, id| {
            let mut store = s.lock().unwrap();
            if store.failing_attaches > 0 {
                store.failing_attaches -= 1;
                return Err(RepositoryError::Unexpected(anyhow::anyhow!(
                    "database gone"
                )));
            }
            if let Some(entry) = store.keys.get_mut(key.as_str()) {
                entry.1 = Some(id);
            }
            Ok(())
        });
        let s = Arc::clone(&self.store);
        idem.expect_release().returning(move |_, key| {
            s.lock().unwrap().keys.remove(key.as_str());
            Ok(())
        });
        idem
    }
}

/// Runs a future to completion (the domain has no async runtime).
pub(super) fn run<F: std::future::Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}
