//! `IdempotencyStore`: "first run or replay" for apply and re-apply (`Idempotency-Key`).
//!
//! A key is scoped to tenant + user and kept 24 hours. The store maps it to a fingerprint of
//! the request and, once stored, the order the first request created; a replay answers from
//! that order (whose `last_error` records how the first submission ended).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ids::{OrderId, TenantId, UserId};
use crate::ports::repository::RepositoryError;
use crate::validation::{FieldError, FieldErrorCode};

/// A client-chosen key: 1–128 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// # Errors
    /// Empty, longer than 128, or not visible ASCII.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let ok =
            !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                "Idempotency-Key",
                FieldErrorCode::Format,
                "must be 1-128 visible ASCII characters",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdempotencyScope {
    pub tenant_id: TenantId,
    pub user_id: UserId,
}

/// What the store decided for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// First time: go ahead, then [`IdempotencyStore::attach`] or [`IdempotencyStore::release`].
    Started,
    /// Seen before with the same fingerprint: answer from this order.
    Replay(OrderId),
    /// Seen before with another fingerprint.
    Mismatch,
    /// The first request is still running.
    InProgress,
}

#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims the key for this request, or reports how it was used. The store MUST decide
    /// atomically (two concurrent first requests: one `Started`, one `InProgress`). Records
    /// older than 24 hours are treated as absent; a `Started` record left without an order
    /// for longer than a few minutes (a crashed request) may be claimed again.
    async fn begin(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<IdempotencyBegin, RepositoryError>;

    /// The request stored this order: later replays answer from it.
    async fn attach(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
        order: OrderId,
    ) -> Result<(), RepositoryError>;

    /// The request stored nothing (invalid input): forget the key so a corrected request may
    /// use it.
    async fn release(
        &self,
        scope: IdempotencyScope,
        key: &IdempotencyKey,
    ) -> Result<(), RepositoryError>;
}
