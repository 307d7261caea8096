//! The simulator's clock: wall time plus an offset the admin API can advance, so tests can
//! expire a batch or age an application without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, FixedOffset, Offset as _, Utc};

/// Milliseconds since the Unix epoch, as seen by the simulator.
pub type Millis = i64;

/// Wall clock plus an adjustable offset.
#[derive(Debug, Default)]
pub struct SimClock {
    offset_ms: AtomicI64,
}

impl SimClock {
    /// A clock at `offset_ms` ahead of the wall clock (the persisted offset on restart).
    pub fn with_offset(offset_ms: Millis) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// Now, in simulated milliseconds since the epoch.
    pub fn now_ms(&self) -> Millis {
        Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves simulated time forward by `secs` seconds.
    pub fn advance_secs(&self, secs: u64) {
        let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// The current offset from the wall clock.
    pub fn offset_ms(&self) -> Millis {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets the offset back to zero.
    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

/// `ms` as a China-time (UTC+8) date-time, the zone Alipay writes its numbers and times in.
pub fn china_time(ms: Millis) -> DateTime<FixedOffset> {
    // UTC+8 is a valid offset; east_opt only fails outside ±24 h.
    let zone = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix());
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward_by_that_many_seconds() {
        let clock = SimClock::default();
        let before = clock.now_ms();
        clock.advance_secs(3600);
        let after = clock.now_ms();
        assert!(after - before >= 3_600_000);
        assert!(after - before < 3_610_000);
        assert_eq!(clock.offset_ms(), 3_600_000);
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        let t = china_time(0);
        assert_eq!(
            t.format("%Y-%m-%d %H:%M:%S").to_string(),
            "1970-01-01 08:00:00"
        );
    }
}
