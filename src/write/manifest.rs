//! Manifests: the files next to the output that record what the output folder and the
//! staging folder hold, so that a build neither reads back nor rewrites a file whose bytes
//! it already knows.
//!
//! Each folder has its own manifest, `.public.vigie-manifest` for the output and
//! `.public.vigie-staging-manifest` for the staging folder. A manifest lists every file
//! with its metadata (inode, size, modification time) and the hash of its bytes, and every
//! folder with its metadata: a file added, removed or renamed anywhere changes the
//! modification time of its folder, and a file written again changes its own. The rule that
//! keeps them true: a manifest is removed before its folder changes, and written once the
//! folder holds what it says; a build killed in between leaves no manifest, and the next
//! build compares contents instead.
//!
//! The output's manifest also records which build made it (the [`Stamp`]): a build with
//! nothing new finds the output already right from one `stat` per entry. Since people and
//! tools may touch the output, its manifest is trusted only once every entry has been
//! checked with `stat`; the staging folder is vigie's own, and its manifest is trusted as
//! it says ("checked"), or checked first when it came from an output ("unchecked").

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::sibling;
use crate::error::Error;
use crate::render::content_hash;

/// What the manifest records of the build that made the output: everything that decided
/// it (the build key) and what it held, for the closing message of a build that finds the
/// output already right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// A hash of the inputs, the options and the program (see `cmd::build`).
    pub key: u64,
    pub incidents: usize,
    pub files: usize,
}

impl Stamp {
    /// The stamp's line in the manifest: `<key, 16 hex digits> <incidents> <files>`.
    fn line(&self) -> String {
        format!("{:016x} {} {}", self.key, self.incidents, self.files)
    }

    /// Reads [`Stamp::line`]'s line; `None` for anything else.
    fn parse(line: &str) -> Option<Stamp> {
        let mut words = line.split(' ');
        let key = words.next().filter(|k| k.len() == 16)?;
        let stamp = Stamp {
            key: u64::from_str_radix(key, 16).ok()?,
            incidents: words.next()?.parse().ok()?,
            files: words.next()?.parse().ok()?,
        };
        words.next().is_none().then_some(stamp)
    }
}

/// The metadata of a file or folder that changes whenever its content does: inode, size
/// and modification time (to the nanosecond).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Meta {
    ino: u64,
    len: u64,
    secs: i64,
    nanos: i64,
}

impl Meta {
    #[cfg(unix)]
    pub(super) fn of(m: &fs::Metadata) -> Meta {
        use std::os::unix::fs::MetadataExt;
        Meta {
            ino: m.ino(),
            len: m.len(),
            secs: m.mtime(),
            nanos: m.mtime_nsec(),
        }
    }

    #[cfg(not(unix))]
    pub(super) fn of(m: &fs::Metadata) -> Meta {
        let (secs, nanos) = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| {
                (d.as_secs() as i64, i64::from(d.subsec_nanos()))
            });
        Meta {
            ino: 0,
            len: m.len(),
            secs,
            nanos,
        }
    }

    /// The metadata of `path` now, without following a symbolic link.
    pub(super) fn read(path: &Path) -> io::Result<Meta> {
        fs::symlink_metadata(path).map(|m| Meta::of(&m))
    }

    fn push(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{} {} {}.{}",
            self.ino, self.len, self.secs, self.nanos
        );
    }

    fn parse(words: &mut std::str::Split<'_, char>) -> Option<Meta> {
        let ino = words.next()?.parse().ok()?;
        let len = words.next()?.parse().ok()?;
        let (secs, nanos) = words.next()?.split_once('.')?;
        Some(Meta {
            ino,
            len,
            secs: secs.parse().ok()?,
            nanos: nanos.parse().ok()?,
        })
    }
}

/// What a manifest says a folder holds: each file's metadata and the hash of its bytes,
/// each folder's metadata (the folder itself is `.`).
#[derive(Debug, Clone, Default)]
pub(super) struct Manifest {
    pub(super) stamp: Option<Stamp>,
    /// Whether every entry was found true since the folder last left vigie's hands.
    pub(super) checked: bool,
    /// Keyed by path, with a fast hash: ten thousand lookups a build.
    pub(super) files: Entries<(Meta, u128)>,
    pub(super) dirs: Entries<Meta>,
    /// The manifest file's own metadata, as read: when it was written.
    saved: Option<Meta>,
    /// The lines of the entries as last written, with the [`Manifest::digest`] of the
    /// entries they were written from: a manifest saved again with the same entries (the
    /// old output's, saved as the staging folder's after each build) is not written out
    /// entry by entry again.
    lines: Option<(u128, std::sync::Arc<str>)>,
}

/// How long after an entry's modification time its metadata is trusted to change with its
/// content: an entry changed again within the same tick of the file system's clock, at the
/// same size, keeps the same metadata. An entry recorded less than this before its
/// manifest was written ("racily clean", as git says) is checked by content instead. A
/// tick of the kernel's file clock is at most 10 ms (100 Hz) on file systems that keep
/// nanoseconds, and 2 s on those that keep seconds (FAT) or whole seconds only (ext3),
/// told by the manifest's own time.
fn settle_nanos(saved_nanos: i64) -> i64 {
    if saved_nanos == 0 {
        2_000_000_000
    } else {
        20_000_000
    }
}

const HEADER: &str = "vigie-manifest 3";

/// A manifest's entries of one kind (files or folders) by path, with the sum of their
/// digests ([`Entry::digest`]) kept as they change: the digest of the whole manifest
/// ([`Manifest::digest`]) without going over every entry. Read through `Deref`; changed
/// only through [`Entries::insert`] and [`Entries::remove`].
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entries<V> {
    map: rustc_hash::FxHashMap<String, V>,
    sum: u128,
}

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries {
            map: Default::default(),
            sum: 0,
        }
    }
}

impl<V: Entry> FromIterator<(String, V)> for Entries<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(entries: I) -> Self {
        let mut all = Entries::default();
        for (path, entry) in entries {
            all.insert(path, entry);
        }
        all
    }
}

/// An entry of a manifest, with its path: a file's metadata and hash, or a folder's
/// metadata.
pub(super) trait Entry {
    /// A hash of the entry, its path included: the manifest's digest is their sum.
    fn digest(&self, path: &str) -> u128;
}

/// A hash of one entry, from its path, its metadata, its file's hash and its kind.
fn entry_digest(path: &str, m: &Meta, hash: u128, dir: bool) -> u128 {
    use xxhash_rust::xxh3::{xxh3_128_with_seed, xxh3_64};
    let mut fields = [0u8; 49];
    fields[..8].copy_from_slice(&m.ino.to_le_bytes());
    fields[8..16].copy_from_slice(&m.len.to_le_bytes());
    fields[16..24].copy_from_slice(&m.secs.to_le_bytes());
    fields[24..32].copy_from_slice(&m.nanos.to_le_bytes());
    fields[32..48].copy_from_slice(&hash.to_le_bytes());
    // A folder's entry apart from a file's of the same path.
    fields[48] = u8::from(dir);
    xxh3_128_with_seed(path.as_bytes(), xxh3_64(&fields))
}

impl Entry for (Meta, u128) {
    fn digest(&self, path: &str) -> u128 {
        entry_digest(path, &self.0, self.1, false)
    }
}

impl Entry for Meta {
    fn digest(&self, path: &str) -> u128 {
        entry_digest(path, self, 0, true)
    }
}

impl<V: Entry> Entries<V> {
    /// Sets the entry of `path`; gives the one it replaces.
    pub(super) fn insert(&mut self, path: String, entry: V) -> Option<V> {
        let digest = entry.digest(&path);
        self.insert_digested(path, entry, digest)
    }

    /// [`Entries::insert`], the entry's digest already known (made where the entries are
    /// made, side by side).
    pub(super) fn insert_digested(&mut self, path: String, entry: V, digest: u128) -> Option<V> {
        use std::collections::hash_map::Entry as Slot;
        self.sum = self.sum.wrapping_add(digest);
        match self.map.entry(path) {
            Slot::Occupied(mut slot) => {
                let old = slot.get().digest(slot.key());
                self.sum = self.sum.wrapping_sub(old);
                Some(slot.insert(entry))
            }
            Slot::Vacant(slot) => {
                slot.insert(entry);
                None
            }
        }
    }

    /// Removes the entry of `path`; gives it.
    pub(super) fn remove(&mut self, path: &str) -> Option<V> {
        let old = self.map.remove(path)?;
        self.sum = self.sum.wrapping_sub(old.digest(path));
        Some(old)
    }

    pub(super) fn reserve(&mut self, more: usize) {
        self.map.reserve(more);
    }
}

impl<V> std::ops::Deref for Entries<V> {
    type Target = rustc_hash::FxHashMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

/// The manifest of the output folder `out`.
pub fn manifest_path(out: &Path) -> PathBuf {
    sibling(out, "vigie-manifest")
}

/// The manifest of the staging folder that goes with `out`.
pub(super) fn staging_manifest_path(out: &Path) -> PathBuf {
    sibling(out, "vigie-staging-manifest")
}

impl Manifest {
    /// The manifest at `path`; `None` when there is none, or it is unreadable or of
    /// another version.
    pub(super) fn read(path: &Path) -> Option<Manifest> {
        let mut file = fs::File::open(path).ok()?;
        let saved = Meta::of(&file.metadata().ok()?);
        let mut text = String::new();
        io::Read::read_to_string(&mut file, &mut text).ok()?;
        let mut manifest = Manifest::parse(&text)?;
        manifest.saved = Some(saved);
        Some(manifest)
    }

    fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let stamp = match lines.next()? {
            "-" => None,
            line => Some(Stamp::parse(line)?),
        };
        let checked = match lines.next()? {
            "checked" => true,
            "unchecked" => false,
            _ => return None,
        };
        let mut manifest = Manifest {
            stamp,
            checked,
            ..Manifest::default()
        };
        // Lines read in parallel, then put in place.
        use rayon::prelude::*;
        let lines: Vec<&str> = lines.collect();
        let entries: Vec<(String, Meta, Option<u128>, u128)> = lines
            .par_iter()
            .with_min_len(1024)
            .map(|line| {
                let (meta, path) = line.split_once('\t')?;
                let mut words = meta.split(' ');
                let m = Meta::parse(&mut words)?;
                let entry = match path.strip_suffix('/') {
                    Some(dir) => (dir.to_string(), m, None, m.digest(dir)),
                    None => {
                        let hash = u128::from_str_radix(words.next()?, 16).ok()?;
                        let digest = (m, hash).digest(path);
                        (path.to_string(), m, Some(hash), digest)
                    }
                };
                words.next().is_none().then_some(entry)
            })
            .collect::<Option<_>>()?;
        manifest.files.reserve(entries.len());
        for (path, m, hash, digest) in entries {
            match hash {
                Some(hash) => {
                    manifest.files.insert_digested(path, (m, hash), digest);
                }
                None => {
                    manifest.dirs.insert_digested(path, m, digest);
                }
            }
        }
        Some(manifest)
    }

    fn text(&mut self) -> String {
        let mut text = String::with_capacity(64);
        text.push_str(HEADER);
        text.push('\n');
        match &self.stamp {
            Some(stamp) => text.push_str(&stamp.line()),
            None => text.push('-'),
        }
        text.push_str(if self.checked {
            "\nchecked\n"
        } else {
            "\nunchecked\n"
        });
        let digest = self.digest();
        let lines = match &self.lines {
            Some((was, lines)) if *was == digest => lines.clone(),
            _ => {
                let lines: std::sync::Arc<str> = self.entry_lines().into();
                self.lines = Some((digest, lines.clone()));
                lines
            }
        };
        text.push_str(&lines);
        text
    }

    /// A digest of every entry (path, metadata and hash), in no order: equal digests mean
    /// the same entries.
    fn digest(&self) -> u128 {
        self.files.sum.wrapping_add(self.dirs.sum)
    }

    /// The entries' lines as last written, when they are still those of the entries: the
    /// base for [`Manifest::entries_changed`].
    pub(super) fn current_lines(&self) -> Option<std::sync::Arc<str>> {
        let (was, lines) = self.lines.as_ref()?;
        (*was == self.digest()).then(|| lines.clone())
    }

    /// Says that the entries of the files `files` and of the folders `dirs` (each added,
    /// changed or removed) are all that changed since `base`, the lines of the entries
    /// before ([`Manifest::current_lines`]): the lines to write are `base` with those
    /// lines written again, instead of every entry's (see [`patch_lines`]).
    pub(super) fn entries_changed(&mut self, base: &str, files: Vec<&str>, dirs: Vec<&str>) {
        let lines = patch_lines(self, base, files, dirs);
        self.lines = Some((self.digest(), lines.into()));
    }

    /// The line of the file `path`'s entry, if it has one.
    fn push_file_line(&self, text: &mut String, path: &str) {
        use std::fmt::Write;
        if let Some((meta, hash)) = self.files.get(path) {
            meta.push(text);
            let _ = writeln!(text, " {hash:032x}\t{path}");
        }
    }

    /// The line of the folder `path`'s entry, if it has one.
    fn push_dir_line(&self, text: &mut String, path: &str) {
        if let Some(meta) = self.dirs.get(path) {
            meta.push(text);
            text.push('\t');
            text.push_str(path);
            text.push_str("/\n");
        }
    }

    /// The entries' lines, sorted: the files, then the folders.
    fn entry_lines(&self) -> String {
        let mut text = String::with_capacity((self.files.len() + self.dirs.len()) * 100);
        // Sorted, and written in parallel pieces.
        use rayon::prelude::*;
        let mut files: Vec<(&String, &(Meta, u128))> = self.files.iter().collect();
        files.par_sort_unstable_by_key(|(p, _)| *p);
        let pieces: Vec<String> = files
            .par_chunks(1024)
            .map(|chunk| {
                let mut text = String::with_capacity(chunk.len() * 100);
                for (path, _) in chunk {
                    self.push_file_line(&mut text, path);
                }
                text
            })
            .collect();
        text.extend(pieces);
        let mut dirs: Vec<(&String, &Meta)> = self.dirs.iter().collect();
        dirs.par_sort_unstable_by_key(|(p, _)| *p);
        let pieces: Vec<String> = dirs
            .par_chunks(1024)
            .map(|chunk| {
                let mut text = String::with_capacity(chunk.len() * 80);
                for (path, _) in chunk {
                    self.push_dir_line(&mut text, path);
                }
                text
            })
            .collect();
        text.extend(pieces);
        text
    }

    /// Writes the manifest at `path`, replacing any other at once; records the file's
    /// metadata as written (see [`Manifest::read_kept`]).
    pub(super) fn save(&mut self, path: &Path) -> Result<(), Error> {
        let tmp = super::tmp_path(path);
        let saved =
            super::write_new(&tmp, self.text().as_bytes()).map_err(|e| Error::io(&tmp, e))?;
        // A rename keeps the file's inode, size and modification time.
        fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        self.saved = Some(saved);
        Ok(())
    }

    /// The manifest at `path`: `kept`, the one this process last saved or read there,
    /// when the file is still that one (the same inode, size and modification time), or
    /// else the file read again.
    pub(super) fn read_kept(path: &Path, kept: Option<Manifest>) -> Option<Manifest> {
        if let Some(kept) = kept.filter(|k| k.saved.is_some()) {
            if Meta::read(path).ok() == kept.saved {
                return Some(kept);
            }
        }
        Manifest::read(path)
    }

    /// Whether `dir` holds exactly what the manifest says: every entry has the recorded
    /// metadata (one `stat` each, in parallel); an entry changed shortly before the
    /// manifest was written is also checked by content: a file's hash, a folder's names.
    pub(super) fn holds_true(&self, dir: &Path) -> bool {
        use rayon::prelude::*;
        let racy = |m: &Meta| self.racy(m);
        let files = self
            .files
            .par_iter()
            .all(|(p, (m, hash))| file_holds(&dir.join(p), m, *hash, racy(m)));
        if !files {
            return false;
        }
        let racy_dirs: Vec<&str> = self
            .dirs
            .iter()
            .filter(|(_, m)| racy(m))
            .map(|(d, _)| d.as_str())
            .collect();
        let names = (!racy_dirs.is_empty()).then(|| self.names());
        self.dirs.par_iter().all(|(d, m)| {
            let path = if d == "." {
                dir.to_path_buf()
            } else {
                dir.join(d)
            };
            Meta::read(&path).is_ok_and(|now| now == *m)
                && (!racy(m)
                    || names
                        .as_ref()
                        .is_some_and(|n| lists(&path, n.get(d.as_str()))))
        })
    }

    /// Whether the file `path` of `dir` is as the manifest says: listed, with the recorded
    /// metadata (and hash, when racy); its metadata then.
    pub(super) fn file_true(&self, dir: &Path, path: &str) -> Option<(Meta, u128)> {
        let (m, hash) = *self.files.get(path)?;
        file_holds(&dir.join(path), &m, hash, self.racy(&m)).then_some((m, hash))
    }

    /// Whether an entry was changed so shortly before the manifest was written that its
    /// metadata alone does not tell (see [`settle_nanos`]).
    fn racy(&self, m: &Meta) -> bool {
        self.saved.is_none_or(|saved| {
            let at = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            at(m.secs, m.nanos)
                >= at(saved.secs, saved.nanos) - i128::from(settle_nanos(saved.nanos))
        })
    }

    /// Whether any entry is checked by content ([`Manifest::racy`]).
    fn any_racy(&self) -> bool {
        self.files.values().any(|(m, _)| self.racy(m)) || self.dirs.values().any(|m| self.racy(m))
    }

    /// The names each folder holds, by folder.
    fn names(&self) -> HashMap<&str, HashSet<&str>> {
        let mut names: HashMap<&str, HashSet<&str>> = HashMap::new();
        let paths = self
            .files
            .keys()
            .chain(self.dirs.keys().filter(|d| *d != "."));
        for p in paths {
            let (folder, name) = p.rsplit_once('/').unwrap_or((".", p));
            names.entry(folder).or_default().insert(name);
        }
        names
    }
}

/// Whether the file at `path` has the metadata `m` and, if `racy`, the hash `hash`.
fn file_holds(path: &Path, m: &Meta, hash: u128, racy: bool) -> bool {
    Meta::read(path).is_ok_and(|now| now == *m)
        && (!racy || fs::read(path).is_ok_and(|b| content_hash(&b) == hash))
}

/// Whether the folder at `path` holds exactly the entries `names` (none if `None`).
fn lists(path: &Path, names: Option<&HashSet<&str>>) -> bool {
    let Ok(entries) = fs::read_dir(path) else {
        return false;
    };
    let mut count = 0;
    for entry in entries {
        let Ok(entry) = entry else {
            return false;
        };
        count += 1;
        let name = entry.file_name();
        if !names.is_some_and(|n| name.to_str().is_some_and(|s| n.contains(s))) {
            return false;
        }
    }
    count == names.map_or(0, HashSet::len)
}

/// Removes the manifest at `path`, if any.
pub(super) fn remove(path: &Path) -> Result<(), Error> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// The stamp recorded by the last stamped write, if the output still holds exactly the
/// files it wrote, untouched: every file and folder has the inode, size and modification
/// time the manifest records. A file added, removed or renamed anywhere changes the
/// modification time of its folder, so nothing needs to be listed: the check is one `stat`
/// per recorded entry, in parallel.
///
/// Entries that had just changed when the manifest was written are checked by content; once
/// found true, the manifest is written again, so that the next build needs only their
/// metadata (as git does with its index).
pub fn current_stamp(out: &Path) -> Option<Stamp> {
    let out = fs::canonicalize(out).ok()?;
    let path = manifest_path(&out);
    let mut manifest = Manifest::read(&path)?;
    let stamp = manifest.stamp?;
    if !manifest.holds_true(&out) {
        return None;
    }
    if manifest.any_racy() {
        if let Ok(_lock) = super::lock::OutputLock::take(&out) {
            // Unless a build replaced it meanwhile.
            if Meta::read(&path).ok() == manifest.saved {
                let _ = manifest.save(&path);
            }
        }
    }
    Some(stamp)
}

/// `base`, lines of entries as [`Manifest::entry_lines`] writes them (the files sorted by
/// path, then the folders, each line's path after its first tab, a folder's ending in
/// `/`), with the lines of the paths in `files` and `dirs` written again from `m`'s
/// entries: the line of such a path is replaced by its entry's, or dropped when it has
/// none any more, and a path without a line gets its entry's in its place. When every
/// other entry of `m` is as `base` has it, this is `m.entry_lines()`, in one pass over
/// `base` rather than one line formatted per entry.
fn patch_lines(m: &Manifest, base: &str, mut files: Vec<&str>, mut dirs: Vec<&str>) -> String {
    files.sort_unstable();
    files.dedup();
    dirs.sort_unstable();
    dirs.dedup();
    let mut text = String::with_capacity(base.len() + (files.len() + dirs.len()) * 100);
    let (mut files, mut dirs) = (files.into_iter().peekable(), dirs.into_iter().peekable());
    // The changed entries of one kind before `path`, then `path`'s line: its entry's when it
    // changed, else `line` as it was.
    fn merge(
        text: &mut String,
        changed: &mut std::iter::Peekable<std::vec::IntoIter<&str>>,
        path: &str,
        line: &str,
        push: impl Fn(&mut String, &str),
    ) {
        while let Some(p) = changed.next_if(|p| *p < path) {
            push(text, p);
        }
        if changed.next_if(|p| *p == path).is_some() {
            push(text, path);
        } else {
            text.push_str(line);
        }
    }
    let mut in_dirs = false;
    for line in base.split_inclusive('\n') {
        let path = line
            .split_once('\t')
            .map_or("", |(_, p)| p)
            .trim_end_matches('\n');
        match path.strip_suffix('/') {
            Some(dir) => {
                if !in_dirs {
                    // The files' lines are over: the files left come before the folders.
                    for f in files.by_ref() {
                        m.push_file_line(&mut text, f);
                    }
                    in_dirs = true;
                }
                merge(&mut text, &mut dirs, dir, line, |t, d| {
                    m.push_dir_line(t, d)
                });
            }
            None => merge(&mut text, &mut files, path, line, |t, f| {
                m.push_file_line(t, f)
            }),
        }
    }
    for f in files {
        m.push_file_line(&mut text, f);
    }
    for d in dirs {
        m.push_dir_line(&mut text, d);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    mod patched_lines {
        use super::*;
        use proptest::prelude::*;

        /// A path among a few, so that changes meet existing entries; some share a prefix
        /// that sorts before `/` (`a-b` < `a/`).
        fn path() -> impl Strategy<Value = String> {
            prop::sample::select(vec![
                ".",
                "a",
                "a-b",
                "a/b",
                "a/b.html",
                "a-b/c",
                "b.html",
                "c/d/e.html",
                "c/d",
                "c",
                "z.xml",
                "a/index.html",
            ])
            .prop_map(str::to_string)
        }

        /// A change: a file or a folder, set to new metadata (`Some`) or removed.
        fn change() -> impl Strategy<Value = (bool, String, Option<u64>)> {
            (any::<bool>(), path(), prop::option::of(0u64..5))
        }

        fn apply(m: &mut Manifest, (dir, path, to): &(bool, String, Option<u64>)) {
            let meta = |n: u64| Meta {
                ino: n,
                len: n * 3,
                secs: 1_700_000_000 + n as i64,
                nanos: 7,
            };
            match (dir, to) {
                (false, Some(n)) => {
                    m.files
                        .insert(path.clone(), (meta(*n), u128::from(*n) << 70));
                }
                (false, None) => {
                    m.files.remove(path);
                }
                (true, Some(n)) => {
                    m.dirs.insert(path.clone(), meta(*n));
                }
                (true, None) => {
                    m.dirs.remove(path);
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn are_the_lines_written_from_scratch(
                before in prop::collection::vec(change(), 0..16),
                after in prop::collection::vec(change(), 0..8),
            ) {
                let mut m = Manifest::default();
                for c in &before {
                    apply(&mut m, c);
                }
                let base = m.entry_lines();
                for c in &after {
                    apply(&mut m, c);
                }
                let files = after.iter().filter(|c| !c.0).map(|c| c.1.as_str()).collect();
                let dirs = after.iter().filter(|c| c.0).map(|c| c.1.as_str()).collect();
                prop_assert_eq!(patch_lines(&m, &base, files, dirs), m.entry_lines());
            }
        }

        #[test]
        fn are_used_by_the_next_save() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("manifest");
            let mut m = Manifest::default();
            for c in [(false, "a.html", 1), (false, "b/c.html", 2), (true, "b", 3)] {
                apply(&mut m, &(c.0, c.1.to_string(), Some(c.2)));
            }
            m.save(&path).unwrap();
            let base = m.current_lines().expect("the lines just written");
            apply(&mut m, &(false, "a-b.html".into(), Some(4)));
            apply(&mut m, &(false, "a.html".into(), None));
            m.entries_changed(&base, vec!["a-b.html", "a.html"], vec![]);
            assert!(m.current_lines().is_some());
            m.save(&path).unwrap();
            let read = Manifest::read(&path).unwrap();
            assert_eq!(read.files, m.files);
            assert_eq!(read.dirs, m.dirs);
            assert_eq!(read.entry_lines(), m.entry_lines());
        }
    }

    #[test]
    fn a_stamp_reads_back_its_own_line_and_nothing_else() {
        let stamp = Stamp {
            key: 0x00ab_cdef_0123_4567,
            incidents: 6,
            files: 50,
        };
        assert_eq!(stamp.line(), "00abcdef01234567 6 50");
        assert_eq!(Stamp::parse(&stamp.line()), Some(stamp));
        for bad in [
            "",
            "00abcdef01234567 6",
            "00abcdef01234567 6 50 1",
            "abc 6 50",
            "00abcdef0123456g 6 50",
            "00abcdef01234567 x 50",
        ] {
            assert_eq!(Stamp::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_manifest_reads_back_its_own_text_and_refuses_a_damaged_one() {
        let meta = |ino| Meta {
            ino,
            len: 12,
            secs: 1_700_000_000,
            nanos: 5,
        };
        let mut m = Manifest {
            stamp: Some(Stamp {
                key: 7,
                incidents: 1,
                files: 2,
            }),
            checked: true,
            ..Manifest::default()
        };
        m.files
            .insert("index.html".into(), (meta(1), u128::MAX - 3));
        m.files.insert("a b/c.html".into(), (meta(2), 0));
        m.dirs.insert(".".into(), meta(3));
        m.dirs.insert("a b".into(), meta(4));
        let text = m.text();
        let mut back = Manifest::parse(&text).unwrap();
        assert_eq!(back.text(), text);
        assert_eq!(back.files, m.files);
        assert_eq!(back.dirs, m.dirs);
        assert_eq!(back.stamp, m.stamp);
        assert!(back.checked);
        // Cut anywhere inside a line, or of another version: not a manifest.
        for cut in [text.len() - 3, text.find("\tindex").unwrap() - 2] {
            assert!(Manifest::parse(&text[..cut]).is_none(), "{cut}");
        }
        assert!(Manifest::parse(&text.replace("manifest 3", "manifest 2")).is_none());
    }

    #[test]
    fn a_manifest_saved_again_writes_its_entries_as_they_are_now() {
        let meta = |ino, secs| Meta {
            ino,
            len: 12,
            secs,
            nanos: 5,
        };
        let mut m = Manifest::default();
        m.files.insert("a.html".into(), (meta(1, 10), 1));
        m.files.insert("b.html".into(), (meta(2, 10), 2));
        m.dirs.insert(".".into(), meta(3, 10));
        let first = m.text();
        // The same entries, and only the header changed: the lines kept are the same.
        m.checked = true;
        assert_eq!(m.text(), first.replace("unchecked", "checked"));
        // Each kind of change to an entry is written.
        let changes: [&dyn Fn(&mut Manifest); 5] = [
            &|m| {
                let (mut meta, hash) = m.files["a.html"];
                meta.secs = 11;
                m.files.insert("a.html".into(), (meta, hash));
            },
            &|m| {
                let (meta, _) = m.files["a.html"];
                m.files.insert("a.html".into(), (meta, 7));
            },
            &|m| {
                m.files.remove("b.html");
            },
            &|m| {
                m.dirs.insert("x".into(), meta(4, 10));
            },
            &|m| {
                let mut meta = m.dirs["."];
                meta.ino = 9;
                m.dirs.insert(".".into(), meta);
            },
        ];
        for change in changes {
            let before = m.text();
            change(&mut m);
            let now = m.text();
            assert_ne!(now, before);
            let fresh = Manifest::parse(&now).unwrap();
            assert_eq!((fresh.files, fresh.dirs), (m.files.clone(), m.dirs.clone()));
            assert_eq!(
                now,
                Manifest {
                    lines: None,
                    ..m.clone()
                }
                .text()
            );
        }
    }
}
