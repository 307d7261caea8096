//! The layering: code defaults → `{config_dir}/base.toml` → `{config_dir}/{environment}.toml`
//! → `XJZ__…` environment variables (prefix `XJZ`, separator `__`). Files are optional.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use config::{Config, File, FileFormat};
use serde::de::DeserializeOwned;

use super::defaults;
use super::error::{ConfigError, Problems};
use super::notice::Notice;
use super::raw::{RawEnvironment, RawSettings};
use super::resolve::resolve;
use super::settings::Settings;

/// Names the configuration directory when [`LoadOptions::config_dir`] is not set.
pub const CONFIG_DIR_VAR: &str = "XJZ_CONFIG_DIR";
/// Names the data directory when [`LoadOptions::data_dir`] is not set.
pub const DATA_DIR_VAR: &str = "XJZ_DATA_DIR";
/// The file read first in the configuration directory.
pub const BASE_FILE: &str = "base.toml";

/// Where configuration comes from. Tests inject `env` instead of touching the process
/// environment.
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// The environment variables to read (`XJZ__…`, `XJZ_CONFIG_DIR`, `XJZ_DATA_DIR`).
    pub env: HashMap<String, String>,
    /// The directory of the optional TOML files; default `$XJZ_CONFIG_DIR`, else `config`.
    pub config_dir: Option<PathBuf>,
    /// Where development secrets are kept; default `$XJZ_DATA_DIR`, else `data`.
    pub data_dir: Option<PathBuf>,
}

impl LoadOptions {
    /// Reads the process environment (the binaries' choice; tests build their own map).
    #[must_use]
    pub fn from_process_env() -> Self {
        let env = std::env::vars_os()
            .filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?)))
            .collect();
        Self {
            env,
            ..Self::default()
        }
    }

    /// The configuration directory in effect.
    #[must_use]
    pub fn config_dir(&self) -> PathBuf {
        self.dir(
            self.config_dir.as_ref(),
            CONFIG_DIR_VAR,
            defaults::CONFIG_DIR,
        )
    }

    /// The data directory in effect.
    #[must_use]
    pub fn data_dir(&self) -> PathBuf {
        self.dir(self.data_dir.as_ref(), DATA_DIR_VAR, defaults::DATA_DIR)
    }

    fn dir(&self, explicit: Option<&PathBuf>, var: &str, default: &str) -> PathBuf {
        explicit
            .cloned()
            .or_else(|| {
                self.env
                    .get(var)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from(default))
    }
}

/// Lists variable names only: the values may be secrets.
impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.env.keys().collect();
        names.sort();
        f.debug_struct("LoadOptions")
            .field("env_names", &names)
            .field("config_dir", &self.config_dir)
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

/// The outcome of a successful load.
#[derive(Debug)]
pub struct Loaded {
    /// The resolved, validated settings.
    pub settings: Settings,
    /// What the loader generated, reused or defaulted; the caller logs them.
    pub notices: Vec<Notice>,
    /// The configuration files that existed and were read, in layering order.
    pub files: Vec<PathBuf>,
}

/// Loads, layers, resolves and checks the configuration.
///
/// # Errors
/// [`ConfigError::Source`] for unreadable or ill-typed sources (including unknown keys),
/// [`ConfigError::Invalid`] listing every problem (validation and production refusals),
/// [`ConfigError::SecretStore`]/[`ConfigError::Random`] when a development secret cannot be
/// generated or kept.
pub fn load(options: &LoadOptions) -> Result<Loaded, ConfigError> {
    let config_dir = options.config_dir();
    let base = config_dir.join(BASE_FILE);

    // The environment decides which second file to read, so read it first.
    let first: RawEnvironment = build(&[&base], options)?;
    let environment = first.environment.unwrap_or_default();
    let env_file = config_dir.join(format!("{environment}.toml"));

    let raw: RawSettings = build(&[&base, &env_file], options)?;
    if raw.environment.unwrap_or_default() != environment {
        let mut problems = Problems::default();
        problems.push(
            "XJZ__ENVIRONMENT",
            format!(
                "{} may not change the environment chosen by {} or XJZ__ENVIRONMENT",
                env_file.display(),
                base.display()
            ),
        );
        return Err(ConfigError::Invalid(problems));
    }

    let (settings, notices) = resolve(raw, environment, &options.data_dir())?;
    let files = [base, env_file]
        .into_iter()
        .filter(|path| path.is_file())
        .collect();
    Ok(Loaded {
        settings,
        notices,
        files,
    })
}

fn build<T: DeserializeOwned>(files: &[&Path], options: &LoadOptions) -> Result<T, ConfigError> {
    let mut builder = Config::builder();
    for path in files {
        builder = builder.add_source(
            File::from(path.to_path_buf())
                .format(FileFormat::Toml)
                .required(false),
        );
    }
    let env: config::Map<String, String> = options
        .env
        .iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    // No `try_parsing`: it would turn a secret like `0123…` into a number and back, losing
    // characters. Numbers and booleans are parsed from strings when deserialised instead.
    let environment = config::Environment::with_prefix("XJZ")
        .separator("__")
        .ignore_empty(true)
        .source(Some(env));
    Ok(builder.add_source(environment).build()?.try_deserialize()?)
}
