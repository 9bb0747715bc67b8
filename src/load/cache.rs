//! [`ParseCache`]: the parse of each incident file (the incident or its diagnostics),
//! keyed by the file's path and exact bytes, under one root and one `site.yaml` (its exact
//! bytes). A file listed with the settled metadata it had when it was read is taken as
//! unchanged without reading it. Used by [`crate::load::load_with`]; see [`crate::memo`].

use std::path::PathBuf;

use crate::error::Diagnostic;
use crate::memo::Memo;
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

/// Parsed incident files, by path, under one root and one `site.yaml` (its exact bytes).
/// See the module documentation.
pub type ParseCache = Memo<PathBuf, ParsedFile, (PathBuf, Vec<u8>)>;

impl ParseCache {
    /// How many files the last load parsed; the others were taken from the cache.
    pub fn last_parsed(&self) -> usize {
        self.computed()
    }
}
