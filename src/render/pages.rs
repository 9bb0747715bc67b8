//! The HTML pages but the archive: the front page, the incident pages, the component
//! pages and the 404 page.

use askama::Template;

use super::chrome::{chrome, chrome_sharing};
use super::live::{self, Future};
use super::views::{self, *};
use super::{absolute, root_of};
use crate::derive::{incident_state, StatusModel};
use crate::error::Error;
use crate::model::Phase;

/// How many incidents the front page lists under "recent history" at most.
const RECENT_MAX: usize = 10;

#[derive(Template)]
#[template(path = "index.html")]
pub(super) struct IndexPage<'a> {
    pub(super) c: Chrome<'a>,
    pub(super) overall: Badge,
    pub(super) overall_text: &'static str,
    pub(super) groups: Vec<GroupView>,
    pub(super) ongoing: Vec<IncidentSummary>,
    pub(super) upcoming: Vec<IncidentSummary>,
    pub(super) recent: Vec<IncidentSummary>,
    pub(super) futures: Vec<Future>,
}

#[derive(Template)]
#[template(path = "incident.html")]
pub(super) struct IncidentPage<'a> {
    pub(super) c: Chrome<'a>,
    pub(super) i: IncidentSummary,
    pub(super) affected: Vec<AffectedView>,
    pub(super) posts: Vec<PostView<'a>>,
    pub(super) futures: Vec<Future>,
}

#[derive(Template)]
#[template(path = "component.html")]
pub(super) struct ComponentPage<'a> {
    pub(super) c: Chrome<'a>,
    pub(super) row: ComponentRow,
    pub(super) incidents: Vec<IncidentSummary>,
    pub(super) more: bool,
    pub(super) total: usize,
    pub(super) futures: Vec<Future>,
}

#[derive(Template)]
#[template(path = "404.html")]
pub(super) struct NotFoundPage<'a> {
    c: Chrome<'a>,
    /// Absolute path of the site root on its host, since a 404 page is served at any URL.
    home: String,
}

/// The front page, with its coming states at the instants of `later` (see [`live`]).
pub(super) fn index<'a>(
    model: &'a StatusModel<'a>,
    later: &'a [StatusModel<'a>],
) -> Result<IndexPage<'a>, Error> {
    let mut page = index_at(model);
    if !later.is_empty() {
        page.futures = live::futures(
            page.regions()?,
            later.iter().map(|m| Ok((m.now, index_at(m).regions()?))),
        )?;
    }
    Ok(page)
}

/// The front page at the model's `now`, without coming states.
fn index_at<'a>(model: &'a StatusModel<'a>) -> IndexPage<'a> {
    let site = model.site;
    let t = site.config.lang.strings();
    let root = "";
    let n_with = |phase: Phase| -> Vec<usize> {
        (0..site.incidents.len())
            .filter(|&n| model.incidents[n].phase == phase)
            .collect()
    };
    let ongoing: Vec<IncidentSummary> = n_with(Phase::Ongoing)
        .into_iter()
        .map(|n| incident_summary(model, n, root))
        .collect();
    // Upcoming: soonest first.
    let mut upcoming_n = n_with(Phase::Scheduled);
    upcoming_n.sort_by_key(|&n| (site.incidents[n].start, site.incidents[n].id.clone()));
    let upcoming = upcoming_n
        .into_iter()
        .map(|n| incident_summary(model, n, root))
        .collect();
    let since = model.now - chrono::Duration::days(i64::from(site.config.history_days));
    let recent = (0..site.incidents.len())
        .filter(|&n| {
            model.incidents[n].phase == Phase::Resolved
                && site.incidents[n].end.is_some_and(|e| e >= since)
        })
        .take(RECENT_MAX)
        .map(|n| incident_summary(model, n, root))
        .collect();
    IndexPage {
        c: chrome(model, "index.html", true),
        overall: Badge::status(t, model.overall),
        overall_text: t.overall(model.overall),
        groups: groups(model, root),
        ongoing,
        upcoming,
        recent,
        futures: Vec::new(),
    }
}

/// The page of incident `n`, with its coming states at the incident's own next changes.
pub(super) fn incident<'a>(
    model: &'a StatusModel<'a>,
    n: usize,
    parts: &std::sync::Arc<ChromeParts>,
) -> Result<IncidentPage<'a>, Error> {
    let site = model.site;
    let i = &site.incidents[n];
    let path = format!("incidents/{}/index.html", i.id);
    let root = root_of(&path);
    let t = site.config.lang.strings();
    let affected = i
        .impacts
        .iter()
        .filter_map(|imp| {
            let c = site.config.component(&imp.component)?;
            Some(AffectedView {
                name: c.name.clone(),
                href: format!("{root}components/{}/index.html", c.id),
                badge: Badge::severity(t, imp.severity),
            })
        })
        .collect();
    let mut c = chrome_sharing(model, &path, Some(parts));
    c.description = views::excerpt(&i.posts[0].text, 160);
    let mut page = IncidentPage {
        i: views::incident_head(model, n),
        affected,
        posts: post_views(model, n),
        futures: Vec::new(),
        c,
    };
    let coming = live::incident_instants(i, model.now);
    if !coming.is_empty() {
        let later = coming.into_iter().map(|at| {
            let head = views::incident_head_in(site, n, &incident_state(i, at));
            Ok((at, page.regions_with(&head)?))
        });
        page.futures = live::futures(page.regions_with(&page.i)?, later)?;
    }
    Ok(page)
}

/// The page of component `k`, with its coming states at the instants of `later`.
pub(super) fn component<'a>(
    model: &'a StatusModel<'a>,
    k: usize,
    later: &'a [StatusModel<'a>],
) -> Result<ComponentPage<'a>, Error> {
    let mut page = component_at(model, k);
    if !later.is_empty() {
        page.futures = live::futures(
            page.regions()?,
            later
                .iter()
                .map(|m| Ok((m.now, component_at(m, k).regions()?))),
        )?;
    }
    Ok(page)
}

/// The page of component `k` at the model's `now`, without coming states.
fn component_at<'a>(model: &'a StatusModel<'a>, k: usize) -> ComponentPage<'a> {
    let site = model.site;
    let id = &site.config.components[k].id;
    let path = format!("components/{id}/index.html");
    let root = root_of(&path);
    let mine = &model.components[k].incidents;
    let shown = site.config.component_incidents;
    let mut c = chrome(model, &path, true);
    c.extra_feed = Some(LinkView {
        label: format!("{} — {}", site.config.components[k].name, c.t.feed_rss),
        href: "feed.xml".to_string(),
    });
    if let Some(d) = &site.config.components[k].description {
        c.description = d.clone();
    }
    ComponentPage {
        row: component_row(model, k, &root),
        incidents: mine
            .iter()
            .take(shown)
            .map(|&n| incident_summary(model, n, &root))
            .collect(),
        more: mine.len() > shown,
        total: mine.len(),
        futures: Vec::new(),
        c,
    }
}

pub(super) fn not_found<'a>(model: &'a StatusModel<'a>) -> NotFoundPage<'a> {
    let site = model.site;
    // The path part of base_url: "https://h/status/" → "/status/".
    let home = site.config.base_path();
    let mut c = chrome(model, "404.html", false);
    // Served at any address: nothing on it changes, and a script address relative to it
    // would not hold.
    c.live = false;
    c.root = home.clone();
    c.canonical = absolute(site, "404.html");
    NotFoundPage { c, home }
}
