//! Roles and their permission strings (`module:resource:action`, `*` matches anything).

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _};

use super::entity::role;
use super::{PlatformError, SeaOrmPlatformStore, string_list};
use crate::order::mapping::stored_time;

/// A role every tenant has (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinRole {
    pub code: &'static str,
    pub name: &'static str,
    pub permissions: &'static [&'static str],
}

/// `admin` (everything), `operator` (query, detail, apply, refresh, cancel, export),
/// `viewer` (query, detail).
pub const BUILTIN_ROLES: [BuiltinRole; 3] = [
    BuiltinRole {
        code: "admin",
        name: "管理员",
        permissions: &["*:*:*"],
    },
    BuiltinRole {
        code: "operator",
        name: "操作员",
        permissions: &[
            "module_payment:facetoface:query",
            "module_payment:facetoface:detail",
            "module_payment:facetoface:apply",
            "module_payment:facetoface:refresh",
            "module_payment:facetoface:cancel",
            "module_payment:facetoface:export",
        ],
    },
    BuiltinRole {
        code: "viewer",
        name: "查看者",
        permissions: &[
            "module_payment:facetoface:query",
            "module_payment:facetoface:detail",
        ],
    },
];

impl SeaOrmPlatformStore {
    /// Writes the built-in roles (shared by every tenant); existing rows are left as they are,
    /// so an operator's edit of a built-in role survives restarts.
    ///
    /// # Errors
    /// The database failed.
    pub async fn ensure_builtin_roles(&self) -> Result<(), PlatformError> {
        let now = stored_time(Utc::now());
        for builtin in BUILTIN_ROLES {
            let exists = role::Entity::find()
                .filter(role::Column::TenantId.is_null())
                .filter(role::Column::Code.eq(builtin.code))
                .one(&self.db)
                .await?
                .is_some();
            if exists {
                continue;
            }
            let permissions = serde_json::to_string(builtin.permissions)
                .map_err(|e| PlatformError::Unexpected(e.into()))?;
            let row = role::ActiveModel {
                id: NotSet,
                tenant_id: Set(None),
                code: Set(builtin.code.to_owned()),
                name: Set(builtin.name.to_owned()),
                permissions: Set(permissions),
                created_time: Set(now),
                updated_time: Set(now),
            };
            // NULL tenants never collide in a unique index, so the check above decides; a
            // concurrent start may still insert twice, which only duplicates a read-only row.
            role::Entity::insert(row)
                .on_conflict(OnConflict::new().do_nothing().to_owned())
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Whether a role with this code exists for the tenant (built-in or its own).
    ///
    /// # Errors
    /// The database failed.
    pub async fn role_exists(&self, tenant_id: i64, code: &str) -> Result<bool, PlatformError> {
        Ok(role::Entity::find()
            .filter(role::Column::Code.eq(code))
            .filter(Self::visible_to(tenant_id))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// The union of the permissions of `roles` as the tenant sees them, sorted.
    ///
    /// # Errors
    /// The database failed or a permissions column is not a JSON list.
    pub async fn permissions(
        &self,
        tenant_id: i64,
        roles: &[String],
    ) -> Result<Vec<String>, PlatformError> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let rows = role::Entity::find()
            .filter(role::Column::Code.is_in(roles.iter().map(String::as_str)))
            .filter(Self::visible_to(tenant_id))
            .all(&self.db)
            .await?;
        let mut permissions = BTreeSet::new();
        for row in rows {
            permissions.extend(string_list(&row.permissions)?);
        }
        Ok(permissions.into_iter().collect())
    }

    fn visible_to(tenant_id: i64) -> Condition {
        Condition::any()
            .add(role::Column::TenantId.is_null())
            .add(role::Column::TenantId.eq(tenant_id))
    }
}
