//! The page between two builds: what the theme's script (`assets/live.js`) needs to keep a
//! page true while it stays open, rendered from the model like the rest of the page.
//!
//! A page marks each part that shows a current state as a region, `data-live="KEY"` on
//! its elements: on the front page the banner with the ongoing and planned incidents
//! (`now`), the recent history (`recent`), each group's status (`g-0`…) and each
//! component's (`c-<id>`); on a component page its status and its incidents
//! (`incidents`); on an incident page its badges and facts (`state`). For each of the
//! next transitions the build derives the model at that instant, renders the regions
//! again with the same templates, and embeds those that differ from the state before in a
//! `<template data-at="…">` ([`Future`]). The script swaps them in when the reader's clock
//! passes `data-at`: all the status logic stays here.
//!
//! The script also counts the durations still running (`data-since`, in words the page
//! gives), writes the page's age after its build time (`data-generated`), and reloads the
//! page when `api/build.json` says a newer build is out.

use askama::Template;
use chrono::{DateTime, Duration, Utc};

use super::pages::{ComponentPage, IncidentPage, IndexPage};
use super::views::{
    iso, AffectedView, Badge, Chrome, ComponentRow, GroupView, IncidentSummary, LinkView,
};
use crate::derive::{self, next_change::Ahead, timeline, StatusModel};
use crate::error::Error;
use crate::model::{Config, Incident, Phase};
use rayon::prelude::*;

/// The script, compiled in and listed in [`crate::render::THEME_ASSETS`].
pub const SCRIPT: &[u8] = include_bytes!("../../themes/default/static/live.js");

/// How far ahead a page looks: a page read a week after its build has been rebuilt since,
/// or is too old for its coming states to matter.
pub const HORIZON_DAYS: i64 = 7;

/// How many coming states a page holds at most, so that pages stay small.
pub const MAX_STATES: usize = 8;

/// How many transitions are looked at, at most, to find them: midnights and the like
/// change nothing the regions show.
pub const MAX_STEPS: usize = 24;

/// How many times, at most, the whole site is derived again for the coming states.
pub const MAX_MODELS: usize = 2 * MAX_STATES;

/// One part of a page that shows a current state, as rendered: its `data-live` key and
/// its HTML (one or more elements, each carrying the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub key: String,
    pub html: String,
}

/// A coming state of a page: from `at` (RFC 3339 in UTC), the regions in `html` replace
/// those of the same keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Future {
    pub at: String,
    pub html: String,
}

/// The instants after `now` at which the site may change next, in order: [`next_change`]
/// again and again, up to [`HORIZON_DAYS`] ahead and [`MAX_STEPS`] instants.
pub fn instants(site: &crate::model::Site, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    instants_of(&Ahead::of(site, now), now)
}

/// [`instants`], from the incidents still ahead at `now`.
fn instants_of(ahead: &Ahead, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let horizon = now + Duration::days(HORIZON_DAYS);
    let mut found = Vec::new();
    let mut t = now;
    while found.len() < MAX_STEPS {
        match ahead.next_change(t) {
            Some(next) if next > t && next <= horizon => {
                found.push(next);
                t = next;
            }
            _ => break,
        }
    }
    found
}

/// The site's model at those of its coming [`instants`] where its [`moment`] changes, for
/// the front page and the component pages ([`MAX_MODELS`] at most).
pub fn models<'m>(model: &StatusModel<'m>) -> Vec<StatusModel<'m>> {
    let site = model.site;
    // The other incidents are the same at every instant ahead.
    let ahead = Ahead::of(site, model.now);
    let mut seen = moment(&ahead, site, model.now);
    let public = |m: &[(Phase, bool, usize)]| -> Vec<bool> {
        m.iter().map(|&(_, announced, _)| announced).collect()
    };
    let public_now = public(&seen);
    let mut found = Vec::new();
    for t in instants_of(&ahead, model.now) {
        if found.len() == MAX_MODELS {
            break;
        }
        let now = moment(&ahead, site, t);
        // No incident is in a page before it is announced, not even in a coming state:
        // from the first announcement to come, the page waits for the build that makes it
        // public (the script reloads when `api/build.json` says there is one). The posts
        // of an announced incident, written ahead for their time, may be.
        if public(&now) != public_now {
            break;
        }
        if now != seen {
            found.push(derive::derive_later(model, t));
            seen = now;
        }
    }
    found
}

/// What the regions show of time, incident by incident: its phase, whether it is
/// announced, how many of its posts are out. Where this is the same at two instants, so
/// are the regions (but for the recent history losing an old incident, which waits for
/// the next change): deriving the whole site is left for the instants where it changes.
/// A region that ever shows more of time (how long a notice stays on the page) must add
/// it here. Only the incidents `ahead` are looked at: the others show the same at every
/// instant after theirs.
fn moment(ahead: &Ahead, site: &crate::model::Site, t: DateTime<Utc>) -> Vec<(Phase, bool, usize)> {
    ahead
        .incidents()
        .par_iter()
        .map(|i| {
            let out = timeline::public_posts(i, t).count();
            (
                derive::phase(i, &site.config, t),
                timeline::is_announced(i, t),
                out,
            )
        })
        .collect()
}

/// The instants after `now` at which incident `i` itself changes (its start, its end, its
/// posts), in order, [`MAX_STEPS`] at most. Its page looks no further
/// than these, with no horizon, so that two builds in which the incident is in the same
/// state give the same page (the page cache, `render/cache.rs`, relies on it).
pub fn incident_instants(i: &Incident, config: &Config, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    // A page exists only once its incident is announced: from then on, its posts written
    // ahead for their time may be in its coming states.
    let mut times: Vec<DateTime<Utc>> = [i.start]
        .into_iter()
        .chain(timeline::over_at(i, config))
        .chain((0..i.posts.len()).map(|k| timeline::post_public_at(i, k)))
        .filter(|t| *t > now)
        .collect();
    times.sort_unstable();
    times.dedup();
    times.truncate(MAX_STEPS);
    times
}

/// The coming states of a page whose regions are `now` at the build and `later` at each
/// coming instant (in time order, computed only as far as needed): at each instant, the
/// regions that differ from the state before; instants where none does are left out, and
/// [`MAX_STATES`] are kept at most.
pub fn futures<I>(now: Vec<Region>, later: I) -> Result<Vec<Future>, Error>
where
    I: IntoIterator<Item = Result<(DateTime<Utc>, Vec<Region>), Error>>,
{
    let mut shown = now;
    let mut found = Vec::new();
    for state in later {
        if found.len() == MAX_STATES {
            break;
        }
        let (at, regions) = state?;
        let mut html = String::new();
        for region in regions {
            match shown.iter_mut().find(|r| r.key == region.key) {
                Some(old) if old.html == region.html => {}
                Some(old) => {
                    if !html.is_empty() {
                        html.push('\n');
                    }
                    html.push_str(&region.html);
                    *old = region;
                }
                // A region the page does not show has nowhere to go.
                None => {}
            }
        }
        if !html.is_empty() {
            found.push(Future { at: iso(at), html });
        }
    }
    Ok(found)
}

fn render(what: &str, t: impl Template) -> Result<String, Error> {
    t.render()
        .map(|html| html.trim().to_string())
        .map_err(|e| Error::Render(format!("{what}: {e}")))
}

#[derive(Template)]
#[template(path = "_current.html")]
struct CurrentPart<'a> {
    c: &'a Chrome<'a>,
    overall: &'a Badge,
    overall_text: &'a str,
    notices: &'a [IncidentSummary],
    ongoing: &'a [IncidentSummary],
    all_ongoing: &'a Option<LinkView>,
    upcoming: &'a [IncidentSummary],
}

#[derive(Template)]
#[template(path = "_recent.html")]
struct RecentPart<'a> {
    c: &'a Chrome<'a>,
    recent: &'a [IncidentSummary],
}

#[derive(Template)]
#[template(path = "_group_status.html")]
struct GroupStatusPart<'a> {
    g: &'a GroupView,
}

#[derive(Template)]
#[template(path = "_component_status.html")]
struct ComponentStatusPart<'a> {
    row: &'a ComponentRow,
}

#[derive(Template)]
#[template(path = "_component_incidents.html")]
struct ComponentIncidentsPart<'a> {
    c: &'a Chrome<'a>,
    incidents: &'a [IncidentSummary],
    more: bool,
    total: usize,
}

#[derive(Template)]
#[template(path = "_incident_state.html")]
struct IncidentStatePart<'a> {
    c: &'a Chrome<'a>,
    i: &'a IncidentSummary,
    affected: &'a [AffectedView],
}

fn region(key: impl Into<String>, html: Result<String, Error>) -> Result<Region, Error> {
    Ok(Region {
        key: key.into(),
        html: html?,
    })
}

fn component_status(row: &ComponentRow) -> Result<Region, Error> {
    region(
        format!("c-{}", row.id),
        render(&row.id, ComponentStatusPart { row }),
    )
}

impl IndexPage<'_> {
    /// The front page's regions, as the page shows them.
    pub(super) fn regions(&self) -> Result<Vec<Region>, Error> {
        let what = "index.html";
        let mut regions = vec![
            region(
                "now",
                render(
                    what,
                    CurrentPart {
                        c: &self.c,
                        overall: &self.overall,
                        overall_text: self.overall_text,
                        notices: &self.notices,
                        ongoing: &self.ongoing,
                        all_ongoing: &self.all_ongoing,
                        upcoming: &self.upcoming,
                    },
                ),
            )?,
            region(
                "recent",
                render(
                    what,
                    RecentPart {
                        c: &self.c,
                        recent: &self.recent,
                    },
                ),
            )?,
        ];
        for g in &self.groups {
            if g.name.is_some() {
                regions.push(region(&g.key, render(what, GroupStatusPart { g }))?);
            }
            for row in &g.components {
                regions.push(component_status(row)?);
            }
        }
        Ok(regions)
    }
}

impl ComponentPage<'_> {
    /// A component page's regions, as the page shows them.
    pub(super) fn regions(&self) -> Result<Vec<Region>, Error> {
        Ok(vec![
            component_status(&self.row)?,
            region(
                "incidents",
                render(
                    &self.row.id,
                    ComponentIncidentsPart {
                        c: &self.c,
                        incidents: &self.incidents,
                        more: self.more,
                        total: self.total,
                    },
                ),
            )?,
        ])
    }
}

impl IncidentPage<'_> {
    /// An incident page's one region (`state`), as the page shows it, or as it would with
    /// `i` in place of the page's own summary.
    pub(super) fn regions_with(&self, i: &IncidentSummary) -> Result<Vec<Region>, Error> {
        Ok(vec![region(
            "state",
            render(
                "incident",
                IncidentStatePart {
                    c: &self.c,
                    i,
                    affected: &self.affected,
                },
            ),
        )?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::i18n::Lang;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn r(key: &str, html: &str) -> Region {
        Region {
            key: key.into(),
            html: html.into(),
        }
    }

    /// What the script does with the patterns of [`crate::render::i18n::Strings`], written
    /// again here to hold them to [`Lang::duration`].
    fn by_pattern(lang: Lang, seconds: i64) -> String {
        let t = lang.strings();
        let total = (seconds.max(0) + 30) / 60;
        let (d, h, m) = (total / 1440, total % 1440 / 60, total % 60);
        let pattern = if d > 0 {
            t.duration_days
        } else if h > 0 {
            t.duration_hours
        } else {
            t.duration_minutes
        };
        pattern
            .replace("{d}", &d.to_string())
            .replace("{h}", &h.to_string())
            .replace("{mm}", &format!("{m:02}"))
            .replace("{m}", &m.to_string())
    }

    #[test]
    fn the_scripts_duration_patterns_write_what_the_build_writes() {
        for lang in [Lang::Fr, Lang::En] {
            let samples = (0..4 * 86_400).step_by(29).chain([
                -5,
                59 * 60 + 29,
                59 * 60 + 30,
                86_399,
                40 * 86_400,
            ]);
            for s in samples {
                assert_eq!(by_pattern(lang, s), lang.duration(s), "{lang:?} {s} s");
            }
        }
    }

    #[test]
    fn a_coming_state_holds_only_the_regions_that_change_and_instants_that_change_nothing_are_left_out(
    ) {
        let now = vec![
            r("a", "<p data-live=\"a\">1</p>"),
            r("b", "<p data-live=\"b\">x</p>"),
        ];
        let later = vec![
            Ok((
                t("2026-12-01T01:00:00Z"),
                vec![
                    r("a", "<p data-live=\"a\">1</p>"),
                    r("b", "<p data-live=\"b\">x</p>"),
                ],
            )),
            Ok((
                t("2026-12-01T02:00:00Z"),
                vec![
                    r("a", "<p data-live=\"a\">2</p>"),
                    r("b", "<p data-live=\"b\">x</p>"),
                ],
            )),
            Ok((
                t("2026-12-01T03:00:00Z"),
                vec![
                    r("a", "<p data-live=\"a\">3</p>"),
                    r("b", "<p data-live=\"b\">y</p>"),
                ],
            )),
            // Back to the first state of `a`: a change from the state before.
            Ok((
                t("2026-12-01T04:00:00Z"),
                vec![
                    r("a", "<p data-live=\"a\">1</p>"),
                    r("b", "<p data-live=\"b\">y</p>"),
                ],
            )),
        ];
        let found = futures(now, later).unwrap();
        assert_eq!(
            found,
            [
                Future {
                    at: "2026-12-01T02:00:00Z".into(),
                    html: "<p data-live=\"a\">2</p>".into()
                },
                Future {
                    at: "2026-12-01T03:00:00Z".into(),
                    html: "<p data-live=\"a\">3</p>\n<p data-live=\"b\">y</p>".into()
                },
                Future {
                    at: "2026-12-01T04:00:00Z".into(),
                    html: "<p data-live=\"a\">1</p>".into()
                },
            ]
        );
    }

    #[test]
    fn a_page_holds_at_most_max_states_and_stops_deriving_once_it_has_them() {
        let derived = std::cell::Cell::new(0);
        let later = (0..100).map(|n| {
            derived.set(derived.get() + 1);
            Ok((
                t("2026-12-01T00:00:00Z") + Duration::minutes(n),
                vec![r("a", &n.to_string())],
            ))
        });
        let found = futures(vec![r("a", "start")], later).unwrap();
        assert_eq!(found.len(), MAX_STATES);
        assert_eq!(derived.get(), MAX_STATES + 1);
    }

    #[test]
    fn without_incidents_the_coming_instants_are_the_midnights_up_to_the_horizon() {
        let site = crate::model::Site {
            config: crate::load::config::parse(
                std::path::Path::new("site.yaml"),
                "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n",
            )
            .unwrap(),
            incidents: Vec::new(),
            files: Vec::new(),
        };
        // Without incidents only midnights come, one a day up to the horizon.
        let now = t("2026-12-01T00:30:00Z");
        let found = instants(&site, now);
        assert_eq!(found.len(), HORIZON_DAYS as usize);
        assert_eq!(found[0], t("2026-12-01T23:00:00Z"));
        assert!(found
            .iter()
            .all(|&i| i > now && i <= now + Duration::days(HORIZON_DAYS)));
    }

    fn config() -> Config {
        crate::load::config::parse(
            std::path::Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n",
        )
        .unwrap()
    }

    #[test]
    fn an_incident_changes_at_its_own_times_after_now_in_order_and_once_each() {
        let post = |at: &str| crate::model::Post {
            at: t(at),
            status: None,
            markdown: String::new(),
            html: String::new(),
            text: String::new(),
            anchor: at.into(),
            author: None,
        };
        let i = Incident {
            id: "m".into(),
            source: "incidents/m.md".into(),
            title: "m".into(),
            start: t("2026-12-01T01:00:00Z"),
            end: Some(t("2026-12-01T02:00:00Z")),
            severity: crate::model::Severity::Maintenance,
            impacts: Vec::new(),
            author: None,
            published: t("2026-11-28T09:00:00Z"),
            draft: false,
            positions: Default::default(),
            untranslated: None,
            posts: vec![
                post("2026-11-28T09:00:00Z"),
                post("2026-12-01T01:00:00Z"),
                post("2026-12-01T01:30:00Z"),
            ],
        };
        assert_eq!(
            incident_instants(&i, &config(), t("2026-12-01T00:30:00Z")),
            [
                t("2026-12-01T01:00:00Z"),
                t("2026-12-01T01:30:00Z"),
                t("2026-12-01T02:00:00Z")
            ]
        );
        assert_eq!(
            incident_instants(&i, &config(), t("2026-12-01T01:30:00Z")),
            [t("2026-12-01T02:00:00Z")]
        );
        assert!(incident_instants(&i, &config(), t("2026-12-01T02:00:00Z")).is_empty());
    }
}
