//! The only code that touches the output directory.
//!
//! A build never writes into the live output. It brings a sibling staging directory
//! (`.<name>.vigie-staging`) to the new content, writing only the files whose bytes
//! differ, then swaps the two directories in one `renameat2(RENAME_EXCHANGE)` call. A
//! reader of the output sees the old site or the new one, never a mix; a build that fails
//! or is killed before the swap leaves the output as it was. The previous output becomes
//! the next build's staging directory, so unchanged files are never rewritten, and a
//! build that changes nothing writes nothing at all.
//!
//! What each folder holds is known from its manifest ([`manifest`]): the hash of every
//! file's bytes, checked against the disk with one `stat` per entry. A build hashes what it
//! made and compares hashes; it reads a file back only when a manifest is missing or no
//! longer true (a build killed half-way, a file changed by hand).

use std::borrow::Cow;
/// Sets of output paths, with a fast hash: ten thousand of them a build.
type HashSet<T> = rustc_hash::FxHashSet<T>;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

mod lock;
mod manifest;

use crate::error::Error;
use crate::render::{content_hash, Source};
use lock::OutputLock;
pub use manifest::{current_stamp, manifest_path, Stamp};
use manifest::{staging_manifest_path, Entry, Manifest, Meta};

/// Suffix of files being written; a killed build may leave some in the staging directory,
/// and the next build removes them.
pub(super) const TMP_SUFFIX: &str = ".vigie-tmp";

/// How many bytes of made files a write keeps between hashing and writing them; beyond,
/// a file is made again when it is written (an incident page rendered twice), so that a
/// build that changes every page never holds them all.
const KEPT_BYTES: usize = 64 << 20;

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files whose bytes were written (into the staging directory before the swap).
    pub written: usize,
    /// Files removed because the build no longer produces them.
    pub removed: usize,
    /// Whether the output already held exactly this build, so nothing was touched.
    pub unchanged: bool,
    /// Files read back from the disk to compare them with the build's, because no true
    /// manifest said what they hold.
    pub read_back: usize,
}

/// The staging directory that goes with `out`.
pub fn staging_dir(out: &Path) -> PathBuf {
    sibling(out, "vigie-staging")
}

/// The hidden file or folder next to `out` that goes with it: `.public.<what>`.
fn sibling(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.{what}"))
}

/// The manifests that the last write of this process left next to the output, kept in
/// memory for the next one (`vigie watch`), which takes each of them instead of reading
/// it again only while its file is still the one saved (see [`Manifest::read_kept`]).
#[derive(Debug, Default)]
pub struct KeptManifests {
    keep: bool,
    out: Option<Manifest>,
    staging: Option<Manifest>,
}

impl KeptManifests {
    /// Manifests kept from one write to the next.
    pub fn new() -> KeptManifests {
        KeptManifests {
            keep: true,
            ..KeptManifests::default()
        }
    }

    /// Nothing kept: each write reads the manifests.
    pub fn unused() -> KeptManifests {
        KeptManifests::default()
    }

    fn keep(&mut self, out: Option<Manifest>, staging: Option<Manifest>) {
        if self.keep {
            self.out = out;
            self.staging = staging;
        }
    }
}

/// Makes `out` hold exactly `files` (sorted by path, each path once), atomically.
pub fn write<S: Source>(out: &Path, files: &[S]) -> Result<WriteReport, Error> {
    write_with(out, files, None, &mut KeptManifests::unused())
}

/// [`write`], recording `stamp` in the output's manifest for [`current_stamp`], and taking
/// the manifests from `kept` (and leaving the new ones there) when their files are still
/// the ones saved.
pub fn write_stamped<S: Source>(
    out: &Path,
    files: &[S],
    stamp: &Stamp,
    kept: &mut KeptManifests,
) -> Result<WriteReport, Error> {
    write_with(out, files, Some(*stamp), kept)
}

/// Marks the staging folder's manifest as checked, once every entry is found as it says:
/// for `vigie watch`, in the time between two builds, so that the next build trusts it
/// without a `stat` per file. Does nothing when there is no such manifest.
///
/// What this trusts: that nothing writes into the staging folder until the next build. A
/// file of the output edited in place (not replaced) shares its storage with the staging
/// folder's copy when both builds made the same bytes; such an edit, made after this
/// check, can stay in the output for one more build: the next build finds the output's
/// manifest untrue and compares every file.
pub fn check_staging(out: &Path, kept: &mut KeptManifests) -> Result<(), Error> {
    let out = resolve(out)?;
    let _lock = OutputLock::take(&out)?;
    let path = staging_manifest_path(&out);
    let Some(mut manifest) = Manifest::read_kept(&path, kept.staging.take()) else {
        return Ok(());
    };
    if !manifest.checked {
        if !manifest.holds_true(&staging_dir(&out)) {
            return manifest::remove(&path);
        }
        manifest.checked = true;
        manifest.save(&path)?;
    }
    let out_manifest = kept.out.take();
    kept.keep(out_manifest, Some(manifest));
    Ok(())
}

/// The hash of each file, and its bytes when they will be written and are worth keeping.
struct Hashed<'f> {
    hash: u128,
    kept: Option<Cow<'f, [u8]>>,
}

fn write_with<S: Source>(
    out: &Path,
    files: &[S],
    stamp: Option<Stamp>,
    kept: &mut KeptManifests,
) -> Result<WriteReport, Error> {
    debug_assert!(
        {
            let mut seen = HashSet::default();
            files.iter().all(|f| seen.insert(f.path()))
        },
        "each path is written once"
    );
    let out = resolve(out)?;
    let _lock = OutputLock::take(&out)?;
    check_is_ours(&out)?;
    let out_manifest = manifest_path(&out);
    let staging_manifest = staging_manifest_path(&out);
    // Removed before anything changes, written once all is in place: a build killed in
    // between leaves no manifest to trust.
    let staging = staging_dir(&out);
    let (kept_out, kept_staging) = (kept.out.take(), kept.staging.take());
    let (previous, staging_known) = rayon::join(
        || Manifest::read_kept(&out_manifest, kept_out),
        || {
            if staging.is_dir() {
                Manifest::read_kept(&staging_manifest, kept_staging)
            } else {
                None
            }
        },
    );
    manifest::remove(&out_manifest)?;
    if !out.is_dir() && !staging.is_dir() {
        // A first build: an empty folder that no reader sees, so no comparison and no
        // temporary names; a killed build leaves partial files that the next one's
        // comparison rewrites.
        manifest::remove(&staging_manifest)?;
        if staging.exists() {
            fs::remove_file(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
        let mut written = fill(&staging, files)?;
        swap(&staging, &out)?;
        written.stamp = stamp;
        written.checked = true;
        written.dirs.insert(
            ".".into(),
            Meta::read(&out).map_err(|e| Error::io(&out, e))?,
        );
        written.save(&out_manifest)?;
        kept.keep(Some(written), None);
        return Ok(WriteReport {
            written: files.len(),
            ..WriteReport::default()
        });
    }
    // What staging will hold before it is brought up to date, as far as known: the files
    // whose hash differs from it will be written, and their bytes are worth keeping.
    let baseline = if staging.is_dir() {
        staging_known.as_ref()
    } else {
        previous.as_ref()
    };
    let hashed = hash_all(files, baseline)?;
    // Nothing new: the output is right if it is as its manifest says.
    if out.is_dir() {
        let same = match &previous {
            Some(m) => {
                m.files.len() == files.len()
                    && files.iter().zip(&hashed).all(|(f, h)| {
                        m.files
                            .get(f.path())
                            .is_some_and(|(_, known)| *known == h.hash)
                    })
                    && m.holds_true(&out)
            }
            None => holds_exactly(&out, files)?,
        };
        if same {
            let mut previous = previous;
            if let Some(m) = &mut previous {
                m.stamp = stamp;
                m.checked = true;
                m.save(&out_manifest)?;
            }
            kept.keep(previous, staging_known);
            return Ok(WriteReport {
                unchanged: true,
                ..WriteReport::default()
            });
        }
    }
    manifest::remove(&staging_manifest)?;
    let known = if staging.is_dir() {
        staging_known.filter(|m| m.checked || m.holds_true(&staging))
    } else {
        if staging.exists() {
            fs::remove_file(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        // Share the unchanged files' storage with the live output: files are only ever
        // replaced by rename, never written in place, so the live copy is never touched.
        let trusted = previous.as_ref().filter(|m| m.holds_true(&out)).cloned();
        let linked = link_tree(&out, &staging)?;
        match trusted.filter(|_| linked) {
            // The same files (the same inodes), in new folders of the same names.
            Some(mut m) => {
                let dirs: Vec<String> = m.dirs.keys().cloned().collect();
                for d in dirs {
                    let path = if d == "." {
                        staging.clone()
                    } else {
                        staging.join(&d)
                    };
                    let meta = Meta::read(&path).map_err(|e| Error::io(&path, e))?;
                    m.dirs.insert(d, meta);
                }
                Some(m)
            }
            None => None,
        }
    };
    let live = previous.as_ref().map(|m| (out.as_path(), m));
    let (mut report, mut manifest) = match known {
        Some(known) => sync_known(&staging, files, &hashed, known, live)?,
        None => sync_unknown(&staging, files, &hashed)?,
    };
    swap(&staging, &out)?;
    manifest.stamp = stamp;
    manifest.checked = true;
    // The old output, now the staging folder, as its manifest said; unchecked, since
    // anyone may have changed it while it was the output.
    let mut old = previous;
    let (saved, old_saved) = rayon::join(
        || manifest.save(&out_manifest),
        || match &mut old {
            Some(old) => {
                old.stamp = None;
                old.checked = false;
                old.save(&staging_manifest)
            }
            None => Ok(()),
        },
    );
    saved?;
    old_saved?;
    kept.keep(Some(manifest), old);
    report.unchanged = false;
    Ok(report)
}

/// Each file's hash; with its bytes kept when `baseline` says they will be written
/// (within [`KEPT_BYTES`]), so that they are not made twice.
fn hash_all<'f, S: Source>(
    files: &'f [S],
    baseline: Option<&Manifest>,
) -> Result<Vec<Hashed<'f>>, Error> {
    use rayon::prelude::*;
    let budget = AtomicUsize::new(KEPT_BYTES);
    files
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|f| {
            if let Some(hash) = f.known_hash() {
                return Ok(Hashed { hash, kept: None });
            }
            let bytes = f.bytes()?;
            let hash = content_hash(&bytes);
            let changed =
                baseline.is_some_and(|m| m.files.get(f.path()).is_none_or(|k| k.1 != hash));
            let keep = changed
                && matches!(bytes, Cow::Owned(_))
                && budget
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                        left.checked_sub(bytes.len())
                    })
                    .is_ok();
            Ok(Hashed {
                hash,
                kept: keep.then_some(bytes),
            })
        })
        .collect()
}

/// `out` with symbolic links resolved, so that a linked output folder is swapped at its
/// real place and the link itself is kept.
pub(super) fn resolve(out: &Path) -> Result<PathBuf, Error> {
    match fs::canonicalize(out) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let parent = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            let parent = fs::canonicalize(parent).map_err(|e| Error::io(parent, e))?;
            Ok(parent.join(out.file_name().unwrap_or_default()))
        }
        Err(e) => Err(Error::io(out, e)),
    }
}

/// Refuses to replace a directory that does not look like a vigie output.
fn check_is_ours(out: &Path) -> Result<(), Error> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Refused(format!(
            "`{}` exists and is not a directory; refusing to replace it",
            out.display()
        )));
    }
    if !out.is_dir() {
        return Ok(());
    }
    let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    let empty = entries.next().is_none();
    let foreign = ["site.yaml", ".git", "Cargo.toml"]
        .iter()
        .any(|n| out.join(n).exists());
    if !empty && (foreign || !out.join("index.html").is_file()) {
        return Err(Error::Refused(format!(
            "`{}` is not empty and does not look like a site built by vigie (no index.html, or it holds sources); \
             refusing to replace it — choose another --out or empty it first",
            out.display()
        )));
    }
    Ok(())
}

/// Whether `dir` holds `files` and nothing else, byte for byte (read back: for an output
/// without a manifest).
fn holds_exactly<S: Source>(dir: &Path, files: &[S]) -> Result<bool, Error> {
    use rayon::prelude::*;
    let wanted: HashSet<&str> = files.iter().map(|f| f.path()).collect();
    let mut count = 0;
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        count += 1;
        if !wanted.contains(rel(dir, entry.path()).as_str()) {
            return Ok(false);
        }
    }
    if count != files.len() {
        return Ok(false);
    }
    // Stops at the first difference (or error) found.
    let difference = files
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|f| same_file_bytes(&dir.join(f.path()), &f.bytes()?))
        .find_any(|same| !matches!(same, Ok(true)));
    match difference {
        None => Ok(true),
        Some(Err(e)) => Err(e),
        Some(Ok(_)) => Ok(false),
    }
}

/// Whether the file at `path` holds exactly `bytes` (no file, no).
fn same_file_bytes(path: &Path, bytes: &[u8]) -> Result<bool, Error> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            Ok(fs::read(path).map_err(|e| Error::io(path, e))? == bytes)
        }
        _ => Ok(false),
    }
}

/// The `/`-separated path of `path` under `dir`.
fn rel(dir: &Path, path: &Path) -> String {
    let r = path.strip_prefix(dir).unwrap_or(path);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Mirrors `from` into a new `to` with hard links (copies where links are impossible);
/// whether every file was linked.
fn link_tree(from: &Path, to: &Path) -> Result<bool, Error> {
    let mut linked = true;
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| Error::io(from, e.into()))?;
        let target = to.join(entry.path().strip_prefix(from).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        } else if fs::hard_link(entry.path(), &target).is_err() {
            linked = false;
            fs::copy(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(linked)
}

/// Writes `files` (sorted by path) into the empty folder `dir`, in parallel; gives its
/// manifest, but for `dir` itself, from the metadata of the files just written.
fn fill<S: Source>(dir: &Path, files: &[S]) -> Result<Manifest, Error> {
    use rayon::prelude::*;
    // The folders that hold other folders are made first, level by level; each folder
    // that holds only files is made by the task that writes its files, so that making
    // ten thousand `incidents/<id>/` folders (which take turns on their parent's lock)
    // overlaps with writing.
    let mut inner: Vec<&str> = Vec::new();
    let mut last_leaf = None;
    for f in files {
        let leaf = parent(f.path());
        // Files come sorted by path: those of one folder are next to each other.
        if leaf == last_leaf {
            continue;
        }
        last_leaf = leaf;
        inner.extend(leaf.into_iter().flat_map(folders));
    }
    let depth = |d: &str| d.bytes().filter(|&b| b == b'/').count();
    let mut inner: Vec<(usize, &str)> = inner.into_iter().map(|d| (depth(d), d)).collect();
    inner.sort_unstable();
    inner.dedup();
    for level in inner.chunk_by(|a, b| a.0 == b.0) {
        level
            .par_iter()
            .try_for_each(|(_, d)| make_dir(&dir.join(d)))?;
    }
    let groups: Vec<&[S]> = files
        .chunk_by(|a, b| parent(a.path()) == parent(b.path()))
        .collect();
    // Each file's entry with its digest, and a folder's.
    type Entries = (Vec<(String, Meta, u128, u128)>, Option<(String, Meta)>);
    let entries: Vec<Entries> = groups
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|group| {
            let leaf =
                parent(group[0].path()).filter(|d| inner.binary_search(&(depth(d), d)).is_err());
            if let Some(d) = leaf {
                make_dir(&dir.join(d))?;
            }
            let mut written = Vec::with_capacity(group.len());
            for f in group.iter() {
                let path = dir.join(f.path());
                let bytes = f.bytes()?;
                let hash = f.known_hash().unwrap_or_else(|| content_hash(&bytes));
                let meta = write_new(&path, &bytes).map_err(|e| Error::io(&path, e))?;
                let digest = (meta, hash).digest(f.path());
                written.push((f.path().to_string(), meta, hash, digest));
            }
            // A folder of files only: done once its files are in.
            let leaf = match leaf {
                Some(d) => {
                    let path = dir.join(d);
                    let meta = Meta::read(&path).map_err(|e| Error::io(&path, e))?;
                    Some((d.to_string(), meta))
                }
                None => None,
            };
            Ok((written, leaf))
        })
        .collect::<Result<_, Error>>()?;
    let mut manifest = Manifest::default();
    manifest.files.reserve(files.len());
    for (written, leaf) in entries {
        for (path, meta, hash, digest) in written {
            manifest.files.insert_digested(path, (meta, hash), digest);
        }
        if let Some((d, meta)) = leaf {
            manifest.dirs.insert(d, meta);
        }
    }
    // The folders that hold folders, complete now.
    for (_, d) in inner {
        let path = dir.join(d);
        let meta = Meta::read(&path).map_err(|e| Error::io(&path, e))?;
        manifest.dirs.insert(d.to_string(), meta);
    }
    Ok(manifest)
}

/// Writes `bytes` into a new file at `path`; its metadata once written.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<Meta> {
    use std::io::Write;
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata().map(|m| Meta::of(&m))
}

/// Writes `bytes` at `path` under a temporary name, then renames it into place (a file is
/// never rewritten in place: the staging folder shares files with the output); its
/// metadata.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<Meta, Error> {
    let tmp = tmp_path(path);
    let meta = write_new(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
    Ok(meta)
}

/// Puts a hard link to `from` at `path`, replacing what is there.
fn link_into_place(from: &Path, path: &Path) -> io::Result<()> {
    let tmp = tmp_path(path);
    fs::hard_link(from, &tmp)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Where `path` is written before it is renamed into place.
pub(super) fn tmp_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}{TMP_SUFFIX}", path.display()))
}

/// The folder part of an output path.
fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(d, _)| d)
}

/// The folders an output path lies in, innermost first: `a/b/c.html` gives `a/b`, `a`.
pub(super) fn folders(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent(path), |d| parent(d))
}

/// The folders that the files at `paths` need, each once.
fn wanted_dirs<'f>(paths: impl Iterator<Item = &'f str>) -> HashSet<&'f str> {
    let mut wanted: HashSet<&str> = HashSet::default();
    for path in paths {
        for d in folders(path) {
            // A folder already in brought the folders above it.
            if !wanted.insert(d) {
                break;
            }
        }
    }
    wanted
}

/// Makes the folder `path`, whose parent exists; one that exists already is fine.
fn make_dir(path: &Path) -> Result<(), Error> {
    match fs::create_dir(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Brings `dir`, which holds exactly what `known` says, to hold exactly `files`: removes
/// what is not wanted and writes the files whose hash differs, nothing else; gives the
/// folder's new manifest, from `known` and the metadata of what changed. A file that the
/// live output (`live`: the folder and its manifest) already holds with these bytes is
/// linked from it rather than written, so that the new output keeps it as it was (the
/// staging folder is one build behind the output).
fn sync_known<S: Source>(
    dir: &Path,
    files: &[S],
    hashed: &[Hashed],
    mut known: Manifest,
    live: Option<(&Path, &Manifest)>,
) -> Result<(WriteReport, Manifest), Error> {
    use rayon::prelude::*;
    let mut report = WriteReport::default();
    // The files new or changed, by index: each looked up once.
    let differ: Vec<usize> = files
        .par_iter()
        .zip(hashed)
        .enumerate()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .filter(|(_, (f, h))| known.files.get(f.path()).is_none_or(|k| k.1 != h.hash))
        .map(|(n, _)| n)
        .collect();
    let new: Vec<&str> = differ
        .iter()
        .map(|&n| files[n].path())
        .filter(|p| !known.files.contains_key(*p))
        .collect();
    // Every file known is still wanted when as many known ones are wanted (each path is
    // there once): nothing to remove, and only the new files' folders can be new (a
    // manifest's folders are those of its files). Else the sets of every path wanted
    // tell what goes.
    let keeps_all = files.len() - new.len() == known.files.len();
    let wanted: HashSet<&str> = if keeps_all {
        HashSet::default()
    } else {
        files.iter().map(|f| f.path()).collect()
    };
    let wanted_dirs = if keeps_all {
        wanted_dirs(new.iter().copied())
    } else {
        wanted_dirs(files.iter().map(|f| f.path()))
    };
    // The manifest's lines as they are now, and the entries changed from here on: its
    // new lines are these, with those lines written again.
    let base = known.current_lines();
    let (mut changed_files, mut changed_dirs) = (Vec::new(), Vec::new());
    // Folders whose entries change: their metadata is read again at the end.
    let mut touched: HashSet<String> = HashSet::default();
    let mut touch = |d: Option<&str>| {
        touched.insert(d.unwrap_or(".").to_string());
    };
    // Files first, so that a file never blocks a folder of the same name, then folders,
    // deepest first.
    let stale: Vec<String> = if keeps_all {
        Vec::new()
    } else {
        known
            .files
            .keys()
            .filter(|p| !wanted.contains(p.as_str()))
            .cloned()
            .collect()
    };
    for p in stale {
        let path = dir.join(&p);
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        known.files.remove(&p);
        touch(parent(&p));
        report.removed += 1;
        changed_files.push(p);
    }
    // With no file removed, every folder keeps a file.
    let mut stale_dirs: Vec<String> = if keeps_all {
        Vec::new()
    } else {
        known
            .dirs
            .keys()
            .filter(|d| *d != "." && !wanted_dirs.contains(d.as_str()))
            .cloned()
            .collect()
    };
    stale_dirs.sort_unstable_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    for d in stale_dirs {
        let path = dir.join(&d);
        fs::remove_dir(&path).map_err(|e| Error::io(&path, e))?;
        known.dirs.remove(&d);
        touch(parent(&d));
        changed_dirs.push(d);
    }
    // New folders, outermost first.
    let mut new_dirs: Vec<&str> = wanted_dirs
        .iter()
        .copied()
        .filter(|d| !known.dirs.contains_key(*d))
        .collect();
    new_dirs.sort_unstable_by_key(|d| d.matches('/').count());
    for d in &new_dirs {
        make_dir(&dir.join(d))?;
        touch(parent(d));
        touch(Some(d));
    }
    let changes: Vec<(usize, Meta, bool)> = differ
        .par_iter()
        .with_max_len(1)
        .map(|&n| {
            let (f, h) = (&files[n], &hashed[n]);
            let path = dir.join(f.path());
            if let Some((out, m)) = live {
                if let Some((meta, _)) = m.file_true(out, f.path()).filter(|l| l.1 == h.hash) {
                    if link_into_place(&out.join(f.path()), &path).is_ok() {
                        return Ok((n, meta, false));
                    }
                }
            }
            let meta = match &h.kept {
                Some(bytes) => replace_file(&path, bytes)?,
                None => replace_file(&path, &f.bytes()?)?,
            };
            Ok((n, meta, true))
        })
        .collect::<Result<_, Error>>()?;
    report.written = changes.iter().filter(|c| c.2).count();
    for (n, meta, _) in changes {
        let p = files[n].path();
        touch(parent(p));
        known.files.insert(p.to_string(), (meta, hashed[n].hash));
        changed_files.push(p.to_string());
    }
    for d in touched {
        if d != "." && !known.dirs.contains_key(d.as_str()) && !wanted_dirs.contains(d.as_str()) {
            continue; // removed
        }
        let path = if d == "." {
            dir.to_path_buf()
        } else {
            dir.join(&d)
        };
        let meta = Meta::read(&path).map_err(|e| Error::io(&path, e))?;
        known.dirs.insert(d.clone(), meta);
        changed_dirs.push(d);
    }
    if let Some(base) = base {
        let files = changed_files.iter().map(String::as_str).collect();
        let dirs = changed_dirs.iter().map(String::as_str).collect();
        known.entries_changed(&base, files, dirs);
    }
    Ok((report, known))
}

/// Brings `dir`, whose content is not known, to hold exactly `files`: lists it, removes
/// what is not wanted, reads back each file and writes those that differ; gives the
/// folder's manifest, from the metadata of every entry.
fn sync_unknown<S: Source>(
    dir: &Path,
    files: &[S],
    hashed: &[Hashed],
) -> Result<(WriteReport, Manifest), Error> {
    use rayon::prelude::*;
    let mut report = WriteReport::default();
    let wanted: HashSet<&str> = files.iter().map(|f| f.path()).collect();
    let wanted_dirs = wanted_dirs(files.iter().map(|f| f.path()));
    // Remove what is not wanted first, so that a file never blocks a folder of the same name.
    let mut stale_dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(|e| Error::io(dir, e.into()))?;
        let path = rel(dir, entry.path());
        if entry.file_type().is_dir() {
            if !wanted_dirs.contains(path.as_str()) {
                stale_dirs.push(entry.into_path());
            }
        } else if !wanted.contains(path.as_str()) {
            fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            if !path.ends_with(TMP_SUFFIX) {
                report.removed += 1;
            }
        }
    }
    for d in stale_dirs {
        fs::remove_dir(&d).map_err(|e| Error::io(&d, e))?;
    }
    let read_back = AtomicUsize::new(0);
    let metas: Vec<(Meta, bool)> = files
        .par_iter()
        .zip(hashed)
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|(f, h)| -> Result<(Meta, bool), Error> {
            let path = dir.join(f.path());
            let bytes = match &h.kept {
                Some(bytes) => Cow::Borrowed(&bytes[..]),
                None => f.bytes()?,
            };
            if let Ok(m) = fs::symlink_metadata(&path) {
                if m.is_file() && m.len() == bytes.len() as u64 {
                    read_back.fetch_add(1, Ordering::Relaxed);
                    if fs::read(&path).map_err(|e| Error::io(&path, e))? == *bytes {
                        return Ok((Meta::of(&m), false));
                    }
                }
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            Ok((replace_file(&path, &bytes)?, true))
        })
        .collect::<Result<_, Error>>()?;
    report.read_back = read_back.into_inner();
    let mut manifest = Manifest::default();
    manifest.files.reserve(files.len());
    for ((f, h), (meta, written)) in files.iter().zip(hashed).zip(metas) {
        report.written += usize::from(written);
        manifest.files.insert(f.path().to_string(), (meta, h.hash));
    }
    let dirs: Vec<&str> = wanted_dirs.into_iter().chain(["."]).collect();
    let metas: Vec<Meta> = dirs
        .par_iter()
        .map(|d| {
            let path = if *d == "." {
                dir.to_path_buf()
            } else {
                dir.join(d)
            };
            Meta::read(&path).map_err(|e| Error::io(&path, e))
        })
        .collect::<Result<_, Error>>()?;
    manifest.dirs = dirs.into_iter().map(String::from).zip(metas).collect();
    Ok((report, manifest))
}

/// Puts `staging` in the place of `out`; the old output (if any) becomes `staging`.
fn swap(staging: &Path, out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| Error::io(out, e));
    }
    exchange(staging, out).map_err(|e| Error::io(out, e))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        // File systems without RENAME_EXCHANGE: the two-step swap.
        Some(libc::EINVAL) | Some(libc::ENOSYS) => exchange_by_renames(a, b),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    exchange_by_renames(a, b)
}

/// Swaps two directories with three renames (a short moment without `b`).
fn exchange_by_renames(a: &Path, b: &Path) -> io::Result<()> {
    let aside = b.with_file_name(format!(
        ".{}.vigie-old",
        b.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    if aside.exists() {
        fs::remove_dir_all(&aside)?;
    }
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFile;

    fn files(pairs: &[(&str, &str)]) -> Vec<OutputFile> {
        pairs
            .iter()
            .map(|(p, b)| OutputFile::new(*p, b.as_bytes().to_vec()))
            .collect()
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (rel(dir, e.path()), fs::read_to_string(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_build_replaces_the_output_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &files(&[("index.html", "1"), ("a/index.html", "a")])).unwrap();
        let r = write(&out, &files(&[("index.html", "2"), ("b/index.html", "b")])).unwrap();
        assert_eq!(
            tree(&out),
            [
                ("b/index.html".into(), "b".into()),
                ("index.html".into(), "2".into())
            ]
        );
        assert_eq!(r.removed, 1);
        // A third build goes through the old output, now the staging folder.
        write(&out, &files(&[("index.html", "3")])).unwrap();
        assert_eq!(tree(&out), [("index.html".into(), "3".into())]);
    }

    #[test]
    fn an_unchanged_build_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let f = files(&[("index.html", "1"), ("a/b.html", "x")]);
        write(&out, &f).unwrap();
        let before = fs::metadata(out.join("a/b.html"))
            .unwrap()
            .modified()
            .unwrap();
        let r = write(&out, &f).unwrap();
        assert!(r.unchanged);
        assert_eq!(
            fs::metadata(out.join("a/b.html"))
                .unwrap()
                .modified()
                .unwrap(),
            before
        );
    }

    #[test]
    fn hard_linked_staging_never_changes_the_live_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &files(&[("index.html", "1"), ("same.html", "s")])).unwrap();
        write(&out, &files(&[("index.html", "2"), ("same.html", "s")])).unwrap();
        // Staging now holds build 1, sharing `same.html` with the live output.
        write(&out, &files(&[("index.html", "3"), ("same.html", "t")])).unwrap();
        assert_eq!(
            tree(&out),
            [
                ("index.html".into(), "3".into()),
                ("same.html".into(), "t".into())
            ]
        );
        assert_eq!(
            tree(&staging_dir(&out)),
            [
                ("index.html".into(), "2".into()),
                ("same.html".into(), "s".into())
            ]
        );
    }

    #[test]
    fn a_stamped_output_is_trusted_until_a_file_is_touched_or_added() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let stamp = |key, files| Stamp {
            key,
            incidents: 1,
            files,
        };
        let build_k1 = || {
            write_stamped(
                &out,
                &files(&[("index.html", "1"), ("a/b.html", "x")]),
                &stamp(1, 2),
                &mut KeptManifests::unused(),
            )
            .unwrap()
        };
        build_k1();
        assert_eq!(current_stamp(&out), Some(stamp(1, 2)));
        fs::write(out.join("extra.html"), "e").unwrap();
        assert_eq!(current_stamp(&out), None, "an added file");
        fs::remove_file(out.join("extra.html")).unwrap();
        // The folder changed, even if it holds the same files again: built anew.
        assert_eq!(current_stamp(&out), None, "a folder changed");
        build_k1();
        assert_eq!(current_stamp(&out), Some(stamp(1, 2)));
        fs::create_dir(out.join("a/new")).unwrap();
        assert_eq!(current_stamp(&out), None, "an added folder");
        fs::remove_dir(out.join("a/new")).unwrap();
        build_k1();
        fs::write(out.join("a/b.html"), "y").unwrap();
        assert_eq!(current_stamp(&out), None, "a rewritten file");
        write_stamped(
            &out,
            &files(&[("index.html", "2")]),
            &stamp(2, 1),
            &mut KeptManifests::unused(),
        )
        .unwrap();
        assert_eq!(current_stamp(&out), Some(stamp(2, 1)));
        assert_eq!(tree(&out), [("index.html".into(), "2".into())]);
    }

    #[test]
    fn concurrent_builds_of_one_output_take_turns() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let site = |tag: &str| -> Vec<OutputFile> {
            let mut v = vec![OutputFile::new("index.html", tag.as_bytes().to_vec())];
            v.extend((0..200).map(|n| {
                OutputFile::new(
                    format!("p/{n}/index.html"),
                    format!("{tag} {n}").into_bytes(),
                )
            }));
            v
        };
        write(&out, &site("a")).unwrap();
        std::thread::scope(|scope| {
            for tag in ["b", "c", "d", "e"] {
                let (out, files) = (&out, site(tag));
                scope.spawn(move || {
                    for _ in 0..5 {
                        write(out, &files).unwrap();
                    }
                });
            }
        });
        // Whichever build came last, the output is exactly one of them.
        let tree = tree(&out);
        let tag = tree
            .iter()
            .find(|(p, _)| p == "index.html")
            .unwrap()
            .1
            .clone();
        let expected: Vec<(String, String)> = {
            let mut v: Vec<(String, String)> = site(&tag)
                .into_iter()
                .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(tree, expected);
    }

    /// Ten pages in folders of their own and an index; `changed` pages say `v`.
    fn site(v: &str, changed: &[usize]) -> Vec<OutputFile> {
        let mut f = vec![OutputFile::new("index.html", format!("index {v}"))];
        f.extend((0..10).map(|n| {
            let version = if changed.contains(&n) { v } else { "0" };
            OutputFile::new(format!("p/{n}/index.html"), format!("page {n} {version}"))
        }));
        f
    }

    #[test]
    fn an_edit_rebuild_writes_only_what_changed_and_reads_nothing_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site("1", &[])).unwrap();
        // The staging folder is made from the output, whose manifest is true.
        let r = write(&out, &site("2", &[3])).unwrap();
        assert_eq!((r.written, r.removed, r.read_back), (2, 0, 0));
        // The old output, now the staging folder, is checked against its manifest.
        let r = write(&out, &site("3", &[3, 4])).unwrap();
        assert_eq!((r.written, r.removed, r.read_back), (3, 0, 0), "{r:?}");
        let mut fewer = site("4", &[4]);
        fewer.retain(|f| f.path != "p/9/index.html");
        let r = write(&out, &fewer).unwrap();
        assert_eq!((r.written, r.removed, r.read_back), (3, 1, 0), "{r:?}");
        assert!(!out.join("p/9").exists());
        let r = write(&out, &fewer).unwrap();
        assert!(r.unchanged);
        let expected: Vec<(String, String)> = {
            let mut v: Vec<_> = fewer
                .iter()
                .map(|f| (f.path.clone(), String::from_utf8(f.bytes.clone()).unwrap()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(tree(&out), expected);
        // Checked between builds, the staging folder is trusted without a `stat` per file.
        check_staging(&out, &mut KeptManifests::unused()).unwrap();
        assert!(fs::read_to_string(staging_manifest_path(&out))
            .unwrap()
            .contains("\nchecked\n"));
        let r = write(&out, &site("5", &[1])).unwrap();
        assert_eq!(r.read_back, 0);
        assert_eq!(tree(&out), {
            let mut v: Vec<_> = site("5", &[1])
                .iter()
                .map(|f| (f.path.clone(), String::from_utf8(f.bytes.clone()).unwrap()))
                .collect();
            v.sort();
            v
        });
    }

    #[test]
    fn a_folder_no_longer_built_is_removed_from_a_mirrored_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site("1", &[])).unwrap();
        let mut fewer = site("2", &[]);
        fewer.retain(|f| !f.path.starts_with("p/9/"));
        // The staging folder is made from the output, with hard links.
        let r = write(&out, &fewer).unwrap();
        assert_eq!((r.written, r.removed, r.read_back), (1, 1, 0), "{r:?}");
        assert!(!out.join("p/9").exists());
        let r = write(&out, &fewer).unwrap();
        assert!(r.unchanged, "{r:?}");
    }

    #[test]
    fn a_file_changed_by_hand_anywhere_is_never_trusted() {
        changed_by_hand(&mut KeptManifests::unused());
    }

    /// As `vigie watch` writes: the manifests kept in memory from one write to the next,
    /// and also changed by hand.
    #[test]
    fn kept_manifests_are_trusted_no_more_than_their_files() {
        changed_by_hand(&mut KeptManifests::new());
        // A manifest replaced by hand (by another build, say) is read again, and one
        // removed is not used.
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let mut kept = KeptManifests::new();
        let stamp = Stamp {
            key: 1,
            incidents: 1,
            files: 11,
        };
        write_stamped(&out, &site("1", &[]), &stamp, &mut kept).unwrap();
        write_stamped(&out, &site("2", &[3]), &stamp, &mut kept).unwrap();
        check_staging(&out, &mut kept).unwrap();
        assert!(kept.staging.as_ref().is_some_and(|m| m.checked));
        // The staging folder changed, and its manifest with it, by someone else.
        fs::write(staging_dir(&out).join("p/4/index.html"), "PAGE 4 0").unwrap();
        manifest::remove(&staging_manifest_path(&out)).unwrap();
        let r = write_stamped(&out, &site("3", &[3]), &stamp, &mut kept).unwrap();
        assert!(r.read_back > 0, "{r:?}");
        assert_eq!(tree(&out), expect(&site("3", &[3])));
        // The output's manifest rewritten (here: as an unchecked copy of itself).
        let path = manifest_path(&out);
        let text = fs::read_to_string(&path).unwrap();
        fs::remove_file(&path).unwrap();
        fs::write(&path, text.replace("\nchecked\n", "\nunchecked\n")).unwrap();
        let read = Manifest::read_kept(&path, kept.out.take()).unwrap();
        assert!(!read.checked, "read again, not taken from memory");
    }

    /// The whole site's files, as `tree` gives them.
    fn expect(files: &[OutputFile]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = files
            .iter()
            .map(|f| (f.path.clone(), String::from_utf8(f.bytes.clone()).unwrap()))
            .collect();
        v.sort();
        v
    }

    fn changed_by_hand(kept: &mut KeptManifests) {
        let write = |out: &Path, files: &[OutputFile], kept: &mut KeptManifests| {
            write_with(out, files, None, kept)
        };
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site("1", &[]), kept).unwrap();
        write(&out, &site("2", &[3]), kept).unwrap();
        // In place, same size: the output's copy shares its storage with the staging
        // folder's, so both change.
        fs::write(out.join("p/5/index.html"), "PAGE 5 0").unwrap();
        let r = write(&out, &site("3", &[3]), kept).unwrap();
        assert!(r.read_back > 0, "{r:?}");
        assert_eq!(tree(&out), expect(&site("3", &[3])));
        // The staging folder changed by hand: compared, not trusted.
        fs::write(staging_dir(&out).join("p/6/index.html"), "PAGE 6 0").unwrap();
        fs::write(staging_dir(&out).join("p/stray.html"), "x").unwrap();
        let r = write(&out, &site("4", &[3]), kept).unwrap();
        assert!(r.read_back > 0, "{r:?}");
        assert_eq!(tree(&out), expect(&site("4", &[3])));
        // An unchanged build finds the output changed by hand, and mends it.
        fs::write(out.join("p/7/index.html"), "PAGE 7 0").unwrap();
        let r = write(&out, &site("4", &[3]), kept).unwrap();
        assert!(!r.unchanged);
        assert_eq!(tree(&out), expect(&site("4", &[3])));
        // A staging manifest checked, then the folder changed: `check_staging` drops it.
        write(&out, &site("5", &[3]), kept).unwrap();
        fs::write(staging_dir(&out).join("p/8/index.html"), "PAGE 8 0").unwrap();
        check_staging(&out, kept).unwrap();
        assert!(!staging_manifest_path(&out).exists());
        write(&out, &site("6", &[3]), kept).unwrap();
        assert_eq!(tree(&out), expect(&site("6", &[3])));
    }

    #[test]
    fn a_foreign_directory_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            write(&out, &files(&[("index.html", "1")])),
            Err(Error::Refused(_))
        ));
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn leftovers_of_a_killed_build_are_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &files(&[("index.html", "1")])).unwrap();
        let staging = staging_dir(&out);
        fs::create_dir_all(staging.join("half")).unwrap();
        fs::write(staging.join("half/index.html.vigie-tmp"), "partial").unwrap();
        fs::write(staging.join("index.html"), "garbage").unwrap();
        write(&out, &files(&[("index.html", "2")])).unwrap();
        assert_eq!(tree(&out), [("index.html".into(), "2".into())]);
    }
}
