//! The walk of `incidents/`: every incident file, in a sorted order, found in parallel.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::fingerprint::{file_stamp, Stamp};
use crate::error::Diagnostic;

#[derive(Default)]
pub(super) struct Found {
    pub(super) paths: Vec<PathBuf>,
    /// Parallel to `paths`: each file's [`file_stamp`], when its metadata could be read.
    pub(super) stamps: Vec<Option<Stamp>>,
    pub(super) errors: Vec<Diagnostic>,
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

fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}
