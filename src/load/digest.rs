//! [`SourceDigest`]: what the site's input files hold, remembered from one look to the
//! next, to tell a change of content from a file merely saved again or touched (`vigie
//! watch` then has nothing to build and nothing to publish).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use super::fingerprint::Stamp;
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
}
