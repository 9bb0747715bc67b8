//! The manifest: a file next to the output that records which build it holds, so that a
//! build with nothing new can trust the output without reading it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::lock::OutputLock;
use super::{folders, resolve, sibling, write_locked, WriteReport, Written, TMP_SUFFIX};
use crate::error::Error;
use crate::render::Source;

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

/// The file next to `out` that records which build it holds: a stamp given by the caller
/// and the inode, size and modification time of every file, so that a later build can
/// trust the output without reading it.
pub fn manifest_path(out: &Path) -> PathBuf {
    sibling(out, "vigie-manifest")
}

const MANIFEST_HEADER: &str = "vigie-manifest 2";

/// [`write`], then records `stamp` in the manifest next to `out`.
pub fn write_stamped<S: Source>(
    out: &Path,
    files: &[S],
    stamp: &Stamp,
) -> Result<WriteReport, Error> {
    let resolved = resolve(out)?;
    let _lock = OutputLock::take(&resolved)?;
    let manifest = manifest_path(&resolved);
    // The manifest goes first: while the output changes, it describes nothing.
    match fs::remove_file(&manifest) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(Error::io(&manifest, e)),
        _ => {}
    }
    let (report, written) = write_locked(&resolved, files)?;
    save_manifest(&resolved, &manifest, stamp, files, written)?;
    Ok(report)
}

/// The stamp recorded by the last [`write_stamped`], if the output still holds exactly the
/// files it wrote, untouched: every file and folder has the inode, size and modification
/// time the manifest records. A file added, removed or renamed anywhere changes the
/// modification time of its folder, so nothing needs to be listed: the check is one `stat`
/// per recorded entry, in parallel.
pub fn current_stamp(out: &Path) -> Option<Stamp> {
    use rayon::prelude::*;
    let out = fs::canonicalize(out).ok()?;
    let text = fs::read_to_string(manifest_path(&out)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MANIFEST_HEADER {
        return None;
    }
    let stamp = Stamp::parse(lines.next()?)?;
    let entries: Vec<(&str, &str)> = lines
        .map(|line| line.split_once('\t'))
        .collect::<Option<_>>()?;
    let untouched = entries.par_iter().all(|(meta, path)| {
        let path = match path.strip_suffix('/') {
            Some(".") => out.clone(),
            Some(dir) => out.join(dir),
            None => out.join(path),
        };
        fs::symlink_metadata(path).is_ok_and(|m| file_meta(&m) == *meta)
    });
    untouched.then_some(stamp)
}

/// The manifest's line for the file at `path` (under the output) with metadata `m`.
fn manifest_line(m: &fs::Metadata, path: &str) -> String {
    let mut line = String::with_capacity(path.len() + 48);
    push_manifest_line(&mut line, m, path);
    line
}

/// [`manifest_line`], added to `out`.
pub(super) fn push_manifest_line(out: &mut String, m: &fs::Metadata, path: &str) {
    push_meta(out, m);
    out.push('\t');
    out.push_str(path);
    out.push('\n');
}

fn file_meta(m: &fs::Metadata) -> String {
    let mut meta = String::with_capacity(48);
    push_meta(&mut meta, m);
    meta
}

#[cfg(unix)]
fn push_meta(out: &mut String, m: &fs::Metadata) {
    use std::fmt::Write;
    use std::os::unix::fs::MetadataExt;
    let _ = write!(
        out,
        "{} {} {}.{}",
        m.ino(),
        m.len(),
        m.mtime(),
        m.mtime_nsec()
    );
}

#[cfg(not(unix))]
fn push_meta(out: &mut String, m: &fs::Metadata) {
    use std::fmt::Write;
    let _ = write!(out, "{} {:?}", m.len(), m.modified().ok());
}

/// Records `stamp` and the metadata of `files`, which `out` holds and nothing else (a
/// write just made it so, under the lock): `lines` when the write gave them, or read.
fn save_manifest<'f, S: Source>(
    out: &Path,
    manifest: &Path,
    stamp: &Stamp,
    files: &'f [S],
    written: Option<Written<'f>>,
) -> Result<(), Error> {
    use rayon::prelude::*;
    let (lines, mut dirs): (Vec<String>, Vec<&str>) = match written {
        Some(Written { lines, inner }) => (lines, inner),
        None => {
            let lines = files
                .par_iter()
                .map(|f| {
                    let path = out.join(f.path());
                    let meta = fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
                    Ok(manifest_line(&meta, f.path()))
                })
                .collect::<Result<_, Error>>()?;
            let mut dirs: Vec<&str> = files.iter().flat_map(|f| folders(f.path())).collect();
            dirs.sort_unstable();
            dirs.dedup();
            (lines, dirs)
        }
    };
    // The folders not recorded yet, and the output itself (`./`), now that all is in.
    dirs.push(".");
    let dir_lines: Vec<String> = dirs
        .par_iter()
        .map(|d| {
            let path = if *d == "." {
                out.to_path_buf()
            } else {
                out.join(d)
            };
            let meta = fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
            Ok(manifest_line(&meta, &format!("{d}/")))
        })
        .collect::<Result<_, Error>>()?;
    let mut text = format!("{MANIFEST_HEADER}\n{}\n", stamp.line());
    text.extend(lines);
    text.extend(dir_lines);
    let tmp = PathBuf::from(format!("{}{TMP_SUFFIX}", manifest.display()));
    fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, manifest).map_err(|e| Error::io(manifest, e))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
