//! Memos that let `vigie serve` rebuild less than everything after an edit, with a result
//! that always equals a clean build.
//!
//! The stages stay pure functions of their inputs; these caches only remember earlier
//! results of the same functions, keyed by everything those results depend on:
//!
//! - [`ParseCache`]: the parse of each incident file (the incident or its diagnostics),
//!   keyed by the file's path and exact bytes, under one root and one `site.yaml` (its
//!   exact bytes). Used by [`crate::content::load_with`].
//! - [`PageCache`]: each rendered incident page (`incidents/<id>/index.html`), keyed by the
//!   incident, its state at `now` (phase, status, duration), which of its posts are
//!   already published at `now`, and the whole configuration. Used by
//!   [`crate::render::site_with`].
//!
//! `vigie build` passes caches that keep nothing ([`Caches::unused`]), so that both
//! commands run the same code. The aggregate pages (front page, history, components,
//! feeds, API, calendar, badges, sitemap) depend on every incident and are always
//! rendered again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::model::Incident;
use crate::status::IncidentState;

/// Both caches of a rebuild.
#[derive(Debug, Default)]
pub struct Caches {
    pub parse: ParseCache,
    pub pages: PageCache,
}

impl Caches {
    /// Caches that remember results from one rebuild to the next.
    pub fn new() -> Caches {
        Caches {
            parse: ParseCache::new(),
            pages: PageCache::new(),
        }
    }

    /// Caches that remember nothing: a clean build, without the cost of remembering.
    pub fn unused() -> Caches {
        Caches {
            parse: ParseCache::unused(),
            pages: PageCache::unused(),
        }
    }
}

/// The outcome of parsing one incident file, as a clean load would report it.
pub(crate) type Parsed = Result<Incident, Vec<Diagnostic>>;

/// One remembered incident file.
#[derive(Debug)]
pub(crate) struct ParsedFile {
    /// The file's exact bytes when it was parsed.
    pub bytes: Vec<u8>,
    pub result: Parsed,
}

/// Parsed incident files, by path. See the module documentation.
#[derive(Debug, Default)]
pub struct ParseCache {
    keep: bool,
    /// The root and the `site.yaml` bytes the entries were parsed under.
    under: Option<(PathBuf, Vec<u8>)>,
    entries: HashMap<PathBuf, ParsedFile>,
    /// How many files the last load parsed (the others were remembered).
    parsed: usize,
}

impl ParseCache {
    /// A cache that remembers parses from one load to the next.
    pub fn new() -> ParseCache {
        ParseCache {
            keep: true,
            ..ParseCache::default()
        }
    }

    /// A cache that remembers nothing.
    pub fn unused() -> ParseCache {
        ParseCache::default()
    }

    /// Whether results are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts counting the work of a load, which may fail before it parses anything.
    pub(crate) fn begin(&mut self) {
        self.parsed = 0;
    }

    /// Starts a load of `root` under a `site.yaml` of `config` bytes: returns the entries
    /// that are still valid (none when the root or the configuration changed), to be put
    /// back, pruned and completed, with [`ParseCache::finish`].
    pub(crate) fn start(&mut self, root: &Path, config: &[u8]) -> HashMap<PathBuf, ParsedFile> {
        let entries = std::mem::take(&mut self.entries);
        let same = self
            .under
            .as_ref()
            .is_some_and(|(r, c)| r == root && c == config);
        if !self.keep {
            return HashMap::new();
        }
        if !same {
            self.under = Some((root.to_path_buf(), config.to_vec()));
            return HashMap::new();
        }
        entries
    }

    /// Ends a load: `entries` are exactly the files it found, `parsed` how many it parsed.
    pub(crate) fn finish(&mut self, entries: HashMap<PathBuf, ParsedFile>, parsed: usize) {
        if self.keep {
            self.entries = entries;
        }
        self.parsed = parsed;
    }

    /// How many files the last load parsed; the others were taken from the cache.
    pub fn last_parsed(&self) -> usize {
        self.parsed
    }

    /// How many files are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no file is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What an incident page depends on besides the configuration: the incident, its state at
/// `now`, and how many of its posts are published at `now` (the summary of an incident
/// quotes its latest published post). If an incident page ever shows more of `now` or of
/// other incidents, it must be added here; the equality tests in `tests/integration/`
/// `serve_cache.rs` change `now` between rebuilds to catch that.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PageKey {
    pub incident: Incident,
    pub state: IncidentState,
    pub published: usize,
}

impl PageKey {
    /// Whether a page rendered for `self` is right for this incident and state at `now`.
    pub(crate) fn matches(&self, i: &Incident, st: &IncidentState, now: DateTime<Utc>) -> bool {
        self.published == published_posts(i, now) && self.state == *st && self.incident == *i
    }

    pub(crate) fn of(i: &Incident, st: &IncidentState, now: DateTime<Utc>) -> PageKey {
        PageKey {
            incident: i.clone(),
            state: st.clone(),
            published: published_posts(i, now),
        }
    }
}

/// How many posts of `i` are published at `now`.
fn published_posts(i: &Incident, now: DateTime<Utc>) -> usize {
    i.posts.iter().filter(|p| p.at <= now).count()
}

/// One remembered incident page.
#[derive(Debug)]
pub(crate) struct Page {
    pub key: PageKey,
    pub bytes: Vec<u8>,
}

/// Rendered incident pages, by incident id. See the module documentation.
#[derive(Debug, Default)]
pub struct PageCache {
    keep: bool,
    /// The configuration the pages were rendered under (its `Debug` text, which shows
    /// every field), as every page shows some of it.
    config: Option<String>,
    entries: HashMap<String, Page>,
    rendered: usize,
}

impl PageCache {
    /// A cache that remembers pages from one render to the next.
    pub fn new() -> PageCache {
        PageCache {
            keep: true,
            ..PageCache::default()
        }
    }

    /// A cache that remembers nothing.
    pub fn unused() -> PageCache {
        PageCache::default()
    }

    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts a render under `config`: returns the pages that are still valid for it (to
    /// be checked one by one against their key), to be put back with [`PageCache::finish`].
    pub(crate) fn start(&mut self, config: &Config) -> HashMap<String, Page> {
        let entries = std::mem::take(&mut self.entries);
        if !self.keep {
            return HashMap::new();
        }
        let text = format!("{config:?}");
        if self.config.as_deref() != Some(text.as_str()) {
            self.config = Some(text);
            return HashMap::new();
        }
        entries
    }

    /// Ends a render: `entries` are exactly the incident pages it produced.
    pub(crate) fn finish(&mut self, entries: HashMap<String, Page>, rendered: usize) {
        if self.keep {
            self.entries = entries;
        }
        self.rendered = rendered;
    }

    /// How many incident pages the last render rendered; the others came from the cache.
    pub fn last_rendered(&self) -> usize {
        self.rendered
    }

    /// How many pages are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no page is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
