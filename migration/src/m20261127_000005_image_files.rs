//! `pay_facetoface_order_image.file`: the name of the file holding an image's bytes.
//!
//! From this migration on, image bytes are written as files in the image directory
//! (`XJZ__DATABASE__IMAGE_DIR`) and the row keeps the file's name, the kind, format and
//! size; `bytes` stays (NOT NULL, empty for such rows) so that rows stored before the
//! change, whose `file` is NULL, are still read from it.
//!
//! `down` drops the column, and refuses while any row names a file: those images' bytes
//! are not in the database, and the older schema could not find them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PayFacetofaceOrderImage {
    Table,
    File,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PayFacetofaceOrderImage as I;
        manager
            .alter_table(
                Table::alter()
                    .table(I::Table)
                    .add_column(string_len_null(I::File, 80))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PayFacetofaceOrderImage as I;
        let db = manager.get_connection();
        let in_files = db
            .query_one_raw(sea_orm_migration::sea_orm::Statement::from_string(
                manager.get_database_backend(),
                "SELECT COUNT(*) AS n FROM pay_facetoface_order_image WHERE file IS NOT NULL",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if in_files > 0 {
            return Err(DbErr::Migration(format!(
                "{in_files} stored images are files in the image directory; the schema before \
                 this migration keeps image bytes in the database and could not read them"
            )));
        }
        manager
            .alter_table(
                Table::alter()
                    .table(I::Table)
                    .drop_column(I::File)
                    .to_owned(),
            )
            .await
    }
}
