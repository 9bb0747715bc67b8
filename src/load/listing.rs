//! The incident files listed again from what a watcher saw change, instead of walking
//! `incidents/` and reading the metadata of every file: for `vigie watch`, whose rebuilds
//! follow the watcher's events (see [`crate::watch`]).

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::fingerprint::file_stamp;
use super::walk::{is_hidden, Found};
use super::IncidentFiles;

/// What changed in a site's sources since some moment, as a watcher saw it: the paths of
/// its events, relative to the site's root; or unknown, when events may have been lost
/// (the watcher said so, or failed) or nobody watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    paths: Option<BTreeSet<PathBuf>>,
}

impl Default for Changes {
    fn default() -> Self {
        Changes::unknown()
    }
}

impl Changes {
    /// Nothing changed.
    pub fn none() -> Changes {
        Changes {
            paths: Some(BTreeSet::new()),
        }
    }

    /// Anything may have changed.
    pub fn unknown() -> Changes {
        Changes { paths: None }
    }

    /// Adds `rel`, a path relative to the site's root that an event named.
    pub fn add(&mut self, rel: &Path) {
        if let Some(paths) = &mut self.paths {
            paths.insert(rel.to_path_buf());
        }
    }

    /// Events were lost: anything may have changed.
    pub fn lose(&mut self) {
        self.paths = None;
    }

    /// The changes of `self`, then of `later`.
    pub fn extend(&mut self, later: Changes) {
        match (&mut self.paths, later.paths) {
            (Some(paths), Some(more)) => paths.extend(more),
            _ => self.paths = None,
        }
    }
}

impl IncidentFiles {
    /// These files (as a load left them: with the metadata each was read under), brought
    /// up to date with `changes` under `root`: each changed path under `incidents/` looked
    /// at again (one `lstat`), a file added, replaced or removed, a folder removed with
    /// what it held. `None` when only a walk can tell: the changes are unknown, a changed
    /// path is a folder or a symbolic link (a folder moved in, a link made), this listing
    /// met an error or a link, or a file cannot be looked at.
    pub fn relisted(&self, root: &Path, changes: &Changes) -> Option<IncidentFiles> {
        let found = &self.0;
        if !found.errors.is_empty() || found.links || found.stamps.iter().any(Option::is_none) {
            return None;
        }
        let mut listed: Vec<(PathBuf, _)> = found
            .paths
            .iter()
            .cloned()
            .zip(found.stamps.iter().map(|s| s.expect("checked above")))
            .collect();
        for seen in look_again(root, changes, false)? {
            match seen {
                Seen::File(path, meta) => {
                    let stamp = file_stamp(&meta);
                    match listed.binary_search_by(|(p, _)| p.as_path().cmp(&path)) {
                        Ok(k) => listed[k].1 = stamp,
                        Err(k) => listed.insert(k, (path, stamp)),
                    }
                }
                Seen::Gone(path) => listed.retain(|(p, _)| !p.starts_with(&path)),
            }
        }
        let (paths, stamps) = listed.into_iter().map(|(p, s)| (p, Some(s))).unzip();
        Some(IncidentFiles(Found {
            paths,
            stamps,
            errors: Vec::new(),
            links: false,
        }))
    }
}

/// A changed input as it is now.
pub(super) enum Seen {
    /// A file the build reads, with its metadata.
    File(PathBuf, fs::Metadata),
    /// Gone: the file, or a folder and everything it held.
    Gone(PathBuf),
}

/// The paths of `changes` that are inputs, each looked at again under `root` (one
/// `lstat`): the incident files under `incidents/` and, with `others`, `site.yaml` and the
/// files under `static/` and `themes/`. `None` when the changes are unknown or only a walk
/// can tell: a changed path is a folder or a symbolic link (a folder moved in, a link
/// made), has a name a walk reads otherwise, or cannot be looked at.
pub(super) fn look_again(root: &Path, changes: &Changes, others: bool) -> Option<Vec<Seen>> {
    let mut seen = Vec::new();
    for rel in changes.paths.as_ref()? {
        let wanted = match incident_name(rel) {
            Look::Walk => return None,
            Look::Name(name) => Path::new(name).extension().is_some_and(|x| x == "md"),
            Look::Skip if others && other_input(rel) => true,
            // Not an input: nothing a build reads changed.
            Look::Skip => continue,
        };
        let path = root.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {
                if wanted {
                    seen.push(Seen::File(path, meta));
                }
            }
            Ok(_) => return None,
            Err(e) if e.kind() == io::ErrorKind::NotFound => seen.push(Seen::Gone(path)),
            Err(_) => return None,
        }
    }
    Some(seen)
}

/// What a changed path is to the inputs a build reads.
enum Look<'a> {
    /// Not under `incidents/`, or hidden there: not the walk's.
    Skip,
    /// Under `incidents/`, with this file name.
    Name(&'a str),
    /// A name that only a walk reads as it should (not UTF-8, or not a plain path).
    Walk,
}

/// Whether `rel`, a path relative to the site's root that exists as a file, is an input
/// other than an incident file: `site.yaml`, or a file under `static/` or `themes/`.
fn other_input(rel: &Path) -> bool {
    let mut parts = rel.components();
    match parts.next() {
        Some(Component::Normal(first)) if first == "static" || first == "themes" => true,
        Some(Component::Normal(first)) => first == "site.yaml" && parts.next().is_none(),
        _ => false,
    }
}

/// What `rel`, a path relative to the site's root, is to the walk of `incidents/`.
fn incident_name(rel: &Path) -> Look<'_> {
    let mut parts = rel.components();
    if parts.next() != Some(Component::Normal("incidents".as_ref())) {
        return Look::Skip;
    }
    let mut name = None;
    for part in parts {
        let Component::Normal(part) = part else {
            return Look::Walk;
        };
        let Some(part) = part.to_str() else {
            return Look::Walk;
        };
        if is_hidden(part) {
            return Look::Skip;
        }
        name = Some(part);
    }
    // `incidents` itself: made, moved or removed.
    name.map_or(Look::Walk, Look::Name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::list_incident_files;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for f in ["2017/a.md", "2017/b.md", "2018/c.md", "d.md"] {
            let path = tmp.path().join("incidents").join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, "x").unwrap();
        }
        tmp
    }

    fn changes(paths: &[&str]) -> Changes {
        let mut changes = Changes::none();
        for p in paths {
            changes.add(Path::new(p));
        }
        changes
    }

    /// The relisting after `changes`, which must be what a new walk finds.
    fn relist_agrees(root: &Path, before: &IncidentFiles, changes: &Changes) {
        let relisted = before
            .relisted(root, changes)
            .expect("a relisting from the changes");
        let walked = list_incident_files(root, true);
        assert_eq!(relisted.0.paths, walked.0.paths);
        assert_eq!(relisted.0.stamps, walked.0.stamps);
    }

    #[test]
    fn edits_additions_removals_and_renames_are_listed_as_a_walk_lists_them() {
        let tmp = site();
        let root = tmp.path();
        let inc = root.join("incidents");
        let before = list_incident_files(root, true);
        fs::write(inc.join("2017/a.md"), "longer now").unwrap();
        fs::write(inc.join("2017/aa.md"), "new").unwrap();
        fs::write(inc.join("2017/notes.txt"), "not an incident").unwrap();
        fs::write(inc.join("2017/_draft.md"), "hidden").unwrap();
        fs::remove_file(inc.join("2018/c.md")).unwrap();
        fs::rename(inc.join("d.md"), inc.join("0.md")).unwrap();
        let seen = changes(&[
            "incidents/2017/a.md",
            "incidents/2017/aa.md",
            "incidents/2017/notes.txt",
            "incidents/2017/_draft.md",
            "incidents/2018/c.md",
            "incidents/d.md",
            "incidents/0.md",
            "site.yaml",
        ]);
        relist_agrees(root, &before, &seen);
    }

    #[test]
    fn a_folder_removed_takes_its_files_with_it() {
        let tmp = site();
        let root = tmp.path();
        let before = list_incident_files(root, true);
        fs::remove_dir_all(root.join("incidents/2017")).unwrap();
        relist_agrees(root, &before, &changes(&["incidents/2017"]));
    }

    #[test]
    fn nothing_changed_is_the_same_listing() {
        let tmp = site();
        let root = tmp.path();
        let before = list_incident_files(root, true);
        relist_agrees(root, &before, &Changes::none());
    }

    #[test]
    fn a_folder_made_a_link_unknown_changes_or_a_listing_with_links_need_a_walk() {
        let tmp = site();
        let root = tmp.path();
        let inc = root.join("incidents");
        let before = list_incident_files(root, true);
        fs::create_dir_all(inc.join("2019")).unwrap();
        fs::write(inc.join("2019/e.md"), "x").unwrap();
        assert!(before
            .relisted(root, &changes(&["incidents/2019"]))
            .is_none());
        assert!(before.relisted(root, &Changes::unknown()).is_none());
        let mut lost = changes(&["incidents/2017/a.md"]);
        lost.lose();
        assert!(before.relisted(root, &lost).is_none());
        assert!(before.relisted(root, &changes(&["incidents"])).is_none());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(inc.join("d.md"), inc.join("2017/link.md")).unwrap();
            assert!(before
                .relisted(root, &changes(&["incidents/2017/link.md"]))
                .is_none());
            let with_link = list_incident_files(root, true);
            assert!(with_link.relisted(root, &Changes::none()).is_none());
        }
        // A listing without the metadata (a plain build's) cannot be brought up to date.
        let bare = list_incident_files(root, false);
        assert!(bare.relisted(root, &Changes::none()).is_none());
    }
}
