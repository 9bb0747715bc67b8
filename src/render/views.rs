//! View structs: what templates print, already formatted in the site's language.
//!
//! Templates get these, never the domain types, so that every decision about wording,
//! dates and links is made (and tested) in Rust.

use chrono::{DateTime, Utc};

use crate::derive::timeline::{latest_public_post, public_posts};
use crate::derive::{overall_status, ComponentState, DayUptime, IncidentState, StatusModel};
use crate::model::{Incident, Phase, Severity, Site, Status, UpdateStatus};
use crate::render::i18n::{Lang, Strings};

/// What every page shares: language, links back to the root, the footer.
#[derive(Debug, Clone)]
pub struct Chrome<'a> {
    pub t: &'static Strings,
    pub lang: &'static str,
    pub site_title: &'a str,
    /// Relative path from the page to the root of its language's pages: `""`, `"../"`,
    /// `"../../"`.
    pub root: String,
    /// Relative path from the page to the site root, where the assets, the API and the
    /// calendar are: `root`, and one more `../` in a language other than the default.
    pub site_root: String,
    /// The page in each of the site's languages (none for a site of one language).
    pub alternates: Vec<Alternate>,
    /// The page's absolute URL.
    pub canonical: String,
    pub description: String,
    /// When the site was built, for pages whose content depends on it.
    pub built: Option<TimeView>,
    pub tz_name: &'a str,
    pub contact: Vec<LinkView>,
    /// Where the page's own feed is, when it has one besides the site's.
    pub extra_feed: Option<LinkView>,
    /// Whether the page loads the theme's script (`assets/live.js`), which keeps running
    /// durations, the page's age and the coming states current (see [`crate::render::live`]).
    pub live: bool,
    /// The site's logo, link, favicon, footer text and notice, and its style sheets.
    pub brand: crate::render::brand::BrandView<'a>,
    /// The parts of the layout made of the fields above only, rendered on first use, or
    /// given ready: every incident page shows the same.
    pub parts: std::cell::OnceCell<std::sync::Arc<ChromeParts>>,
}

/// The same page in one of the site's languages.
#[derive(Debug, Clone)]
pub struct Alternate {
    /// The language's code: `hreflang` and `lang`.
    pub code: &'static str,
    /// Its own name: "English".
    pub name: &'static str,
    /// The page's address relative to this page.
    pub href: String,
    /// The page's absolute URL.
    pub url: String,
    /// Whether it is this page.
    pub current: bool,
}

/// The parts of `layout.html` that depend only on a [`Chrome`]'s shared fields (not on the
/// page's title, description or address), each rendered by its own template.
#[derive(Debug, Clone)]
pub struct ChromeParts {
    /// `_head.html`: style sheet, icon and feed links.
    pub head: String,
    /// `_header.html`: the skip link and the site header up to its page links (the links
    /// to the page's translations, the end of the header and the opening of `<main>` are
    /// the page's own, in `layout.html`).
    pub header: String,
    /// `_footer.html`: the end of `<main>`, the footer, the end of the page.
    pub footer: String,
}

/// A link with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkView {
    pub label: String,
    pub href: String,
}

/// A moment, for `<time>`: local text and UTC `datetime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeView {
    pub text: String,
    pub iso: String,
}

impl TimeView {
    pub fn new(lang: Lang, tz: chrono_tz::Tz, t: DateTime<Utc>) -> TimeView {
        TimeView {
            text: lang.datetime(t, tz),
            iso: iso(t),
        }
    }
}

/// RFC 3339 in UTC, to the second.
pub fn iso(t: DateTime<Utc>) -> String {
    crate::model::time::iso(t)
}

/// A status or severity shown with a word, an icon and a class (never colour alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub class: &'static str,
    pub icon: &'static str,
    pub word: &'static str,
}

impl Badge {
    pub fn status(t: &Strings, s: Status) -> Badge {
        Badge {
            class: s.keyword(),
            icon: icon(s),
            word: t.status(s),
        }
    }

    pub fn severity(t: &Strings, s: Severity) -> Badge {
        let status = if s == Severity::Notice {
            Status::Operational
        } else {
            Status::Affected(s)
        };
        Badge {
            class: s.keyword(),
            icon: if s == Severity::Notice {
                "i"
            } else {
                icon(status)
            },
            word: t.severity(s),
        }
    }
}

/// A glyph per status, so that status never depends on colour alone.
pub fn icon(s: Status) -> &'static str {
    match s {
        Status::Operational => "✓",
        Status::Affected(Severity::Notice) => "i",
        Status::Affected(Severity::Maintenance) => "⚙",
        Status::Affected(Severity::Degraded) => "!",
        Status::Affected(Severity::PartialOutage) => "◆",
        Status::Affected(Severity::MajorOutage) => "✕",
    }
}

/// The CSS class of an update status.
pub fn update_class(s: UpdateStatus) -> &'static str {
    s.keyword()
}

/// One incident in a list.
#[derive(Debug, Clone)]
pub struct IncidentSummary {
    pub href: String,
    pub title: String,
    /// The title's language when it is not the page's: left untranslated.
    pub title_lang: Option<&'static str>,
    /// The excerpt's language when it is not the page's.
    pub excerpt_lang: Option<&'static str>,
    pub severity: Badge,
    /// Empty for a notice, which has no status word.
    pub status_word: &'static str,
    pub status_class: &'static str,
    pub phase_word: &'static str,
    pub start: TimeView,
    pub short_date: String,
    pub end: Option<TimeView>,
    /// From start to end, when it is not still running.
    pub duration: Option<String>,
    /// "Services touchés", or for a notice "Concerne".
    pub components_label: &'static str,
    /// While it runs: since when, for the page to say and the script to count from.
    pub running: Option<RunningView>,
    pub components: String,
    pub excerpt: String,
    pub is_maintenance: bool,
    pub is_notice: bool,
}

/// A duration still running: the page says since when, and the script (where it runs)
/// shows how long, so that the page stays the same from one build to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningView {
    /// The start, RFC 3339 in UTC: what the script counts from (`data-since`).
    pub since: String,
    /// The end when it is written in advance: where the script stops (`data-until`).
    pub until: Option<String>,
    /// The start's local time of day: "02:00".
    pub since_time: String,
}

/// Builds the summary of incident `n` of the model, with links relative to `root`.
pub fn incident_summary(model: &StatusModel, n: usize, root: &str) -> IncidentSummary {
    let mut summary = incident_head(model, n);
    let site = model.site;
    let i = &site.incidents[n];
    let latest = &i.posts[latest_public_post(i, model.now).unwrap_or(0)];
    summary.href = format!("{root}incidents/{}/index.html", i.id);
    summary.short_date = site.config.lang.short_date(i.start, site.config.tz);
    (summary.components_label, summary.components) = affected_line(site, i);
    summary.excerpt = excerpt(&latest.text, 240);
    let k = latest_public_post(i, model.now).unwrap_or(0);
    summary.excerpt_lang = i.fallback_lang(Some(k)).map(Lang::code);
    summary
}

/// The part of [`incident_summary`] that the incident's own page shows: no link, short
/// date, component names or excerpt (left empty).
pub fn incident_head(model: &StatusModel, n: usize) -> IncidentSummary {
    incident_head_in(model.site, n, &model.incidents[n])
}

/// [`incident_head`] of incident `n` of `site` in the state `st` (at any moment).
pub fn incident_head_in(site: &Site, n: usize, st: &IncidentState) -> IncidentSummary {
    let (lang, tz) = (site.config.lang, site.config.tz);
    let t = lang.strings();
    let i = &site.incidents[n];
    // A notice is a moment, not a stretch of time.
    let timed = i.severity != Severity::Notice;
    let running = timed && st.phase == Phase::Ongoing;
    IncidentSummary {
        href: String::new(),
        title: i.title.clone(),
        title_lang: i.fallback_lang(None).map(Lang::code),
        excerpt_lang: None,
        severity: Badge::severity(t, i.severity),
        status_word: if i.is_notice() {
            ""
        } else {
            t.update_status(st.status)
        },
        status_class: update_class(st.status),
        phase_word: t.phase(st.phase),
        start: TimeView::new(lang, tz, i.start),
        short_date: String::new(),
        end: i.end.map(|e| TimeView::new(lang, tz, e)),
        duration: st
            .duration_seconds
            .filter(|_| timed && !running)
            .map(|s| lang.duration(s)),
        components_label: if i.is_notice() {
            t.concerns
        } else {
            t.affected
        },
        running: running.then(|| RunningView {
            since: iso(i.start),
            until: i.end.map(iso),
            since_time: lang.time(i.start, tz),
        }),
        components: String::new(),
        excerpt: String::new(),
        is_maintenance: i.is_maintenance(),
        is_notice: i.is_notice(),
    }
}

/// The label and the list of what `i` touches: "Services touchés" and the components'
/// names; for a notice "Concerne" and the names, or "tous les services" when it concerns
/// every component.
pub fn affected_line(site: &Site, i: &Incident) -> (&'static str, String) {
    let t = site.config.lang.strings();
    if !i.is_notice() {
        return (t.affected, component_names(site, i));
    }
    let every = site
        .config
        .components
        .iter()
        .all(|c| i.severity_on(&c.id).is_some());
    let names = if every {
        t.every_service.to_string()
    } else {
        component_names(site, i)
    };
    (t.concerns, names)
}

/// "Hébergement web, Messagerie" — the affected components, by name.
pub fn component_names(site: &Site, i: &Incident) -> String {
    let names: Vec<&str> = i
        .impacts
        .iter()
        .filter_map(|imp| {
            site.config
                .component(&imp.component)
                .map(|c| c.name.as_str())
        })
        .collect();
    names.join(", ")
}

/// The first `max` characters of `text` (a post's plain text), cut at a word.
pub fn excerpt(text: &str, max: usize) -> String {
    let Some(end) = char_start(text, max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Where character `n` (from 0) of `text` starts, if it has that many: the bytes that
/// start a character are those that are not `0b10xx_xxxx`, counted 32 at a time.
fn char_start(text: &str, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let starts = |chunk: &[u8]| chunk.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    let (mut seen, mut i) = (0, 0);
    while i + 32 <= bytes.len() {
        let k = starts(&bytes[i..i + 32]);
        if seen + k > n {
            break;
        }
        seen += k;
        i += 32;
    }
    bytes[i..]
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b & 0xC0 != 0x80)
        .nth(n - seen)
        .map(|(k, _)| i + k)
}

/// One affected component on an incident page.
#[derive(Debug, Clone)]
pub struct AffectedView {
    pub name: String,
    pub href: String,
    pub badge: Badge,
}

/// One post on an incident page.
#[derive(Debug, Clone)]
pub struct PostView<'a> {
    pub anchor: &'a str,
    pub label: &'static str,
    pub status_class: &'static str,
    pub at: TimeView,
    /// Who signs the post ([`author_line`] of [`crate::model::Incident::author_of`]).
    pub author: Option<String>,
    /// Safe HTML rendered from the post's Markdown (see [`crate::load::markdown`]),
    /// borrowed: the bodies are the bulk of a page.
    pub html: &'a str,
    /// The post's language when it is not the page's: left untranslated.
    pub lang: Option<&'static str>,
    pub is_announcement: bool,
}

/// "Élodie (Fondatrice / Responsable)", from the `authors` of site.yaml or as written.
pub fn author_line(site: &Site, author: Option<&str>) -> Option<String> {
    let a = author?;
    Some(match site.config.authors.get(a) {
        Some(known) => match &known.role {
            Some(role) => format!("{} ({role})", known.name),
            None => known.name.clone(),
        },
        None => a.to_string(),
    })
}

/// The public posts of incident `n`, oldest first.
pub fn post_views<'a>(model: &StatusModel<'a>, n: usize) -> Vec<PostView<'a>> {
    let site = model.site;
    let (lang, tz) = (site.config.lang, site.config.tz);
    let t = lang.strings();
    let i = &site.incidents[n];
    let st: &IncidentState = &model.incidents[n];
    public_posts(i, model.now)
        .map(|k| {
            let (p, effective) = (&i.posts[k], &st.post_statuses[k]);
            let shown = p.status.unwrap_or(*effective);
            PostView {
                anchor: &p.anchor,
                label: if k == 0 {
                    t.announcement
                } else if i.is_notice() {
                    t.update
                } else {
                    t.update_status(shown)
                },
                status_class: update_class(*effective),
                at: TimeView::new(lang, tz, p.at),
                author: author_line(site, i.author_of(k)),
                html: &p.html,
                lang: i.fallback_lang(Some(k)).map(Lang::code),
                is_announcement: k == 0,
            }
        })
        .collect()
}

/// One day of an uptime bar.
#[derive(Debug, Clone)]
pub struct BarView {
    /// `ok`, `degraded`, `partial-outage`, `major-outage`, `maintenance`, `future`.
    pub class: &'static str,
    /// Full text for screen readers and the tooltip.
    pub label: String,
    /// The day, short (`12 nov.`), as the label begins.
    pub date: String,
    /// The label after the date: uptime, downtime, incidents.
    pub detail: String,
    /// The first incident of the day, when there is one.
    pub href: Option<String>,
}

/// One component, as shown on the front page and its own page.
#[derive(Debug, Clone)]
pub struct ComponentRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub href: String,
    pub badge: Badge,
    pub uptime: String,
    pub bars: Vec<BarView>,
    pub bars_label: String,
    /// The front page's drawing in one element, for a folded group (see [`strip`]).
    pub strip: StripView,
}

impl ComponentRow {
    /// The days with an incident, newest first, each incident once and [`PHONE_DAYS`] at
    /// most: on a phone a bar is too narrow to tap, so the theme lists these days as
    /// full-size links under the bars (the component's page lists every incident).
    pub fn incident_days(&self) -> Vec<&BarView> {
        let mut days = self.all_incident_days();
        days.truncate(PHONE_DAYS);
        days
    }

    /// Every day with an incident, newest first, each incident once (on its latest day):
    /// the links of the front page's text alternative to the uptime drawing.
    pub fn all_incident_days(&self) -> Vec<&BarView> {
        let mut seen: Vec<&str> = Vec::new();
        self.bars
            .iter()
            .rev()
            .filter(|b| match b.href.as_deref() {
                // An incident over several days is listed once, on its latest day.
                Some(href) if !seen.contains(&href) => {
                    seen.push(href);
                    true
                }
                _ => false,
            })
            .collect()
    }

    /// The front page's drawing of the 90 days: one shape per run of equal days. The
    /// drawing's background is the colour of an operational day, so days without an
    /// incident and in the `ok` class are not drawn; a day with an incident is a run of its
    /// own, so that its tooltip names it.
    pub fn runs(&self) -> Vec<RunView> {
        let mut runs: Vec<RunView> = Vec::new();
        let mut open: Option<(usize, usize)> = None; // first and last day of the run
        let close = |runs: &mut Vec<RunView>, (a, b): (usize, usize)| {
            let (first, last) = (&self.bars[a], &self.bars[b]);
            runs.push(RunView {
                x: a,
                width: b - a + 1,
                class: first.class,
                label: if a == b {
                    first.label.clone()
                } else {
                    format!("{} – {} — {}", first.date, last.date, first.detail)
                },
            });
        };
        for (k, b) in self.bars.iter().enumerate() {
            let drawn = b.href.is_some() || b.class != "ok";
            let joins = |(a, _): (usize, usize)| {
                let first = &self.bars[a];
                b.href.is_none()
                    && first.href.is_none()
                    && first.class == b.class
                    && first.detail == b.detail
            };
            match open {
                Some(run) if drawn && joins(run) => open = Some((run.0, k)),
                _ => {
                    if let Some(run) = open.take() {
                        close(&mut runs, run);
                    }
                    if drawn {
                        open = Some((k, k));
                    }
                }
            }
        }
        if let Some(run) = open {
            close(&mut runs, run);
        }
        runs
    }
}

/// A run of equal days in the front page's uptime drawing, in days from the oldest.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub x: usize,
    pub width: usize,
    pub class: &'static str,
    /// The day's label, or for several days their span and what they share.
    pub label: String,
}

/// The drawing of the 90 days in one element, for the components of a folded group: each
/// run of consecutive days of one class is a hard stop of a gradient, so that a hundred
/// components cost a hundred elements, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripView {
    /// The element's `style`: `background:` the runs of days that are not operational in the
    /// theme's colours (custom properties, so that the dark scheme applies) over an
    /// operational day, `var(--ok)`. Only classes and numbers: nothing from the site.
    pub style: String,
    /// Its text alternative and tooltip: the days it covers, then for each severity, worst
    /// first, the days drawn in its colour, newest first (consecutive days as one span).
    pub label: String,
}

/// The theme's colour of a day's class (`style.css` defines each for both schemes).
fn day_colour(class: &str) -> &'static str {
    match class {
        "degraded" => "var(--degraded)",
        "partial-outage" => "var(--partial)",
        "major-outage" => "var(--major)",
        "maintenance" => "var(--maintenance)",
        _ => "var(--ok)",
    }
}

/// Where day `k` of `n` starts, in percent of the drawing, to the hundredth: `35.56`.
fn day_percent(k: usize, n: usize) -> String {
    let hundredths = (k * 10_000 + n / 2) / n.max(1);
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// The one-element drawing of `bars` (oldest first) and its text, in `lang`.
pub fn strip(bars: &[BarView], lang: Lang) -> StripView {
    let t = lang.strings();
    // Runs of consecutive days of one class: (class, first day, day after the last).
    let mut runs: Vec<(&str, usize, usize)> = Vec::new();
    for (k, b) in bars.iter().enumerate() {
        match runs.last_mut() {
            Some((class, _, end)) if *class == b.class => *end = k + 1,
            _ => runs.push((b.class, k, k + 1)),
        }
    }
    let style = match runs.as_slice() {
        [] => "background:var(--ok)".to_string(),
        [(class, _, _)] => format!("background:{}", day_colour(class)),
        _ => {
            // Hard stops: each run from where the previous one ended (`0`) to its own end;
            // operational days transparent, over the background's operational colour.
            let mut stops = Vec::with_capacity(runs.len());
            for (n, &(class, _, end)) in runs.iter().enumerate() {
                let colour = match class {
                    "ok" => "#0000",
                    c => day_colour(c),
                };
                stops.push(match (n, n + 1 == runs.len()) {
                    (0, _) => format!("{colour} {}%", day_percent(end, bars.len())),
                    (_, true) => format!("{colour} 0"),
                    _ => format!("{colour} 0 {}%", day_percent(end, bars.len())),
                });
            }
            format!(
                "background:linear-gradient(90deg,{}) var(--ok)",
                stops.join(",")
            )
        }
    };
    let (colon, between) = match lang {
        Lang::Fr => ("\u{a0}: ", " ; "),
        Lang::En => (": ", "; "),
    };
    let sections: Vec<String> = Severity::ALL
        .iter()
        .filter(|s| **s != Severity::Notice)
        .filter_map(|s| {
            let days: Vec<String> = runs
                .iter()
                .rev()
                .filter(|(class, _, _)| *class == s.keyword())
                .map(|&(_, first, end)| match end - first {
                    1 => bars[first].date.clone(),
                    _ => format!("{} – {}", bars[first].date, bars[end - 1].date),
                })
                .collect();
            (!days.is_empty()).then(|| format!("{}{colon}{}", t.severity(*s), days.join(", ")))
        })
        .collect();
    let label = if sections.is_empty() {
        format!("{} — {}", t.last_days, t.no_downtime)
    } else {
        format!("{} — {}", t.last_days, sections.join(between))
    };
    StripView { style, label }
}

/// Components in their groups, in `site.yaml` order (a group sits where its first
/// component is).
#[derive(Debug, Clone)]
pub struct GroupView {
    /// What the page's script knows the group's status by: `g-0`, `g-1`… in page order.
    pub key: String,
    pub name: Option<String>,
    pub worst: Badge,
    /// The group's uptime over 90 days: the mean of its components' (`99,98 %`).
    pub uptime: String,
    /// Whether the front page shows the group unfolded: always when a member is not
    /// operational, and otherwise as `collapse_groups` says.
    pub open: bool,
    pub components: Vec<ComponentRow>,
}

pub fn component_row(model: &StatusModel, k: usize, root: &str) -> ComponentRow {
    let site = model.site;
    let lang = site.config.lang;
    let t = lang.strings();
    let c = &site.config.components[k];
    let state: &ComponentState = &model.components[k];
    let bars: Vec<BarView> = state
        .days
        .iter()
        .map(|d| bar(model, &c.id, d, root))
        .collect();
    let uptime = lang.percent(state.uptime_percent);
    ComponentRow {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        href: format!("{root}components/{}/index.html", c.id),
        badge: Badge::status(t, state.status),
        bars_label: match lang {
            Lang::Fr => format!("{}\u{a0}: {uptime}", t.uptime_days),
            Lang::En => format!("{}: {uptime}", t.uptime_days),
        },
        uptime,
        strip: strip(&bars, lang),
        bars,
    }
}

/// How many incident titles the label of one day of an uptime bar names.
const BAR_TITLES: usize = 3;

/// How many incident days a component lists under its bars for phones.
pub const PHONE_DAYS: usize = 5;

fn bar(model: &StatusModel, component: &str, d: &DayUptime, root: &str) -> BarView {
    let site = model.site;
    let lang = site.config.lang;
    let t = lang.strings();
    let date = lang.short_day(d.date);
    let class = match d.worst {
        None | Some(Severity::Notice) => "ok",
        Some(s) => s.keyword(),
    };
    let mut label = format!("{} {}", lang.percent(d.uptime * 100.0), t.uptime);
    if d.downtime_seconds >= 30.0 {
        label.push_str(&format!(
            ", {} {}",
            lang.duration(d.downtime_seconds.round() as i64),
            t.downtime
        ));
    } else {
        label.push_str(&format!(", {}", t.no_downtime));
    }
    // A few titles, then a count, so that a busy day keeps the front page small.
    for &n in d.incidents.iter().take(BAR_TITLES) {
        let i = &site.incidents[n];
        // The severity on this component: a mapping may hit components differently.
        let severity = i.severity_on(component).unwrap_or(i.severity);
        label.push_str(&format!(" — {} ({})", i.title, t.severity(severity)));
    }
    if d.incidents.len() > BAR_TITLES {
        label.push_str(&format!(
            " — {} {}",
            d.incidents.len() - BAR_TITLES,
            t.others
        ));
    }
    BarView {
        class,
        label: format!("{date} — {label}"),
        date,
        detail: label,
        href: d
            .incidents
            .first()
            .map(|&n| format!("{root}incidents/{}/index.html", site.incidents[n].id)),
    }
}

/// Groups the component rows; a group shows the worst status of its components.
pub fn groups(model: &StatusModel, root: &str) -> Vec<GroupView> {
    let site = model.site;
    let lang = site.config.lang;
    let t = lang.strings();
    let folds = site
        .config
        .collapse_groups
        .folds(site.config.components.len());
    // Component indices by group, a group where its first component is.
    let mut members: Vec<(Option<&String>, Vec<usize>)> = Vec::new();
    for (k, c) in site.config.components.iter().enumerate() {
        match members
            .iter_mut()
            .find(|(name, _)| name.is_some() && *name == c.group.as_ref())
        {
            Some((_, ks)) => ks.push(k),
            None => members.push((c.group.as_ref(), vec![k])),
        }
    }
    members
        .into_iter()
        .enumerate()
        .map(|(g, (name, ks))| {
            let states = || ks.iter().map(|&k| &model.components[k]);
            let uptime = states().map(|c| c.uptime_percent).sum::<f64>() / ks.len() as f64;
            GroupView {
                key: format!("g-{g}"),
                name: name.cloned(),
                worst: Badge::status(t, overall_status(states().map(|c| c.status))),
                uptime: lang.percent(uptime),
                open: !folds || states().any(|c| c.status != Status::Operational),
                components: ks.iter().map(|&k| component_row(model, k, root)).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, class: &'static str, detail: &str, href: Option<&str>) -> BarView {
        BarView {
            class,
            label: format!("{date} — {detail}"),
            date: date.to_string(),
            detail: detail.to_string(),
            href: href.map(str::to_string),
        }
    }

    fn row(bars: Vec<BarView>) -> ComponentRow {
        ComponentRow {
            strip: strip(&bars, Lang::En),
            id: "web".into(),
            name: "Web".into(),
            description: None,
            href: "components/web/index.html".into(),
            badge: Badge::status(Lang::En.strings(), Status::Operational),
            uptime: "99.9 %".into(),
            bars,
            bars_label: String::new(),
        }
    }

    #[test]
    fn the_drawing_leaves_out_quiet_days_and_merges_equal_days_without_an_incident() {
        let ok = "100 % uptime, no downtime";
        let bars = vec![
            day("1", "future", "no data", None),
            day("2", "future", "no data", None),
            day("3", "ok", ok, None),
            day("4", "major-outage", "90 % uptime — Down", Some("i/a")),
            day("5", "major-outage", "90 % uptime — Down", Some("i/a")),
            day("6", "ok", ok, None),
            day("7", "maintenance", ok, None),
            day("8", "maintenance", ok, None),
            day("9", "ok", "100 % uptime — Notice", Some("i/n")),
        ];
        let runs = row(bars).runs();
        let got: Vec<(usize, usize, &str, &str)> = runs
            .iter()
            .map(|r| (r.x, r.width, r.class, r.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, 2, "future", "1 – 2 — no data"),
                // Each day with an incident is a shape of its own, named by its label.
                (3, 1, "major-outage", "4 — 90 % uptime — Down"),
                (4, 1, "major-outage", "5 — 90 % uptime — Down"),
                (6, 2, "maintenance", "7 – 8 — 100 % uptime, no downtime"),
                (8, 1, "ok", "9 — 100 % uptime — Notice"),
            ]
        );
    }

    #[test]
    fn the_text_under_the_drawing_lists_every_incident_once_newest_first() {
        let mut bars: Vec<BarView> = (0..90)
            .map(|d| day(&d.to_string(), "ok", "100 %", None))
            .collect();
        for (d, href) in [(10, "i/1"), (11, "i/1"), (20, "i/2"), (30, "i/3")] {
            bars[d] = day(&d.to_string(), "degraded", "99 %", Some(href));
        }
        for (d, bar) in bars.iter_mut().enumerate().take(48).skip(40) {
            *bar = day(&d.to_string(), "degraded", "99 %", Some(&format!("i/{d}")));
        }
        let r = row(bars);
        let all: Vec<&str> = r
            .all_incident_days()
            .iter()
            .map(|b| b.date.as_str())
            .collect();
        assert_eq!(
            all,
            ["47", "46", "45", "44", "43", "42", "41", "40", "30", "20", "11"]
        );
        assert_eq!(r.incident_days().len(), PHONE_DAYS);
        assert_eq!(r.runs().len(), 12, "one shape per incident day");
    }

    #[test]
    fn the_strip_draws_each_run_of_days_as_a_hard_stop_and_names_them_by_severity() {
        let ok = "100 % uptime, no downtime";
        let mut bars: Vec<BarView> = (0..90)
            .map(|d| day(&format!("d{d}"), "ok", ok, None))
            .collect();
        bars[0] = day("d0", "maintenance", ok, Some("i/m"));
        bars[32] = day("d32", "major-outage", "90 %", Some("i/a"));
        bars[33] = day("d33", "major-outage", "95 %", Some("i/b"));
        bars[57] = day("d57", "degraded", "100 %", Some("i/c"));
        bars[70] = day("d70", "major-outage", "99 %", Some("i/d"));
        // A notice leaves its day operational: neither drawn nor named.
        bars[80] = day("d80", "ok", "100 % uptime — Notice", Some("i/n"));
        bars[89] = day("d89", "partial-outage", "97 %", Some("i/e"));
        let s = strip(&bars, Lang::En);
        assert_eq!(
            s.style,
            "background:linear-gradient(90deg,var(--maintenance) 1.11%,#0000 0 35.56%,\
             var(--major) 0 37.78%,#0000 0 63.33%,var(--degraded) 0 64.44%,#0000 0 77.78%,\
             var(--major) 0 78.89%,#0000 0 98.89%,var(--partial) 0) var(--ok)"
        );
        assert_eq!(
            s.label,
            "Last 90 days — Major outage: d70, d32 – d33; Partial outage: d89; \
             Degraded performance: d57; Maintenance: d0"
        );
        let fr = strip(&bars, Lang::Fr).label;
        assert!(
            fr.starts_with("90 derniers jours — Panne majeure\u{a0}: d70, d32 – d33 ; "),
            "{fr}"
        );
    }

    #[test]
    fn a_strip_of_one_kind_of_day_is_one_colour() {
        let quiet: Vec<BarView> = (0..90)
            .map(|d| day(&d.to_string(), "ok", "", None))
            .collect();
        let s = strip(&quiet, Lang::En);
        assert_eq!(s.style, "background:var(--ok)");
        assert_eq!(s.label, "Last 90 days — no downtime");
        let works: Vec<BarView> = (0..90)
            .map(|d| day(&d.to_string(), "maintenance", "", Some("i/w")))
            .collect();
        assert_eq!(
            strip(&works, Lang::En).style,
            "background:var(--maintenance)"
        );
        assert_eq!(
            strip(&works, Lang::En).label,
            "Last 90 days — Maintenance: 0 – 89"
        );
    }

    #[test]
    fn day_percent_is_the_start_of_a_day_to_the_hundredth() {
        let got: Vec<String> = [0, 1, 9, 27, 32, 45, 89, 90]
            .map(|k| day_percent(k, 90))
            .to_vec();
        assert_eq!(
            got,
            ["0", "1.11", "10", "30", "35.56", "50", "98.89", "100"]
        );
        for n in [1, 7, 90, 91] {
            for k in 0..=n {
                let v: f64 = day_percent(k, n).parse().unwrap();
                assert!(
                    (v - k as f64 * 100.0 / n as f64).abs() <= 0.005,
                    "{k} of {n}"
                );
            }
        }
    }

    #[test]
    fn char_start_counts_characters_as_the_char_iterator_does() {
        let texts = [
            "",
            "a",
            "é",
            &"aé€😀 ".repeat(40),
            &"x".repeat(100),
            &"é".repeat(70),
        ];
        for text in texts {
            for n in 0..200 {
                let expected = text.char_indices().nth(n).map(|(i, _)| i);
                assert_eq!(char_start(text, n), expected, "{text:?} {n}");
            }
        }
    }

    /// The first version: collect the characters, then cut.
    fn excerpt_by_chars(text: &str, max: usize) -> String {
        if text.chars().count() <= max {
            return text.to_string();
        }
        let cut: String = text.chars().take(max).collect();
        let cut = match cut.rfind(' ') {
            Some(i) if i > max / 2 => &cut[..i],
            _ => &cut[..],
        };
        format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
    }

    #[test]
    fn excerpts_cut_at_a_word_within_max_characters() {
        let text = "Éléments à vérifier : la passerelle, où l’on a vu des pertes ; puis \
                    les serveurs de noms. Œuvre en cours, déjà très avancée.";
        for max in [0, 1, 5, 10, 20, 40, 60, 80, 99, 200] {
            assert_eq!(excerpt(text, max), excerpt_by_chars(text, max), "{max}");
        }
        assert_eq!(excerpt("Court.", 240), "Court.");
        assert_eq!(excerpt("un deux trois quatre", 10), "un deux…");
    }
}
