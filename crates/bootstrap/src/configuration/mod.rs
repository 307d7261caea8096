//! Configuration (DESIGN §3, STYLE §9): typed settings per concern, layered from code
//! defaults, optional `config/*.toml` files and `XJZ__…` environment variables; secrets with
//! `_FILE` variants; production refusals; development secrets generated under `./data/`.
//!
//! Load once in `main` with [`load`], pass the values down; there is no global config.
//!
//! Design:
//! - `raw`: what the sources say (every key optional, unknown keys rejected).
//! - `resolve`: defaults (`defaults`, derived ones), `_FILE`s and generation (`secrets`),
//!   checks (`validate` in every environment, `checks` in production).
//! - `settings`: the typed result handed to the rest of the system.

mod adapters;
mod checks;
mod db_url;
pub mod defaults;
mod error;
mod load;
mod notice;
mod raw;
mod resolve;
mod secrets;
mod settings;
mod validate;

pub use checks::{MIN_JWT_SECRET_BYTES, WELL_KNOWN_DB_PASSWORDS};
pub use error::{ConfigError, Problem, Problems};
pub use load::{BASE_FILE, CONFIG_DIR_VAR, DATA_DIR_VAR, LoadOptions, Loaded, load};
pub use notice::{Notice, NoticeKind};
pub use secrets::decode_data_key;
pub use settings::{
    AlipaySettings, DatabaseKind, DatabaseSettings, DatabaseUrl, EmbeddedSettings, Environment,
    LogFormat, LogSettings, MAX_POLL_DAYS, MAX_POLL_SECS, PollSettings, SecuritySettings,
    ServerSettings, Settings, WorkerSettings,
};
