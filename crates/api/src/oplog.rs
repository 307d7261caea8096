//! The operation log (DESIGN §4): one row per mutating `/api` request, written by the request
//! middleware. Redaction by construction: rows hold the route *pattern* (never the raw path or
//! query string), the target id, ids of the user and tenant, the outcome code, duration,
//! client IP and request id — never a body, header, username, password or token.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone as _, Utc};
use xjz_persistence::platform::{
    NewOperationLog, OperationLogFilter, OperationLogPage, SeaOrmPlatformStore,
};

use crate::http::error::ApiError;

/// Who acted, for requests that authenticate without a bearer token (login): handlers put
/// it in the request extensions.
#[derive(Debug, Clone, Copy)]
pub struct AuditActor {
    pub user_id: Option<i64>,
    pub tenant_id: Option<i64>,
}

/// Writes and reads the operation log.
#[derive(Debug, Clone)]
pub struct OperationLogService {
    store: SeaOrmPlatformStore,
}

impl OperationLogService {
    pub fn new(store: SeaOrmPlatformStore) -> Self {
        Self { store }
    }

    /// Writes one row; a failure is logged, not answered (the request already happened).
    pub async fn record(&self, entry: NewOperationLog) {
        if let Err(error) = self.store.log_operation(entry).await {
            tracing::error!(error.cause_chain = ?error, error.message = %error, "writing the operation log");
        }
    }

    /// A page of the tenant's rows.
    ///
    /// # Errors
    /// 10500 on storage failure.
    pub async fn list(
        &self,
        tenant_id: i64,
        filter: &OperationLogFilter,
        page_no: u64,
        page_size: u64,
    ) -> Result<OperationLogPage, ApiError> {
        Ok(self
            .store
            .operation_logs(tenant_id, filter, page_no, page_size)
            .await?)
    }
}

/// China time (UTC+8), as the platform's users read times.
const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// `YYYY-MM-DD HH:mm:ss` in China time.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.with_timezone(&CHINA)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Parses `YYYY-MM-DD HH:mm:ss` (China time).
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    CHINA
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_china_time_both_ways() {
        let t = parse_time("2026-11-26 08:00:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-26T00:00:00+00:00");
        assert_eq!(format_time(t), "2026-11-26 08:00:00");
        assert!(parse_time("2026-11-26T08:00:00").is_none());
    }
}
