#![doc = include_str!("../README.md")]

pub mod configuration;
pub mod telemetry;

pub use configuration::{ConfigError, LoadOptions, Loaded, Settings, load};
