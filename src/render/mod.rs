//! The render stage: the model becomes every output file, in memory. No I/O here.
//!
//! Each kind of page has one template struct; its template lives in
//! `themes/default/templates/` and is compiled into the binary by askama.

pub mod api;
pub mod badge;
pub mod cache;
pub mod dates;
pub mod escape;
pub mod feeds;
pub mod file;
pub mod i18n;
pub mod ics;
pub mod sitemap;
pub mod views;

pub use file::{Body, OutputFile, Planned, Source};

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use chrono::Datelike;
use rayon::prelude::*;

use crate::derive::StatusModel;
use crate::error::Error;
use crate::model::{Phase, Site};
use cache::{PageCache, PageKey};
use views::*;

/// The default theme's static files, compiled in; a site's `themes/default/static/` or
/// `static/` files with the same path replace them.
pub const THEME_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "assets/favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// How many incidents the front page lists under "recent history" at most.
const RECENT_MAX: usize = 10;

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    c: Chrome<'a>,
    overall: Badge,
    overall_text: &'static str,
    groups: Vec<GroupView>,
    ongoing: Vec<IncidentSummary>,
    upcoming: Vec<IncidentSummary>,
    recent: Vec<IncidentSummary>,
}

/// One affected component on an incident page.
struct AffectedView {
    name: String,
    href: String,
    badge: Badge,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage<'a> {
    c: Chrome<'a>,
    i: IncidentSummary,
    affected: Vec<AffectedView>,
    posts: Vec<PostView<'a>>,
    is_ongoing: bool,
}

struct YearLink {
    year: i32,
    href: String,
    count: usize,
    current: bool,
}

struct MonthView {
    heading: String,
    entries: Vec<IncidentSummary>,
    /// On a split year's page: the month's own page, when it lists more than is shown here.
    more: Option<LinkView>,
}

/// A link in the month or page navigation of the history.
struct NavLink {
    label: String,
    href: String,
    count: Option<usize>,
    current: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    c: Chrome<'a>,
    heading: String,
    years: Vec<YearLink>,
    /// The months of a split year, each with its own page; empty for a small year.
    month_links: Vec<NavLink>,
    months: Vec<MonthView>,
    /// The pages of a long month; empty when it fits on one.
    pages: Vec<NavLink>,
}

#[derive(Template)]
#[template(path = "component.html")]
struct ComponentPage<'a> {
    c: Chrome<'a>,
    row: ComponentRow,
    incidents: Vec<IncidentSummary>,
    more: bool,
    total: usize,
}

#[derive(Template)]
#[template(path = "404.html")]
struct NotFoundPage<'a> {
    c: Chrome<'a>,
    /// Absolute path of the site root on its host, since a 404 page is served at any URL.
    home: String,
}

/// Renders every file of the site.
pub fn site(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    site_with(model, &mut PageCache::unused())
}

/// [`site`], taking from `cache` the incident pages whose inputs have not changed since it
/// rendered them, and leaving in it exactly the incident pages of this render. The files
/// are the same as [`site`]'s.
pub fn site_with(model: &StatusModel, cache: &mut PageCache) -> Result<Vec<OutputFile>, Error> {
    let planned = assemble(model, || {
        incident_pages(model, cache).map(|pages| pages.into_iter().map(Planned::file).collect())
    })?;
    planned.into_iter().map(Planned::into_file).collect()
}

/// Every file of the site, sorted by path, as [`site`] renders them, except that the
/// incident pages are left to render when their bytes are asked for.
pub fn plan<'m>(model: &'m StatusModel<'m>) -> Result<Vec<Planned<'m>>, Error> {
    let parts = incident_parts(model)?;
    assemble(model, || {
        Ok(model
            .site
            .incidents
            .iter()
            .enumerate()
            .map(|(n, i)| Planned {
                path: format!("incidents/{}/index.html", i.id),
                body: Body::Incident(model, n, parts.clone()),
            })
            .collect())
    })
}

/// Every file of the site, sorted by path, with the incident pages that `incident_pages`
/// gives.
fn assemble<'m>(
    model: &'m StatusModel<'m>,
    incident_pages: impl FnOnce() -> Result<Vec<Planned<'m>>, Error> + Send,
) -> Result<Vec<Planned<'m>>, Error> {
    let site = model.site;
    // Four groups of about equal cost at 10,000 incidents, rendered side by side (each
    // group in parallel inside where it can be): the incident pages; the other pages;
    // the feeds; the API and the calendar.
    let ((incidents, pages), (feeds, api_ics)) = rayon::join(
        || {
            rayon::join(incident_pages, || -> Result<Vec<OutputFile>, Error> {
                let mut files: Vec<OutputFile> = vec![
                    page("index.html", index(model))?,
                    page("404.html", not_found(model))?,
                ];
                files.extend(history(model)?);
                for k in 0..site.config.components.len() {
                    let id = &site.config.components[k].id;
                    files.push(page(
                        &format!("components/{id}/index.html"),
                        component(model, k),
                    )?);
                }
                Ok(files)
            })
        },
        || {
            let (feeds, (api, ics)) = rayon::join(
                || feeds::all(model),
                || {
                    rayon::join(
                        || crate::render::api::all(model),
                        || crate::render::ics::calendar(model),
                    )
                },
            );
            (feeds, api.map(|api| (api, ics)))
        },
    );
    let mut files = pages?;
    files.extend(feeds?);
    let (api, ics) = api_ics?;
    files.extend(api);
    files.push(ics);
    files.extend(crate::render::badge::all(model));
    for (path, bytes) in THEME_ASSETS {
        files.push(OutputFile::new(*path, *bytes));
    }
    let mut files: Vec<Planned> = files.into_iter().map(Planned::file).collect();
    files.extend(incidents?);
    // Site files last: they replace theme files of the same path.
    for (path, bytes) in &site.files {
        files.retain(|f| &f.path != path);
        files.push(Planned::file(OutputFile::new(path.clone(), bytes.clone())));
    }
    // After the site's files, so that their HTML pages are listed, unless they bring a
    // sitemap.xml or robots.txt of their own.
    for f in crate::render::sitemap::all(site, files.iter().map(|f| f.path.as_str())) {
        if !files.iter().any(|g| g.path == f.path) {
            files.push(Planned::file(f));
        }
    }
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Every `incidents/<id>/index.html`, rendered or taken from `cache`.
fn incident_pages(model: &StatusModel, cache: &mut PageCache) -> Result<Vec<OutputFile>, Error> {
    let site = model.site;
    let mut old = cache.start(|| format!("{:?}", site.config));
    cache.begin();
    let keep = cache.keeps();
    let parts = incident_parts(model)?;
    let pages: Vec<(OutputFile, bool)> = (0..site.incidents.len())
        .into_par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|n| {
            let (i, st) = (&site.incidents[n], &model.incidents[n]);
            let path = format!("incidents/{}/index.html", i.id);
            if let Some(seen) = old.get(&i.id).filter(|p| p.key.matches(i, st, model.now)) {
                return Ok((OutputFile::new(path, seen.bytes.clone()), true));
            }
            incident_page(&path, model, n, &parts).map(|f| (f, false))
        })
        .collect::<Result<_, Error>>()?;
    let mut entries = HashMap::with_capacity(if keep { pages.len() } else { 0 });
    let mut rendered = 0;
    let mut files = Vec::with_capacity(pages.len());
    for (n, (file, remembered)) in pages.into_iter().enumerate() {
        let (i, st) = (&site.incidents[n], &model.incidents[n]);
        if remembered {
            if let Some(seen) = old.remove(&i.id) {
                entries.insert(i.id.clone(), seen);
            }
        } else {
            rendered += 1;
            if keep {
                let seen = cache::Page {
                    key: PageKey::of(i, st, model.now),
                    bytes: file.bytes.clone(),
                };
                entries.insert(i.id.clone(), seen);
            }
        }
        files.push(file);
    }
    cache.finish(entries, rendered);
    Ok(files)
}

/// The page of incident `n` at `path`, with the layout parts all incident pages share;
/// written into a buffer sized for its posts (the bulk of it) and the rest, so that it
/// neither grows nor needs copying.
fn incident_page(
    path: &str,
    model: &StatusModel,
    n: usize,
    parts: &std::sync::Arc<ChromeParts>,
) -> Result<OutputFile, Error> {
    let posts: usize = model.site.incidents[n]
        .posts
        .iter()
        .map(|p| p.html.len() + 512)
        .sum();
    let chrome = parts.head.len() + parts.header.len() + parts.footer.len();
    let mut html = String::with_capacity(posts + chrome + 2048);
    incident(model, n, parts)
        .render_into(&mut html)
        .map_err(|e| Error::Render(format!("{path}: {e}")))?;
    Ok(OutputFile::new(path, html.into_bytes()))
}

/// `template` rendered: into a buffer that each thread keeps from one page to the next
/// (a page never grows a fresh buffer, page by page), then copied at its exact size.
fn page(path: &str, template: impl Template) -> Result<OutputFile, Error> {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        template
            .render_into(buffer)
            .map_err(|e| Error::Render(format!("{path}: {e}")))?;
        let bytes = buffer.as_bytes().to_vec();
        // A very large page (the front page of a long history) is not kept.
        if buffer.capacity() > 1 << 20 {
            *buffer = String::new();
        }
        Ok(OutputFile::new(path, bytes))
    })
}

/// `"../"` repeated once per folder in `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The absolute URL of a page from its folder path (`incidents/x/`).
pub fn absolute(site: &Site, folder: &str) -> String {
    format!("{}{folder}", site.config.base_url)
}

fn chrome<'a>(model: &'a StatusModel<'a>, path: &str, with_built: bool) -> Chrome<'a> {
    let mut c = chrome_sharing(model, path, None);
    c.contact = contact_links(model);
    let cfg = &model.site.config;
    c.built = with_built.then(|| TimeView::new(cfg.lang, cfg.tz, model.now));
    c
}

/// [`chrome`] without a build time, with the layout `parts` given when they are: then the
/// fields only the parts show (the contact links) are left empty.
fn chrome_sharing<'a>(
    model: &'a StatusModel<'a>,
    path: &str,
    parts: Option<&std::sync::Arc<ChromeParts>>,
) -> Chrome<'a> {
    let site = model.site;
    let cfg = &site.config;
    let t = cfg.lang.strings();
    let folder = path.strip_suffix("index.html").unwrap_or(path);
    let c = Chrome {
        t,
        lang: cfg.lang.code(),
        site_title: &cfg.title,
        root: root_of(path),
        canonical: absolute(site, folder),
        description: cfg
            .description
            .clone()
            .unwrap_or_else(|| t.feed_description.to_string()),
        built: None,
        tz_name: cfg.tz.name(),
        contact: Vec::new(),
        extra_feed: None,
        parts: std::cell::OnceCell::new(),
    };
    if let Some(parts) = parts {
        let _ = c.parts.set(parts.clone());
    }
    c
}

/// The footer's contact links, from `contact` in site.yaml.
fn contact_links(model: &StatusModel) -> Vec<LinkView> {
    let cfg = &model.site.config;
    let t = cfg.lang.strings();
    let mut contact = Vec::new();
    let c = &cfg.contact;
    for (label, value) in [(t.forum, &c.forum), (t.chat, &c.chat), (t.page, &c.page)] {
        if let Some(v) = value {
            contact.push(LinkView {
                label: label.to_string(),
                href: v.clone(),
            });
        }
    }
    if let Some(mail) = &c.email {
        contact.push(LinkView {
            label: format!("{} ({mail})", t.email),
            href: if mail.starts_with("mailto:") {
                mail.clone()
            } else {
                format!("mailto:{mail}")
            },
        });
    }
    contact
}

#[derive(Template)]
#[template(path = "_head.html")]
struct HeadPart<'a> {
    c: &'a Chrome<'a>,
}

#[derive(Template)]
#[template(path = "_header.html")]
struct HeaderPart<'a> {
    c: &'a Chrome<'a>,
}

#[derive(Template)]
#[template(path = "_footer.html")]
struct FooterPart<'a> {
    c: &'a Chrome<'a>,
}

impl Chrome<'_> {
    /// The parts of the layout for this chrome, rendered the first time they are asked for.
    pub fn parts(&self) -> askama::Result<&std::sync::Arc<ChromeParts>> {
        if let Some(parts) = self.parts.get() {
            return Ok(parts);
        }
        let parts = std::sync::Arc::new(ChromeParts {
            head: HeadPart { c: self }.render()?,
            header: HeaderPart { c: self }.render()?,
            footer: FooterPart { c: self }.render()?,
        });
        Ok(self.parts.get_or_init(|| parts))
    }
}

/// The layout parts every incident page shares (same depth, no build time, no page feed).
fn incident_parts(model: &StatusModel) -> Result<std::sync::Arc<ChromeParts>, Error> {
    chrome(model, "incidents/x/index.html", false)
        .parts()
        .cloned()
        .map_err(|e| Error::Render(format!("incidents/: {e}")))
}

fn index<'a>(model: &'a StatusModel<'a>) -> IndexPage<'a> {
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
    }
}

fn incident<'a>(
    model: &'a StatusModel<'a>,
    n: usize,
    parts: &std::sync::Arc<ChromeParts>,
) -> IncidentPage<'a> {
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
    IncidentPage {
        i: views::incident_head(model, n),
        affected,
        posts: post_views(model, n),
        is_ongoing: model.incidents[n].phase == Phase::Ongoing,
        c,
    }
}

/// A year with more incidents than this gets a page per month, and its own page lists
/// only the most recent ones, so that no history page grows without bound.
const YEAR_FULL: usize = 150;
/// How many incidents the page of a split year shows, from its most recent months.
const YEAR_RECENT: usize = 50;
/// How many incidents one page of a month lists; a longer month gets more pages.
const MONTH_PAGE: usize = 100;

/// The archive: `history/index.html` (the latest year), `history/<year>/index.html`, and
/// for a year of more than [`YEAR_FULL`] incidents `history/<year>/<month>/index.html`
/// (then `…/<month>/<page>/index.html` beyond [`MONTH_PAGE`] incidents).
fn history(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let site = model.site;
    let (lang, tz) = (site.config.lang, site.config.tz);
    let t = lang.strings();
    // Year → month → incident indices, newest first (site.incidents is newest first).
    let mut by_year: BTreeMap<i32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
    for (n, i) in site.incidents.iter().enumerate() {
        let local = i.start.with_timezone(&tz);
        by_year
            .entry(local.year())
            .or_default()
            .entry(local.month())
            .or_default()
            .push(n);
    }
    let count = |y: i32| {
        by_year
            .get(&y)
            .map_or(0, |months| months.values().map(Vec::len).sum::<usize>())
    };
    let years_of = |root: &str, current: Option<i32>| -> Vec<YearLink> {
        by_year
            .keys()
            .rev()
            .map(|&y| YearLink {
                year: y,
                href: format!("{root}history/{y}/index.html"),
                count: count(y),
                current: Some(y) == current,
            })
            .collect()
    };
    let month_href = |root: &str, y: i32, m: u32, page: usize| match page {
        0 => format!("{root}history/{y}/{m:02}/index.html"),
        p => format!("{root}history/{y}/{m:02}/{}/index.html", p + 1),
    };
    // The months of a split year, linking to their pages; none for a small year.
    let month_links = |year: i32, root: &str, current: Option<u32>| -> Vec<NavLink> {
        let Some(months) = by_year.get(&year).filter(|_| count(year) > YEAR_FULL) else {
            return Vec::new();
        };
        months
            .iter()
            .rev()
            .map(|(&m, ns)| NavLink {
                label: lang.month_heading(year, m),
                href: month_href(root, year, m, 0),
                count: Some(ns.len()),
                current: Some(m) == current,
            })
            .collect()
    };
    // The body of a year's page: every month in full, or for a split year the month
    // links and the most recent months up to YEAR_RECENT incidents.
    let year_body = |year: i32, root: &str| -> (Vec<NavLink>, Vec<MonthView>) {
        let Some(months) = by_year.get(&year) else {
            return (Vec::new(), Vec::new());
        };
        let split = count(year) > YEAR_FULL;
        let mut shown = 0;
        let mut views = Vec::new();
        for (&m, ns) in months.iter().rev() {
            if split && shown >= YEAR_RECENT {
                break;
            }
            let take = if split {
                ns.len().min(YEAR_RECENT - shown)
            } else {
                ns.len()
            };
            shown += take;
            views.push(MonthView {
                heading: lang.month_heading(year, m),
                entries: ns[..take]
                    .iter()
                    .map(|&n| incident_summary(model, n, root))
                    .collect(),
                more: (split && take < ns.len()).then(|| LinkView {
                    label: format!("{} ({})", t.all_of_month, ns.len()),
                    href: month_href(root, year, m, 0),
                }),
            });
        }
        (month_links(year, root, None), views)
    };

    // Every page to render: (path, heading, year, body).
    enum Body {
        Year(i32),
        Month(i32, u32, usize),
    }
    let latest = by_year.keys().next_back().copied();
    let mut pages: Vec<(String, String, Option<i32>, Option<Body>)> = vec![(
        "history/index.html".to_string(),
        t.history_title.to_string(),
        latest,
        latest.map(Body::Year),
    )];
    for (&y, months) in &by_year {
        pages.push((
            format!("history/{y}/index.html"),
            format!("{} — {y}", t.history_title),
            Some(y),
            Some(Body::Year(y)),
        ));
        if count(y) > YEAR_FULL {
            for (&m, ns) in months {
                for p in 0..ns.len().div_ceil(MONTH_PAGE) {
                    let heading = format!("{} — {}", t.history_title, lang.month_heading(y, m));
                    pages.push((
                        month_href("", y, m, p),
                        heading,
                        Some(y),
                        Some(Body::Month(y, m, p)),
                    ));
                }
            }
        }
    }
    pages
        .into_par_iter()
        .with_max_len(1)
        .map(|(path, heading, year, body)| {
            let root = root_of(&path);
            let (month_links, months, page_links) = match body {
                None => (Vec::new(), Vec::new(), Vec::new()),
                Some(Body::Year(y)) => {
                    let (links, views) = year_body(y, &root);
                    (links, views, Vec::new())
                }
                Some(Body::Month(y, m, p)) => {
                    let ns = by_year
                        .get(&y)
                        .and_then(|months| months.get(&m))
                        .map_or(&[][..], Vec::as_slice);
                    let chunk = ns.chunks(MONTH_PAGE).nth(p).unwrap_or(&[]);
                    let view = MonthView {
                        heading: lang.month_heading(y, m),
                        entries: chunk
                            .iter()
                            .map(|&n| incident_summary(model, n, &root))
                            .collect(),
                        more: None,
                    };
                    let pages = ns.len().div_ceil(MONTH_PAGE);
                    let page_links = if pages > 1 {
                        (0..pages)
                            .map(|k| NavLink {
                                label: (k + 1).to_string(),
                                href: month_href(&root, y, m, k),
                                count: None,
                                current: k == p,
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                    (month_links(y, &root, Some(m)), vec![view], page_links)
                }
            };
            page(
                &path,
                HistoryPage {
                    c: chrome(model, &path, false),
                    heading,
                    years: years_of(&root, year),
                    month_links,
                    months,
                    pages: page_links,
                },
            )
        })
        .collect()
}

fn component<'a>(model: &'a StatusModel<'a>, k: usize) -> ComponentPage<'a> {
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
        c,
    }
}

fn not_found<'a>(model: &'a StatusModel<'a>) -> NotFoundPage<'a> {
    let site = model.site;
    // The path part of base_url: "https://h/status/" → "/status/".
    let home = site.config.base_path();
    let mut c = chrome(model, "404.html", false);
    c.root = home.clone();
    c.canonical = absolute(site, "404.html");
    NotFoundPage { c, home }
}
