//! Re-encrypting stored secrets with the current data key (the last step of a rotation).
//!
//! Saving an order already re-encrypts its token with the current key, but finished orders
//! are never saved again; this pass rewrites every value whose key id is not the current
//! one. Each row is a compare-and-swap (`WHERE id = ? AND app_auth_token = <old value>`),
//! so a concurrent save of the same order wins and is never overwritten; the version is
//! not bumped because the order did not change.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};

use crate::crypto::{DataKeys, SecretCipher};
use crate::entity::order;

/// Rows read per round.
const BATCH: u64 = 500;

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RekeyReport {
    /// Values now under the current key.
    pub reencrypted: u64,
    /// Values changed concurrently (already re-saved by the application).
    pub skipped: u64,
}

/// Re-encrypts every `app_auth_token` not under `keys.current`.
///
/// # Errors
/// A database error, or a value no key in `keys` opens (nothing is changed for that row
/// or later ones; fix the keys and run again).
pub async fn reencrypt_secrets(
    db: &DatabaseConnection,
    keys: &DataKeys,
) -> anyhow::Result<RekeyReport> {
    let cipher = SecretCipher::new(keys)?;
    let current_prefix = format!("v1:{}:", cipher.current_key_id());
    let mut report = RekeyReport::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, Option<String>)> = order::Entity::find()
            .select_only()
            .column(order::Column::Id)
            .column(order::Column::AppAuthToken)
            .filter(order::Column::Id.gt(after))
            .filter(order::Column::AppAuthToken.is_not_null())
            .order_by_asc(order::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _)) = rows.last() else {
            return Ok(report);
        };
        after = *last;
        for (id, stored) in rows {
            let Some(stored) = stored.filter(|s| !s.starts_with(&current_prefix)) else {
                continue;
            };
            let plain = cipher
                .decrypt(&stored)
                .map_err(|e| anyhow::anyhow!("pay_facetoface_order {id}: {e}"))?;
            let fresh = cipher.encrypt(&plain)?;
            let result = order::Entity::update_many()
                .col_expr(order::Column::AppAuthToken, Expr::value(fresh))
                .filter(order::Column::Id.eq(id))
                .filter(order::Column::AppAuthToken.eq(stored))
                .exec(db)
                .await?;
            if result.rows_affected == 1 {
                report.reencrypted += 1;
            } else {
                report.skipped += 1;
            }
        }
    }
}
