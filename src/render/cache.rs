//! [`PageCache`]: each rendered incident page (`incidents/<id>/index.html`), keyed by the
//! incident, its state at `now` (phase, status, duration unless still running), which of
//! its posts are already published at `now`, its own next changes, and the whole
//! configuration; and each incident's summary as the history lists it, and each
//! maintenance's event in the calendar, under the same rule; the history's pages while
//! they list the same summaries; and the sitemap while the configuration and the output's
//! paths are the same. Used by [`crate::render::site_with`]; see [`crate::memo`]. The
//! other aggregate pages (front page, components, feeds, API, badges) are always rendered
//! again.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::derive::IncidentState;
use crate::memo::{ListMemo, Memo};
use crate::model::{Config, Incident, Phase, UpdateStatus};
use crate::render::live::incident_instants;

/// What an incident page depends on besides the configuration: the incident, its state at
/// `now` (but a running duration, which the page gives as its start), how many of its
/// posts are published at `now` (the summary of an incident quotes its latest published
/// post), and the instants of its coming states (`render/live.rs`). If an incident page
/// ever shows more of `now` or of other incidents, it must be added here; the equality
/// tests in `tests/integration/serve_cache.rs` change `now` between rebuilds to catch that.
#[derive(Debug, Clone, PartialEq)]
pub struct PageKey {
    pub incident: Arc<Incident>,
    pub state: IncidentState,
    pub published: usize,
    pub coming: Vec<DateTime<Utc>>,
    /// The first of `coming`, at hand: ten thousand pages are checked at each rebuild.
    pub next: Option<DateTime<Utc>>,
    /// The moment it was rendered at.
    pub at: DateTime<Utc>,
}

impl PageKey {
    /// Whether a page rendered for `self` is right for this incident and state at `now`.
    pub(crate) fn matches(
        &self,
        i: &Arc<Incident>,
        st: &IncidentState,
        config: &Config,
        now: DateTime<Utc>,
    ) -> bool {
        if Arc::ptr_eq(&self.incident, i) && unchanged_since(self.at, self.next.as_slice(), now) {
            return true;
        }
        self.published == published_posts(i, now)
            && shown_state(&self.state) == shown_state(st)
            // The same parse (a file remembered by the parse cache), or an equal one.
            && (Arc::ptr_eq(&self.incident, i) || *self.incident == **i)
            && self.coming == incident_instants(i, config, now)
    }

    pub(crate) fn of(
        i: &Arc<Incident>,
        st: &IncidentState,
        config: &Config,
        now: DateTime<Utc>,
    ) -> PageKey {
        let coming = incident_instants(i, config, now);
        PageKey {
            incident: Arc::clone(i),
            state: st.clone(),
            published: published_posts(i, now),
            next: coming.first().copied(),
            coming,
            at: now,
        }
    }
}

/// Whether an incident seen at `at`, whose own coming instants were then `coming` (see
/// [`incident_instants`]), is in the same state at `now`: its state (phase, status, the
/// posts already public) changes only at those instants, and none lies between.
fn unchanged_since(at: DateTime<Utc>, coming: &[DateTime<Utc>], now: DateTime<Utc>) -> bool {
    at <= now && coming.first().is_none_or(|next| now < *next)
}

/// Something rendered of one incident at `at` (its summaries in the history, its event in
/// the calendar), right as long as the incident is the same parse and none of its own
/// instants has passed: until `next`.
#[derive(Debug, Clone)]
pub struct Settled<T> {
    incident: Arc<Incident>,
    at: DateTime<Utc>,
    next: Option<DateTime<Utc>>,
    pub(crate) value: T,
}

impl<T> Settled<T> {
    /// `value`, rendered of incident `i` at `now`.
    pub(crate) fn new(i: &Arc<Incident>, config: &Config, now: DateTime<Utc>, value: T) -> Self {
        Settled {
            incident: Arc::clone(i),
            at: now,
            next: incident_instants(i, config, now).first().copied(),
            value,
        }
    }

    /// Whether this is right for incident `i` at `now` (under the same configuration,
    /// which the memo's scope holds).
    pub(crate) fn holds(&self, i: &Arc<Incident>, now: DateTime<Utc>) -> bool {
        Arc::ptr_eq(&self.incident, i) && unchanged_since(self.at, self.next.as_slice(), now)
    }
}

/// How deep the pages that list summaries go: `history/` to `history/<y>/<m>/<page>/`.
pub(crate) const SUMMARY_DEPTHS: usize = 4;

/// An incident's summaries as the history lists them, one for each depth of page (the
/// number of `../` of its root, from 1), which its links start from.
pub(crate) type Summaries = Settled<[Option<Arc<str>>; SUMMARY_DEPTHS]>;

/// An incident's event in the calendar (`maintenance.ics`).
pub(crate) type Event = Settled<Arc<str>>;

/// What the page shows of a state: all of it, but the duration of an incident still
/// running, which grows with `now` while the page only says since when.
fn shown_state(st: &IncidentState) -> (Phase, UpdateStatus, &[UpdateStatus], Option<i64>) {
    let duration = st.duration_seconds.filter(|_| st.phase != Phase::Ongoing);
    (st.phase, st.status, &st.post_statuses, duration)
}

/// How many posts of `i` are public at `now`.
fn published_posts(i: &Incident, now: DateTime<Utc>) -> usize {
    crate::derive::timeline::public_posts(i, now).count()
}

/// One remembered incident page.
#[derive(Debug)]
pub struct Page {
    pub key: PageKey,
    pub bytes: std::sync::Arc<[u8]>,
    /// [`crate::render::content_hash`] of `bytes`.
    pub hash: u128,
}

/// Rendered incident pages, and the history's summaries, by incident id, under one
/// configuration (its `Debug` text, which shows every field, as every page shows some of
/// it). See the module documentation.
#[derive(Debug, Default)]
pub struct PageCache {
    pub(crate) pages: PageMemo,
    pub(crate) summaries: SummaryMemo,
    /// The pages of the archive, by path.
    pub(crate) archive: ArchiveMemo,
    pub(crate) events: EventMemo,
    /// The sitemap and `robots.txt` as last made (the default language's cache only).
    pub(crate) sitemap: SitemapMemo,
    /// The caches of the pages in the site's other languages: a page of one language is
    /// never taken for another's.
    pub(crate) others: std::collections::BTreeMap<crate::model::lang::Lang, PageCache>,
}

/// The incident pages of a [`PageCache`].
pub(crate) type PageMemo = ListMemo<Incident, Page, String>;

/// The history's summaries of a [`PageCache`].
pub(crate) type SummaryMemo = ListMemo<Incident, Summaries, String>;

/// The pages of the archive of a [`PageCache`].
pub(crate) type ArchiveMemo = Memo<String, crate::render::history::ArchivePageSeen, String>;

/// The calendar's events of a [`PageCache`].
pub(crate) type EventMemo = Memo<String, Event, String>;

/// The sitemap's files of a [`PageCache`] (path, bytes and their hash), with a digest of
/// what they were made from: the configuration and every output path. Ten thousand pages
/// in two languages make a sitemap of three megabytes, each page with its alternates.
pub(crate) type SitemapMemo = Option<(u128, Vec<(String, Arc<[u8]>, u128)>)>;

impl PageCache {
    /// A cache that remembers pages from one render to the next.
    pub fn new() -> PageCache {
        PageCache {
            pages: ListMemo::new(),
            summaries: ListMemo::new(),
            archive: Memo::new(),
            events: Memo::new(),
            sitemap: None,
            others: Default::default(),
        }
    }

    /// A cache that remembers nothing.
    pub fn unused() -> PageCache {
        PageCache::default()
    }

    /// Whether pages are remembered.
    pub(crate) fn keeps(&self) -> bool {
        self.pages.keeps()
    }

    /// How many incident pages the last render rendered, in every language; the others
    /// came from the cache.
    pub fn last_rendered(&self) -> usize {
        self.pages.computed()
            + self
                .others
                .values()
                .map(PageCache::last_rendered)
                .sum::<usize>()
    }

    /// The cache of the pages in `lang`: this one for `default`, else one of its own (that
    /// keeps pages when this one does); the caches of the languages not in `languages`
    /// are dropped.
    pub(crate) fn of(
        &mut self,
        lang: crate::model::lang::Lang,
        default: crate::model::lang::Lang,
        languages: &[crate::model::lang::Lang],
    ) -> &mut PageCache {
        self.others
            .retain(|l, _| languages.contains(l) && *l != default);
        if lang == default {
            return self;
        }
        let keeps = self.keeps();
        self.others.entry(lang).or_insert_with(|| {
            if keeps {
                PageCache::new()
            } else {
                PageCache::unused()
            }
        })
    }
}
