//! The walk of `incidents/`: every incident file, in a sorted order, found in parallel.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::fingerprint::{file_stamp, Stamp};
use crate::error::Diagnostic;

#[derive(Debug, Clone, Default)]
pub(super) struct Found {
    pub(super) paths: Vec<PathBuf>,
    /// Parallel to `paths`: each file's [`file_stamp`], when its metadata could be read.
    pub(super) stamps: Vec<Option<Stamp>>,
    pub(super) errors: Vec<Diagnostic>,
    /// Whether a symbolic link was met: its target's changes are not the folder's.
    pub(super) links: bool,
}

/// Every `.md` file under `incidents/`, sorted, skipping names that start with `_` or `.`;
/// symbolic links are followed. A hand-made walk: the file type comes from the folder
/// listing, so a plain file costs no `stat` (a walk with walkdir, which asks for every
/// entry's metadata when it follows links, took 15 ms at 10,000 incidents).
pub(super) fn incident_files(root: &Path, stamps: bool) -> Found {
    let dir = root.join("incidents");
    if !dir.is_dir() {
        return Found::default();
    }
    walk(root, &dir, &[], stamps)
}

/// What [`incident_files`] finds in `dir`; `ancestors` are the folders above it, to refuse
/// a link that loops back to one of them. Folders and files are looked at in parallel,
/// and the result keeps the sorted order.
fn walk(root: &Path, dir: &Path, ancestors: &[&same_file::Handle], stamps: bool) -> Found {
    let mut found = Found::default();
    let error = |path: &Path, message: String| walk_error(root, path, message);
    let handle = match same_file::Handle::from_path(dir) {
        Ok(h) => h,
        Err(e) => {
            found.errors.push(error(dir, format!("cannot read: {e}")));
            return found;
        }
    };
    if ancestors.contains(&&handle) {
        found.errors.push(error(dir, LOOP.to_string()));
        return found;
    }
    let entries = match list(dir, &mut found.errors, error) {
        Some(entries) => entries,
        None => return found,
    };
    found.links = entries.iter().any(|(_, kind, _)| kind.is_symlink());
    let mut below: Vec<&same_file::Handle> = ancestors.to_vec();
    below.push(&handle);
    let items: Vec<Item> = entries
        .par_iter()
        .map(|(name, kind, entry)| {
            let path = dir.join(name);
            look_at(root, dir, path, *kind, entry, &below, stamps)
        })
        .collect();
    for item in items {
        match item {
            Item::File(path, stamp) => {
                found.paths.push(path);
                found.stamps.push(stamp);
            }
            Item::Folder(sub) => {
                found.paths.extend(sub.paths);
                found.stamps.extend(sub.stamps);
                found.errors.extend(sub.errors);
                found.links |= sub.links;
            }
            Item::Error(d) => found.errors.push(d),
            Item::Nothing => {}
        }
    }
    found
}

const LOOP: &str = "a symbolic link loops back to a folder that contains it";

/// An error met while walking, about `path`.
fn walk_error(root: &Path, path: &Path, message: String) -> Diagnostic {
    Diagnostic::file(path.strip_prefix(root).unwrap_or(path), message)
        .with_help("remove or fix the link or the permissions; vigie never changes it")
}

/// The entries of `dir` that are not hidden, sorted by name, with their types from the
/// listing; `None` (and an error) when it cannot be listed.
fn list(
    dir: &Path,
    errors: &mut Vec<Diagnostic>,
    error: impl Fn(&Path, String) -> Diagnostic,
) -> Option<Vec<(std::ffi::OsString, fs::FileType, fs::DirEntry)>> {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) => {
            errors.push(error(dir, format!("cannot read: {e}")));
            return None;
        }
    };
    let mut entries = Vec::new();
    for entry in listing {
        match entry.and_then(|e| Ok((e.file_name(), e.file_type()?, e))) {
            Ok((name, kind, entry)) if !is_hidden(name.to_string_lossy().as_ref()) => {
                entries.push((name, kind, entry));
            }
            Ok(_) => {}
            Err(e) => errors.push(error(dir, format!("cannot read: {e}"))),
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(entries)
}

/// What one entry of a folder holds.
enum Item {
    File(PathBuf, Option<Stamp>),
    Folder(Found),
    Error(Diagnostic),
    Nothing,
}

/// The entry `path` of `dir`, of type `kind` as listed: an incident file, a folder to walk
/// (below `ancestors`), an error (a broken or looping link), or nothing to read.
fn look_at(
    root: &Path,
    dir: &Path,
    path: PathBuf,
    kind: fs::FileType,
    entry: &fs::DirEntry,
    ancestors: &[&same_file::Handle],
    stamps: bool,
) -> Item {
    let (kind, meta) = if kind.is_symlink() {
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() && links_to_an_ancestor(dir, &path) => {
                return Item::Error(walk_error(root, &path, LOOP.to_string()));
            }
            Ok(m) => (m.file_type(), Some(m)),
            Err(e) => {
                let message = match fs::read_link(&path) {
                    Ok(target) if e.kind() == std::io::ErrorKind::NotFound => format!(
                        "cannot read: the symbolic link points to `{}`, which does not exist",
                        target.display()
                    ),
                    _ => format!("cannot read: {e}"),
                };
                return Item::Error(walk_error(root, &path, message));
            }
        }
    } else {
        (kind, None)
    };
    if kind.is_dir() {
        Item::Folder(walk(root, &path, ancestors, stamps))
    } else if kind.is_file() && path.extension().is_some_and(|x| x == "md") {
        // The metadata for the build's fingerprint, from the listing's folder.
        let meta = meta.or_else(|| stamps.then(|| entry.metadata().ok()).flatten());
        Item::File(path, meta.as_ref().map(file_stamp))
    } else {
        Item::Nothing
    }
}

/// Whether the link `link`, in the folder `dir`, leads to `dir` or a folder above it.
fn links_to_an_ancestor(dir: &Path, link: &Path) -> bool {
    match (fs::canonicalize(dir), fs::canonicalize(link)) {
        (Ok(here), Ok(target)) => here.starts_with(target),
        _ => false,
    }
}

pub(super) fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What walkdir finds: the reference the hand-made walk must match.
    fn with_walkdir(root: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(root.join("incidents"))
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(&e.file_name().to_string_lossy()))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(walkdir::DirEntry::into_path)
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn the_walk_finds_what_walkdir_finds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let dir = root.join("incidents");
        let files = [
            "a.md",
            "b.txt",
            "_template.md",
            ".hidden.md",
            "2017/10/x.md",
            "2017/10/y.md",
            "2017/a-b.md",
            "2017/_drafts/z.md",
            "2018/.git/config.md",
            "2018/é/ü.md",
            "2019/deep/er/still/n.md",
            "2019/deep/er/still/n.markdown",
        ];
        for f in files {
            let path = dir.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "x").unwrap();
        }
        fs::create_dir_all(dir.join("empty/folder")).unwrap();
        #[cfg(unix)]
        {
            let outside = root.join("elsewhere");
            fs::create_dir_all(&outside).unwrap();
            fs::write(outside.join("linked.md"), "x").unwrap();
            std::os::unix::fs::symlink(&outside, dir.join("2020")).unwrap();
            std::os::unix::fs::symlink(dir.join("a.md"), dir.join("2017/link.md")).unwrap();
        }
        for stamps in [false, true] {
            let found = incident_files(root, stamps);
            assert!(found.errors.is_empty(), "{:?}", found.errors);
            let mut paths = found.paths.clone();
            paths.sort();
            assert_eq!(paths, with_walkdir(root));
            assert_eq!(found.paths, paths, "the walk gives a sorted list");
            assert_eq!(found.stamps.len(), found.paths.len());
            assert_eq!(found.stamps.iter().all(Option::is_some), stamps);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_back_to_a_folder_above_is_an_error_at_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("incidents");
        fs::create_dir_all(dir.join("2017")).unwrap();
        fs::write(dir.join("2017/x.md"), "x").unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("2017/up")).unwrap();
        let found = incident_files(tmp.path(), false);
        assert_eq!(found.paths, [dir.join("2017/x.md")]);
        assert_eq!(found.errors.len(), 1);
        assert_eq!(found.errors[0].path, Path::new("incidents/2017/up"));
    }
}
