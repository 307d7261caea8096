//! Image bytes live in files of the image directory, rows keep their names: written before
//! the transaction, removed when it fails or when an edit replaces them, checked on read;
//! rows stored before image files are still read from the row.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use sea_orm::DatabaseConnection;
use tempfile::TempDir;
use xjz_domain::application::{ApplicationImages, Image, ImageInfo, ImageKind};
use xjz_domain::order::{FacetofaceOrder, NewOrder};
use xjz_domain::ports::repository::{OrderRepository, RepositoryError};
use xjz_persistence::{DataKeys, ImageFiles, SeaOrmOrderRepository};

use crate::helpers::{
    KEY_A, OTHER_TENANT, TENANT, application, closed, new_order, png, raw_exec, raw_string,
    stamp_at, t0,
};
use crate::on_both;

/// A repository whose image directory is a fresh one of its own.
fn repo_with_own_dir(db: &DatabaseConnection) -> (SeaOrmOrderRepository, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let files = ImageFiles::new(dir.path().join("images"));
    let repo = SeaOrmOrderRepository::new(db.clone(), &DataKeys::new(KEY_A), files).unwrap();
    (repo, dir)
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

async fn image_row(
    db: &DatabaseConnection,
    order: &FacetofaceOrder,
    kind: ImageKind,
) -> (String, String) {
    let sql = format!(
        "SELECT file, CAST(length(bytes) AS TEXT) AS stored FROM pay_facetoface_order_image \
         WHERE order_id = {} AND kind = '{}'",
        order.id().0,
        kind.field_name()
    );
    let file = raw_string(db, &sql, "file").await.unwrap();
    let stored = raw_string(db, &sql, "stored").await.unwrap();
    (file, stored)
}

async fn rows_hold_names_and_files_hold_the_bytes(db: &DatabaseConnection) {
    let (repo, dir) = repo_with_own_dir(db);
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();

    let root = dir.path().join("images");
    assert_eq!(files_under(&root).len(), images.len());
    for image in &images {
        let (file, stored) = image_row(db, &order, image.kind()).await;
        assert_eq!(stored, "0", "no bytes in the row of {:?}", image.kind());
        let path = root.join(&file);
        assert_eq!(std::fs::read(&path).unwrap(), image.bytes());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
        let parent = std::fs::metadata(path.parent().unwrap()).unwrap();
        assert_eq!(parent.permissions().mode() & 0o777, 0o700);
    }
    assert_eq!(repo.images(TENANT, order.id()).await.unwrap(), images);
}
on_both!(rows_hold_names_and_files_hold_the_bytes);

async fn one_image_or_the_metadata_alone_is_read_for_its_tenant_only(db: &DatabaseConnection) {
    let (repo, dir) = repo_with_own_dir(db);
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();

    let infos = repo.image_infos(TENANT, order.id()).await.unwrap();
    let expected: Vec<ImageInfo> = images.iter().map(ImageInfo::from).collect();
    assert_eq!(infos, expected);
    let kind = ImageKind::ShopScenePic;
    let one = repo.image(TENANT, order.id(), kind).await.unwrap();
    assert_eq!(one.as_ref(), images.get(kind));
    let absent = repo.image(TENANT, order.id(), ImageKind::SpecialLicensePic);
    assert_eq!(absent.await.unwrap(), None);
    assert!(!images.contains(ImageKind::SpecialLicensePic));

    // Another tenant sees nothing, and the metadata needs no file.
    assert!(
        repo.image_infos(OTHER_TENANT, order.id())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        repo.image(OTHER_TENANT, order.id(), kind).await.unwrap(),
        None
    );
    for file in files_under(&dir.path().join("images")) {
        std::fs::remove_file(file).unwrap();
    }
    assert_eq!(
        repo.image_infos(TENANT, order.id()).await.unwrap(),
        expected
    );
}
on_both!(one_image_or_the_metadata_alone_is_read_for_its_tenant_only);

async fn replaced_and_refused_files_are_removed(db: &DatabaseConnection) {
    let (repo, dir) = repo_with_own_dir(db);
    let root = dir.path().join("images");
    let (new, images) = new_order(TENANT);
    let mut order = repo.insert(new, &images).await.unwrap();
    let before = files_under(&root);

    // An edit: every replaced file goes, the new ones are the only ones left.
    let mut edited = ApplicationImages::new();
    edited
        .insert(Image::new(ImageKind::ShopSignBoardPic, png(9_000, 0x33)).unwrap())
        .unwrap();
    repo.update_with_images(&mut order, &edited).await.unwrap();
    let after = files_under(&root);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(before.iter().all(|old| !after.contains(old)));
    assert_eq!(repo.images(TENANT, order.id()).await.unwrap(), edited);

    // A stale edit is refused: its files are removed, the stored ones stay.
    let mut stale = order.clone();
    repo.update(&mut order).await.unwrap();
    let result = repo.update_with_images(&mut stale, &edited).await;
    assert!(
        matches!(result, Err(RepositoryError::Conflict)),
        "{result:?}"
    );
    assert_eq!(files_under(&root), after);

    // A refused re-application writes no lasting file either.
    let mut original = closed(&repo).await;
    let stale_original = original.clone();
    let (details, reapplied) = application("杭州示例商贸有限公司", "示例便利店");
    let with = |hours| {
        NewOrder::new(
            TENANT,
            details.clone(),
            stamp_at(t0() + TimeDelta::hours(hours)),
        )
    };
    repo.insert_superseding(with(1), &reapplied, &mut original)
        .await
        .unwrap();
    let settled = files_under(&root);
    let mut stale_original = stale_original;
    let refused = repo
        .insert_superseding(with(2), &reapplied, &mut stale_original)
        .await;
    assert!(
        matches!(refused, Err(RepositoryError::Conflict)),
        "{refused:?}"
    );
    assert_eq!(files_under(&root), settled);
}
on_both!(replaced_and_refused_files_are_removed);

async fn rows_from_before_image_files_are_read_from_the_row(db: &DatabaseConnection) {
    let (repo, _dir) = repo_with_own_dir(db);
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    // The row as migration 000001 stored it: the bytes inline, no file.
    let legacy = png(6_000, 0x51);
    let hex: String = legacy.iter().map(|b| format!("{b:02x}")).collect();
    let blob = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => format!("'\\x{hex}'::bytea"),
        _ => format!("X'{hex}'"),
    };
    raw_exec(
        db,
        &format!(
            "UPDATE pay_facetoface_order_image SET file = NULL, bytes = {blob}, size = {} \
             WHERE order_id = {} AND kind = 'shop_scene_pic'",
            legacy.len(),
            order.id().0
        ),
    )
    .await;

    let read = repo.images(TENANT, order.id()).await.unwrap();
    assert_eq!(read.get(ImageKind::ShopScenePic).unwrap().bytes(), legacy);
    assert_eq!(read.len(), images.len());
}
on_both!(rows_from_before_image_files_are_read_from_the_row);

async fn a_damaged_or_missing_file_is_an_error_naming_it(db: &DatabaseConnection) {
    let (repo, dir) = repo_with_own_dir(db);
    let (new, _) = new_order(TENANT);
    let order = repo.insert(new, &one_scene_picture()).await.unwrap();
    let (file, _) = image_row(db, &order, ImageKind::ShopScenePic).await;
    let path = dir.path().join("images").join(&file);

    let refusal = || async {
        repo.images(TENANT, order.id())
            .await
            .unwrap_err()
            .to_string()
    };

    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let damaged = refusal().await;
    assert!(
        damaged.contains(&file) && damaged.contains("damaged"),
        "{damaged}"
    );

    std::fs::remove_file(&path).unwrap();
    let missing = refusal().await;
    assert!(
        missing.contains(&file) && missing.contains("cannot be read"),
        "{missing}"
    );
}
on_both!(a_damaged_or_missing_file_is_an_error_naming_it);

/// Sets a file's modification time `hours` back.
fn age(path: &Path, hours: u64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(hours * 3600);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

async fn the_sweep_removes_only_old_files_no_row_names(db: &DatabaseConnection) {
    let (repo, dir) = repo_with_own_dir(db);
    let root = dir.path().join("images");
    let hour = std::time::Duration::from_secs(3600);
    // Nothing written yet: no directory, nothing to sweep.
    assert!(
        repo.sweep_image_files(hour, false)
            .await
            .unwrap()
            .is_empty()
    );

    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    let named = files_under(&root);
    for file in &named {
        age(file, 2);
    }
    std::fs::create_dir_all(root.join("zz")).unwrap();
    let (old_stray, young_stray) = (root.join("zz/old.png"), root.join("zz/young.png"));
    std::fs::write(&old_stray, b"left by a killed apply").unwrap();
    std::fs::write(&young_stray, b"an apply in flight").unwrap();
    age(&old_stray, 2);

    let planned = repo.sweep_image_files(hour, true).await.unwrap();
    assert_eq!(planned, vec!["zz/old.png".to_owned()]);
    assert!(old_stray.exists(), "a dry run removes nothing");

    let removed = repo.sweep_image_files(hour, false).await.unwrap();
    assert_eq!(removed, planned);
    assert!(!old_stray.exists() && young_stray.exists());
    assert!(named.iter().all(|file| file.exists()));
    assert_eq!(repo.images(TENANT, order.id()).await.unwrap(), images);
}
on_both!(the_sweep_removes_only_old_files_no_row_names);

/// One shop scene picture.
fn one_scene_picture() -> ApplicationImages {
    let mut images = ApplicationImages::new();
    images
        .insert(Image::new(ImageKind::ShopScenePic, png(7_000, 0x21)).unwrap())
        .unwrap();
    images
}
