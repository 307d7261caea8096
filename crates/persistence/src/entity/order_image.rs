//! `pay_facetoface_order_image`: one row per image kind of an order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pay_facetoface_order_image")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub kind: String,
    pub format: String,
    /// Empty when `file` names the file holding the bytes (every row since migration 000005).
    #[sea_orm(column_type = "Blob")]
    pub bytes: Vec<u8>,
    pub size: i32,
    /// The file in the image directory holding the bytes; NULL for rows stored before.
    pub file: Option<String>,
    pub created_time: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
