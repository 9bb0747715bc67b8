//! [`SourceDigest`]: what the site's input files hold, remembered from one look to the
//! next, to tell a change of content from a file merely saved again or touched (`vigie
//! watch` then has nothing to build and nothing to publish).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use super::fingerprint::{file_stamp, Stamp};
use super::listing::{look_again, Changes, Seen};
use super::{list_incident_files, list_other_inputs};

/// The hash of every input file a build reads (`site.yaml`, the incident files, the files
/// under `static/` and `themes/`), with the metadata it was read under when that metadata
/// can be trusted to change with the bytes (see [`settled`]).
#[derive(Debug, Default)]
pub struct SourceDigest {
    files: HashMap<PathBuf, (Option<Stamp>, u64)>,
}

impl SourceDigest {
    /// A digest that has seen nothing yet.
    pub fn new() -> SourceDigest {
        SourceDigest::default()
    }

    /// Looks at the inputs under `root` again and says whether their content differs from
    /// the last look (always at the first): a file added, removed, renamed or holding
    /// other bytes. Only the files whose metadata changed since are read again. When
    /// something cannot be listed or read, the answer is yes: the build will say why.
    pub fn look(&mut self, root: &Path) -> bool {
        let looked_at = SystemTime::now();
        let incidents = list_incident_files(root, true);
        let others = list_other_inputs(root);
        let found = &incidents.0;
        let (Some(others), true) = (others.0, found.errors.is_empty()) else {
            self.files.clear();
            return true;
        };
        let listed: Option<Vec<(PathBuf, Stamp)>> = found
            .paths
            .iter()
            .zip(&found.stamps)
            .map(|(p, s)| Some((p.clone(), (*s)?)))
            .chain(others.into_iter().map(Some))
            .collect();
        let Some(listed) = listed else {
            self.files.clear();
            return true;
        };
        let seen = &self.files;
        let now: Option<HashMap<PathBuf, (Option<Stamp>, u64)>> = listed
            .into_par_iter()
            .map(|(path, stamp)| {
                let hash = match seen.get(&path) {
                    Some((Some(was), hash)) if *was == stamp => *hash,
                    _ => content_hash(&std::fs::read(&path).ok()?),
                };
                let trusted = settled(&stamp, looked_at).then_some(stamp);
                Some((path, (trusted, hash)))
            })
            .collect();
        let Some(now) = now else {
            self.files.clear();
            return true;
        };
        let changed = now.len() != self.files.len()
            || now
                .iter()
                .any(|(p, (_, h))| self.files.get(p).is_none_or(|(_, was)| was != h));
        self.files = now;
        changed
    }
    /// [`SourceDigest::look`], at only the paths `changes` names when it knows them (the
    /// events of a watcher since the last look): each looked at again (one `lstat`, and
    /// a read when its metadata changed), a removed folder dropped with what it held.
    /// Goes the whole way when the changes are unknown, nothing was looked at yet, or a
    /// changed path is a folder or a link (only a walk tells what they hold).
    pub fn look_with(&mut self, root: &Path, changes: &Changes) -> bool {
        if self.files.is_empty() {
            return self.look(root);
        }
        let Some(seen) = look_again(root, changes, true) else {
            return self.look(root);
        };
        let looked_at = SystemTime::now();
        let mut changed = false;
        for now in seen {
            match now {
                Seen::File(path, meta) => {
                    let stamp = file_stamp(&meta);
                    let seen = self.files.get(&path);
                    let hash = match seen {
                        Some((Some(was), hash)) if *was == stamp => *hash,
                        _ => match std::fs::read(&path) {
                            Ok(bytes) => content_hash(&bytes),
                            Err(_) => return self.look(root),
                        },
                    };
                    changed |= seen.is_none_or(|(_, was)| *was != hash);
                    let trusted = settled(&stamp, looked_at).then_some(stamp);
                    self.files.insert(path, (trusted, hash));
                }
                Seen::Gone(path) => {
                    let before = self.files.len();
                    self.files.retain(|p, _| !p.starts_with(&path));
                    changed |= self.files.len() != before;
                }
            }
        }
        changed
    }
}

/// Whether a file's metadata is old enough to be trusted: a file written again within the
/// same tick of the file system's clock, at the same size, keeps the same metadata, so a
/// file changed shortly before a look is read again at the next one (as git does with
/// "racily clean" files).
pub(super) fn settled(stamp: &Stamp, looked_at: SystemTime) -> bool {
    let Some(margin) = looked_at.checked_sub(Duration::from_secs(2)) else {
        return false;
    };
    let changed_secs = stamp.2[1];
    let margin_secs = margin
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    stamp.1.is_some_and(|m| m < margin) && changed_secs < margin_secs
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("site.yaml"), "title: T\n").unwrap();
        fs::create_dir_all(dir.path().join("incidents/2026")).unwrap();
        fs::write(
            dir.path().join("incidents/2026/a.md"),
            "---\ntitle: A\n---\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn the_first_look_is_a_change_and_an_unchanged_tree_is_not() {
        let dir = site();
        let mut d = SourceDigest::new();
        assert!(d.look(dir.path()));
        assert!(!d.look(dir.path()));
    }

    #[test]
    fn a_file_written_again_with_the_same_bytes_is_no_change() {
        let dir = site();
        let mut d = SourceDigest::new();
        d.look(dir.path());
        let a = dir.path().join("incidents/2026/a.md");
        fs::write(&a, "---\ntitle: A\n---\n").unwrap();
        assert!(!d.look(dir.path()));
        // Its time set back, as `touch -d` or an archive does.
        let f = fs::File::options().write(true).open(&a).unwrap();
        f.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
            .unwrap();
        assert!(!d.look(dir.path()));
    }

    #[test]
    fn metadata_is_trusted_only_once_it_is_a_few_seconds_old() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |secs_ago: u64| {
            let t = now - Duration::from_secs(secs_ago);
            let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
            (10, Some(t), [1, secs, 0])
        };
        assert!(!settled(&at(0), now));
        assert!(!settled(&at(1), now));
        assert!(settled(&at(3), now));
        assert!(!settled(&(10, None, [1, 0, 0]), now));
    }

    #[test]
    fn new_bytes_a_new_file_a_removed_file_or_a_static_file_are_changes() {
        let dir = site();
        let mut d = SourceDigest::new();
        d.look(dir.path());
        let a = dir.path().join("incidents/2026/a.md");
        // The same size: only the bytes tell.
        fs::write(&a, "---\ntitle: B\n---\n").unwrap();
        assert!(d.look(dir.path()));
        fs::write(dir.path().join("incidents/b.md"), "x").unwrap();
        assert!(d.look(dir.path()));
        fs::remove_file(dir.path().join("incidents/b.md")).unwrap();
        assert!(d.look(dir.path()));
        fs::create_dir_all(dir.path().join("static")).unwrap();
        fs::write(dir.path().join("static/CNAME"), "status.example.fr").unwrap();
        assert!(d.look(dir.path()));
        fs::write(dir.path().join("site.yaml"), "title: U\n").unwrap();
        assert!(d.look(dir.path()));
        assert!(!d.look(dir.path()));
    }

    #[test]
    fn a_look_at_the_changed_paths_sees_what_a_whole_look_sees() {
        let dir = site();
        let root = dir.path();
        let (mut part, mut whole) = (SourceDigest::new(), SourceDigest::new());
        part.look(root);
        whole.look(root);
        let hashes = |d: &SourceDigest| -> Vec<(PathBuf, u64)> {
            let mut h: Vec<_> = d.files.iter().map(|(p, (_, h))| (p.clone(), *h)).collect();
            h.sort();
            h
        };
        let mut step = |paths: &[&str], expected: bool| {
            let mut changes = Changes::none();
            for p in paths {
                changes.add(Path::new(p));
            }
            assert_eq!(part.look_with(root, &changes), expected, "{paths:?}");
            assert_eq!(whole.look(root), expected, "{paths:?}");
            assert_eq!(hashes(&part), hashes(&whole), "{paths:?}");
        };
        let a = root.join("incidents/2026/a.md");
        fs::write(&a, "---\ntitle: A\n---\n").unwrap();
        step(&["incidents/2026/a.md"], false);
        fs::write(&a, "---\ntitle: B\n---\n").unwrap();
        step(&["incidents/2026/a.md"], true);
        fs::write(root.join("incidents/b.md"), "x").unwrap();
        fs::write(root.join("incidents/notes.txt"), "x").unwrap();
        step(&["incidents/b.md", "incidents/notes.txt"], true);
        fs::create_dir_all(root.join("static")).unwrap();
        step(&["static"], false);
        fs::write(root.join("static/CNAME"), "status.example.fr").unwrap();
        step(&["static/CNAME"], true);
        fs::write(root.join("site.yaml"), "title: U\n").unwrap();
        step(&["site.yaml"], true);
        fs::remove_dir_all(root.join("incidents/2026")).unwrap();
        step(&["incidents/2026"], true);
        step(&[], false);
    }
}
