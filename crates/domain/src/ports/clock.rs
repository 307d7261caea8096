//! `Clock`: the only source of "now" in the domain.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// China Standard Time (UTC+8, no daylight saving): Alipay's and our users' calendar.
pub const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Today's date in China, for date rules such as "licence not expired".
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&CHINA_OFFSET).date_naive()
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
