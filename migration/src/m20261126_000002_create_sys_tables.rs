//! Platform tables: tenants, roles (with their permissions), users, the operation log.
//!
//! Kept deliberately simple: a role holds its permission codes as a JSON array of strings
//! (e.g. `["module_payment:facetoface:query"]`), and a user holds its role codes as a JSON
//! array (`["admin"]`), so there are no join tables to keep in step. A role with a NULL
//! tenant is built in and shared by every tenant.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SysTenant {
    Table,
    Id,
    Code,
    Name,
    Disabled,
    CreatedTime,
    UpdatedTime,
}

#[derive(DeriveIden)]
enum SysRole {
    Table,
    Id,
    TenantId,
    Code,
    Name,
    Permissions,
    CreatedTime,
    UpdatedTime,
}

#[derive(DeriveIden)]
enum SysUser {
    Table,
    Id,
    Uuid,
    TenantId,
    Username,
    PasswordHash,
    Disabled,
    Roles,
    CreatedTime,
    UpdatedTime,
    LastLoginTime,
}

#[derive(DeriveIden)]
enum SysOperationLog {
    Table,
    Id,
    Time,
    UserId,
    TenantId,
    Method,
    Route,
    TargetId,
    OutcomeCode,
    DurationMs,
    ClientIp,
    RequestId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SysTenant::Table)
                    .col(big_pk_auto(SysTenant::Id))
                    .col(string_len_uniq(SysTenant::Code, 64))
                    .col(string_len(SysTenant::Name, 128))
                    .col(boolean(SysTenant::Disabled).default(false))
                    .col(timestamp_with_time_zone(SysTenant::CreatedTime))
                    .col(timestamp_with_time_zone(SysTenant::UpdatedTime))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SysRole::Table)
                    .col(big_pk_auto(SysRole::Id))
                    .col(big_integer_null(SysRole::TenantId))
                    .col(string_len(SysRole::Code, 64))
                    .col(string_len(SysRole::Name, 128))
                    .col(text(SysRole::Permissions).default("[]"))
                    .col(timestamp_with_time_zone(SysRole::CreatedTime))
                    .col(timestamp_with_time_zone(SysRole::UpdatedTime))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SysRole::Table, SysRole::TenantId)
                            .to(SysTenant::Table, SysTenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sys_role_tenant_code")
                    .table(SysRole::Table)
                    .col(SysRole::TenantId)
                    .col(SysRole::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SysUser::Table)
                    .col(big_pk_auto(SysUser::Id))
                    .col(uuid_uniq(SysUser::Uuid))
                    .col(big_integer(SysUser::TenantId))
                    .col(string_len(SysUser::Username, 64))
                    .col(string_len(SysUser::PasswordHash, 255))
                    .col(boolean(SysUser::Disabled).default(false))
                    .col(text(SysUser::Roles).default("[]"))
                    .col(timestamp_with_time_zone(SysUser::CreatedTime))
                    .col(timestamp_with_time_zone(SysUser::UpdatedTime))
                    .col(timestamp_with_time_zone_null(SysUser::LastLoginTime))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SysUser::Table, SysUser::TenantId)
                            .to(SysTenant::Table, SysTenant::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sys_user_tenant_username")
                    .table(SysUser::Table)
                    .col(SysUser::TenantId)
                    .col(SysUser::Username)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SysOperationLog::Table)
                    .col(big_pk_auto(SysOperationLog::Id))
                    .col(timestamp_with_time_zone(SysOperationLog::Time))
                    .col(big_integer_null(SysOperationLog::UserId))
                    .col(big_integer_null(SysOperationLog::TenantId))
                    .col(string_len(SysOperationLog::Method, 16))
                    .col(string_len(SysOperationLog::Route, 255))
                    .col(string_len_null(SysOperationLog::TargetId, 64))
                    .col(integer(SysOperationLog::OutcomeCode))
                    .col(big_integer(SysOperationLog::DurationMs))
                    .col(string_len_null(SysOperationLog::ClientIp, 64))
                    .col(string_len_null(SysOperationLog::RequestId, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sys_operation_log_tenant_time")
                    .table(SysOperationLog::Table)
                    .col(SysOperationLog::TenantId)
                    .col(SysOperationLog::Time)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SysOperationLog::Table.into_iden(),
            SysUser::Table.into_iden(),
            SysRole::Table.into_iden(),
            SysTenant::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
