//! What a build reads, summed up from metadata alone ([`fingerprint`]), so that a build
//! can tell that the output it made last time is still right without reading anything.

use std::fs;
use std::path::{Path, PathBuf};

use super::{IncidentFiles, OtherInputs};

/// See [`list_other_inputs`]; `None` when one cannot be read (the load then says why).
pub(super) fn other_inputs(root: &Path) -> Option<Vec<(PathBuf, Stamp)>> {
    let mut paths = vec![root.join("site.yaml")];
    for dir in [root.join("themes"), root.join("static")] {
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .follow_links(true)
                .sort_by_file_name()
            {
                let entry = entry.ok()?;
                if entry.file_type().is_file() {
                    paths.push(entry.into_path());
                }
            }
        }
    }
    paths
        .into_iter()
        .map(|p| {
            let stamp = file_stamp(&fs::metadata(&p).ok()?);
            Some((p, stamp))
        })
        .collect()
}

/// A hash of the path and metadata ([`file_stamp`]) of everything a build reads under
/// `root`: `site.yaml`, every incident file and the files under `themes/` and `static/`.
/// Equal fingerprints mean untouched inputs, so a build can tell that the output it made
/// last time is still right without reading or parsing anything. `None` when something
/// cannot be read; the full load then reports it.
pub fn fingerprint(root: &Path, files: &IncidentFiles, others: &OtherInputs) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let found = &files.0;
    if !found.errors.is_empty() {
        return None;
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    // Paths (all made by joining onto `root`) are hashed as their bytes after it: `Path`'s
    // own hash and `strip_prefix` walk their components.
    fn after(p: &Path, skip: usize) -> &[u8] {
        let bytes = p.as_os_str().as_encoded_bytes();
        bytes.get(skip..).unwrap_or(bytes)
    }
    let skip = root.as_os_str().len();
    for (p, stamp) in found.paths.iter().zip(&found.stamps) {
        after(p, skip).hash(&mut h);
        stamp.as_ref()?.hash(&mut h);
    }
    for (p, stamp) in others.0.as_ref()? {
        after(p, skip).hash(&mut h);
        stamp.hash(&mut h);
    }
    Some(h.finish())
}

pub(super) type Stamp = (u64, Option<std::time::SystemTime>, [i64; 3]);

/// What changes whenever a file's content may have: its size, its modification time and,
/// where the system has them, its inode and change time (which no program can set back,
/// unlike the modification time). Reading the metadata instead of the bytes keeps the
/// check cheap, and spares a build that must parse everything a second read of it.
pub(super) fn file_stamp(m: &fs::Metadata) -> Stamp {
    #[cfg(unix)]
    let more = {
        use std::os::unix::fs::MetadataExt;
        [m.ino() as i64, m.ctime(), m.ctime_nsec()]
    };
    #[cfg(not(unix))]
    let more = [0; 3];
    (m.len(), m.modified().ok(), more)
}
