//! `pay_facetoface_order` (every field of DESIGN §2), its images and its timeline.
//!
//! Indexes serve the list filters (tenant + is_deleted + created_time, the same with the
//! status, batch_no, order_no), the due-order claim (next_query_time + order_status) and, on
//! PostgreSQL, the contains-search on merchant and shop names (pg_trgm GIN, when the
//! extension can be created; otherwise the search scans the tenant's rows).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use crate::mixin::{self, Mixin};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PayFacetofaceOrder {
    Table,
    Version,
    OrderStatus,
    CloseReason,
    // merchant and application
    Account,
    ContactName,
    ContactMobile,
    ContactEmail,
    MerchantName,
    MccCode,
    Rate,
    SignAndAuth,
    BusinessLicenseNo,
    BusinessLicenseMobile,
    LongTerm,
    DateLimitation,
    ShopName,
    ShopAddress,
    Remark,
    // Alipay side
    BatchNo,
    OrderNo,
    AlipayOrderStatus,
    NeedsCorrection,
    ConfirmUrl,
    MerchantPid,
    AppAuthToken,
    RejectReason,
    RestrictInfos,
    ProductStatus,
    ProductRejectReason,
    // progress
    SubmitStep,
    BatchCreatedTime,
    ConfirmedTime,
    MerchantConfirmTime,
    LastError,
    LastQueryTime,
    NextQueryTime,
    QueryCount,
    PollingStoppedTime,
    PollingStoppedReason,
    SupersededBy,
    ReappliedFrom,
}

#[derive(DeriveIden)]
enum PayFacetofaceOrderImage {
    Table,
    Id,
    OrderId,
    Kind,
    Format,
    Bytes,
    Size,
    CreatedTime,
}

#[derive(DeriveIden)]
enum PayFacetofaceOrderEvent {
    Table,
    Id,
    OrderId,
    TenantId,
    Time,
    ActorType,
    ActorId,
    Kind,
    Payload,
    AlipayCode,
    AlipaySubCode,
}

const IDX_TENANT_CREATED: &str = "idx_pay_facetoface_order_tenant_created";
const IDX_TENANT_STATUS: &str = "idx_pay_facetoface_order_tenant_status";
const IDX_ORDER_NO: &str = "idx_pay_facetoface_order_order_no";
const IDX_DUE: &str = "idx_pay_facetoface_order_due";
const IDX_MERCHANT_TRGM: &str = "idx_pay_facetoface_order_merchant_name_trgm";
const IDX_SHOP_TRGM: &str = "idx_pay_facetoface_order_shop_name_trgm";
const IDX_IMAGE_KIND: &str = "idx_pay_facetoface_order_image_order_kind";
const IDX_EVENT_ORDER: &str = "idx_pay_facetoface_order_event_order";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_order_table(manager).await?;
        create_image_table(manager).await?;
        create_event_table(manager).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            create_trigram_indexes(manager).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            // pg_trgm itself stays: other schemas may use it, and dropping needs ownership.
            for index in [IDX_MERCHANT_TRGM, IDX_SHOP_TRGM] {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("DROP INDEX IF EXISTS {index}"))
                    .await?;
            }
        }
        for table in [
            PayFacetofaceOrderEvent::Table.into_iden(),
            PayFacetofaceOrderImage::Table.into_iden(),
            PayFacetofaceOrder::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn create_order_table(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use PayFacetofaceOrder as O;
    let mut table = Table::create();
    table.table(O::Table);
    mixin::columns(&mut table)
        .col(integer(O::Version).default(1))
        .col(string_len(O::OrderStatus, 32))
        .col(string_len_null(O::CloseReason, 32))
        .col(string_len(O::Account, 128))
        .col(string_len(O::ContactName, 64))
        .col(string_len(O::ContactMobile, 32))
        .col(string_len_null(O::ContactEmail, 128))
        .col(string_len_null(O::MerchantName, 128))
        .col(string_len(O::MccCode, 32))
        .col(string_len_null(O::Rate, 16))
        .col(boolean(O::SignAndAuth))
        .col(string_len_null(O::BusinessLicenseNo, 64))
        .col(string_len_null(O::BusinessLicenseMobile, 32))
        .col(boolean_null(O::LongTerm))
        .col(string_len_null(O::DateLimitation, 16))
        .col(string_len_null(O::ShopName, 128))
        .col(text_null(O::ShopAddress))
        .col(text_null(O::Remark))
        .col(string_len_null(O::BatchNo, 64).unique_key())
        .col(string_len_null(O::OrderNo, 64))
        .col(string_len_null(O::AlipayOrderStatus, 64))
        .col(boolean(O::NeedsCorrection).default(false))
        .col(text_null(O::ConfirmUrl))
        .col(string_len_null(O::MerchantPid, 32))
        .col(text_null(O::AppAuthToken))
        .col(text_null(O::RejectReason))
        .col(text(O::RestrictInfos).default("[]"))
        .col(string_len_null(O::ProductStatus, 32))
        .col(text_null(O::ProductRejectReason))
        .col(string_len(O::SubmitStep, 32))
        .col(timestamp_with_time_zone_null(O::BatchCreatedTime))
        .col(timestamp_with_time_zone_null(O::ConfirmedTime))
        .col(timestamp_with_time_zone_null(O::MerchantConfirmTime))
        .col(text_null(O::LastError))
        .col(timestamp_with_time_zone_null(O::LastQueryTime))
        .col(timestamp_with_time_zone_null(O::NextQueryTime))
        .col(integer(O::QueryCount).default(0))
        .col(timestamp_with_time_zone_null(O::PollingStoppedTime))
        .col(string_len_null(O::PollingStoppedReason, 32))
        .col(big_integer_null(O::SupersededBy))
        .col(big_integer_null(O::ReappliedFrom));
    manager.create_table(table.to_owned()).await?;

    let indexes = [
        // `is_deleted` is in both list indexes so the page's COUNT(*) is an index-only
        // scan on PostgreSQL (5x faster at 10,000 matching rows than visiting the heap).
        Index::create()
            .name(IDX_TENANT_CREATED)
            .table(O::Table)
            .col(Mixin::TenantId)
            .col(Mixin::IsDeleted)
            .col(Mixin::CreatedTime)
            .to_owned(),
        // Status filter + newest first: the list page's most common query.
        Index::create()
            .name(IDX_TENANT_STATUS)
            .table(O::Table)
            .col(Mixin::TenantId)
            .col(Mixin::IsDeleted)
            .col(O::OrderStatus)
            .col(Mixin::CreatedTime)
            .to_owned(),
        Index::create()
            .name(IDX_ORDER_NO)
            .table(O::Table)
            .col(O::OrderNo)
            .to_owned(),
        // claim_due: a range on next_query_time (NULL once polling stops), then the status.
        Index::create()
            .name(IDX_DUE)
            .table(O::Table)
            .col(O::NextQueryTime)
            .col(O::OrderStatus)
            .to_owned(),
    ];
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

async fn create_image_table(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use PayFacetofaceOrderImage as I;
    manager
        .create_table(
            Table::create()
                .table(I::Table)
                .col(big_pk_auto(I::Id))
                .col(big_integer(I::OrderId))
                .col(string_len(I::Kind, 32))
                .col(string_len(I::Format, 8))
                .col(blob(I::Bytes))
                .col(integer(I::Size))
                .col(timestamp_with_time_zone(I::CreatedTime))
                .foreign_key(
                    ForeignKey::create()
                        .from(I::Table, I::OrderId)
                        .to(PayFacetofaceOrder::Table, Mixin::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(IDX_IMAGE_KIND)
                .table(I::Table)
                .col(I::OrderId)
                .col(I::Kind)
                .unique()
                .to_owned(),
        )
        .await
}

async fn create_event_table(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    use PayFacetofaceOrderEvent as E;
    manager
        .create_table(
            Table::create()
                .table(E::Table)
                .col(big_pk_auto(E::Id))
                .col(big_integer(E::OrderId))
                .col(big_integer(E::TenantId))
                .col(timestamp_with_time_zone(E::Time))
                .col(string_len(E::ActorType, 16))
                .col(big_integer_null(E::ActorId))
                .col(string_len(E::Kind, 64))
                .col(text(E::Payload))
                .col(string_len_null(E::AlipayCode, 32))
                .col(string_len_null(E::AlipaySubCode, 128))
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::OrderId)
                        .to(PayFacetofaceOrder::Table, Mixin::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(IDX_EVENT_ORDER)
                .table(E::Table)
                .col(E::OrderId)
                .col(E::Id)
                .to_owned(),
        )
        .await
}

/// GIN trigram indexes for `LIKE '%…%'` on the names. pg_trgm is a trusted extension
/// (PostgreSQL 13+): a role with CREATE on the database may install it. When that fails,
/// a savepoint keeps the migration's transaction usable and the search stays unindexed.
async fn create_trigram_indexes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    conn.execute_unprepared("SAVEPOINT xjz_pg_trgm").await?;
    match conn
        .execute_unprepared("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await
    {
        Ok(_) => {
            conn.execute_unprepared("RELEASE SAVEPOINT xjz_pg_trgm")
                .await?;
        }
        Err(_) => {
            conn.execute_unprepared("ROLLBACK TO SAVEPOINT xjz_pg_trgm")
                .await?;
            return Ok(());
        }
    }
    for (index, column) in [
        (IDX_MERCHANT_TRGM, "merchant_name"),
        (IDX_SHOP_TRGM, "shop_name"),
    ] {
        conn.execute_unprepared(&format!(
            "CREATE INDEX {index} ON pay_facetoface_order USING gin ({column} gin_trgm_ops)"
        ))
        .await?;
    }
    Ok(())
}
