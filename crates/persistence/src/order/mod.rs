//! `SeaOrmOrderRepository`: the [`OrderRepository`] port on SeaORM (SQLite or PostgreSQL).
//!
//! Every write is one transaction inside one method: the order row, its polling schedule
//! row (`poll`), its new events and (when given) its images' rows, whose bytes are files
//! written just before the transaction ([`ImageFiles`]). Updates are versioned:
//! `UPDATE … WHERE id = ? AND tenant_id = ? AND version = ?`, and zero rows is
//! [`RepositoryError::Conflict`].

mod claim;
mod image_files;
mod list;
pub(crate) mod mapping;
pub(crate) mod poll;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait as _, ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _, TransactionTrait as _,
};
use xjz_domain::application::{ApplicationImages, Image, ImageInfo, ImageKind};
use xjz_domain::ids::{OrderId, TenantId};
use xjz_domain::order::{FacetofaceOrder, NewOrder, OrderEvent};
use xjz_domain::ports::repository::{
    DueOrder, OrderFilter, OrderRepository, Page, PageRequest, RepositoryError,
};

use crate::crypto::{CryptoError, DataKeys, SecretCipher};
use crate::entity::{order, order_event, order_image, order_poll};
use crate::unexpected;
pub use image_files::ImageFiles;
use image_files::WrittenImage;

/// Orders and timelines in the platform database, images' bytes in [`ImageFiles`].
#[derive(Debug, Clone)]
pub struct SeaOrmOrderRepository {
    db: DatabaseConnection,
    cipher: Arc<SecretCipher>,
    files: ImageFiles,
}

impl SeaOrmOrderRepository {
    /// # Errors
    /// [`CryptoError::InvalidKey`] if a data key is refused by the cipher.
    pub fn new(
        db: DatabaseConnection,
        keys: &DataKeys,
        files: ImageFiles,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            db,
            cipher: Arc::new(SecretCipher::new(keys)?),
            files,
        })
    }

    /// After the transaction that stored `written`'s rows: flushes the files when it
    /// committed, removes them when it did not.
    async fn settle<T>(
        &self,
        written: Vec<WrittenImage>,
        stored: Result<T, RepositoryError>,
    ) -> Result<T, RepositoryError> {
        if stored.is_ok() {
            self.files.sync_in_background(&written);
        } else {
            self.files
                .remove(written.into_iter().map(|w| w.name).collect())
                .await;
        }
        stored
    }

    /// The order of a row and its schedule row (whose `next_query_time` wins).
    fn decode(
        &self,
        (row, poll): (order::Model, Option<order_poll::Model>),
    ) -> Result<FacetofaceOrder, RepositoryError> {
        FacetofaceOrder::try_from(mapping::StoredOrder {
            row: poll::overlay(row, poll),
            cipher: &self.cipher,
        })
        .map_err(RepositoryError::Unexpected)
    }

    /// Inserts the new order row, its first events and its images; returns the order.
    async fn insert_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        new: NewOrder,
        images: &ApplicationImages,
        written: &[WrittenImage],
    ) -> Result<FacetofaceOrder, RepositoryError> {
        // The state does not depend on the id, so a provisional one gives the row.
        let provisional = new.clone().into_order(OrderId(0));
        let model = mapping::active_model(provisional.state(), &self.cipher, false)?;
        let inserted = model.insert(txn).await.map_err(unexpected)?;
        let mut order = new.into_order(OrderId(inserted.id));
        poll::sync(txn, order.id(), order.state()).await?;
        let events = order.take_pending_events();
        insert_events(txn, order.id(), order.tenant_id(), &events).await?;
        let now = order.state().audit.created_time;
        insert_images(txn, order.id(), images, written, now).await?;
        Ok(order)
    }

    /// The versioned update plus the pending events; does not touch `order` itself.
    async fn save_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        order: &FacetofaceOrder,
    ) -> Result<i32, RepositoryError> {
        let state = order.state();
        let new_version = state.version + 1;
        let mut model = mapping::active_model(state, &self.cipher, false)?;
        model.version = sea_orm::ActiveValue::Set(new_version);
        // uuid, tenant and creation never change; leaving them out keeps the UPDATE honest.
        model.uuid = sea_orm::ActiveValue::NotSet;
        model.tenant_id = sea_orm::ActiveValue::NotSet;
        model.created_time = sea_orm::ActiveValue::NotSet;
        model.created_id = sea_orm::ActiveValue::NotSet;
        let result = order::Entity::update_many()
            .set(model)
            .filter(order::Column::Id.eq(state.id.0))
            .filter(order::Column::TenantId.eq(state.tenant_id.0))
            .filter(order::Column::Version.eq(state.version))
            .filter(order::Column::IsDeleted.eq(false))
            .exec(txn)
            .await
            .map_err(unexpected)?;
        if result.rows_affected == 0 {
            return Err(RepositoryError::Conflict);
        }
        poll::sync(txn, state.id, state).await?;
        insert_events(txn, state.id, state.tenant_id, order.pending_events()).await?;
        Ok(new_version)
    }

    /// Removes the image files no row names that are older than `age` (files of an apply
    /// whose transaction never committed: a process killed between the two). Younger files
    /// are left alone, since an apply in flight has written its files but not yet its rows.
    /// `dry_run` only reports. Returns the names of the files removed (or to remove).
    ///
    /// # Errors
    /// The directory cannot be listed, or the database failed.
    pub async fn sweep_image_files(
        &self,
        age: std::time::Duration,
        dry_run: bool,
    ) -> Result<Vec<String>, RepositoryError> {
        let before = std::time::SystemTime::now()
            .checked_sub(age)
            .unwrap_or(std::time::UNIX_EPOCH);
        let candidates = self.files.older_than(before).await?;
        let mut unnamed = Vec::new();
        for batch in candidates.chunks(500) {
            let named: std::collections::HashSet<String> = order_image::Entity::find()
                .select_only()
                .column(order_image::Column::File)
                .filter(order_image::Column::File.is_in(batch.iter().cloned()))
                .into_tuple::<Option<String>>()
                .all(&self.db)
                .await
                .map_err(unexpected)?
                .into_iter()
                .flatten()
                .collect();
            unnamed.extend(batch.iter().filter(|name| !named.contains(*name)).cloned());
        }
        if !dry_run {
            self.files.remove(unnamed.clone()).await;
        }
        Ok(unnamed)
    }

    /// The image of a row: from its file, or from the row itself (stored before image files).
    async fn stored_image(&self, mut row: order_image::Model) -> Result<Image, RepositoryError> {
        let bytes = match &row.file {
            Some(name) => {
                let size = usize::try_from(row.size).map_err(anyhow::Error::from)?;
                self.files.read(name, size).await?
            }
            None => std::mem::take(&mut row.bytes),
        };
        Ok(mapping::stored_image(&row, bytes)?)
    }

    async fn find_owned(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Option<order::Model>, RepositoryError> {
        order::Entity::find_by_id(id.0)
            .filter(order::Column::TenantId.eq(tenant.0))
            .filter(order::Column::IsDeleted.eq(false))
            .one(&self.db)
            .await
            .map_err(unexpected)
    }
}

async fn insert_events<C: ConnectionTrait>(
    txn: &C,
    order_id: OrderId,
    tenant_id: TenantId,
    events: &[OrderEvent],
) -> Result<(), RepositoryError> {
    if events.is_empty() {
        return Ok(());
    }
    let models = events
        .iter()
        .map(|e| mapping::event_model(order_id, tenant_id, e))
        .collect::<anyhow::Result<Vec<_>>>()?;
    order_event::Entity::insert_many(models)
        .exec(txn)
        .await
        .map_err(unexpected)?;
    Ok(())
}

async fn insert_images<C: ConnectionTrait>(
    txn: &C,
    order_id: OrderId,
    images: &ApplicationImages,
    written: &[WrittenImage],
    now: DateTime<Utc>,
) -> Result<(), RepositoryError> {
    let models = images
        .iter()
        .map(|image| {
            let file = written
                .iter()
                .find(|w| w.kind == image.kind())
                .ok_or_else(|| anyhow::anyhow!("no file written for {:?}", image.kind()))?;
            mapping::image_model(order_id, image, &file.name, now)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    if models.is_empty() {
        return Ok(());
    }
    order_image::Entity::insert_many(models)
        .exec_without_returning(txn)
        .await
        .map_err(unexpected)?;
    Ok(())
}

#[async_trait]
impl OrderRepository for SeaOrmOrderRepository {
    async fn insert(
        &self,
        order: NewOrder,
        images: &ApplicationImages,
    ) -> Result<FacetofaceOrder, RepositoryError> {
        let written = self.files.write(images).await?;
        let stored = async {
            let txn = self.db.begin().await.map_err(unexpected)?;
            let order = self.insert_in(&txn, order, images, &written).await?;
            txn.commit().await.map_err(unexpected)?;
            Ok(order)
        }
        .await;
        self.settle(written, stored).await
    }

    async fn insert_superseding(
        &self,
        order: NewOrder,
        images: &ApplicationImages,
        original: &mut FacetofaceOrder,
    ) -> Result<FacetofaceOrder, RepositoryError> {
        let created = order.created;
        let written = self.files.write(images).await?;
        // Work on a copy: on any failure the caller's original is left as it was.
        let mut superseded = original.clone();
        let stored = async {
            let txn = self.db.begin().await.map_err(unexpected)?;
            let order = self.insert_in(&txn, order, images, &written).await?;
            superseded
                .supersede(created, order.id())
                .map_err(|e| RepositoryError::Unexpected(e.into()))?;
            let new_version = self.save_in(&txn, &superseded).await?;
            txn.commit().await.map_err(unexpected)?;
            Ok((order, new_version))
        }
        .await;
        let (order, new_version) = self.settle(written, stored).await?;
        superseded.take_pending_events();
        superseded.mark_saved(new_version);
        *original = superseded;
        Ok(order)
    }

    async fn get(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Option<FacetofaceOrder>, RepositoryError> {
        order::Entity::find_by_id(id.0)
            .find_also_related(order_poll::Entity)
            .filter(order::Column::TenantId.eq(tenant.0))
            .filter(order::Column::IsDeleted.eq(false))
            .one(&self.db)
            .await
            .map_err(unexpected)?
            .map(|row| self.decode(row))
            .transpose()
    }

    async fn get_by_batch_no_system_wide(
        &self,
        batch_no: &str,
    ) -> Result<Option<FacetofaceOrder>, RepositoryError> {
        order::Entity::find()
            .find_also_related(order_poll::Entity)
            .filter(order::Column::BatchNo.eq(batch_no))
            .filter(order::Column::IsDeleted.eq(false))
            .one(&self.db)
            .await
            .map_err(unexpected)?
            .map(|row| self.decode(row))
            .transpose()
    }

    async fn list(
        &self,
        tenant: TenantId,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> Result<Page<FacetofaceOrder>, RepositoryError> {
        let (total, rows) = list::page(&self.db, tenant, filter, page).await?;
        let items = rows
            .into_iter()
            .map(|row| self.decode(row))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            page_no: page.page_no,
            page_size: page.page_size,
            total,
            items,
        })
    }

    async fn update(&self, order: &mut FacetofaceOrder) -> Result<(), RepositoryError> {
        let txn = self.db.begin().await.map_err(unexpected)?;
        let new_version = self.save_in(&txn, order).await?;
        txn.commit().await.map_err(unexpected)?;
        order.take_pending_events();
        order.mark_saved(new_version);
        Ok(())
    }

    async fn update_with_images(
        &self,
        order: &mut FacetofaceOrder,
        images: &ApplicationImages,
    ) -> Result<(), RepositoryError> {
        let written = self.files.write(images).await?;
        let stored = async {
            let txn = self.db.begin().await.map_err(unexpected)?;
            let new_version = self.save_in(&txn, order).await?;
            let replaced: Vec<String> = order_image::Entity::find()
                .filter(order_image::Column::OrderId.eq(order.id().0))
                .all(&txn)
                .await
                .map_err(unexpected)?
                .into_iter()
                .filter_map(|row| row.file)
                .collect();
            order_image::Entity::delete_many()
                .filter(order_image::Column::OrderId.eq(order.id().0))
                .exec(&txn)
                .await
                .map_err(unexpected)?;
            let now = order.state().audit.updated_time;
            insert_images(&txn, order.id(), images, &written, now).await?;
            txn.commit().await.map_err(unexpected)?;
            Ok((new_version, replaced))
        }
        .await;
        let (new_version, replaced) = self.settle(written, stored).await?;
        self.files.remove(replaced).await;
        order.take_pending_events();
        order.mark_saved(new_version);
        Ok(())
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u64,
        lease: TimeDelta,
    ) -> Result<Vec<DueOrder>, RepositoryError> {
        claim::claim_due(&self.db, now, limit, lease).await
    }

    async fn events(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<OrderEvent>, RepositoryError> {
        order_event::Entity::find()
            .filter(order_event::Column::OrderId.eq(id.0))
            .filter(order_event::Column::TenantId.eq(tenant.0))
            .order_by_asc(order_event::Column::Id)
            .all(&self.db)
            .await
            .map_err(unexpected)?
            .into_iter()
            .map(|row| OrderEvent::try_from(row).map_err(RepositoryError::Unexpected))
            .collect()
    }

    async fn images(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<ApplicationImages, RepositoryError> {
        if self.find_owned(tenant, id).await?.is_none() {
            return Ok(ApplicationImages::new());
        }
        let rows = order_image::Entity::find()
            .filter(order_image::Column::OrderId.eq(id.0))
            .all(&self.db)
            .await
            .map_err(unexpected)?;
        let mut images = ApplicationImages::new();
        for row in rows {
            let image = self.stored_image(row).await?;
            images
                .insert(image)
                .map_err(|e| RepositoryError::Unexpected(anyhow::anyhow!("{e}")))?;
        }
        Ok(images)
    }

    async fn image_infos(
        &self,
        tenant: TenantId,
        id: OrderId,
    ) -> Result<Vec<ImageInfo>, RepositoryError> {
        if self.find_owned(tenant, id).await?.is_none() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String, i32)> = order_image::Entity::find()
            .select_only()
            .columns([
                order_image::Column::Kind,
                order_image::Column::Format,
                order_image::Column::Size,
            ])
            .filter(order_image::Column::OrderId.eq(id.0))
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(unexpected)?;
        let mut infos = rows
            .iter()
            .map(|(kind, format, size)| mapping::image_info(kind, format, *size))
            .collect::<anyhow::Result<Vec<_>>>()?;
        infos.sort_by_key(|info| info.kind);
        Ok(infos)
    }

    async fn image(
        &self,
        tenant: TenantId,
        id: OrderId,
        kind: ImageKind,
    ) -> Result<Option<Image>, RepositoryError> {
        if self.find_owned(tenant, id).await?.is_none() {
            return Ok(None);
        }
        let row = order_image::Entity::find()
            .filter(order_image::Column::OrderId.eq(id.0))
            .filter(order_image::Column::Kind.eq(kind.field_name()))
            .one(&self.db)
            .await
            .map_err(unexpected)?;
        match row {
            Some(row) => Ok(Some(self.stored_image(row).await?)),
            None => Ok(None),
        }
    }
}
