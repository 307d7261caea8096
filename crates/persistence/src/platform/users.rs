//! Users: unique username per tenant, argon2 PHC hash (computed by the caller), role codes.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use super::entity::user;
use super::{PlatformError, SeaOrmPlatformStore, User, is_unique_violation, string_list};
use crate::order::mapping::stored_time;

impl TryFrom<user::Model> for User {
    type Error = PlatformError;

    fn try_from(row: user::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            roles: string_list(&row.roles)?,
            id: row.id,
            uuid: row.uuid,
            tenant_id: row.tenant_id,
            username: row.username,
            password_hash: row.password_hash,
            disabled: row.disabled,
            created_time: row.created_time,
            last_login_time: row.last_login_time,
        })
    }
}

impl SeaOrmPlatformStore {
    /// Adds a user to a tenant.
    ///
    /// # Errors
    /// [`PlatformError::Duplicate`] when the username is taken in that tenant.
    pub async fn add_user(
        &self,
        tenant_id: i64,
        username: &str,
        password_hash: &str,
        roles: &[String],
    ) -> Result<User, PlatformError> {
        let now = stored_time(Utc::now());
        let roles =
            serde_json::to_string(roles).map_err(|e| PlatformError::Unexpected(e.into()))?;
        let row = user::ActiveModel {
            id: NotSet,
            uuid: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant_id),
            username: Set(username.to_owned()),
            password_hash: Set(password_hash.to_owned()),
            disabled: Set(false),
            roles: Set(roles),
            created_time: Set(now),
            updated_time: Set(now),
            last_login_time: Set(None),
        };
        match row.insert(&self.db).await {
            Ok(row) => User::try_from(row),
            Err(e) if is_unique_violation(&e) => Err(PlatformError::Duplicate("username")),
            Err(e) => Err(e.into()),
        }
    }

    /// The user of a tenant with this username.
    ///
    /// # Errors
    /// The database failed.
    pub async fn user_by_username(
        &self,
        tenant_id: i64,
        username: &str,
    ) -> Result<Option<User>, PlatformError> {
        user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant_id))
            .filter(user::Column::Username.eq(username))
            .one(&self.db)
            .await?
            .map(User::try_from)
            .transpose()
    }

    /// The user with this id.
    ///
    /// # Errors
    /// The database failed.
    pub async fn user(&self, id: i64) -> Result<Option<User>, PlatformError> {
        user::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(User::try_from)
            .transpose()
    }

    /// How many users exist (all tenants): zero means a first start.
    ///
    /// # Errors
    /// The database failed.
    pub async fn user_count(&self) -> Result<u64, PlatformError> {
        use sea_orm::PaginatorTrait as _;
        Ok(user::Entity::find().count(&self.db).await?)
    }

    /// Replaces a user's password hash.
    ///
    /// # Errors
    /// [`PlatformError::NotFound`] when no such user.
    pub async fn set_password_hash(
        &self,
        tenant_id: i64,
        username: &str,
        password_hash: &str,
    ) -> Result<(), PlatformError> {
        self.update_user(
            tenant_id,
            username,
            user::Column::PasswordHash,
            Expr::value(password_hash),
        )
        .await
    }

    /// Disables (or re-enables) a user; a disabled user cannot log in and its tokens stop
    /// working at the next request.
    ///
    /// # Errors
    /// [`PlatformError::NotFound`] when no such user.
    pub async fn set_disabled(
        &self,
        tenant_id: i64,
        username: &str,
        disabled: bool,
    ) -> Result<(), PlatformError> {
        self.update_user(
            tenant_id,
            username,
            user::Column::Disabled,
            Expr::value(disabled),
        )
        .await
    }

    /// Records a successful login.
    ///
    /// # Errors
    /// The database failed.
    pub async fn touch_last_login(&self, id: i64, at: DateTime<Utc>) -> Result<(), PlatformError> {
        user::Entity::update_many()
            .col_expr(user::Column::LastLoginTime, Expr::value(stored_time(at)))
            .filter(user::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn update_user(
        &self,
        tenant_id: i64,
        username: &str,
        column: user::Column,
        value: sea_orm::sea_query::SimpleExpr,
    ) -> Result<(), PlatformError> {
        let result = user::Entity::update_many()
            .col_expr(column, value)
            .col_expr(
                user::Column::UpdatedTime,
                Expr::value(stored_time(Utc::now())),
            )
            .filter(user::Column::TenantId.eq(tenant_id))
            .filter(user::Column::Username.eq(username))
            .exec(&self.db)
            .await?;
        if result.rows_affected == 0 {
            return Err(PlatformError::NotFound("user"));
        }
        Ok(())
    }
}
