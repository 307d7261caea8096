#![doc = include_str!("../README.md")]

pub mod cli;
mod client;
pub mod config;
pub mod error;
mod gateway;
mod observer;
mod wire;

pub use config::{AlipayClientConfig, DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT};
pub use error::{AlipayCallError, AlipayRefusal, ClientBuildError};
pub use gateway::AlipayAgentGateway;
pub use observer::CallObserver;
