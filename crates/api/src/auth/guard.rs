//! The caller of a request and the permission guard.
//!
//! A route reads like DESIGN §4's table:
//! ```ignore
//! web::resource("/operation-logs")
//!     .wrap(require("system:operation_log:query"))
//!     .route(web::get().to(list))
//! ```
//! and its handler takes a [`Caller`] (the guard already authenticated it; routes open to
//! any logged-in user just take the extractor).

use std::future::{Ready, ready};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, ResponseError as _, web};

use super::{AccountService, grants};
use crate::http::error::ApiError;

/// The authenticated user of a request, with its tenant and permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub tenant_id: i64,
    pub tenant_code: String,
    pub tenant_name: String,
    pub roles: Vec<String>,
    /// Sorted permission strings (may hold `*` segments).
    pub permissions: Vec<String>,
}

impl Caller {
    /// Whether one of the caller's permissions covers `permission`.
    pub fn can(&self, permission: &str) -> bool {
        self.permissions.iter().any(|g| grants(g, permission))
    }

    /// The domain's tenant id (for service calls: the tenant comes from the token only).
    pub fn tenant(&self) -> xjz_domain::TenantId {
        xjz_domain::TenantId(self.tenant_id)
    }

    /// The domain's actor.
    pub fn actor(&self) -> xjz_domain::Actor {
        xjz_domain::Actor::User(xjz_domain::UserId(self.user_id))
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Authenticates `req` once; later calls reuse the [`Caller`] kept in its extensions.
async fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    if let Some(caller) = req.extensions().get::<Caller>() {
        return Ok(caller.clone());
    }
    let token = bearer(req).ok_or(ApiError::Unauthorized("not logged in"))?;
    let accounts = req
        .app_data::<web::Data<AccountService>>()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("AccountService is not registered")))?
        .clone();
    let caller = accounts.authenticate(&token).await?;
    req.extensions_mut().insert(caller.clone());
    Ok(caller)
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await })
    }
}

/// The guard: 10401 without a valid token, 10403 without `permission`.
pub fn require(permission: &'static str) -> Require {
    Require { permission }
}

/// See [`require`].
#[derive(Debug, Clone, Copy)]
pub struct Require {
    permission: &'static str,
}

impl Require {
    /// The permission this guard demands (for route-table tests and OpenAPI).
    pub fn permission(&self) -> &'static str {
        self.permission
    }
}

impl<S, B> Transform<S, ServiceRequest> for Require
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Transform = RequireMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireMiddleware {
            service: Rc::new(service),
            permission: self.permission,
        }))
    }
}

#[derive(Debug)]
pub struct RequireMiddleware<S> {
    service: Rc<S>,
    permission: &'static str,
}

impl<S, B> Service<ServiceRequest> for RequireMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let permission = self.permission;
        Box::pin(async move {
            let refused = match authenticate(req.request()).await {
                Ok(caller) if caller.can(permission) => None,
                Ok(_) => Some(ApiError::Forbidden),
                Err(e) => Some(e),
            };
            match refused {
                None => Ok(service.call(req).await?.map_into_boxed_body()),
                Some(error) => Ok(req.into_response(error.error_response())),
            }
        })
    }
}
