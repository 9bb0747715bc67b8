//! The only code that touches the output directory.
//!
//! A build never writes into the live output. It brings a sibling staging directory
//! (`.<name>.vigie-staging`) to the new content, writing only the files whose bytes
//! differ, then swaps the two directories in one `renameat2(RENAME_EXCHANGE)` call. A
//! reader of the output sees the old site or the new one, never a mix; a build that fails
//! or is killed before the swap leaves the output as it was. The previous output becomes
//! the next build's staging directory, so unchanged files are never rewritten, and a
//! build that changes nothing writes nothing at all.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod lock;
mod manifest;

use crate::error::Error;
use crate::render::Source;
use lock::OutputLock;
use manifest::push_manifest_line;
pub use manifest::{current_stamp, manifest_path, write_stamped, Stamp};

/// Suffix of files being written; a killed build may leave some in the staging directory,
/// and the next build removes them.
pub(super) const TMP_SUFFIX: &str = ".vigie-tmp";

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files whose bytes were written (into the staging directory before the swap).
    pub written: usize,
    /// Files removed because the build no longer produces them.
    pub removed: usize,
    /// Whether the output already held exactly this build, so nothing was touched.
    pub unchanged: bool,
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

/// Makes `out` hold exactly `files`, atomically.
pub fn write<S: Source>(out: &Path, files: &[S]) -> Result<WriteReport, Error> {
    let out = resolve(out)?;
    let _lock = OutputLock::take(&out)?;
    write_locked(&out, files).map(|(report, _)| report)
}

/// [`write`], with the output's lock held and `out` resolved; with the manifest's lines
/// of the files when a first build wrote them all (see [`fill`]).
pub(super) fn write_locked<'f, S: Source>(
    out: &Path,
    files: &'f [S],
) -> Result<(WriteReport, Option<Written<'f>>), Error> {
    let out = out.to_path_buf();
    check_is_ours(&out)?;
    if out.is_dir() && holds_exactly(&out, files)? {
        let report = WriteReport {
            unchanged: true,
            ..WriteReport::default()
        };
        return Ok((report, None));
    }
    let staging = staging_dir(&out);
    if !staging.is_dir() {
        if staging.exists() {
            fs::remove_file(&staging).map_err(|e| Error::io(&staging, e))?;
        }
        if out.is_dir() {
            // Share the unchanged files' storage with the live output: files are only ever
            // replaced by rename, never written in place, so the live copy is never touched.
            link_tree(&out, &staging)?;
        } else {
            fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
            // A first build: an empty folder that no reader sees, so no comparison and
            // no temporary names; a killed build leaves partial files that the next one's
            // comparison rewrites.
            let written = fill(&staging, files)?;
            swap(&staging, &out)?;
            let report = WriteReport {
                written: files.len(),
                ..WriteReport::default()
            };
            return Ok((report, Some(written)));
        }
    }
    let mut report = sync(&staging, files)?;
    swap(&staging, &out)?;
    report.unchanged = false;
    Ok((report, None))
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

/// Whether `dir` holds `files` and nothing else, byte for byte.
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

/// Mirrors `from` into a new `to` with hard links (copies where links are impossible).
fn link_tree(from: &Path, to: &Path) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| Error::io(from, e.into()))?;
        let target = to.join(entry.path().strip_prefix(from).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        } else if fs::hard_link(entry.path(), &target).is_err() {
            fs::copy(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(())
}

/// Writes `files` (sorted by path) into the empty folder `dir`, in parallel; gives the
/// manifest's line of each file, from the metadata of the file just written, and of each
/// folder that holds only files.
fn fill<'f, S: Source>(dir: &Path, files: &'f [S]) -> Result<Written<'f>, Error> {
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
    let lines: Vec<String> = groups
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|group| {
            let leaf =
                parent(group[0].path()).filter(|d| inner.binary_search(&(depth(d), d)).is_err());
            if let Some(d) = leaf {
                make_dir(&dir.join(d))?;
            }
            let mut lines = String::with_capacity(group.len() * 100);
            for f in group.iter() {
                let path = dir.join(f.path());
                let meta = write_new(&path, &f.bytes()?).map_err(|e| Error::io(&path, e))?;
                push_manifest_line(&mut lines, &meta, f.path());
            }
            // A folder of files only: done once its files are in.
            if let Some(d) = leaf {
                let path = dir.join(d);
                let meta = fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
                push_manifest_line(&mut lines, &meta, &format!("{d}/"));
            }
            Ok(lines)
        })
        .collect::<Result<_, Error>>()?;
    let inner = inner.into_iter().map(|(_, d)| d).collect();
    Ok(Written { lines, inner })
}

/// What [`fill`] wrote: the manifest's lines of the files and of the folders that hold
/// only files (a string of lines per folder), and the other folders (whose lines come
/// once the output is in place).
pub(super) struct Written<'f> {
    pub(super) lines: Vec<String>,
    pub(super) inner: Vec<&'f str>,
}

/// Writes `bytes` into a new file at `path`; its metadata once written.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<fs::Metadata> {
    use std::io::Write;
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

/// The folder part of an output path.
fn parent(path: &str) -> Option<&str> {
    path.rsplit_once('/').map(|(d, _)| d)
}

/// The folders an output path lies in, innermost first: `a/b/c.html` gives `a/b`, `a`.
pub(super) fn folders(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent(path), |d| parent(d))
}

/// Makes the folder `path`, whose parent exists; one that exists already is fine.
fn make_dir(path: &Path) -> Result<(), Error> {
    match fs::create_dir(path) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Brings `dir` to hold exactly `files`, writing only what differs.
fn sync<S: Source>(dir: &Path, files: &[S]) -> Result<WriteReport, Error> {
    let mut report = WriteReport::default();
    let wanted: HashSet<&str> = files.iter().map(|f| f.path()).collect();
    let mut wanted_dirs: HashSet<&str> = HashSet::new();
    for f in files {
        for d in folders(f.path()) {
            // A folder already in brought the folders above it.
            if !wanted_dirs.insert(d) {
                break;
            }
        }
    }
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
    // Compared and written in parallel; a file is replaced by rename, never rewritten in
    // place.
    use rayon::prelude::*;
    report.written = files
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|f| -> Result<usize, Error> {
            let path = dir.join(f.path());
            let bytes = f.bytes()?;
            if same_file_bytes(&path, &bytes).unwrap_or(false) {
                return Ok(0);
            }
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let tmp = PathBuf::from(format!("{}{TMP_SUFFIX}", path.display()));
            fs::write(&tmp, &bytes).map_err(|e| Error::io(&tmp, e))?;
            fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            Ok(1)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    Ok(report)
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
        write_stamped(&out, &files(&[("index.html", "2")]), &stamp(2, 1)).unwrap();
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
