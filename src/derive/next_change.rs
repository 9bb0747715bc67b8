//! The next change: the earliest instant after `now` at which the site's outputs would say
//! something else, so that whoever publishes the site knows when to build it again.
//!
//! The model changes only at a few instants known in advance: an incident's start and end,
//! an announcement or a post becoming public, an incident leaving the front page's recent
//! history, and midnight in the site's time zone (the uptime bars and "today" roll over).
//! What moves continuously in between (how long an ongoing incident has lasted, today's
//! uptime so far, the build time) is not a change of state: it never calls for a rebuild.

use chrono::{DateTime, Duration, Utc};

use super::timeline::{announced_at, over_at, post_public_at};
use super::uptime::{day_bounds, local_date};
use crate::model::{Config, Incident, Site};

/// The earliest instant after `now` at which deriving `site` gives another state, or
/// `None` when there is none (only past the end of the calendar: midnight always comes).
///
/// Every instant at which something may change goes in one list; the answer is the
/// earliest of those still ahead. A new kind of transition is one more entry.
pub fn next_change(site: &Site, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use rayon::prelude::*;
    // Side by side in pieces: ten thousand incidents are a few milliseconds of one core.
    let config = &site.config;
    let incidents = site
        .incidents
        .par_chunks(1024)
        .map(|chunk| earliest(chunk.iter().map(|i| &**i), config, now))
        .reduce(|| None, |a, b| a.into_iter().chain(b).min());
    // Midnight, with no incident at all.
    incidents
        .into_iter()
        .chain(earliest(std::iter::empty(), config, now))
        .min()
}

/// The earliest instant after `now` among those of `incidents` and midnight.
fn earliest<'a>(
    incidents: impl Iterator<Item = &'a Incident>,
    config: &Config,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let recent = Duration::days(i64::from(config.history_days));
    // Local midnight (a day the clocks change lasts 23 or 25 hours; where a change skips
    // midnight, the day starts at the first local time that exists).
    let (today, tomorrow) = day_bounds(config.tz, local_date(config.tz, now));
    incidents
        .flat_map(|i| incident_instants(i, config, now, recent, today))
        // The uptime bars and "today" roll over.
        .chain([tomorrow])
        .filter(|t| *t > now)
        .min()
}

/// The incidents of a site that can still change something after a moment, for asking
/// [`next_change`] again and again at later instants (the coming states of a page): an
/// incident whose every instant is past, and which is over, gives nothing after it.
pub struct Ahead<'s> {
    site: &'s Site,
    incidents: Vec<&'s Incident>,
    from: DateTime<Utc>,
}

impl<'s> Ahead<'s> {
    /// The incidents of `site` that can change something after `now`.
    pub fn of(site: &'s Site, now: DateTime<Utc>) -> Ahead<'s> {
        let config = &site.config;
        let recent = Duration::days(i64::from(config.history_days));
        let (today, _) = day_bounds(config.tz, local_date(config.tz, now));
        let incidents = site
            .incidents
            .iter()
            .map(|i| &**i)
            .filter(|i| {
                over_at(i, config).is_none()
                    || incident_instants(i, config, now, recent, today).any(|t| t > now)
            })
            .collect();
        Ahead {
            site,
            incidents,
            from: now,
        }
    }

    /// The incidents that can change something after the moment given to [`Ahead::of`].
    pub fn incidents(&self) -> &[&'s Incident] {
        &self.incidents
    }

    /// [`next_change`] at `t`, which is not before the moment given to [`Ahead::of`].
    pub fn next_change(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        debug_assert!(t >= self.from);
        earliest(self.incidents.iter().copied(), &self.site.config, t)
    }
}

/// The instants at which `i` can change what the outputs say; `today` is the start of
/// the local day holding `now`.
fn incident_instants<'a>(
    i: &'a Incident,
    config: &Config,
    now: DateTime<Utc>,
    recent: Duration,
    today: DateTime<Utc>,
) -> impl Iterator<Item = DateTime<Utc>> + 'a {
    // Its end, or for a notice the moment it leaves the front page.
    let over = over_at(i, config);
    [
        // Its phase: ongoing from its start (a day's uptime counts it from just after:
        // `derive::touching`), over from its end (a notice's expiry).
        // A notice is never in the bars: it changes at its start only.
        Some(if i.is_notice() {
            i.start
        } else {
            just_after(i.start, now)
        }),
        over,
        // Its announcement becoming public (every output).
        Some(announced_at(i)),
        // The front page lists a past incident while `end >= now - history_days`
        // (`render::pages::index`).
        over.map(|end| just_after(end + recent, now)),
        // Today's bar counts an incident going on from just after midnight.
        (!i.is_notice() && i.start <= now && over.is_none_or(|end| end > now))
            .then(|| just_after(today, now)),
    ]
    .into_iter()
    .flatten()
    // Each post becoming public: pages, feeds, the API.
    .chain((0..i.posts.len()).map(move |k| post_public_at(i, k)))
}

/// For a change that happens just after `t` rather than at `t`: `t` while it is ahead (the
/// state holds until then), and one second later when it is `now` itself.
fn just_after(t: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    if t == now {
        t + Duration::seconds(1)
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;
    use std::path::Path;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn config(tz: &str) -> Config {
        crate::load::config::parse(
            Path::new("site.yaml"),
            &format!("title: T\nbase_url: https://s.example.fr/\ntimezone: {tz}\ncomponents:\n  - {{id: web, name: Web}}\n  - {{id: mail, name: Mail}}\n"),
        )
        .unwrap()
    }

    /// A site in `tz` with incidents given as (id, file text).
    fn site(tz: &str, files: &[(&str, &str)]) -> Site {
        crate::load::testing::site(config(tz), files)
    }

    /// The fixture of issue 13: a maintenance from 02:00 to 03:00, Paris time, on
    /// 1 December 2026 (01:00 to 02:00 UTC), announced a week before.
    fn maintenance() -> Site {
        site(
            "Europe/Paris",
            &[(
                "2026-12-01-maintenance",
                "---\ntitle: Maintenance\nstart: 2026-12-01 02:00\nend: 2026-12-01 03:00\nseverity: maintenance\ncomponents: [mail]\npublished: 2026-11-24 10:00\n---\nMise à jour des serveurs.\n",
            )],
        )
    }

    #[test]
    fn the_incidents_ahead_give_the_same_next_changes_as_the_whole_site() {
        let s = site(
            "Europe/Paris",
            &[
                ("old", "---\ntitle: Old\nstart: 2020-03-01 10:00\nend: 2020-03-01 11:00\nseverity: major-outage\n---\nx\n"),
                ("open", "---\ntitle: Open\nstart: 2026-11-30 23:00\nseverity: degraded\n---\nx\n"),
                ("recent", "---\ntitle: Recent\nstart: 2026-11-29 10:00\nend: 2026-11-29 11:00\nseverity: degraded\n---\nx\n\n## Résolu — 2026-12-01 09:00\n\nFini.\n"),
                ("window", "---\ntitle: W\nstart: 2026-12-01 02:00\nend: 2026-12-01 03:00\nseverity: maintenance\npublished: 2026-11-24 10:00\n---\nx\n"),
            ],
        );
        let now = t("2026-11-30T22:00:00Z");
        let ahead = Ahead::of(&s, now);
        assert!(ahead.incidents.iter().all(|i| i.id != "old"));
        let mut at = now;
        for _ in 0..40 {
            let next = next_change(&s, at);
            assert_eq!(ahead.next_change(at), next, "at {at}");
            let Some(next) = next else { break };
            at = next;
        }
        assert!(at > t("2026-12-10T00:00:00Z"), "{at}");
    }

    #[test]
    fn before_a_maintenance_window_the_next_change_is_its_start() {
        // Issue 13.
        assert_eq!(
            next_change(&maintenance(), t("2026-12-01T00:30:00Z")),
            Some(t("2026-12-01T01:00:00Z"))
        );
    }

    #[test]
    fn during_a_maintenance_window_the_next_change_is_its_end() {
        // Issue 13.
        assert_eq!(
            next_change(&maintenance(), t("2026-12-01T01:05:00Z")),
            Some(t("2026-12-01T02:00:00Z"))
        );
    }

    #[test]
    fn after_the_last_transition_the_next_change_is_midnight_in_the_site_s_zone() {
        // 3 am in Paris: the window is over, the next thing to change is the day.
        assert_eq!(
            next_change(&maintenance(), t("2026-12-01T02:00:00Z")),
            Some(t("2026-12-01T23:00:00Z"))
        );
        assert_eq!(
            next_change(&site("UTC", &[]), t("2026-11-25T11:00:00Z")),
            Some(t("2026-11-26T00:00:00Z"))
        );
        assert_eq!(
            next_change(&site("Asia/Tokyo", &[]), t("2026-11-25T11:00:00Z")),
            Some(t("2026-11-25T15:00:00Z"))
        );
    }

    #[test]
    fn at_midnight_the_next_change_is_the_following_midnight() {
        assert_eq!(
            next_change(&site("Europe/Paris", &[]), t("2026-11-25T23:00:00Z")),
            Some(t("2026-11-26T23:00:00Z"))
        );
    }

    #[test]
    fn at_midnight_an_ongoing_incident_joins_today_s_bar_just_after() {
        let s = site(
            "Europe/Paris",
            &[(
                "panne",
                "---\ntitle: Panne\nstart: 2026-11-25 09:00\nseverity: major-outage\n---\nPanne.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T23:00:00Z")),
            Some(t("2026-11-25T23:00:01Z"))
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T23:00:01Z")),
            Some(t("2026-11-26T23:00:00Z"))
        );
    }

    #[test]
    fn midnight_follows_the_clock_changes() {
        let paris = site("Europe/Paris", &[]);
        // Spring: the night of 28 to 29 March 2026 is still at +01:00 at midnight; the day
        // of the 29th lasts 23 hours, so the next midnight is at +02:00.
        assert_eq!(
            next_change(&paris, t("2026-03-28T12:00:00Z")),
            Some(t("2026-03-28T23:00:00Z"))
        );
        assert_eq!(
            next_change(&paris, t("2026-03-29T01:30:00Z")),
            Some(t("2026-03-29T22:00:00Z"))
        );
        // Autumn: the 25th of October 2026 lasts 25 hours.
        assert_eq!(
            next_change(&paris, t("2026-10-24T22:00:00Z")),
            Some(t("2026-10-25T23:00:00Z"))
        );
        // São Paulo, 4 November 2018: the clocks went from 00:00 straight to 01:00, so the
        // day began at 01:00 local time (03:00 UTC, at the new offset -02:00).
        let sao_paulo = site("America/Sao_Paulo", &[]);
        assert_eq!(
            next_change(&sao_paulo, t("2018-11-03T15:00:00Z")),
            Some(t("2018-11-04T03:00:00Z"))
        );
        // The day after lasts 24 hours again, at -02:00.
        assert_eq!(
            next_change(&sao_paulo, t("2018-11-04T15:00:00Z")),
            Some(t("2018-11-05T02:00:00Z"))
        );
    }

    #[test]
    fn a_post_written_in_advance_is_a_change_when_it_becomes_public() {
        let s = site(
            "Europe/Paris",
            &[(
                "panne",
                "---\ntitle: Panne\nstart: 2026-11-25 09:00\nseverity: major-outage\nupdates:\n  - at: 2026-11-25 14:00\n    status: monitoring\n    body: Surveillance.\n---\nEnquête.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T10:00:00Z")),
            Some(t("2026-11-25T13:00:00Z"))
        );
    }

    #[test]
    fn an_end_written_in_advance_is_a_change() {
        let s = site(
            "Europe/Paris",
            &[(
                "lent",
                "---\ntitle: Lenteurs\nstart: 2026-11-25 09:00\nend: 2026-11-25 18:00\nseverity: degraded\n---\nLent.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T12:00:00Z")),
            Some(t("2026-11-25T17:00:00Z"))
        );
    }

    #[test]
    fn an_announcement_published_later_is_a_change() {
        let s = site(
            "Europe/Paris",
            &[(
                "travaux",
                "---\ntitle: Travaux\nstart: 2026-12-10 02:00\nend: 2026-12-10 04:00\nseverity: maintenance\npublished: 2026-11-25 15:00\n---\nPrévu.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T12:00:00Z")),
            Some(t("2026-11-25T14:00:00Z"))
        );
    }

    #[test]
    fn an_incident_leaves_the_recent_history_after_history_days() {
        // Ended 2026-08-27 12:30 Paris (10:30 UTC); listed until 90 days later.
        let s = site(
            "Europe/Paris",
            &[(
                "ancien",
                "---\ntitle: Ancien\nstart: 2026-08-27 12:00\nend: 2026-08-27 12:30\nseverity: major-outage\n---\nFini.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T09:00:00Z")),
            Some(t("2026-11-25T10:30:00Z"))
        );
        // At that very instant it is still listed; it goes just after.
        assert_eq!(
            next_change(&s, t("2026-11-25T10:30:00Z")),
            Some(t("2026-11-25T10:30:01Z"))
        );
    }

    #[test]
    fn an_incident_starting_now_changes_the_day_s_uptime_just_after() {
        // At its start the incident is ongoing but has covered no time yet; a second later
        // the day's bar lists it.
        let s = site(
            "UTC",
            &[(
                "panne",
                "---\ntitle: Panne\nstart: 2026-11-25T10:00:00Z\nseverity: major-outage\n---\nPanne.\n",
            )],
        );
        assert_eq!(
            next_change(&s, t("2026-11-25T10:00:00Z")),
            Some(t("2026-11-25T10:00:01Z"))
        );
    }
}

/// Over generated sites: nothing the model says changes strictly between `now` and the
/// next change, and something does at it.
#[cfg(test)]
mod properties {
    use super::*;
    use crate::derive::{derive, timeline::is_announced, IncidentState};
    use crate::model::{Config, Impact, Phase, Post, Severity, Status};
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    const COMPONENTS: [&str; 3] = ["web", "mail", "dns"];
    /// 2026-03-24T00:00:00Z: the generated days cross a change of the clocks in Paris.
    const BASE: i64 = 1_774_310_400;
    /// Times are drawn on a grid of ten minutes over twelve days, so that `now` often falls
    /// exactly on an incident's instant.
    const STEP: i64 = 600;
    const SLOTS: i64 = 12 * 86_400 / STEP;

    fn config() -> Config {
        crate::load::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\nhistory_days: 2\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\n  - {id: dns, name: DNS}\n",
        )
        .unwrap()
    }

    fn at(slot: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(BASE + slot * STEP, 0).unwrap()
    }

    prop_compose! {
        fn incident()(
            n in 0u32..1000,
            start in 0..SLOTS,
            length in prop::option::of(0i64..300),
            ahead in prop::option::of(1i64..300),
            later in prop::collection::vec(0i64..400, 0..3),
            impacts in prop::collection::btree_map(
                prop::sample::select(COMPONENTS.to_vec()),
                prop::sample::select(Severity::ALL.to_vec()),
                1..3,
            ),
        ) -> Incident {
            let start_at = at(start);
            // Announced at its start, or ahead of it.
            let published = at(start - ahead.unwrap_or(0));
            let impacts: Vec<Impact> = impacts
                .into_iter()
                .map(|(c, s)| Impact { component: c.to_string(), severity: s })
                .collect();
            let post = |at: DateTime<Utc>, anchor: String| Post {
                at,
                status: None,
                markdown: String::new(),
                html: String::new(),
                text: String::new(),
                anchor,
                author: None,
            };
            let mut posts = vec![post(published, "announcement".into())];
            let mut later: Vec<DateTime<Utc>> = later.into_iter().map(|d| at(start + d)).collect();
            later.sort();
            posts.extend(later.into_iter().enumerate().map(|(k, t)| post(t, format!("update-{k}"))));
            Incident {
                id: format!("i{n}"),
                source: PathBuf::from(format!("incidents/i{n}.md")),
                title: format!("Incident {n}"),
                start: start_at,
                end: length.map(|l| at(start + l)),
                severity: impacts.iter().map(|i| i.severity).max().unwrap_or(Severity::Notice),
                impacts,
                author: None,
                published,
                draft: false,
                posts,
                positions: Default::default(),
                untranslated: None,
            }
        }
    }

    fn site(mut incidents: Vec<Incident>) -> Site {
        let mut seen = std::collections::HashSet::new();
        incidents.retain(|i| seen.insert(i.id.clone()));
        let mut incidents: Vec<_> = incidents.into_iter().map(std::sync::Arc::new).collect();
        crate::load::sort_incidents(&mut incidents);
        Site {
            config: config(),
            incidents,
            files: Vec::new(),
        }
    }

    /// One day of one component: its date, its worst severity, its incidents.
    type Day = (NaiveDate, Option<Severity>, Vec<usize>);

    /// What the outputs show at `now`, but for what moves continuously (durations,
    /// today's uptime so far, the build time).
    #[derive(Debug, PartialEq)]
    struct Shown {
        today: NaiveDate,
        overall: Status,
        components: Vec<Status>,
        /// Per component, each day's date, worst severity and incidents.
        days: Vec<Vec<Day>>,
        /// Per incident: phase, status word, announced, posts out, on the front page's
        /// recent history.
        incidents: Vec<(Phase, crate::model::UpdateStatus, bool, usize, bool)>,
    }

    fn shown(site: &Site, now: DateTime<Utc>) -> Shown {
        let m = derive(site, now);
        let since = now - Duration::days(i64::from(site.config.history_days));
        Shown {
            today: local_date(site.config.tz, now),
            overall: m.overall,
            components: m.components.iter().map(|c| c.status).collect(),
            days: m
                .components
                .iter()
                .map(|c| {
                    c.days
                        .iter()
                        .map(|d| (d.date, d.worst, d.incidents.clone()))
                        .collect()
                })
                .collect(),
            incidents: site
                .incidents
                .iter()
                .zip(&m.incidents)
                .map(|(i, st): (&std::sync::Arc<Incident>, &IncidentState)| {
                    (
                        st.phase,
                        st.status,
                        is_announced(i, now),
                        i.posts.iter().filter(|p| p.at <= now).count(),
                        // As `render::pages::index` picks them.
                        st.phase == Phase::Resolved && i.end.is_some_and(|e| e >= since),
                    )
                })
                .collect(),
        }
    }

    fn now() -> impl Strategy<Value = DateTime<Utc>> {
        // On the grid (where instants fall), or anywhere between.
        (0..SLOTS, prop::sample::select(vec![0i64, 0, 1, 299, 599]))
            .prop_map(|(slot, s)| at(slot) + Duration::seconds(s))
    }

    /// `now`: one of the instants of the site, shifted by up to a second either way (the
    /// boundaries are where mistakes hide), or any time.
    fn pick_now(
        s: &Site,
        pick: prop::sample::Index,
        shift: i64,
        any: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let recent = Duration::days(i64::from(s.config.history_days));
        let instants: Vec<DateTime<Utc>> = s
            .incidents
            .iter()
            .flat_map(|i| {
                [
                    Some(i.start),
                    i.end,
                    Some(i.published),
                    i.end.map(|e| e + recent),
                ]
                .into_iter()
                .flatten()
                .chain(i.posts.iter().map(|p| p.at))
            })
            .collect();
        if instants.is_empty() || shift.abs() > 1 {
            any
        } else {
            *pick.get(&instants) + Duration::seconds(shift)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn nothing_changes_before_the_next_change_and_something_does_at_it(
            incidents in prop::collection::vec(incident(), 0..8),
            any in now(),
            pick in any::<prop::sample::Index>(),
            shift in -1i64..4,
            within in 0.0f64..1.0,
        ) {
            let s = site(incidents);
            let now = pick_now(&s, pick, shift, any);
            let next = next_change(&s, now).unwrap();
            prop_assert!(next > now);
            let before = shown(&s, now);
            let last = next - Duration::seconds(1);
            prop_assert_eq!(&before, &shown(&s, last), "at {} (next change {})", last, next);
            // Anywhere between, to the second.
            let span = (last - now).num_seconds();
            let between = now + Duration::seconds((span as f64 * within) as i64);
            prop_assert_eq!(&before, &shown(&s, between), "at {} (next change {})", between, next);
            // A change at `next` shows at it, or just after for those that happen just
            // after an instant.
            prop_assert!(
                shown(&s, next) != before || shown(&s, next + Duration::seconds(1)) != before,
                "nothing changed at {} (now {})", next, now
            );
        }
    }
}
