//! `POST /api/v1/auth/login`, `GET /api/v1/auth/me`.

use actix_web::{HttpMessage as _, HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xjz_domain::validation::{FieldError, ValidationErrors};

use crate::auth::{AccountService, Caller, TrustedProxies};
use crate::http::envelope::ok;
use crate::http::error::ApiError;
use crate::http::extract::JsonOrForm;
use crate::oplog::AuditActor;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/auth/login").route(web::post().to(login)))
        .service(web::resource("/auth/me").route(web::get().to(me)));
}

/// Login as JSON or as an OAuth2 password form (`grant_type`, `scope`, `client_id` are
/// accepted and ignored).
#[derive(Deserialize, ToSchema)]
pub struct LoginHttpRequestBody {
    /// Required (an `Option` so that a missing one is a field error, 10422, not a 10400).
    #[schema(value_type = String, required = true, pattern = r"\S")]
    pub username: Option<String>,
    /// Required.
    #[schema(value_type = String, format = Password, required = true)]
    pub password: Option<SecretString>,
    /// Tenant code; optional when only one tenant exists (else the `demo` tenant).
    pub tenant: Option<String>,
}

impl std::fmt::Debug for LoginHttpRequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginHttpRequestBody")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponseData {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body(content(
            (LoginHttpRequestBody = "application/json"),
            (LoginHttpRequestBody = "application/x-www-form-urlencoded"),
        ),
        description = "JSON, or the same fields as an OAuth2 password form"),
    responses(
        (status = 200, description = "token issued", body = inline(crate::openapi::EnvelopeOf<LoginResponseData>)),
        (status = 400, description = "malformed body (10400)", body = crate::openapi::ErrorEnvelope),
        (status = 401, description = "wrong username or password, or disabled (10401)", body = crate::openapi::ErrorEnvelope),
        (status = 413, description = "body over 256 KiB (10413)", body = crate::openapi::ErrorEnvelope),
        (status = 422, description = "missing field (10422)", body = crate::openapi::ErrorEnvelope),
        (status = 429, description = "too many failed attempts (10429, Retry-After)", body = crate::openapi::ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn login(
    req: HttpRequest,
    accounts: web::Data<AccountService>,
    proxies: web::Data<TrustedProxies>,
    body: JsonOrForm<LoginHttpRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = ValidationErrors::new();
    let username = body.username.filter(|u| !u.trim().is_empty());
    if username.is_none() {
        errors.push(FieldError::required("username"));
    }
    if body.password.is_none() {
        errors.push(FieldError::required("password"));
    }
    let (Some(username), Some(password)) = (username, body.password) else {
        return Err(errors.into());
    };
    let client_ip = proxies
        .client_ip(&req)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let attempt = accounts
        .login(
            body.tenant.as_deref(),
            username.trim(),
            password,
            &client_ip,
        )
        .await;
    req.extensions_mut().insert(AuditActor {
        user_id: attempt.result.as_ref().ok().map(|l| l.user_id),
        tenant_id: attempt.tenant_id,
    });
    let login = attempt.result?;
    Ok(ok(
        "登录成功",
        LoginResponseData {
            access_token: login.access_token,
            token_type: "bearer",
            expires_in: login.expires_in,
        },
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeUser {
    pub id: i64,
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeTenant {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponseData {
    pub user: MeUser,
    pub tenant: MeTenant,
    pub roles: Vec<String>,
    /// Permission strings; `*` segments match anything (`*:*:*` is everything).
    pub permissions: Vec<String>,
}

#[utoipa::path(
    get, path = "/api/v1/auth/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the caller", body = inline(crate::openapi::EnvelopeOf<MeResponseData>)),
        (status = 401, description = "not logged in (10401)", body = crate::openapi::ErrorEnvelope),
        (status = 500, description = "unexpected (10500)", body = crate::openapi::ErrorEnvelope),
    )
)]
pub async fn me(caller: Caller) -> HttpResponse {
    ok(
        "查询成功",
        MeResponseData {
            user: MeUser {
                id: caller.user_id,
                username: caller.username,
            },
            tenant: MeTenant {
                id: caller.tenant_id,
                code: caller.tenant_code,
                name: caller.tenant_name,
            },
            roles: caller.roles,
            permissions: caller.permissions,
        },
    )
}
