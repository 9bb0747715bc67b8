//! The HTML pages but the archive: the front page, the incident pages, the component
//! pages and the 404 page.

use askama::Template;

use super::chrome::{chrome, chrome_sharing};
use super::live::{self, Future};
use super::views::{self, *};
use super::{absolute, root_of};
use crate::derive::timeline::{announced_at, is_announced, over_at};
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
    /// The notices on the front page, newest first.
    pub(super) notices: Vec<IncidentSummary>,
    /// The worst ongoing incidents, at most `front_page_ongoing`.
    pub(super) ongoing: Vec<IncidentSummary>,
    /// The page of every ongoing incident, when `ongoing` does not show them all.
    pub(super) all_ongoing: Option<LinkView>,
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

/// The announced incidents in `phase`, notices left out (they have a place of their own).
fn incidents_in<'m>(model: &'m StatusModel<'m>, phase: Phase) -> impl Iterator<Item = usize> + 'm {
    let site = model.site;
    (0..site.incidents.len()).filter(move |&n| {
        let i = &site.incidents[n];
        model.incidents[n].phase == phase && !i.is_notice() && is_announced(i, model.now)
    })
}

/// Every ongoing incident, worst first: by severity, then newest first, then by id.
pub(super) fn ongoing_worst_first(model: &StatusModel) -> Vec<usize> {
    let incidents = &model.site.incidents;
    let mut ongoing: Vec<usize> = incidents_in(model, Phase::Ongoing).collect();
    ongoing.sort_by(|&a, &b| {
        let (a, b) = (&incidents[a], &incidents[b]);
        b.severity
            .cmp(&a.severity)
            .then(b.start.cmp(&a.start))
            .then_with(|| a.id.cmp(&b.id))
    });
    ongoing
}

/// The notices shown on the front page at `now`: announced and not over, newest
/// announcement first, at most `front_page_ongoing`.
fn notices_shown(model: &StatusModel) -> Vec<usize> {
    let site = model.site;
    let mut notices: Vec<usize> = (0..site.incidents.len())
        .filter(|&n| {
            let i = &site.incidents[n];
            i.is_notice()
                && is_announced(i, model.now)
                && model.incidents[n].phase != Phase::Resolved
        })
        .collect();
    notices.sort_by(|&a, &b| {
        let (a, b) = (&site.incidents[a], &site.incidents[b]);
        announced_at(b)
            .cmp(&announced_at(a))
            .then_with(|| a.id.cmp(&b.id))
    });
    notices.truncate(site.config.front_page_ongoing);
    notices
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
    let summaries = |ns: &[usize]| -> Vec<IncidentSummary> {
        ns.iter()
            .map(|&n| incident_summary(model, n, root))
            .collect()
    };
    let ongoing_n = ongoing_worst_first(model);
    let shown = site.config.front_page_ongoing;
    let all_ongoing = (ongoing_n.len() > shown).then(|| LinkView {
        label: format!("{} ({})", t.all_ongoing, ongoing_n.len()),
        href: super::ongoing::page_href(root, 0),
    });
    // Upcoming: soonest first.
    let mut upcoming_n: Vec<usize> = incidents_in(model, Phase::Scheduled).collect();
    upcoming_n.sort_by_key(|&n| (site.incidents[n].start, site.incidents[n].id.clone()));
    let since = model.now - chrono::Duration::days(i64::from(site.config.history_days));
    let recent: Vec<usize> = (0..site.incidents.len())
        .filter(|&n| {
            let i = &site.incidents[n];
            // A notice, once off the front page, is only in the history.
            model.incidents[n].phase == Phase::Resolved
                && !i.is_notice()
                && is_announced(i, model.now)
                && over_at(i, &site.config).is_some_and(|e| e >= since)
        })
        .take(RECENT_MAX)
        .collect();
    IndexPage {
        c: chrome(model, "index.html", true),
        overall: Badge::status(t, model.overall),
        overall_text: t.overall(model.overall),
        groups: groups(model, root),
        notices: summaries(&notices_shown(model)),
        ongoing: summaries(&ongoing_n[..ongoing_n.len().min(shown)]),
        all_ongoing,
        upcoming: summaries(&upcoming_n),
        recent: summaries(&recent),
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
    let coming = live::incident_instants(i, &site.config, model.now);
    if !coming.is_empty() {
        let later = coming.into_iter().map(|at| {
            let head = views::incident_head_in(site, n, &incident_state(i, &site.config, at));
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
    c.site_root = home.clone();
    c.alternates.clear();
    c.canonical = absolute(site, "404.html");
    NotFoundPage { c, home }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Site;
    use std::path::Path;

    fn site(incidents: &[(&str, &str)], extra: &str) -> Site {
        let config = crate::load::config::parse(
            Path::new("site.yaml"),
            &format!("title: T\nbase_url: https://s.example.fr/\ntimezone: UTC\ncomponents:\n  - {{id: web, name: Web}}\n{extra}"),
        )
        .unwrap();
        let files: Vec<(&str, String)> = incidents
            .iter()
            .map(|(id, front)| (*id, format!("---\ntitle: {id}\n{front}---\n")))
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(id, t)| (*id, t.as_str())).collect();
        crate::load::testing::site(config, &files)
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .unwrap()
            .into()
    }

    #[test]
    fn the_front_page_lists_the_worst_ongoing_incidents_first_and_links_to_all() {
        let s = site(
            &[
                ("slow-new", "start: 2026-11-25 10:00\nseverity: degraded\n"),
                (
                    "down-old",
                    "start: 2026-11-20 10:00\nseverity: major-outage\n",
                ),
                (
                    "down-new",
                    "start: 2026-11-24 10:00\nseverity: major-outage\n",
                ),
                ("works", "start: 2026-11-21 10:00\nseverity: maintenance\n"),
                ("info", "start: 2026-11-24 10:00\nseverity: notice\n"),
                (
                    "later",
                    "start: 2026-11-25 10:00\nseverity: degraded\npublished: 2026-11-26 10:00\n",
                ),
            ],
            "front_page_ongoing: 2\n",
        );
        let model = crate::derive::derive(&s, now());
        let order: Vec<&str> = ongoing_worst_first(&model)
            .iter()
            .map(|&n| s.incidents[n].id.as_str())
            .collect();
        assert_eq!(order, ["down-new", "down-old", "slow-new", "works"]);
        let page = index(&model, &[]).unwrap();
        let titles: Vec<&str> = page.ongoing.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["down-new", "down-old"]);
        let all = page.all_ongoing.expect("a link to all of them");
        assert_eq!(all.href, "ongoing/index.html");
        assert!(all.label.ends_with("(4)"), "{}", all.label);
        assert_eq!(page.notices.len(), 1, "the notice in its own box");
        assert_eq!(page.notices[0].status_word, "");
        assert_eq!(page.notices[0].components_label, "Concerns");
        assert_eq!(page.notices[0].components, "every service");
    }

    #[test]
    fn every_ongoing_incident_shown_means_no_page_of_them_all() {
        let s = site(
            &[("down", "start: 2026-11-24 10:00\nseverity: major-outage\n")],
            "",
        );
        let model = crate::derive::derive(&s, now());
        assert!(index(&model, &[]).unwrap().all_ongoing.is_none());
        assert!(crate::render::ongoing::all(&model).unwrap().is_empty());
    }
}
