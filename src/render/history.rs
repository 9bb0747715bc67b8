//! The archive: `history/index.html` (the latest year), `history/<year>/index.html`, and
//! for a year of more than [`YEAR_FULL`] incidents `history/<year>/<month>/index.html`
//! (then `…/<month>/<page>/index.html` beyond [`MONTH_PAGE`] incidents).
//!
//! Each incident's summary is rendered once for each depth of page that lists it, and
//! kept from one build to the next while the incident stays as it was (see
//! [`super::cache::Summaries`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use chrono::Datelike;
use rayon::prelude::*;

use super::cache::{ArchiveMemo, Summaries, SummaryMemo, SUMMARY_DEPTHS};
use super::chrome::chrome;
use super::file::{content_hash, Body as FileBody, Planned};
use super::views::{incident_summary, Chrome, IncidentSummary, LinkView};
use super::{page, root_of, OutputFile};
use crate::derive::StatusModel;
use crate::error::Error;
use crate::memo::Kept;
use crate::model::lang::Lang;

/// A year with more incidents than this gets a page per month, and its own page lists
/// only the most recent ones, so that no history page grows without bound.
const YEAR_FULL: usize = 150;
/// How many incidents the page of a split year shows, from its most recent months.
const YEAR_RECENT: usize = 50;
/// How many incidents one page of a month lists; a longer month gets more pages.
const MONTH_PAGE: usize = 100;

struct YearLink {
    year: i32,
    href: String,
    count: usize,
    current: bool,
}

/// A month as a page lists it: its incidents (indices in the site), newest first.
struct MonthPlan {
    heading: String,
    entries: Vec<usize>,
    /// On a split year's page: the month's own page, when it lists more than is shown here.
    more: Option<LinkView>,
}

struct MonthView {
    heading: String,
    /// Each incident's summary, rendered (`_summary.html`).
    entries: Vec<Arc<str>>,
    more: Option<LinkView>,
}

/// One incident's summary as a list shows it (`_summary.html`).
#[derive(Template)]
#[template(path = "_summary_item.html")]
struct SummaryItem {
    s: IncidentSummary,
    c: Words,
}

/// The words `_summary.html` takes from the page's chrome.
struct Words {
    t: &'static crate::render::i18n::Strings,
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

/// What one page of the archive lists.
enum Body {
    /// A year: every month in full, or for a split year its most recent months.
    Year(i32),
    /// One page (from 0) of a month of a split year.
    Month(i32, u32, usize),
}

/// One page of the archive to render.
struct ArchivePage {
    path: String,
    heading: String,
    /// The year marked as current in the years' navigation.
    year: Option<i32>,
    body: Option<Body>,
}

/// What one page of the archive shows, but its summaries.
struct PagePlan {
    path: String,
    root: String,
    heading: String,
    years: Vec<YearLink>,
    month_links: Vec<NavLink>,
    months: Vec<MonthPlan>,
    pages: Vec<NavLink>,
}

/// The incidents by local year and month, newest first within each month.
struct Archive<'m> {
    model: &'m StatusModel<'m>,
    lang: Lang,
    by_year: BTreeMap<i32, BTreeMap<u32, Vec<usize>>>,
}

/// Every page of the archive; the summaries from `memo` when still right, and each page
/// from `pages` while it shows the same summaries (the very same, as `memo` kept them)
/// and the same links.
pub fn history<'m>(
    model: &StatusModel,
    memo: &mut SummaryMemo,
    pages: &mut ArchiveMemo,
) -> Result<Vec<Planned<'m>>, Error> {
    let archive = Archive::of(model);
    let plans: Vec<PagePlan> = archive
        .pages()
        .into_iter()
        .map(|p| archive.plan(p))
        .collect();
    // Which depths of page list each incident: one bit per depth.
    let mut wanted = vec![0u8; model.site.incidents.len()];
    for p in &plans {
        let depth = depth(&p.root);
        for n in p.months.iter().flat_map(|m| &m.entries) {
            wanted[*n] |= 1 << depth;
        }
    }
    let summaries = summaries(model, memo, &wanted)?;
    let old = pages.start(|| format!("{:?}", model.site.config));
    pages.begin();
    let keep = pages.keeps();
    // Each page, and what the memo keeps of it when it was rendered now.
    let made: Vec<(Planned, Option<ArchivePageSeen>)> = plans
        .into_par_iter()
        .with_max_len(1)
        .map(|p| {
            if !keep {
                return Ok((Planned::file(archive.render(p, &summaries)?), None));
            }
            if let Some(seen) = old
                .get(&p.path)
                .filter(|seen| seen.shown.is_of(&p, &summaries))
            {
                let body = FileBody::Shared(seen.bytes.clone(), seen.hash);
                return Ok((Planned { path: p.path, body }, None));
            }
            let shown = Shown::of(&p, &summaries);
            let file = archive.render(p, &summaries)?;
            let hash = content_hash(&file.bytes);
            let bytes: Arc<[u8]> = file.bytes.into();
            let seen = ArchivePageSeen {
                shown,
                bytes: bytes.clone(),
                hash,
            };
            let body = FileBody::Shared(bytes, hash);
            Ok((
                Planned {
                    path: file.path,
                    body,
                },
                Some(seen),
            ))
        })
        .collect::<Result<_, Error>>()?;
    Ok(pages.finish_with(old, made, |f| f.path.as_str()))
}

/// One page of the archive as last rendered: what it showed, and its bytes.
#[derive(Debug)]
pub(crate) struct ArchivePageSeen {
    shown: Shown,
    bytes: Arc<[u8]>,
    /// [`content_hash`] of `bytes`.
    hash: u128,
}

/// What a page of the archive shows, for [`ArchivePageSeen`]: its summaries, which are
/// the same when they are the very same (the summaries' memo gives the same `Arc` while an
/// incident's summary stays right, and a new one otherwise), and everything else written
/// out (headings, links and counts): a few hundred bytes.
#[derive(Debug)]
struct Shown {
    summaries: Vec<Arc<str>>,
    rest: String,
}

impl Shown {
    /// What page `p` shows, its summaries taken from `summaries` as [`Archive::render`]
    /// takes them.
    fn of(p: &PagePlan, summaries: &[Option<Html>]) -> Shown {
        Shown {
            summaries: Shown::listed(p, summaries).cloned().collect(),
            rest: Shown::rest(p),
        }
    }

    /// Whether page `p` shows this, its summaries taken from `summaries`: [`Shown::of`]
    /// compared, without a copy of each summary.
    fn is_of(&self, p: &PagePlan, summaries: &[Option<Html>]) -> bool {
        let mut listed = Shown::listed(p, summaries);
        self.summaries
            .iter()
            .all(|a| listed.next().is_some_and(|b| Arc::ptr_eq(a, b)))
            && listed.next().is_none()
            && self.rest == Shown::rest(p)
    }

    /// The summaries page `p` lists, in order.
    fn listed<'s>(
        p: &'s PagePlan,
        summaries: &'s [Option<Html>],
    ) -> impl Iterator<Item = &'s Arc<str>> + 's {
        let d = depth(&p.root);
        p.months
            .iter()
            .flat_map(|m| &m.entries)
            .filter_map(move |&n| summaries[n].as_ref()?[d].as_ref())
    }

    /// Everything page `p` shows but its summaries, written out.
    fn rest(p: &PagePlan) -> String {
        use std::fmt::Write;
        let mut rest = String::new();
        let _ = writeln!(rest, "{}\n{}\n{}", p.path, p.root, p.heading);
        for y in &p.years {
            let _ = writeln!(rest, "y {} {} {} {}", y.year, y.href, y.count, y.current);
        }
        for l in p.month_links.iter().chain(&p.pages) {
            let _ = writeln!(rest, "l {} {} {:?} {}", l.label, l.href, l.count, l.current);
        }
        for m in &p.months {
            let _ = writeln!(rest, "m {} {}", m.heading, m.entries.len());
            if let Some(more) = &m.more {
                let _ = writeln!(rest, "more {} {}", more.label, more.href);
            }
        }
        rest
    }
}

/// Where a page's links start from: the number of `../` of its root, from 1.
fn depth(root: &str) -> usize {
    (root.len() / 3).clamp(1, SUMMARY_DEPTHS) - 1
}

/// The summaries of the incidents wanted (`wanted[n]`: one bit for each depth of page
/// that lists incident `n`), by incident: those of `memo` while they hold, the others
/// rendered; `memo` then keeps exactly these.
fn summaries(
    model: &StatusModel,
    memo: &mut SummaryMemo,
    wanted: &[u8],
) -> Result<Vec<Option<Html>>, Error> {
    let site = model.site;
    let old = memo.start(|| format!("{:?}", site.config));
    let keep = memo.keeps();
    let t = site.config.lang.strings();
    let wanted: Vec<(usize, u8)> = wanted
        .iter()
        .enumerate()
        .filter(|(_, depths)| **depths != 0)
        .map(|(n, &depths)| (n, depths))
        .collect();
    let needs = |depths: u8, html: &Html| {
        (0..SUMMARY_DEPTHS).any(|d| depths & (1 << d) != 0 && html[d].is_none())
    };
    // Each incident's summaries, what the memo keeps of them, and how many were rendered.
    let made: Vec<(usize, Html, Kept<Summaries>, usize)> = wanted
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|&(n, depths)| {
            let i = &site.incidents[n];
            let seen = old.get(n, i).filter(|(_, s)| s.holds(i, model.now));
            if let Some((k, seen)) = seen.filter(|(_, s)| !needs(depths, &s.value)) {
                // Only the depths listed: each summary is one more reference to count.
                let html = std::array::from_fn(|d| {
                    (depths & (1 << d) != 0)
                        .then(|| seen.value[d].clone())
                        .flatten()
                });
                return Ok((n, html, Kept::Remembered(k), 0));
            }
            let mut summaries = match seen {
                Some((_, seen)) => seen.clone(),
                None => Summaries::new(i, &site.config, model.now, Default::default()),
            };
            let mut rendered = 0;
            for d in (0..SUMMARY_DEPTHS).filter(|d| depths & (1 << d) != 0) {
                if summaries.value[d].is_some() {
                    continue;
                }
                let item = SummaryItem {
                    s: incident_summary(model, n, &"../".repeat(d + 1)),
                    c: Words { t },
                };
                let html = item
                    .render()
                    .map_err(|e| Error::Render(format!("history: {e}")))?;
                summaries.value[d] = Some(html.into());
                rendered += 1;
            }
            let html = summaries.value.clone();
            Ok((n, html, Kept::Made(keep.then_some(summaries)), rendered))
        })
        .collect::<Result<_, Error>>()?;
    let rendered = made.iter().map(|(_, _, _, r)| r).sum();
    let mut by_incident = vec![None; site.incidents.len()];
    let kept: Vec<_> = made
        .into_iter()
        .map(|(n, html, kept, _)| {
            by_incident[n] = Some(html);
            (n, kept)
        })
        .collect();
    memo.finish(old, &site.incidents, kept, rendered);
    Ok(by_incident)
}

/// An incident's summaries by depth of page (see [`Summaries`]).
type Html = [Option<Arc<str>>; SUMMARY_DEPTHS];

impl<'m> Archive<'m> {
    fn of(model: &'m StatusModel<'m>) -> Archive<'m> {
        let site = model.site;
        let tz = site.config.tz;
        // site.incidents is newest first, and so is each month's list. What is not
        // announced yet is not in it.
        let mut by_year: BTreeMap<i32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
        for (n, i) in site.incidents.iter().enumerate() {
            if !model.incidents[n].announced {
                continue;
            }
            let local = i.start.with_timezone(&tz);
            by_year
                .entry(local.year())
                .or_default()
                .entry(local.month())
                .or_default()
                .push(n);
        }
        Archive {
            model,
            lang: site.config.lang,
            by_year,
        }
    }

    /// How many incidents started in `year`.
    fn count(&self, year: i32) -> usize {
        self.by_year
            .get(&year)
            .map_or(0, |months| months.values().map(Vec::len).sum())
    }

    /// Whether `year` has a page per month.
    fn is_split(&self, year: i32) -> bool {
        self.count(year) > YEAR_FULL
    }

    /// Every page: the archive's front (the latest year), each year, and each page of
    /// each month of a split year.
    fn pages(&self) -> Vec<ArchivePage> {
        let t = self.lang.strings();
        let latest = self.by_year.keys().next_back().copied();
        let mut pages = vec![ArchivePage {
            path: "history/index.html".to_string(),
            heading: t.history_title.to_string(),
            year: latest,
            body: latest.map(Body::Year),
        }];
        for (&y, months) in &self.by_year {
            pages.push(ArchivePage {
                path: format!("history/{y}/index.html"),
                heading: format!("{} — {y}", t.history_title),
                year: Some(y),
                body: Some(Body::Year(y)),
            });
            if !self.is_split(y) {
                continue;
            }
            for (&m, ns) in months {
                for p in 0..ns.len().div_ceil(MONTH_PAGE) {
                    pages.push(ArchivePage {
                        path: month_href("", y, m, p),
                        heading: format!("{} — {}", t.history_title, self.lang.month_heading(y, m)),
                        year: Some(y),
                        body: Some(Body::Month(y, m, p)),
                    });
                }
            }
        }
        pages
    }

    /// What page `p` shows.
    fn plan(&self, p: ArchivePage) -> PagePlan {
        let root = root_of(&p.path);
        let (month_links, months, pages) = match p.body {
            None => (Vec::new(), Vec::new(), Vec::new()),
            Some(Body::Year(y)) => (
                self.month_links(y, &root, None),
                self.year(y, &root),
                Vec::new(),
            ),
            Some(Body::Month(y, m, k)) => (
                self.month_links(y, &root, Some(m)),
                vec![self.month_page(y, m, k)],
                self.page_links(y, m, k, &root),
            ),
        };
        PagePlan {
            years: self.years(&root, p.year),
            path: p.path,
            root,
            heading: p.heading,
            month_links,
            months,
            pages,
        }
    }

    /// Page `p`, with the rendered summaries of its incidents.
    fn render(&self, p: PagePlan, summaries: &[Option<Html>]) -> Result<OutputFile, Error> {
        let d = depth(&p.root);
        let months = p
            .months
            .into_iter()
            .map(|m| MonthView {
                heading: m.heading,
                entries: m
                    .entries
                    .iter()
                    .filter_map(|&n| summaries[n].as_ref()?[d].clone())
                    .collect(),
                more: m.more,
            })
            .collect();
        page(
            &p.path,
            HistoryPage {
                c: chrome(self.model, &p.path, false),
                heading: p.heading,
                years: p.years,
                month_links: p.month_links,
                months,
                pages: p.pages,
            },
        )
    }

    /// The years' navigation, newest first.
    fn years(&self, root: &str, current: Option<i32>) -> Vec<YearLink> {
        self.by_year
            .keys()
            .rev()
            .map(|&y| YearLink {
                year: y,
                href: format!("{root}history/{y}/index.html"),
                count: self.count(y),
                current: Some(y) == current,
            })
            .collect()
    }

    /// The months of a split year, linking to their pages; none for a small year.
    fn month_links(&self, year: i32, root: &str, current: Option<u32>) -> Vec<NavLink> {
        let Some(months) = self.by_year.get(&year).filter(|_| self.is_split(year)) else {
            return Vec::new();
        };
        months
            .iter()
            .rev()
            .map(|(&m, ns)| NavLink {
                label: self.lang.month_heading(year, m),
                href: month_href(root, year, m, 0),
                count: Some(ns.len()),
                current: Some(m) == current,
            })
            .collect()
    }

    /// The months a year's page shows: every month in full, or for a split year the most
    /// recent months up to [`YEAR_RECENT`] incidents, each linking to its own page.
    fn year(&self, year: i32, root: &str) -> Vec<MonthPlan> {
        let Some(months) = self.by_year.get(&year) else {
            return Vec::new();
        };
        let split = self.is_split(year);
        let t = self.lang.strings();
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
            views.push(MonthPlan {
                heading: self.lang.month_heading(year, m),
                entries: ns[..take].to_vec(),
                more: (split && take < ns.len()).then(|| LinkView {
                    label: format!("{} ({})", t.all_of_month, ns.len()),
                    href: month_href(root, year, m, 0),
                }),
            });
        }
        views
    }

    /// Page `k` of a month of a split year.
    fn month_page(&self, year: i32, month: u32, k: usize) -> MonthPlan {
        let chunk = self.month(year, month).chunks(MONTH_PAGE).nth(k);
        MonthPlan {
            heading: self.lang.month_heading(year, month),
            entries: chunk.unwrap_or(&[]).to_vec(),
            more: None,
        }
    }

    /// The links to the pages of a month, when it has more than one.
    fn page_links(&self, year: i32, month: u32, current: usize, root: &str) -> Vec<NavLink> {
        let pages = self.month(year, month).len().div_ceil(MONTH_PAGE);
        if pages < 2 {
            return Vec::new();
        }
        (0..pages)
            .map(|k| NavLink {
                label: (k + 1).to_string(),
                href: month_href(root, year, month, k),
                count: None,
                current: k == current,
            })
            .collect()
    }

    /// The incidents of a month, newest first.
    fn month(&self, year: i32, month: u32) -> &[usize] {
        self.by_year
            .get(&year)
            .and_then(|months| months.get(&month))
            .map_or(&[][..], Vec::as_slice)
    }
}

/// The address of page `page` (from 0) of a month's archive.
fn month_href(root: &str, y: i32, m: u32, page: usize) -> String {
    match page {
        0 => format!("{root}history/{y}/{m:02}/index.html"),
        p => format!("{root}history/{y}/{m:02}/{}/index.html", p + 1),
    }
}
