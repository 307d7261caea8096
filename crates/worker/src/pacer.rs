//! The per-process QPS ceiling: a leaky bucket handing out evenly spaced slots.
//!
//! Each Alipay-bound job takes the next slot (`1 / max_qps` after the previous one) and
//! sleeps until it; nothing bursts after an idle period beyond one slot.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Shared by every poll job of one worker process.
#[derive(Debug, Clone)]
pub struct Pacer {
    interval: Option<Duration>,
    next: Arc<Mutex<Instant>>,
}

impl Pacer {
    /// At most `max_qps` slots per second; 0 lifts the ceiling.
    #[must_use]
    pub fn new(max_qps: u32) -> Self {
        Self {
            interval: (max_qps > 0).then(|| Duration::from_secs(1) / max_qps),
            next: Arc::new(Mutex::new(Instant::now())),
        }
    }

    /// Waits for this caller's slot.
    pub async fn acquire(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_the_ceiling() {
        let pacer = Pacer::new(10);
        let start = Instant::now();
        for _ in 0..21 {
            pacer.acquire().await;
        }
        // 21 slots at 10/s: the first now, the last 2 s later.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_ceiling() {
        let pacer = Pacer::new(5);
        let start = Instant::now();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let p = pacer.clone();
                tokio::spawn(async move { p.acquire().await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1800));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_lifts_the_ceiling() {
        let pacer = Pacer::new(0);
        let start = Instant::now();
        for _ in 0..1000 {
            pacer.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
