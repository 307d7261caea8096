//! Tenants.

use chrono::Utc;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use super::entity::tenant;
use super::{PlatformError, SeaOrmPlatformStore, Tenant, is_unique_violation};
use crate::order::mapping::stored_time;

impl From<tenant::Model> for Tenant {
    fn from(row: tenant::Model) -> Self {
        Self {
            id: row.id,
            code: row.code,
            name: row.name,
            disabled: row.disabled,
            created_time: row.created_time,
        }
    }
}

impl SeaOrmPlatformStore {
    /// Adds a tenant.
    ///
    /// # Errors
    /// [`PlatformError::Duplicate`] when the code is taken.
    pub async fn add_tenant(&self, code: &str, name: &str) -> Result<Tenant, PlatformError> {
        let now = stored_time(Utc::now());
        let row = tenant::ActiveModel {
            id: NotSet,
            code: Set(code.to_owned()),
            name: Set(name.to_owned()),
            disabled: Set(false),
            created_time: Set(now),
            updated_time: Set(now),
        };
        match row.insert(&self.db).await {
            Ok(row) => Ok(row.into()),
            Err(e) if is_unique_violation(&e) => Err(PlatformError::Duplicate("tenant code")),
            Err(e) => Err(e.into()),
        }
    }

    /// The tenant with this code.
    ///
    /// # Errors
    /// The database failed.
    pub async fn tenant_by_code(&self, code: &str) -> Result<Option<Tenant>, PlatformError> {
        Ok(tenant::Entity::find()
            .filter(tenant::Column::Code.eq(code))
            .one(&self.db)
            .await?
            .map(Tenant::from))
    }

    /// The tenant with this id.
    ///
    /// # Errors
    /// The database failed.
    pub async fn tenant(&self, id: i64) -> Result<Option<Tenant>, PlatformError> {
        Ok(tenant::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(Tenant::from))
    }

    /// Every tenant, oldest first.
    ///
    /// # Errors
    /// The database failed.
    pub async fn tenants(&self) -> Result<Vec<Tenant>, PlatformError> {
        Ok(tenant::Entity::find()
            .order_by_asc(tenant::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(Tenant::from)
            .collect())
    }
}
