#![doc = include_str!("../README.md")]

pub mod configuration;
pub mod telemetry;
pub mod wiring;

pub use configuration::{ConfigError, LoadOptions, Loaded, Settings, load};
