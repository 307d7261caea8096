//! Login throttling: failed attempts counted per username and per client IP in a sliding
//! window; over the limit, login answers 10429 without checking the password (which also
//! spares argon2 work). In memory, per process: with N replicas the effective limit is up to
//! N × the configured one, which still bounds guessing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Limits of one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub failures: usize,
    pub window: Duration,
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    pub per_username: Limit,
    pub per_ip: Limit,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_username: Limit {
                failures: 5,
                window: Duration::from_secs(15 * 60),
            },
            per_ip: Limit {
                failures: 20,
                window: Duration::from_secs(15 * 60),
            },
        }
    }
}

/// Keys kept at most (oldest windows are dropped first when exceeded).
const MAX_KEYS: usize = 100_000;

/// Failed logins per key.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            failures: Mutex::default(),
        }
    }

    /// `Err(retry_after_secs)` when the username or the IP is over its limit.
    ///
    /// # Errors
    /// Over the limit: the seconds until the oldest counted failure leaves the window.
    pub fn check(&self, username_key: &str, ip_key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.lock();
        for (key, limit) in [
            (username_key, self.limits.per_username),
            (ip_key, self.limits.per_ip),
        ] {
            if let Some(times) = map.get_mut(key) {
                prune(times, limit.window, now);
                if times.len() >= limit.failures {
                    let oldest = times.front().copied().unwrap_or(now);
                    let wait = limit.window.saturating_sub(now.duration_since(oldest));
                    return Err(wait.as_secs().max(1));
                }
            }
        }
        Ok(())
    }

    /// Counts one failure against both keys.
    pub fn failed(&self, username_key: &str, ip_key: &str, now: Instant) {
        let mut map = self.lock();
        if map.len() >= MAX_KEYS {
            let window = self
                .limits
                .per_username
                .window
                .max(self.limits.per_ip.window);
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        for key in [username_key, ip_key] {
            map.entry(key.to_owned()).or_default().push_back(now);
        }
    }

    /// Forgets the username's failures after a successful login.
    pub fn succeeded(&self, username_key: &str) {
        self.lock().remove(username_key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // A panic while holding this lock cannot leave the counters inconsistent.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn prune(times: &mut VecDeque<Instant>, window: Duration, now: Instant) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_after_five_failures_waits_until_the_window_moves() {
        let throttle = LoginThrottle::new(ThrottleLimits::default());
        let start = Instant::now();
        for _ in 0..5 {
            assert!(throttle.check("u", "ip", start).is_ok());
            throttle.failed("u", "ip", start);
        }
        assert!(throttle.check("u", "ip", start).is_err());
        assert!(throttle.check("other", "ip", start).is_ok());
        let later = start + Duration::from_secs(15 * 60);
        assert!(throttle.check("u", "ip", later).is_ok());
    }

    #[test]
    fn success_clears_the_username_but_not_the_ip() {
        let limits = ThrottleLimits {
            per_username: Limit {
                failures: 2,
                window: Duration::from_secs(60),
            },
            per_ip: Limit {
                failures: 3,
                window: Duration::from_secs(60),
            },
        };
        let throttle = LoginThrottle::new(limits);
        let now = Instant::now();
        throttle.failed("u", "ip", now);
        throttle.failed("u", "ip", now);
        assert!(throttle.check("u", "ip", now).is_err());
        throttle.succeeded("u");
        assert!(throttle.check("u", "ip", now).is_ok());
        throttle.failed("v", "ip", now);
        assert!(throttle.check("w", "ip", now).is_err(), "the IP reached 3");
    }
}
