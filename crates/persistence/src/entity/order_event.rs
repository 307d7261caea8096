//! `pay_facetoface_order_event`: the timeline.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pay_facetoface_order_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub tenant_id: i64,
    pub time: DateTimeUtc,
    pub actor_type: String,
    pub actor_id: Option<i64>,
    pub kind: String,
    /// `EventKind` as JSON (serde-tagged by `kind`).
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub alipay_code: Option<String>,
    pub alipay_sub_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
