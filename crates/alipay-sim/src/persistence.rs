//! Keeping state in a JSON file: written atomically (temp file in the same directory, flushed,
//! then renamed over the old one), so a crash leaves either the old or the new state.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::state::SimState;

/// What the state file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// File format version.
    pub format: u32,
    pub clock_offset_ms: Millis,
    pub state: SimState,
}

pub const FORMAT: u32 = 1;

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Writes `snapshot` to `path` atomically, creating the directory if needed.
///
/// # Errors
/// Any I/O or serialisation failure, with the path in the message.
pub fn save(path: &Path, snapshot: &Snapshot) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let json = serde_json::to_vec_pretty(snapshot).context("serialising simulator state")?;
    let temp = temp_path(path);
    let mut file =
        fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
    file.write_all(&json)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", temp.display()))?;
    drop(file);
    fs::rename(&temp, path)
        .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))
}

/// Reads the state file; `Ok(None)` when there is none yet.
///
/// # Errors
/// An unreadable file or one that is not a state file of this format.
pub fn load(path: &Path) -> anyhow::Result<Option<Snapshot>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a simulator state file", path.display()))?;
    anyhow::ensure!(
        snapshot.format == FORMAT,
        "{} has format {}, expected {FORMAT}",
        path.display(),
        snapshot.format
    );
    Ok(Some(snapshot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_saved_snapshot_loads_back_equal_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("sim.json");
        let mut state = SimState::new(Scenario::default(), 3_600_000);
        state.create("2021000000000001", "m@example.com", 1_700_000_000_000);
        let snapshot = Snapshot {
            format: FORMAT,
            clock_offset_ms: 5,
            state,
        };
        save(&path, &snapshot).unwrap();
        assert_eq!(load(&path).unwrap(), Some(snapshot));
        assert!(!temp_path(&path).exists());
    }

    #[test]
    fn a_missing_file_is_no_state_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.json");
        assert_eq!(load(&path).unwrap(), None);
        fs::write(&path, b"not json").unwrap();
        assert!(load(&path).is_err());
    }
}
