//! New files in a site's sources (`vigie init`, `vigie import`, `vigie ingest`): each
//! written whole or not at all, and never in place of a file already there.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` into a temporary file beside `path`, synced, and gives its path. Its
/// name starts with `.` (the loader never reads such files) and names the command
/// (`what`) and the process.
pub fn temporary(path: &Path, bytes: &[u8], what: &str) -> io::Result<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.vigie-{what}-{}", std::process::id()));
    let written = fs::File::create(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Creates `path` holding `bytes`, whole: a temporary file linked to its name, which
/// fails when the name is taken. `Ok(false)` when a file (or anything) is already there,
/// which is left as it is.
pub fn create(path: &Path, bytes: &[u8], what: &str) -> io::Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    let tmp = temporary(path, bytes, what)?;
    let placed = match fs::hard_link(&tmp, path) {
        // A file system without hard links: a rename, which would replace, once the name
        // is seen free.
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            if fs::symlink_metadata(path).is_ok() {
                Err(io::ErrorKind::AlreadyExists.into())
            } else {
                fs::rename(&tmp, path).map_err(|_| e)
            }
        }
        linked => linked,
    };
    let _ = fs::remove_file(&tmp);
    match placed {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Replaces `path` with `bytes`, whole: a temporary file renamed over it.
pub fn replace(path: &Path, bytes: &[u8], what: &str) -> io::Result<()> {
    let tmp = temporary(path, bytes, what)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_never_written_over_another_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.md");
        assert!(create(&path, b"one", "test").unwrap());
        assert!(!create(&path, b"two", "test").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"one");
        replace(&path, b"three", "test").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        let names: Vec<_> = fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["b.md"]);
    }
}
