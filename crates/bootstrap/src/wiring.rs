//! Wiring shared by the binaries: the facetoface service with its production adapters,
//! built from [`Settings`] (the API and the worker drive the same service).

use std::sync::Arc;

use crate::Settings;
use crate::configuration::ConfigError;
use xjz_alipay_adapter::{AlipayAgentGateway, CallObserver, ClientBuildError};
use xjz_domain::FacetofaceService;
use xjz_domain::ports::SystemClock;
use xjz_domain::service::ServiceConfig;
use xjz_persistence::{
    CryptoError, DataKeys, DatabaseConnection, ImageFiles, SeaOrmIdempotencyStore,
    SeaOrmOrderRepository,
};

/// The service with the production adapters.
pub type FacetofaceServiceImpl = FacetofaceService<
    SeaOrmOrderRepository,
    AlipayAgentGateway,
    SeaOrmIdempotencyStore,
    SystemClock,
>;

/// Why the service could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("invalid data key")]
    DataKey(#[from] ConfigError),
    #[error("cannot set up secret encryption")]
    Crypto(#[from] CryptoError),
    #[error("cannot build the Alipay client")]
    Gateway(#[from] ClientBuildError),
}

/// The order repository on `db` with the configured data keys and image directory.
///
/// # Errors
/// A malformed data key, or one the cipher refuses.
pub fn order_repository(
    settings: &Settings,
    db: &DatabaseConnection,
) -> Result<SeaOrmOrderRepository, BuildError> {
    let current = settings.security.data_key_bytes()?;
    let previous = settings.security.previous_data_key_bytes()?;
    let keys = DataKeys {
        current: *secrecy::ExposeSecret::expose_secret(&current),
        previous: previous
            .iter()
            .map(|k| *secrecy::ExposeSecret::expose_secret(k))
            .collect(),
    };
    let files = ImageFiles::new(settings.database.image_dir.clone());
    Ok(SeaOrmOrderRepository::new(db.clone(), &keys, files)?)
}

/// Builds the service on `db` with the configured Alipay gateway, data keys and polling policy.
///
/// # Errors
/// A malformed data key, or an Alipay client that cannot be built (bad URL, TLS).
pub fn build_facetoface_service(
    settings: &Settings,
    db: &DatabaseConnection,
) -> Result<Arc<FacetofaceServiceImpl>, BuildError> {
    build_observed_facetoface_service(settings, db, None)
}

/// [`build_facetoface_service`] whose Alipay calls are reported to `observer` (metrics).
///
/// # Errors
/// As [`build_facetoface_service`].
pub fn build_observed_facetoface_service(
    settings: &Settings,
    db: &DatabaseConnection,
    observer: Option<Arc<dyn CallObserver>>,
) -> Result<Arc<FacetofaceServiceImpl>, BuildError> {
    let repo = order_repository(settings, db)?;
    let mut gateway =
        AlipayAgentGateway::new(settings.alipay.client_config()?, Arc::new(SystemClock))?;
    if let Some(observer) = observer {
        gateway = gateway.with_observer(observer);
    }
    let config = ServiceConfig {
        polling: settings.poll.policy(),
        ..ServiceConfig::default()
    };
    Ok(Arc::new(FacetofaceService::new(
        repo,
        gateway,
        SeaOrmIdempotencyStore::new(db.clone()),
        SystemClock,
        config,
    )))
}
