//! Accounts: login, bearer-token authentication, roles → permissions, and the permission
//! guard routes wear.
//!
//! Design:
//! - [`AccountService`] owns the rules; handlers and the guard call it.
//! - The tenant of a request comes from the token only, never from the request.
//! - Permission strings are `module:resource:action`; a `*` segment grants anything in that
//!   position (`admin` holds `*:*:*`).

mod client_ip;
mod guard;
pub mod password;
mod throttle;
mod token;

use std::time::Instant;

use chrono::Utc;
use secrecy::SecretString;
use xjz_domain::validation::{FieldError, FieldErrorCode, ValidationErrors};
use xjz_persistence::platform::{SeaOrmPlatformStore, Tenant, User};

use crate::http::error::ApiError;

pub use client_ip::TrustedProxies;
pub use guard::{Caller, Require, require};
pub use throttle::{Limit, LoginThrottle, ThrottleLimits};
pub use token::{Claims, TokenKeys, token_version};

/// The code of the tenant a login without `tenant` falls back to when several exist.
pub const DEMO_TENANT: &str = "demo";

/// What a successful login gives.
#[derive(Debug)]
pub struct Login {
    pub access_token: String,
    pub expires_in: i64,
    pub user_id: i64,
    pub tenant_id: i64,
}

/// The outcome of a login and the tenant it was aimed at (known even when it failed, so the
/// tenant's operation log shows failed attempts).
#[derive(Debug)]
pub struct LoginAttempt {
    pub tenant_id: Option<i64>,
    pub result: Result<Login, ApiError>,
}

/// Login, authentication and permissions.
#[derive(Debug)]
pub struct AccountService {
    store: SeaOrmPlatformStore,
    keys: TokenKeys,
    throttle: LoginThrottle,
}

impl AccountService {
    pub fn new(store: SeaOrmPlatformStore, keys: TokenKeys, limits: ThrottleLimits) -> Self {
        Self {
            store,
            keys,
            throttle: LoginThrottle::new(limits),
        }
    }

    pub fn store(&self) -> &SeaOrmPlatformStore {
        &self.store
    }

    /// Checks the password and issues a token. `tenant` is a tenant code; without one, the
    /// only tenant, else the demo tenant.
    ///
    /// Errors (in [`LoginAttempt::result`]):
    /// 10429 over the throttle, 10401 for any wrong credential (one message: no user
    /// enumeration), 10422 when the tenant cannot be chosen, 10500 on storage failure.
    pub async fn login(
        &self,
        tenant: Option<&str>,
        username: &str,
        password: SecretString,
        client_ip: &str,
    ) -> LoginAttempt {
        let tenant = match self.login_tenant(tenant).await {
            Ok(tenant) => tenant,
            Err(error) => {
                return LoginAttempt {
                    tenant_id: None,
                    result: Err(error),
                };
            }
        };
        LoginAttempt {
            tenant_id: tenant.as_ref().map(|t| t.id),
            result: self.login_to(tenant, username, password, client_ip).await,
        }
    }

    #[tracing::instrument(skip_all, fields(client_ip = %client_ip))]
    async fn login_to(
        &self,
        tenant: Option<Tenant>,
        username: &str,
        password: SecretString,
        client_ip: &str,
    ) -> Result<Login, ApiError> {
        let username_key = format!("user:{}:{username}", tenant.as_ref().map_or(0, |t| t.id));
        let ip_key = format!("ip:{client_ip}");
        self.throttle
            .check(&username_key, &ip_key, Instant::now())
            .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
        let user = match &tenant {
            Some(t) => self.store.user_by_username(t.id, username).await?,
            None => None,
        };
        let matches =
            password::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
        let (Some(user), Some(tenant), true) = (user, tenant, matches) else {
            self.throttle.failed(&username_key, &ip_key, Instant::now());
            return Err(ApiError::Unauthorized("invalid username or password"));
        };
        if user.disabled || tenant.disabled {
            self.throttle.failed(&username_key, &ip_key, Instant::now());
            return Err(ApiError::Unauthorized("account disabled"));
        }
        self.throttle.succeeded(&username_key);
        let now = Utc::now();
        self.store.touch_last_login(user.id, now).await?;
        let access_token = self.keys.issue(
            user.id,
            tenant.id,
            token_version(&user.password_hash),
            now.timestamp(),
        )?;
        tracing::info!(user_id = user.id, tenant_id = tenant.id, "login");
        Ok(Login {
            access_token,
            expires_in: self.keys.ttl_secs(),
            user_id: user.id,
            tenant_id: tenant.id,
        })
    }

    async fn login_tenant(&self, code: Option<&str>) -> Result<Option<Tenant>, ApiError> {
        if let Some(code) = code.filter(|c| !c.is_empty()) {
            return Ok(self.store.tenant_by_code(code).await?);
        }
        let tenants = self.store.tenants().await?;
        if let [only] = tenants.as_slice() {
            return Ok(Some(only.clone()));
        }
        match tenants.into_iter().find(|t| t.code == DEMO_TENANT) {
            Some(demo) => Ok(Some(demo)),
            None => Err(ValidationErrors::from(FieldError::new(
                "tenant",
                FieldErrorCode::Required,
                "is required: several tenants exist",
            ))
            .into()),
        }
    }

    /// The caller behind a bearer token: valid signature and expiry, the user still exists,
    /// is enabled, has the same password, and its tenant is enabled.
    ///
    /// # Errors
    /// 10401 for any defect, 10500 on storage failure.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, ApiError> {
        let claims = self.keys.verify(token).map_err(|e| {
            tracing::debug!(error = %e, "token refused");
            ApiError::Unauthorized("token invalid or expired")
        })?;
        let user_id: i64 = claims
            .sub
            .parse()
            .map_err(|_| ApiError::Unauthorized("token invalid or expired"))?;
        let user = self
            .store
            .user(user_id)
            .await?
            .filter(|u| u.tenant_id == claims.tid && token_version(&u.password_hash) == claims.ver)
            .ok_or(ApiError::Unauthorized("token invalid or expired"))?;
        if user.disabled {
            return Err(ApiError::Unauthorized("account disabled"));
        }
        let tenant = self
            .store
            .tenant(user.tenant_id)
            .await?
            .filter(|t| !t.disabled)
            .ok_or(ApiError::Unauthorized("account disabled"))?;
        self.caller(user, tenant).await
    }

    async fn caller(&self, user: User, tenant: Tenant) -> Result<Caller, ApiError> {
        let permissions = self.store.permissions(tenant.id, &user.roles).await?;
        Ok(Caller {
            user_id: user.id,
            username: user.username,
            tenant_id: tenant.id,
            tenant_code: tenant.code,
            tenant_name: tenant.name,
            roles: user.roles,
            permissions,
        })
    }
}

/// Whether `granted` (possibly with `*` segments) covers `required`.
pub fn grants(granted: &str, required: &str) -> bool {
    let mut g = granted.split(':');
    let mut r = required.split(':');
    loop {
        match (g.next(), r.next()) {
            (None, None) => return true,
            (Some(gs), Some(rs)) if gs == "*" || gs == rs => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::grants;

    #[test]
    fn wildcards_grant_per_segment() {
        assert!(grants("*:*:*", "module_payment:facetoface:query"));
        assert!(grants(
            "module_payment:*:*",
            "module_payment:facetoface:apply"
        ));
        assert!(grants(
            "module_payment:facetoface:query",
            "module_payment:facetoface:query"
        ));
        assert!(!grants(
            "module_payment:facetoface:query",
            "module_payment:facetoface:apply"
        ));
        assert!(!grants("system:*:*", "module_payment:facetoface:query"));
        assert!(!grants("*:*", "module_payment:facetoface:query"));
    }
}
