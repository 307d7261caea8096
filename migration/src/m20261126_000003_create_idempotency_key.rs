//! `sys_idempotency_key`: apply / re-apply `Idempotency-Key`s, unique per tenant + user.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SysIdempotencyKey {
    Table,
    Id,
    TenantId,
    UserId,
    IdemKey,
    Fingerprint,
    OrderId,
    CreatedTime,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SysIdempotencyKey as K;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(big_pk_auto(K::Id))
                    .col(big_integer(K::TenantId))
                    .col(big_integer(K::UserId))
                    .col(string_len(K::IdemKey, 128))
                    .col(string_len(K::Fingerprint, 128))
                    .col(big_integer_null(K::OrderId))
                    .col(timestamp_with_time_zone(K::CreatedTime))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sys_idempotency_key_scope")
                    .table(K::Table)
                    .col(K::TenantId)
                    .col(K::UserId)
                    .col(K::IdemKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sys_idempotency_key_created")
                    .table(K::Table)
                    .col(K::CreatedTime)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SysIdempotencyKey::Table).to_owned())
            .await
    }
}
