//! The OpenAPI 3 document (`/api/openapi.json`): the platform's routes plus every mounted
//! module's (see [`crate::startup::ApiModule`]).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The envelope of a success answer (documentation type).
#[derive(Debug, ToSchema)]
pub struct EnvelopeOf<T> {
    /// 0
    pub code: u32,
    pub msg: String,
    pub data: T,
    pub status_code: u16,
    pub success: bool,
}

/// A page of a list (documentation type).
#[derive(Debug, ToSchema)]
pub struct PageOf<T> {
    pub page_no: u64,
    pub page_size: u64,
    pub total: u64,
    pub has_next: bool,
    pub items: Vec<T>,
}

/// The envelope of an error answer: `code` is the stable machine code (DESIGN §4); `data`
/// holds `errors` (10422), `alipay` and `order` (10502/10504), `retry_after_secs` (10429) or
/// `request_id` (10500).
#[derive(Debug, ToSchema)]
pub struct ErrorEnvelope {
    pub code: u32,
    pub msg: String,
    #[schema(value_type = Object, nullable)]
    pub data: Option<serde_json::Value>,
    pub status_code: u16,
    pub success: bool,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The platform's own routes.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "xjz facetoface API", description = "当面付开通平台 API. Every answer is the envelope {code, msg, data, status_code, success}."),
    paths(
        crate::routes::auth::login,
        crate::routes::auth::me,
        crate::routes::system::list_operation_logs,
        crate::routes::health::healthz,
        crate::routes::health::readyz,
        crate::routes::health::metrics,
    ),
    components(schemas(ErrorEnvelope)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "login and the caller"),
        (name = "system", description = "operation log"),
        (name = "health", description = "probes and metrics"),
    )
)]
pub struct PlatformApi;

/// The whole document: the platform's routes merged with each module's.
pub fn document(modules: &[crate::startup::ApiModule]) -> utoipa::openapi::OpenApi {
    let mut doc = PlatformApi::openapi();
    for module in modules {
        doc.merge((module.openapi)());
    }
    doc
}
