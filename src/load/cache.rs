//! [`ParseCache`]: the parse of each incident file (the incident or its diagnostics),
//! keyed by the file's path and exact bytes, under one root and one `site.yaml` (its exact
//! bytes); and of each translation file, keyed the same way and by its original's parse.
//! A file listed with the settled metadata it had when it was read is taken as unchanged
//! without reading it. Used by [`crate::load::load_with`]; see [`crate::memo`].

use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::memo::Memo;
use crate::model::translation::Translation;
use crate::model::Incident;

/// The outcome of parsing one incident file, as a clean load would report it.
pub type Parsed = Result<std::sync::Arc<Incident>, Vec<Diagnostic>>;

/// One remembered incident file.
#[derive(Debug)]
pub struct ParsedFile {
    /// The file's exact bytes when it was parsed.
    pub bytes: Vec<u8>,
    /// The file's metadata when it was read, if it was settled then (old enough to be
    /// trusted to change with the bytes, see `digest.rs`): the same metadata listed later
    /// means the same bytes, and the file is not read again.
    pub(super) stamp: Option<super::fingerprint::Stamp>,
    pub result: Parsed,
}

/// One remembered translation file: as [`ParsedFile`], and right only for the very parse
/// of the original it was read with.
#[derive(Debug)]
pub struct ParsedTranslation {
    pub bytes: Vec<u8>,
    pub(super) stamp: Option<super::fingerprint::Stamp>,
    pub original: std::sync::Arc<Incident>,
    pub result: Result<std::sync::Arc<Translation>, Vec<Diagnostic>>,
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
