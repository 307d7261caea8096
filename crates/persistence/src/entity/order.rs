//! `pay_facetoface_order`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pay_facetoface_order")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub uuid: Uuid,
    pub tenant_id: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub created_time: DateTimeUtc,
    pub updated_time: DateTimeUtc,
    pub created_id: Option<i64>,
    pub updated_id: Option<i64>,
    pub is_deleted: bool,
    pub deleted_time: Option<DateTimeUtc>,
    pub version: i32,
    pub order_status: String,
    pub close_reason: Option<String>,
    pub account: String,
    pub contact_name: String,
    pub contact_mobile: String,
    pub contact_email: Option<String>,
    pub merchant_name: Option<String>,
    pub mcc_code: String,
    pub rate: Option<String>,
    pub sign_and_auth: bool,
    pub business_license_no: Option<String>,
    pub business_license_mobile: Option<String>,
    pub long_term: Option<bool>,
    pub date_limitation: Option<String>,
    pub shop_name: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub shop_address: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub remark: Option<String>,
    pub batch_no: Option<String>,
    pub order_no: Option<String>,
    pub alipay_order_status: Option<String>,
    pub needs_correction: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub confirm_url: Option<String>,
    pub merchant_pid: Option<String>,
    /// Encrypted (see `crypto`).
    #[sea_orm(column_type = "Text", nullable)]
    pub app_auth_token: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reject_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub restrict_infos: String,
    pub product_status: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub product_reject_reason: Option<String>,
    pub submit_step: String,
    pub batch_created_time: Option<DateTimeUtc>,
    pub confirmed_time: Option<DateTimeUtc>,
    pub merchant_confirm_time: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub last_query_time: Option<DateTimeUtc>,
    pub next_query_time: Option<DateTimeUtc>,
    pub query_count: i32,
    pub polling_stopped_time: Option<DateTimeUtc>,
    pub polling_stopped_reason: Option<String>,
    pub superseded_by: Option<i64>,
    pub reapplied_from: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The polling schedule, while the order is polled.
    #[sea_orm(has_one = "super::order_poll::Entity")]
    Poll,
}

impl Related<super::order_poll::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Poll.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
