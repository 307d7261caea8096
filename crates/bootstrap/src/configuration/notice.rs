//! Notices: what the loader decided on the operator's behalf, for the caller to log.
//! A notice never contains a secret's value.

use std::fmt;

/// The kind of a [`Notice`], so the caller can pick a log level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A missing development secret was generated and stored.
    Generated,
    /// A development secret generated earlier was reused.
    Reused,
    /// A development-only default is in use (the simulator's test keys, its gateway URL).
    DevelopmentDefault,
    /// Accepted, but would be refused in production or looks like a mistake.
    Warning,
}

/// Something the loader did or noticed that the operator should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// What kind of notice this is.
    pub kind: NoticeKind,
    /// The environment variable concerned, e.g. `XJZ__SECURITY__JWT_SECRET`.
    pub key: String,
    /// A sentence for the log; never a secret's value.
    pub message: String,
}

impl Notice {
    pub(crate) fn new(
        kind: NoticeKind,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}
