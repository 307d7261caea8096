//! Call counters, read through the admin API: the tests and benchmarks use them to prove
//! "queried exactly once".

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What the admin API returns for `GET /__sim/counters`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterSnapshot {
    /// Every request that reached `/gateway.do`.
    pub total: u64,
    /// Requests by `method` parameter (`-` when it was missing).
    pub by_method: BTreeMap<String, u64>,
    /// Requests naming a batch, by batch_no, then by method.
    pub by_batch: BTreeMap<String, BTreeMap<String, u64>>,
}

impl CounterSnapshot {
    /// Calls of `method` for `batch_no` (0 when none).
    pub fn batch_calls(&self, batch_no: &str, method: &str) -> u64 {
        self.by_batch
            .get(batch_no)
            .and_then(|m| m.get(method))
            .copied()
            .unwrap_or(0)
    }

    /// Calls of `method` (0 when none).
    pub fn method_calls(&self, method: &str) -> u64 {
        self.by_method.get(method).copied().unwrap_or(0)
    }
}

/// The live counters.
#[derive(Debug, Default)]
pub struct Counters {
    inner: Mutex<CounterSnapshot>,
}

impl Counters {
    fn lock(&self) -> std::sync::MutexGuard<'_, CounterSnapshot> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one call.
    pub fn record(&self, method: &str, batch_no: Option<&str>) {
        let mut c = self.lock();
        c.total += 1;
        bump(&mut c.by_method, method);
        if let Some(batch_no) = batch_no.filter(|b| !b.is_empty()) {
            let per = c.by_batch.entry(batch_no.to_owned()).or_default();
            bump(per, method);
        }
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> CounterSnapshot {
        self.lock().clone()
    }

    /// Sets every counter back to zero.
    pub fn reset(&self) {
        *self.lock() = CounterSnapshot::default();
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_counted_by_method_and_by_batch() {
        let counters = Counters::default();
        counters.record("alipay.open.agent.create", None);
        counters.record("alipay.open.agent.order.query", Some("B1"));
        counters.record("alipay.open.agent.order.query", Some("B1"));
        counters.record("alipay.open.agent.order.query", Some("B2"));
        let snap = counters.snapshot();
        assert_eq!(snap.total, 4);
        assert_eq!(snap.method_calls("alipay.open.agent.order.query"), 3);
        assert_eq!(snap.batch_calls("B1", "alipay.open.agent.order.query"), 2);
        assert_eq!(snap.batch_calls("B2", "alipay.open.agent.order.query"), 1);
        assert_eq!(snap.batch_calls("B3", "alipay.open.agent.order.query"), 0);
        counters.reset();
        assert_eq!(counters.snapshot(), CounterSnapshot::default());
    }
}
