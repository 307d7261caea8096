use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use tempfile::TempDir;
use xjz_bootstrap::configuration::{ConfigError, LoadOptions, Loaded};

/// Base64 of the 32 bytes `0123456789abcdef0123456789abcdef`.
pub const DATA_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
/// Base64 of the 32 bytes `ffffffffffffffffffffffffffffffff`.
pub const OLD_DATA_KEY: &str = "ZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmY=";
pub const JWT_SECRET: &str = "q3Vx9fT2mL8rK1pZ7wY4nB6cD0hJ5sA2eG8uI3oR";
pub const DB_PASSWORD: &str = "Zr8-unique-Db-Pw";
pub const APP_PRIVATE_KEY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQRealAppKey";
pub const ALIPAY_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEARealAlipayKey";

/// A temporary home with `config/` and `data/`, and an environment map.
pub struct TestEnv {
    pub dir: TempDir,
    pub env: HashMap<String, String>,
}

impl TestEnv {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("config")).unwrap();
        Self {
            dir,
            env: HashMap::new(),
        }
    }

    /// A production environment that passes every check.
    pub fn production() -> Self {
        let mut t = Self::new();
        t.set("XJZ__ENVIRONMENT", "production")
            .set(
                "XJZ__DATABASE__URL",
                &format!("postgres://xjz:{DB_PASSWORD}@db.internal:5432/xjz"),
            )
            .set(
                "XJZ__ALIPAY__GATEWAY_URL",
                "https://openapi.alipay.com/gateway.do",
            )
            .set("XJZ__ALIPAY__APP_ID", "2021009999999999")
            .set("XJZ__ALIPAY__APP_PRIVATE_KEY", APP_PRIVATE_KEY)
            .set("XJZ__ALIPAY__ALIPAY_PUBLIC_KEY", ALIPAY_PUBLIC_KEY)
            .set("XJZ__SECURITY__JWT_SECRET", JWT_SECRET)
            .set("XJZ__SECURITY__DATA_KEY", DATA_KEY);
        t
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn unset(&mut self, key: &str) -> &mut Self {
        self.env.remove(key);
        self
    }

    pub fn config_file(&self, name: &str, content: &str) {
        fs::write(self.dir.path().join("config").join(name), content).unwrap();
    }

    /// Writes a file outside `config/` and `data/`, returning its path.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, content).unwrap();
        path
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn options(&self) -> LoadOptions {
        LoadOptions {
            env: self.env.clone(),
            config_dir: Some(self.dir.path().join("config")),
            data_dir: Some(self.data_dir()),
        }
    }

    pub fn load(&self) -> Result<Loaded, ConfigError> {
        xjz_bootstrap::load(&self.options())
    }

    pub fn load_ok(&self) -> Loaded {
        match self.load() {
            Ok(loaded) => loaded,
            Err(error) => panic!("expected the configuration to load: {error}"),
        }
    }

    /// The keys of the problems of a refused load.
    pub fn problem_keys(&self) -> Vec<String> {
        match self.load() {
            Ok(_) => panic!("expected the configuration to be refused"),
            Err(error) => {
                assert!(
                    !error.problems().is_empty(),
                    "expected problems, got: {error}"
                );
                error.problems().iter().map(|p| p.key.clone()).collect()
            }
        }
    }

    pub fn error(&self) -> ConfigError {
        match self.load() {
            Ok(_) => panic!("expected the configuration to be refused"),
            Err(error) => error,
        }
    }
}
