//! [`PageCache`]: each rendered incident page (`incidents/<id>/index.html`), keyed by the
//! incident, its state at `now` (phase, status, duration unless still running), which of
//! its posts are already published at `now`, its own next changes, and the whole
//! configuration. Used by [`crate::render::site_with`];
//! see [`crate::memo`]. The aggregate pages (front page, history, components, feeds, API,
//! calendar, badges, sitemap) depend on every incident and are always rendered again.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::derive::IncidentState;
use crate::memo::Memo;
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
        PageKey {
            incident: Arc::clone(i),
            state: st.clone(),
            published: published_posts(i, now),
            coming: incident_instants(i, config, now),
        }
    }
}

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

/// Rendered incident pages, by incident id, under one configuration (its `Debug` text,
/// which shows every field, as every page shows some of it). See the module documentation.
pub type PageCache = Memo<String, Page, String>;

impl PageCache {
    /// How many incident pages the last render rendered; the others came from the cache.
    pub fn last_rendered(&self) -> usize {
        self.computed()
    }
}
