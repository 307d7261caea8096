//! Errors of configuration loading.
//!
//! Policy: everything wrong with the values themselves (bad numbers, unreadable `_FILE`s,
//! production refusals) is collected as [`Problem`]s and reported together in
//! [`ConfigError::Invalid`], so an operator fixes a deployment in one pass. Failures of the
//! sources (a TOML syntax error, a value of the wrong type) come from the `config` crate as
//! [`ConfigError::Source`]. No variant ever carries a secret's value.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with the configuration, named by its environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The environment variable the problem is about, e.g. `XJZ__SECURITY__JWT_SECRET`.
    pub key: String,
    /// What is wrong and how to fix it; never contains a secret.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Every problem found in one load, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub(crate) fn push(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(key, message));
    }

    /// True when nothing is wrong.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A source could not be read or deserialised (TOML syntax, wrong type, unknown key).
    #[error("cannot read the configuration: {0}")]
    Source(#[from] config::ConfigError),
    /// The values were read but are unusable; every problem is listed.
    #[error("the configuration is refused ({count} problem(s)):{problems}", count = .0.0.len(), problems = .0)]
    Invalid(Problems),
    /// A development secret could not be generated or kept under the data directory.
    #[error("cannot keep the development secret {key} at {}", path.display())]
    SecretStore {
        /// The setting being generated, e.g. `XJZ__SECURITY__DATA_KEY`.
        key: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// Random bytes could not be drawn from the system.
    #[error("the system random number generator failed")]
    Random,
    /// A data key is not the base64 of exactly 32 bytes.
    #[error("{key} is not the base64 of exactly 32 bytes")]
    DataKey {
        /// Which key, e.g. `XJZ__SECURITY__PREVIOUS_DATA_KEYS[1]`.
        key: String,
    },
}

impl ConfigError {
    /// The problems of an [`ConfigError::Invalid`], empty for the other variants.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid(problems) => &problems.0,
            Self::Source(_) | Self::SecretStore { .. } | Self::Random | Self::DataKey { .. } => &[],
        }
    }
}
