//! [`ParseCache`]: the parse of each incident file (the incident or its diagnostics),
//! keyed by the file's path and exact bytes, under one root and one `site.yaml` (its exact
//! bytes); and of each translation file, keyed the same way and by its original's parse.
//! A file listed with the settled metadata it had when it was read is taken as unchanged
//! without reading it. Used by [`crate::load::load_with`]; see [`crate::memo`].

use std::path::{Path, PathBuf};

use super::fingerprint::Stamp;

use crate::error::Diagnostic;
use crate::memo::Memo;
use crate::model::translation::Translation;
use crate::model::Incident;

/// The outcome of parsing one incident file, as a clean load would report it.
pub type Parsed = Result<std::sync::Arc<Incident>, Vec<Diagnostic>>;

/// One remembered file: its exact bytes when it was parsed, its metadata when it was
/// read if it was settled then (old enough to be trusted to change with the bytes, see
/// `digest.rs`: the same metadata listed later means the same bytes, and the file is not
/// read again), and what was made of it.
#[derive(Debug)]
pub struct ParsedFrom<T> {
    pub bytes: Vec<u8>,
    pub(super) stamp: Option<Stamp>,
    pub made: T,
}

/// One remembered incident file.
pub type ParsedFile = ParsedFrom<Parsed>;

/// One remembered translation file, right only for the very parse of the original it was
/// read with.
pub type ParsedTranslation = ParsedFrom<TranslationParse>;

/// What a translation file was made into, and from which parse of its original.
#[derive(Debug)]
pub struct TranslationParse {
    pub original: std::sync::Arc<Incident>,
    pub result: Result<std::sync::Arc<Translation>, Vec<Diagnostic>>,
}

/// What a load did with one file that a memo may remember, to put back in the memo once
/// every file is done ([`Outcome::settle`]).
pub(super) enum Outcome<R, T> {
    /// The memo's result; with the file's settled metadata to remember instead of the
    /// entry's, when it changed.
    Remembered(R, Option<Option<Stamp>>),
    /// Made now; with the memo's new entry for the file, when it keeps one (not for a file
    /// that could not be read).
    Made(R, Option<ParsedFrom<T>>),
}

impl<R, T> Outcome<R, T> {
    /// The result, with the memo's entries `old` brought up to date for the file `path`
    /// (the entries still right stay where they are; the new ones take their place, and a
    /// file made now without an entry loses the one it had); `path` is added to `held`
    /// when the memo holds it, and `made` counts the files made now.
    pub(super) fn settle<'p>(
        self,
        path: &'p PathBuf,
        old: &mut crate::memo::Entries<PathBuf, ParsedFrom<T>>,
        held: &mut Vec<&'p PathBuf>,
        made: &mut usize,
    ) -> R {
        match self {
            Outcome::Remembered(result, settled) => {
                if let Some(settled) = settled {
                    if let Some(seen) = old.get_mut(path) {
                        seen.stamp = settled;
                    }
                }
                held.push(path);
                result
            }
            Outcome::Made(result, entry) => {
                *made += 1;
                match entry {
                    Some(entry) => {
                        old.insert(path.clone(), entry);
                        held.push(path);
                    }
                    None => {
                        old.remove(path);
                    }
                }
                result
            }
        }
    }
}

/// What a load finds of one file that a memo may remember (see [`look`]).
pub(super) enum Looked<'c, V> {
    /// The remembered entry still holds, and the file's metadata (as listed or as read);
    /// with the settled metadata to remember instead of the entry's, when it changed.
    Same(&'c V, Stamp, Option<Option<Stamp>>),
    /// The file read now: its bytes, its metadata, and that metadata when it is settled
    /// (to remember with what is made of the bytes).
    New(Vec<u8>, Stamp, Option<Stamp>),
    /// The file could not be read.
    Unreadable(Vec<Diagnostic>),
}

/// The file `path` under `root` as a load with a memo looks at it: `seen`, the memo's
/// entry when it holds for everything but the bytes, is taken without reading the file
/// when the listing found it with the settled metadata the entry has (`listed`), or after
/// reading it when its bytes are the same; else the file as read. `looked_at` is when the
/// load started, which tells settled metadata (see `digest.rs`).
pub(super) fn look<'c, T>(
    root: &Path,
    path: &Path,
    listed: Option<Stamp>,
    seen: Option<&'c ParsedFrom<T>>,
    looked_at: std::time::SystemTime,
) -> Looked<'c, ParsedFrom<T>> {
    // Listed with the settled metadata it had when it was read: the same bytes.
    if let (Some(stamp), Some(seen)) = (listed, seen) {
        if seen.stamp == Some(stamp) {
            return Looked::Same(seen, stamp, None);
        }
    }
    let (bytes, stamp) = match super::read_incident(root, path) {
        Ok(read) => read,
        Err(d) => return Looked::Unreadable(d),
    };
    let settled = super::digest::settled(&stamp, looked_at).then_some(stamp);
    match seen.filter(|seen| seen.bytes == bytes) {
        Some(seen) => {
            let changed = (seen.stamp != settled).then_some(settled);
            Looked::Same(seen, stamp, changed)
        }
        None => Looked::New(bytes, stamp, settled),
    }
}

/// Parsed translation files, by path, under one root and one `site.yaml`.
pub type TranslationMemo = Memo<PathBuf, ParsedTranslation, (PathBuf, Vec<u8>)>;

/// Parsed incident and translation files, by path, under one root and one `site.yaml`
/// (its exact bytes). See the module documentation.
#[derive(Debug, Default)]
pub struct ParseCache {
    pub(super) incidents: Memo<PathBuf, ParsedFile, (PathBuf, Vec<u8>)>,
    pub(super) translations: TranslationMemo,
}

impl ParseCache {
    /// A cache that remembers parses from one load to the next.
    pub fn new() -> ParseCache {
        ParseCache {
            incidents: Memo::new(),
            translations: Memo::new(),
        }
    }

    /// A cache that remembers nothing.
    pub fn unused() -> ParseCache {
        ParseCache::default()
    }

    /// Whether parses are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.incidents.keeps()
    }

    /// Starts counting the work of a load.
    pub(crate) fn begin(&mut self) {
        self.incidents.begin();
        self.translations.begin();
    }

    /// How many files the last load parsed; the others were taken from the cache.
    pub fn last_parsed(&self) -> usize {
        self.incidents.computed() + self.translations.computed()
    }
}
