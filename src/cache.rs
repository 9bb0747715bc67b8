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
use std::hash::Hash;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

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
pub type Parsed = Result<Incident, Vec<Diagnostic>>;

/// One remembered incident file.
#[derive(Debug)]
pub struct ParsedFile {
    /// The file's exact bytes when it was parsed.
    pub bytes: Vec<u8>,
    pub result: Parsed,
}

/// Results of one stage remembered from one run to the next, all valid under one scope
/// (what every entry depends on: the root and `site.yaml` for parses, the configuration
/// for pages). Entries are checked one by one against their own key by the stage itself.
#[derive(Debug)]
pub struct Memo<K, V, S> {
    keep: bool,
    scope: Option<S>,
    entries: HashMap<K, V>,
    /// How many results the last run computed (the others were remembered).
    computed: usize,
}

impl<K, V, S> Default for Memo<K, V, S> {
    fn default() -> Self {
        Memo {
            keep: false,
            scope: None,
            entries: HashMap::new(),
            computed: 0,
        }
    }
}

impl<K: Eq + Hash, V, S: PartialEq> Memo<K, V, S> {
    /// A memo that remembers results from one run to the next.
    pub fn new() -> Self {
        Memo {
            keep: true,
            ..Memo::default()
        }
    }

    /// A memo that remembers nothing.
    pub fn unused() -> Self {
        Memo::default()
    }

    /// Whether results are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.keep
    }

    /// Starts counting the work of a run, which may fail before it computes anything.
    pub(crate) fn begin(&mut self) {
        self.computed = 0;
    }

    /// Starts a run under the scope `scope()` (only evaluated when results are kept):
    /// returns the entries still valid (none when the scope changed), to be put back,
    /// pruned and completed, with [`Memo::finish`].
    pub(crate) fn start(&mut self, scope: impl FnOnce() -> S) -> HashMap<K, V> {
        let entries = std::mem::take(&mut self.entries);
        if !self.keep {
            return HashMap::new();
        }
        let scope = scope();
        if self.scope.as_ref() != Some(&scope) {
            self.scope = Some(scope);
            return HashMap::new();
        }
        entries
    }

    /// Ends a run: `entries` are exactly the results it produced, `computed` how many of
    /// them it computed.
    pub(crate) fn finish(&mut self, entries: HashMap<K, V>, computed: usize) {
        if self.keep {
            self.entries = entries;
        }
        self.computed = computed;
    }

    /// How many results are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Parsed incident files, by path, under one root and one `site.yaml` (its exact bytes).
/// See the module documentation.
pub type ParseCache = Memo<PathBuf, ParsedFile, (PathBuf, Vec<u8>)>;

impl ParseCache {
    /// How many files the last load parsed; the others were taken from the cache.
    pub fn last_parsed(&self) -> usize {
        self.computed
    }
}

/// What an incident page depends on besides the configuration: the incident, its state at
/// `now`, and how many of its posts are published at `now` (the summary of an incident
/// quotes its latest published post). If an incident page ever shows more of `now` or of
/// other incidents, it must be added here; the equality tests in `tests/integration/`
/// `serve_cache.rs` change `now` between rebuilds to catch that.
#[derive(Debug, Clone, PartialEq)]
pub struct PageKey {
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
pub struct Page {
    pub key: PageKey,
    pub bytes: Vec<u8>,
}

/// Rendered incident pages, by incident id, under one configuration (its `Debug` text,
/// which shows every field, as every page shows some of it). See the module documentation.
pub type PageCache = Memo<String, Page, String>;

impl PageCache {
    /// How many incident pages the last render rendered; the others came from the cache.
    pub fn last_rendered(&self) -> usize {
        self.computed
    }
}
