//! When the apalis worker looks for jobs: a fixed interval whose timer is always armed.
//!
//! apalis-core 1.0's `IntervalStrategy` re-arms its timer after it fires but does not poll
//! the new one, so no waker is registered with it. When the fetch that follows completes
//! within the same poll (an empty queue answered straight away), the worker parks with
//! nothing left to wake it but the storage heartbeat, 30 s later: jobs pushed in the
//! meantime sit in the queue (issue #8). This strategy polls the re-armed timer before
//! returning, so a wake-up is always scheduled.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use apalis::prelude::{PollSnapshot, PollStrategy};
use tokio::time::{Instant, Sleep};

/// Wakes the worker every `period` to fetch jobs.
#[derive(Debug)]
pub(crate) struct FetchInterval {
    period: Duration,
    /// Created on the first poll, inside the runtime.
    timer: Option<Pin<Box<Sleep>>>,
}

impl FetchInterval {
    pub(crate) fn new(period: Duration) -> Self {
        Self {
            // A zero period would spin.
            period: period.max(Duration::from_millis(1)),
            timer: None,
        }
    }
}

impl PollStrategy for FetchInterval {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _snapshot: &PollSnapshot) -> Poll<Option<()>> {
        let period = self.period;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(period)));
        let mut fired = false;
        // Re-arm and poll again until the timer is pending: that poll registers the waker.
        while timer.as_mut().poll(cx).is_ready() {
            fired = true;
            timer.as_mut().reset(Instant::now() + period);
        }
        if fired {
            Poll::Ready(Some(()))
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    struct CountWakes(AtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn after_firing_the_next_wake_up_is_already_scheduled() {
        let wakes = Arc::new(CountWakes(AtomicUsize::new(0)));
        let waker = Arc::clone(&wakes).into();
        let mut cx = Context::from_waker(&waker);
        let snapshot = PollSnapshot::new();
        let mut strategy = FetchInterval::new(Duration::from_millis(100));
        assert!(strategy.poll_drive(&mut cx, &snapshot).is_pending());
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1, "first period");
        // It fires; the caller then finds nothing and parks without polling it again.
        assert!(strategy.poll_drive(&mut cx, &snapshot).is_ready());
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            wakes.0.load(Ordering::SeqCst),
            2,
            "the re-armed timer woke the worker by itself"
        );
    }
}
