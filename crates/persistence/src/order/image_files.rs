//! Image bytes as files: one new file per stored image, in the image directory
//! (`XJZ__DATABASE__IMAGE_DIR`, default `data/images`), named in the image's row.
//!
//! Why files: an apply stores up to 5 × 5 MB. Inside SQLite that is ~6,100 page writes to the
//! WAL, checksummed and later copied again by the checkpoint (58–84 ms per apply, measured);
//! inside PostgreSQL, 25 MB of `bytea` through its WAL (~380 ms). Written as files, the bytes
//! go to the page cache once (docs/performance.md, "Apply with 5 × 5 MB images").
//!
//! - Names are random (`ab/ab12…ef.png`, 128 bits) and files are created with `create_new`:
//!   a file is never overwritten, so an order's row always names bytes nobody changed.
//! - Files are written before the transaction that stores their rows; if it fails, they are
//!   removed. Files of replaced images (edits) are removed after the commit.
//! - After the commit, the new files are flushed to disk in the background (`fdatasync`, then
//!   the directory), as SQLite's WAL is by its checkpoint: the request does not wait for the
//!   disk, and a power cut within that second can lose an image whose row committed. Reads
//!   check the size the row recorded, so such an image is reported, never served truncated.
//!   Once on disk, the files' pages are dropped from the page cache (`POSIX_FADV_DONTNEED`):
//!   they are written once and read rarely (resume, re-apply, the detail page), and 25 MB of
//!   page cache per apply would push out the database's pages. It also keeps the next apply
//!   writing into recycled memory: on the benchmark VM, pages the kernel had never handed out
//!   cost ~7 µs each on first touch, and writing 25 MB took 56 ms instead of 7 ms.
//! - Directories are `0700` and files `0600`: licences and shop photos are merchants' data.
//!
//! Several API instances on one PostgreSQL database must share this directory (a volume).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use xjz_domain::application::{ApplicationImages, Image, ImageKind};
use xjz_domain::ports::RepositoryError;

/// Where the image files are.
#[derive(Debug, Clone)]
pub struct ImageFiles {
    dir: Arc<PathBuf>,
}

/// One image written: its kind and the name its row records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenImage {
    pub(crate) kind: ImageKind,
    pub(crate) name: String,
}

impl ImageFiles {
    /// Files under `dir`, created (with its parents) when the first image is written.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: Arc::new(dir.into()),
        }
    }

    /// Writes every image to a new file, all at once on the blocking pool; on any failure
    /// removes what was written and reports the first error.
    pub(crate) async fn write(
        &self,
        images: &ApplicationImages,
    ) -> Result<Vec<WrittenImage>, RepositoryError> {
        let writes: Vec<_> = images
            .iter()
            .map(|image| {
                let dir = Arc::clone(&self.dir);
                let name = new_name(image);
                let bytes = image.shared_bytes();
                let kind = image.kind();
                tokio::task::spawn_blocking(move || {
                    write_new(&dir, &name, &bytes).map(|()| WrittenImage { kind, name })
                })
            })
            .collect();
        let mut written = Vec::with_capacity(writes.len());
        let mut failure = None;
        for write in writes {
            match write.await {
                Ok(Ok(image)) => written.push(image),
                Ok(Err(e)) => failure = failure.or(Some(e)),
                Err(e) => failure = failure.or(Some(std::io::Error::other(e))),
            }
        }
        match failure {
            None => Ok(written),
            Some(e) => {
                self.remove(written.into_iter().map(|w| w.name).collect())
                    .await;
                Err(RepositoryError::Unexpected(anyhow::anyhow!(
                    "cannot write an image file under {}: {e}",
                    self.dir.display()
                )))
            }
        }
    }

    /// The bytes of the file `name`, which the row says holds `size` bytes.
    pub(crate) async fn read(&self, name: &str, size: usize) -> Result<Vec<u8>, RepositoryError> {
        let path = self.path(name)?;
        let bytes = tokio::fs::read(&path).await.map_err(|e| {
            RepositoryError::Unexpected(anyhow::anyhow!(
                "image file {} cannot be read: {e}",
                path.display()
            ))
        })?;
        if bytes.len() != size {
            return Err(RepositoryError::Unexpected(anyhow::anyhow!(
                "image file {} holds {} bytes where {size} were stored (damaged)",
                path.display(),
                bytes.len()
            )));
        }
        Ok(bytes)
    }

    /// Removes the files (best effort: a file already gone is no error; others are logged).
    pub(crate) async fn remove(&self, names: Vec<String>) {
        if names.is_empty() {
            return;
        }
        let dir = Arc::clone(&self.dir);
        let removed = tokio::task::spawn_blocking(move || {
            for name in names {
                if let Err(e) = std::fs::remove_file(dir.join(&name))
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!(file = %name, error = %e, "cannot remove an image file");
                }
            }
        })
        .await;
        if let Err(e) = removed {
            tracing::warn!(error = %e, "removing image files did not finish");
        }
    }

    /// Flushes the files and their directories to disk on the blocking pool, without waiting,
    /// then drops the files' pages from the page cache.
    pub(crate) fn sync_in_background(&self, written: &[WrittenImage]) {
        if written.is_empty() {
            return;
        }
        let dir = Arc::clone(&self.dir);
        let names: Vec<String> = written.iter().map(|w| w.name.clone()).collect();
        drop(tokio::task::spawn_blocking(move || {
            for name in &names {
                if let Err(e) = flush_and_forget(&dir.join(name)) {
                    tracing::warn!(file = %name, error = %e, "cannot flush an image file");
                }
            }
        }));
    }

    /// Files older than `before` (by modification time), as stored names, on the blocking pool.
    pub(crate) async fn older_than(
        &self,
        before: std::time::SystemTime,
    ) -> Result<Vec<String>, RepositoryError> {
        let dir = Arc::clone(&self.dir);
        tokio::task::spawn_blocking(move || files_older_than(&dir, before))
            .await
            .map_err(|e| RepositoryError::Unexpected(e.into()))?
            .map_err(|e| {
                RepositoryError::Unexpected(anyhow::anyhow!("cannot list the image files: {e}"))
            })
    }

    /// The path of a stored name; a name that leaves the directory is refused.
    fn path(&self, name: &str) -> Result<PathBuf, RepositoryError> {
        let inside = !name.is_empty()
            && Path::new(name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            return Err(RepositoryError::Unexpected(anyhow::anyhow!(
                "image file name {name:?} is not a name inside the image directory"
            )));
        }
        Ok(self.dir.join(name))
    }
}

/// `dir/xy/name` files (the layout [`new_name`] makes) modified before `before`, as `xy/name`.
/// A missing directory has no files.
fn files_older_than(dir: &Path, before: std::time::SystemTime) -> std::io::Result<Vec<String>> {
    let mut found = Vec::new();
    let fans = match std::fs::read_dir(dir) {
        Ok(fans) => fans,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for fan in fans {
        let fan = fan?;
        if !fan.file_type()?.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(fan.path())? {
            let file = file?;
            let metadata = file.metadata()?;
            if metadata.is_file() && metadata.modified()? < before {
                let (fan_name, file_name) = (fan.file_name(), file.file_name());
                if let (Some(fan), Some(name)) = (fan_name.to_str(), file_name.to_str()) {
                    found.push(format!("{fan}/{name}"));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `ab/ab12…ef.png`: a random v4 UUID's hex, fanned out by its first two characters.
fn new_name(image: &Image) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{}/{id}.{}", &id[..2], image.format().extension())
}

/// `fdatasync` of the file and `fsync` of its directory, then `POSIX_FADV_DONTNEED` (clean
/// pages only: after the sync, all of them).
fn flush_and_forget(path: &Path) -> std::io::Result<()> {
    let file = std::fs::File::open(path)?;
    file.sync_data()?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed)?;
    Ok(())
}

/// Creates `dir/name` (never overwriting) and writes `bytes` into it; removes a partial file.
fn write_new(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(&path);
    })
}
