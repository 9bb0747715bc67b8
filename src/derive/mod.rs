//! The derive stage: what the site's incidents mean at a given moment `now`.
//!
//! Everything here is pure: no clock, no file system. `now` is a parameter, so the same
//! site and the same `now` always give the same model.

pub mod next_change;
pub mod timeline;
pub mod uptime;
pub mod warnings;

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::model::{Config, Incident, Phase, Severity, Site, Status, UpdateStatus};
use timeline::over_at;
use uptime::{day_bounds, local_date, Interval};

/// How many days of uptime the pages show.
pub const UPTIME_DAYS: usize = 90;

/// The site at `now`.
#[derive(Debug)]
pub struct StatusModel<'a> {
    pub site: &'a Site,
    pub now: DateTime<Utc>,
    /// The worst component status.
    pub overall: Status,
    /// In `site.yaml` order.
    pub components: Vec<ComponentState>,
    /// Parallel to `site.incidents`.
    pub incidents: Vec<IncidentState>,
    /// [`next_change::next_change`] at `now`, once asked; shared with the same site's
    /// models in its other languages ([`StatusModel::seen_in`]).
    next: std::sync::Arc<std::sync::OnceLock<Option<DateTime<Utc>>>>,
    /// [`StatusModel::last_changes`], once asked; shared as `next` is.
    last_changes: std::sync::Arc<std::sync::OnceLock<Vec<Option<DateTime<Utc>>>>>,
}

impl StatusModel<'_> {
    /// The model of `site`, the same site as this model's seen in another language
    /// ([`Site::in_language`]): the same incidents in the same order, with the same times,
    /// severities and components, so the same states at the same `now`; only the texts
    /// differ, and the states hold none.
    pub fn seen_in<'s>(&self, site: &'s Site) -> StatusModel<'s> {
        debug_assert_eq!(site.incidents.len(), self.site.incidents.len());
        StatusModel {
            site,
            now: self.now,
            overall: self.overall,
            components: self.components.clone(),
            incidents: self.incidents.clone(),
            next: self.next.clone(),
            last_changes: self.last_changes.clone(),
        }
    }

    /// When the site will next say something else ([`next_change::next_change`]),
    /// computed once for every output that tells it.
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        *self
            .next
            .get_or_init(|| next_change::next_change(self.site, self.now))
    }

    /// For each incident (parallel to `site.incidents`), the latest moment at or before
    /// `now` at which it changed something a reader sees ([`timeline::changes`]), computed
    /// once for every output that tells it.
    pub fn last_changes(&self) -> &[Option<DateTime<Utc>>] {
        use rayon::prelude::*;
        self.last_changes.get_or_init(|| {
            let config = &self.site.config;
            self.site
                .incidents
                .par_iter()
                .with_max_len(crate::parallel::SMALL_TASKS)
                .map(|i| timeline::changes(i, config, self.now).max())
                .collect()
        })
    }
}

/// One component at `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentState {
    pub status: Status,
    /// The last [`UPTIME_DAYS`] local days, oldest first; the last one is today.
    pub days: Vec<DayUptime>,
    /// Uptime over those days, in percent.
    pub uptime_percent: f64,
    /// Indices into `site.incidents` of the announced incidents that affect it, newest
    /// first.
    pub incidents: Vec<usize>,
}

/// One local day of one component.
#[derive(Debug, Clone, PartialEq)]
pub struct DayUptime {
    pub date: NaiveDate,
    /// Share of the day (up to `now` for today) that was up, in `[0, 1]`.
    pub uptime: f64,
    /// Weighted downtime in seconds.
    pub downtime_seconds: f64,
    /// How long the day is, in seconds (up to `now` for today; 23 or 25 hours when the
    /// clock changes).
    pub length_seconds: f64,
    /// The worst severity of the incidents that touched the day.
    pub worst: Option<Severity>,
    /// Indices into `site.incidents` of those incidents (never a notice).
    pub incidents: Vec<usize>,
}

/// One incident at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentState {
    pub phase: Phase,
    /// The status word to show for the incident as a whole.
    pub status: UpdateStatus,
    /// The effective status after each post (parallel to `incident.posts`).
    pub post_statuses: Vec<UpdateStatus>,
    /// From start to end (or to `now` while ongoing); `None` before it starts.
    pub duration_seconds: Option<i64>,
    /// Whether it is announced at `now` ([`timeline::is_announced`]), and the time of its
    /// newest post public then: at hand beside the other states for the loops over every
    /// incident, which then need not read the incident itself.
    pub announced: bool,
    pub newest_post: Option<DateTime<Utc>>,
}

/// Derives the model of `site` at `now`.
pub fn derive(site: &Site, now: DateTime<Utc>) -> StatusModel<'_> {
    use rayon::prelude::*;
    let incidents: Vec<IncidentState> = site
        .incidents
        .par_iter()
        .map(|i| incident_state(i, &site.config, now))
        .collect();
    derive_with(site, incidents, now)
}

/// The model of the same site as `base`'s at `t`, a moment after `base.now` (the site at
/// its coming instants, for the pages' script): the incidents over at `base.now` with
/// every post public then keep their state, which no later moment changes; the others'
/// are derived again.
pub fn derive_later<'s>(base: &StatusModel<'s>, t: DateTime<Utc>) -> StatusModel<'s> {
    use rayon::prelude::*;
    debug_assert!(t >= base.now);
    let site = base.site;
    let incidents: Vec<IncidentState> = site
        .incidents
        .par_iter()
        .zip(&base.incidents)
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|(i, st)| {
            let settled = st.phase == Phase::Resolved
                && (0..i.posts.len()).all(|k| timeline::post_public_at(i, k) <= base.now);
            if settled {
                st.clone()
            } else {
                incident_state(i, &site.config, t)
            }
        })
        .collect();
    derive_with(site, incidents, t)
}

/// The model of `site` at `now`, its incidents' states being `incidents`.
fn derive_with(site: &Site, incidents: Vec<IncidentState>, now: DateTime<Utc>) -> StatusModel<'_> {
    use rayon::prelude::*;
    let today = local_date(site.config.tz, now);
    let touched = incidents_by_component(site, &incidents);
    let components: Vec<ComponentState> = site
        .config
        .components
        .par_iter()
        .zip(touched)
        .map(|(c, mine)| component_state(site, &incidents, &c.id, mine, today, now))
        .collect();
    let overall = overall_status(components.iter().map(|c| c.status));
    StatusModel {
        site,
        now,
        overall,
        components,
        incidents,
        next: Default::default(),
        last_changes: Default::default(),
    }
}

/// Where `incident` stands at `now`. A notice is over once it leaves the front page
/// ([`timeline::notice_expiry`]).
pub fn phase(incident: &Incident, config: &Config, now: DateTime<Utc>) -> Phase {
    if now < incident.start {
        Phase::Scheduled
    } else if over_at(incident, config).is_some_and(|end| end <= now) {
        Phase::Resolved
    } else {
        Phase::Ongoing
    }
}

/// The status of the announcement itself, from where the incident stood when it was posted.
fn announcement_status(incident: &Incident) -> UpdateStatus {
    let at = timeline::announced_at(incident);
    let over = incident.end.is_some_and(|end| end <= at);
    match (incident.is_maintenance(), over) {
        (true, true) => UpdateStatus::Completed,
        (true, false) if at < incident.start => UpdateStatus::Scheduled,
        (true, false) => UpdateStatus::InProgress,
        (false, true) => UpdateStatus::Resolved,
        (false, false) => UpdateStatus::Investigating,
    }
}

/// The effective status after each post: `update` keeps the previous one. A notice has
/// no status word: its posts are `update`, or `resolved` once posted at or after its `end`
/// (for the API's words).
pub fn post_statuses(incident: &Incident) -> Vec<UpdateStatus> {
    if incident.is_notice() {
        return incident
            .posts
            .iter()
            .map(|p| match incident.end {
                Some(end) if end <= p.at => UpdateStatus::Resolved,
                _ => UpdateStatus::Update,
            })
            .collect();
    }
    let mut current = announcement_status(incident);
    incident
        .posts
        .iter()
        .map(|p| {
            match p.status {
                None | Some(UpdateStatus::Update) => {}
                Some(s) => current = s,
            }
            current
        })
        .collect()
}

/// The state of `incident` at `now`. A notice's status is `update` while it is shown,
/// `resolved` once over.
pub fn incident_state(incident: &Incident, config: &Config, now: DateTime<Utc>) -> IncidentState {
    let phase = phase(incident, config, now);
    let post_statuses = post_statuses(incident);
    // The latest word among the posts already public; the phase has the last word,
    // since `end` (not a `resolved` post) decides when an incident stops.
    let said =
        timeline::latest_public_post(incident, now).map_or(post_statuses[0], |k| post_statuses[k]);
    let status = match (incident.is_maintenance(), phase) {
        _ if incident.is_notice() => match phase {
            Phase::Resolved => UpdateStatus::Resolved,
            _ => UpdateStatus::Update,
        },
        (true, Phase::Resolved) => UpdateStatus::Completed,
        (false, Phase::Resolved) => UpdateStatus::Resolved,
        (true, Phase::Scheduled) => UpdateStatus::Scheduled,
        (true, Phase::Ongoing) => match said {
            UpdateStatus::Scheduled | UpdateStatus::Completed => UpdateStatus::InProgress,
            other => other,
        },
        (false, _) => match said {
            UpdateStatus::Resolved => UpdateStatus::Monitoring,
            other => other,
        },
    };
    let duration_seconds = match phase {
        Phase::Scheduled => incident.end.map(|e| (e - incident.start).num_seconds()),
        Phase::Ongoing => Some((now - incident.start).num_seconds()),
        Phase::Resolved => incident.end.map(|e| (e - incident.start).num_seconds()),
    };
    IncidentState {
        phase,
        status,
        post_statuses,
        duration_seconds,
        announced: timeline::is_announced(incident, now),
        newest_post: timeline::public_posts(incident, now)
            .map(|k| incident.posts[k].at)
            .max(),
    }
}

/// The worst of some statuses; operational when there are none.
pub fn overall_status(statuses: impl IntoIterator<Item = Status>) -> Status {
    statuses.into_iter().max().unwrap_or(Status::Operational)
}

/// A component's status: the worst severity among ongoing incidents that affect it;
/// notices (an incident of severity `notice`, whatever its components' severities) never
/// change it.
pub fn component_status<'a>(
    incidents: impl IntoIterator<Item = (&'a Incident, Phase)>,
    component: &str,
) -> Status {
    incidents
        .into_iter()
        .filter(|(i, phase)| *phase == Phase::Ongoing && !i.is_notice())
        .filter_map(|(i, _)| i.severity_on(component))
        .filter(|s| *s != Severity::Notice)
        .max()
        .map_or(Status::Operational, Status::Affected)
}

/// For each component (in `site.yaml` order), the announced incidents that name it, in
/// the incidents' order: what is not announced yet has no effect on anything shown.
fn incidents_by_component(site: &Site, states: &[IncidentState]) -> Vec<Vec<usize>> {
    let components = &site.config.components;
    let index: rustc_hash::FxHashMap<&str, usize> = components
        .iter()
        .enumerate()
        .map(|(k, c)| (c.id.as_str(), k))
        .collect();
    let mut mine = vec![Vec::new(); components.len()];
    for (n, i) in site.incidents.iter().enumerate() {
        if !states[n].announced {
            continue;
        }
        for impact in &i.impacts {
            if let Some(&k) = index.get(impact.component.as_str()) {
                let list: &mut Vec<usize> = &mut mine[k];
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
        }
    }
    mine
}

/// Component `component`'s state, from `mine`, the announced incidents that name it.
fn component_state(
    site: &Site,
    states: &[IncidentState],
    component: &str,
    mine: Vec<usize>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ComponentState {
    let status = component_status(
        mine.iter().map(|&n| (&*site.incidents[n], states[n].phase)),
        component,
    );
    let first_day = today
        .checked_sub_days(Days::new(UPTIME_DAYS as u64 - 1))
        .unwrap_or(today);
    let (window_start, _) = day_bounds(site.config.tz, first_day);
    let touching = touching(site, &mine, component, window_start, now);
    let days = days(site.config.tz, &touching, first_day, today, now);
    let (up, total) = days.iter().fold((0.0, 0.0), |(up, total), d| {
        (
            up + (d.length_seconds - d.downtime_seconds),
            total + d.length_seconds,
        )
    });
    let uptime_percent = if total > 0.0 {
        (100.0 * up / total).clamp(0.0, 100.0)
    } else {
        100.0
    };
    ComponentState {
        status,
        days,
        uptime_percent,
        incidents: mine,
    }
}

/// The incidents among `mine` that touched the uptime window (from `window_start` to
/// `now`) on `component`, as intervals clipped to `now`; notices left out.
fn touching(
    site: &Site,
    mine: &[usize],
    component: &str,
    window_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<(usize, Interval)> {
    mine.iter()
        .filter_map(|&n| {
            let i = &site.incidents[n];
            let end = i.end.unwrap_or(now).min(now);
            // The window first: most of a long history lies before it.
            if !(i.start < now && end > window_start && i.start <= end) {
                return None;
            }
            // A notice is information, not an incident: it takes no part in the bars.
            let severity = i
                .severity_on(component)
                .filter(|s| *s != Severity::Notice && !i.is_notice())?;
            Some((
                n,
                Interval {
                    start: i.start,
                    end,
                    severity,
                },
            ))
        })
        .collect()
}

/// Each local day from `first_day` to `today`, with the share of it not covered by the
/// `touching` incidents (up to `now` for today).
fn days(
    tz: chrono_tz::Tz,
    touching: &[(usize, Interval)],
    first_day: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<DayUptime> {
    let intervals: Vec<Interval> = touching.iter().map(|(_, iv)| *iv).collect();
    let mut days = Vec::with_capacity(UPTIME_DAYS);
    let mut date = first_day;
    while date <= today {
        let (from, to) = day_bounds(tz, date);
        let to = to.min(now);
        let length = (to - from).num_milliseconds().max(0) as f64 / 1000.0;
        let down = uptime::weighted_downtime(&intervals, from, to);
        let on_day: Vec<&(usize, Interval)> = touching
            .iter()
            .filter(|(_, iv)| {
                iv.start < to && (iv.end > from || (iv.start == iv.end && iv.start >= from))
            })
            .collect();
        days.push(DayUptime {
            date,
            uptime: if length > 0.0 {
                (1.0 - down / length).clamp(0.0, 1.0)
            } else {
                1.0
            },
            downtime_seconds: down,
            length_seconds: length,
            worst: on_day
                .iter()
                .map(|(_, iv)| iv.severity)
                .filter(|s| *s != Severity::Notice)
                .max(),
            incidents: on_day.iter().map(|(n, _)| *n).collect(),
        });
        match date.succ_opt() {
            Some(d) => date = d,
            None => break,
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::{config_with, t};
    use crate::model::Config;
    use crate::model::{Impact, Post};
    use std::path::PathBuf;

    fn config() -> Config {
        config_with(&["web", "mail"])
    }

    fn incident(
        id: &str,
        start: &str,
        end: Option<&str>,
        impacts: &[(&str, Severity)],
    ) -> Incident {
        let severity = impacts
            .iter()
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(Severity::Notice);
        Incident {
            id: id.into(),
            source: PathBuf::from(format!("incidents/{id}.md")),
            title: id.into(),
            start: t(start),
            end: end.map(t),
            severity,
            impacts: impacts
                .iter()
                .map(|(c, s)| Impact {
                    component: c.to_string(),
                    severity: *s,
                })
                .collect(),
            author: None,
            published: t(start),
            draft: false,
            posts: vec![Post {
                at: t(start),
                status: None,
                markdown: String::new(),
                html: String::new(),
                text: String::new(),
                anchor: "announcement".into(),
                author: None,
            }],
            positions: Default::default(),
            untranslated: None,
        }
    }

    fn with_update(mut i: Incident, at: &str, status: UpdateStatus) -> Incident {
        i.posts.push(Post {
            at: t(at),
            status: Some(status),
            markdown: String::new(),
            html: String::new(),
            text: String::new(),
            anchor: at.into(),
            author: None,
        });
        i
    }

    fn site(incidents: Vec<Incident>) -> Site {
        Site {
            config: config(),
            incidents: incidents.into_iter().map(std::sync::Arc::new).collect(),
            files: Vec::new(),
        }
    }

    #[test]
    fn the_model_at_a_later_moment_is_the_one_derived_then() {
        let mut resolved_with_a_post_ahead = incident(
            "d",
            "2020-01-01T08:00:00Z",
            Some("2020-01-01T09:00:00Z"),
            &[("mail", Severity::Degraded)],
        );
        resolved_with_a_post_ahead = with_update(
            resolved_with_a_post_ahead,
            "2020-01-01T12:30:00Z",
            UpdateStatus::Resolved,
        );
        let s = site(vec![
            incident(
                "a",
                "2019-12-31T10:00:00Z",
                Some("2019-12-31T11:00:00Z"),
                &[("web", Severity::MajorOutage)],
            ),
            incident(
                "b",
                "2020-01-01T10:00:00Z",
                Some("2020-01-01T13:00:00Z"),
                &[("web", Severity::Maintenance)],
            ),
            with_update(
                incident(
                    "c",
                    "2020-01-01T09:30:00Z",
                    None,
                    &[("mail", Severity::PartialOutage)],
                ),
                "2020-01-01T11:30:00Z",
                UpdateStatus::Identified,
            ),
            resolved_with_a_post_ahead,
            incident(
                "e",
                "2020-01-02T01:00:00Z",
                Some("2020-01-02T02:00:00Z"),
                &[],
            ),
        ]);
        let base = derive(&s, t("2020-01-01T09:45:00Z"));
        for later in [
            "2020-01-01T09:45:00Z",
            "2020-01-01T10:00:00Z",
            "2020-01-01T11:30:00Z",
            "2020-01-01T12:30:00Z",
            "2020-01-01T13:00:00Z",
            "2020-01-02T01:30:00Z",
            "2020-01-05T00:00:00Z",
        ] {
            let (a, b) = (derive_later(&base, t(later)), derive(&s, t(later)));
            assert_eq!(a.incidents, b.incidents, "{later}");
            assert_eq!(a.components, b.components, "{later}");
            assert_eq!(a.overall, b.overall, "{later}");
        }
    }

    #[test]
    fn an_incident_is_scheduled_then_ongoing_then_resolved() {
        let i = incident(
            "a",
            "2020-01-01T10:00:00Z",
            Some("2020-01-01T11:00:00Z"),
            &[("web", Severity::MajorOutage)],
        );
        assert_eq!(
            phase(&i, &config(), t("2020-01-01T09:59:59Z")),
            Phase::Scheduled
        );
        assert_eq!(
            phase(&i, &config(), t("2020-01-01T10:00:00Z")),
            Phase::Ongoing
        );
        assert_eq!(
            phase(&i, &config(), t("2020-01-01T11:00:00Z")),
            Phase::Resolved
        );
    }

    #[test]
    fn major_outage_when_an_open_incident_is_a_major_outage() {
        let s = site(vec![
            incident(
                "a",
                "2020-01-01T10:00:00Z",
                None,
                &[("web", Severity::MajorOutage)],
            ),
            incident(
                "b",
                "2020-01-01T10:00:00Z",
                None,
                &[("web", Severity::Degraded), ("mail", Severity::Degraded)],
            ),
        ]);
        let m = derive(&s, t("2020-01-01T12:00:00Z"));
        assert_eq!(
            m.components[0].status,
            Status::Affected(Severity::MajorOutage)
        );
        assert_eq!(m.components[1].status, Status::Affected(Severity::Degraded));
        assert_eq!(m.overall, Status::Affected(Severity::MajorOutage));
    }

    #[test]
    fn notices_and_past_or_future_incidents_leave_the_status_operational() {
        let s = site(vec![
            incident(
                "n",
                "2020-01-01T10:00:00Z",
                None,
                &[("web", Severity::Notice)],
            ),
            incident(
                "past",
                "2019-01-01T10:00:00Z",
                Some("2019-01-01T11:00:00Z"),
                &[("web", Severity::MajorOutage)],
            ),
            incident(
                "future",
                "2020-02-01T10:00:00Z",
                None,
                &[("web", Severity::Maintenance)],
            ),
        ]);
        let m = derive(&s, t("2020-01-01T12:00:00Z"));
        assert_eq!(m.overall, Status::Operational);
    }

    #[test]
    fn ongoing_maintenance_shows_as_maintenance() {
        let s = site(vec![incident(
            "m",
            "2020-01-01T10:00:00Z",
            Some("2020-01-01T14:00:00Z"),
            &[("mail", Severity::Maintenance)],
        )]);
        let m = derive(&s, t("2020-01-01T12:00:00Z"));
        assert_eq!(
            m.components[1].status,
            Status::Affected(Severity::Maintenance)
        );
        assert_eq!(m.incidents[0].status, UpdateStatus::InProgress);
        assert_eq!(
            m.components[1].uptime_percent, 100.0,
            "maintenance is not downtime"
        );
    }

    #[test]
    fn ninety_days_of_uptime_end_today() {
        let s = site(vec![incident(
            "a",
            "2020-03-01T10:00:00+01:00",
            Some("2020-03-01T12:24:00+01:00"),
            &[("web", Severity::MajorOutage)],
        )]);
        let m = derive(&s, t("2020-03-10T12:00:00Z"));
        let days = &m.components[0].days;
        assert_eq!(days.len(), UPTIME_DAYS);
        assert_eq!(
            days.last().unwrap().date,
            NaiveDate::from_ymd_opt(2020, 3, 10).unwrap()
        );
        let d = days
            .iter()
            .find(|d| d.date == NaiveDate::from_ymd_opt(2020, 3, 1).unwrap())
            .unwrap();
        assert!(
            (d.uptime - 0.9).abs() < 1e-9,
            "2 h 24 of 24 h is 10 %: {}",
            d.uptime
        );
        assert_eq!(d.worst, Some(Severity::MajorOutage));
        assert_eq!(d.incidents, vec![0]);
        assert!(m.components[0].uptime_percent < 100.0);
        assert_eq!(m.components[1].uptime_percent, 100.0);
    }

    #[test]
    fn an_ongoing_incident_counts_as_downtime_up_to_now_only() {
        let s = site(vec![incident(
            "a",
            "2020-03-10T11:00:00Z",
            None,
            &[("web", Severity::MajorOutage)],
        )]);
        let m = derive(&s, t("2020-03-10T12:00:00Z"));
        let today = m.components[0].days.last().unwrap();
        assert_eq!(today.downtime_seconds, 3600.0);
        assert_eq!(m.incidents[0].duration_seconds, Some(3600));
    }

    #[test]
    fn the_status_follows_the_posts_and_update_keeps_it() {
        let i = incident(
            "a",
            "2020-01-01T10:00:00Z",
            None,
            &[("web", Severity::MajorOutage)],
        );
        let i = with_update(i, "2020-01-01T10:30:00Z", UpdateStatus::Identified);
        let i = with_update(i, "2020-01-01T11:00:00Z", UpdateStatus::Update);
        let i = with_update(i, "2020-01-01T13:00:00Z", UpdateStatus::Monitoring);
        assert_eq!(
            post_statuses(&i),
            [
                UpdateStatus::Investigating,
                UpdateStatus::Identified,
                UpdateStatus::Identified,
                UpdateStatus::Monitoring
            ]
        );
        assert_eq!(
            incident_state(&i, &config(), t("2020-01-01T12:00:00Z")).status,
            UpdateStatus::Identified,
            "later posts are not out yet"
        );
    }

    #[test]
    fn a_resolved_post_does_not_end_an_incident_that_has_no_end() {
        let i = with_update(
            incident(
                "a",
                "2020-01-01T10:00:00Z",
                None,
                &[("web", Severity::MajorOutage)],
            ),
            "2020-01-01T11:00:00Z",
            UpdateStatus::Resolved,
        );
        let st = incident_state(&i, &config(), t("2020-01-01T12:00:00Z"));
        assert_eq!(st.phase, Phase::Ongoing);
        assert_eq!(st.status, UpdateStatus::Monitoring);
    }

    #[test]
    fn an_incident_not_announced_yet_changes_no_status_and_no_uptime() {
        // Issue 13: before its announcement, an incident is in no output at all.
        let mut i = incident(
            "a",
            "2020-01-01T10:00:00Z",
            None,
            &[("web", Severity::MajorOutage)],
        );
        i.published = t("2020-01-01T13:00:00Z");
        i.posts[0].at = i.published;
        let s = site(vec![i]);
        let before = derive(&s, t("2020-01-01T12:00:00Z"));
        assert_eq!(before.overall, Status::Operational);
        assert!(before.components[0].incidents.is_empty());
        assert_eq!(before.components[0].uptime_percent, 100.0);
        let after = derive(&s, t("2020-01-01T13:00:00Z"));
        assert_eq!(after.overall, Status::Affected(Severity::MajorOutage));
        assert_eq!(after.components[0].incidents, [0]);
        assert!(after.components[0].uptime_percent < 100.0);
    }

    #[test]
    fn a_notice_is_over_once_it_leaves_the_front_page_and_never_in_the_bars() {
        let n = incident(
            "n",
            "2020-01-01T10:00:00Z",
            None,
            &[("web", Severity::Notice)],
        );
        let s = site(vec![n]);
        let shown = derive(&s, t("2020-01-14T10:00:00Z"));
        assert_eq!(shown.incidents[0].phase, Phase::Ongoing);
        assert_eq!(shown.incidents[0].status, UpdateStatus::Update);
        assert!(shown.components[0]
            .days
            .iter()
            .all(|d| d.incidents.is_empty()));
        let over = derive(&s, t("2020-01-15T10:00:00Z"));
        assert_eq!(over.incidents[0].phase, Phase::Resolved, "14 days after");
        assert_eq!(over.incidents[0].status, UpdateStatus::Resolved);
        assert_eq!(over.components[0].incidents, [0], "still the component's");
    }

    #[test]
    fn a_notice_has_no_status_word_but_its_end() {
        let n = with_update(
            incident(
                "n",
                "2020-01-01T10:00:00Z",
                Some("2020-01-02T10:00:00Z"),
                &[("web", Severity::Notice)],
            ),
            "2020-01-01T11:00:00Z",
            UpdateStatus::Identified,
        );
        assert_eq!(
            post_statuses(&n),
            [UpdateStatus::Update, UpdateStatus::Update]
        );
        let mut late = n.clone();
        late.published = t("2020-01-03T10:00:00Z");
        late.posts[0].at = late.published;
        assert_eq!(post_statuses(&late)[0], UpdateStatus::Resolved);
    }

    #[test]
    fn an_announcement_posted_after_the_end_is_resolved() {
        let mut i = incident(
            "a",
            "2017-10-27T22:44:00Z",
            Some("2017-10-27T23:46:00Z"),
            &[("web", Severity::MajorOutage)],
        );
        i.published = t("2017-10-28T07:30:00Z");
        assert_eq!(post_statuses(&i)[0], UpdateStatus::Resolved);
    }
}

/// Invariants of the model over generated sites.
#[cfg(test)]
mod properties {
    use super::*;
    use crate::model::Config;
    use crate::model::{Impact, Post};
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    const COMPONENTS: [&str; 3] = ["web", "mail", "dns"];
    const BASE: i64 = 1_700_000_000;

    fn config() -> Config {
        crate::load::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\n  - {id: dns, name: DNS}\n",
        )
        .unwrap()
    }

    fn severity() -> impl Strategy<Value = Severity> {
        prop::sample::select(Severity::ALL.to_vec())
    }

    prop_compose! {
        fn incident()(n in 0u32..1000, start in 0i64..200 * 86_400, length in prop::option::of(0i64..5 * 86_400),
                      impacts in prop::collection::btree_map(prop::sample::select(COMPONENTS.to_vec()), severity(), 1..3))
                      -> Incident {
            let start = DateTime::from_timestamp(BASE + start, 0).unwrap();
            let impacts: Vec<Impact> = impacts.into_iter().map(|(c, s)| Impact { component: c.to_string(), severity: s }).collect();
            Incident {
                id: format!("i{n}"),
                source: PathBuf::from(format!("incidents/i{n}.md")),
                title: format!("Incident {n}"),
                start,
                end: length.map(|l| start + chrono::Duration::seconds(l)),
                severity: impacts.iter().map(|i| i.severity).max().unwrap_or(Severity::Notice),
                impacts,
                author: None,
                published: start,
                draft: false,
                posts: vec![Post { at: start, status: None, markdown: String::new(), html: String::new(), text: String::new(), anchor: "announcement".into(), author: None }],
                positions: Default::default(),
                untranslated: None,
            }
        }
    }

    fn site(mut incidents: Vec<Incident>) -> Site {
        // Ids are unique in a site: keep the first incident of each id, whatever comes after.
        let mut seen = std::collections::HashSet::new();
        incidents.retain(|i| seen.insert(i.id.clone()));
        incidents.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.id.cmp(&b.id)));
        Site {
            config: config(),
            incidents: incidents.into_iter().map(std::sync::Arc::new).collect(),
            files: Vec::new(),
        }
    }

    fn now() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..220 * 86_400).prop_map(|s| DateTime::from_timestamp(BASE + s, 0).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn uptime_stays_between_0_and_100(incidents in prop::collection::vec(incident(), 0..12), now in now()) {
            let s = site(incidents);
            let m = derive(&s, now);
            for c in &m.components {
                prop_assert!((0.0..=100.0).contains(&c.uptime_percent));
                prop_assert_eq!(c.days.len(), UPTIME_DAYS);
                for d in &c.days {
                    prop_assert!((0.0..=1.0).contains(&d.uptime), "{}", d.uptime);
                    prop_assert!(d.downtime_seconds >= 0.0);
                }
            }
        }

        #[test]
        fn the_status_is_never_better_than_the_worst_open_incident(incidents in prop::collection::vec(incident(), 0..12), now in now()) {
            let s = site(incidents);
            let m = derive(&s, now);
            for (i, st) in s.incidents.iter().zip(&m.incidents) {
                if st.phase != Phase::Ongoing { continue; }
                for imp in &i.impacts {
                    let k = s.config.component_index(&imp.component);
                    if imp.severity != Severity::Notice {
                        prop_assert!(m.components[k].status >= Status::Affected(imp.severity));
                    }
                    prop_assert!(m.overall >= m.components[k].status);
                }
            }
        }

        #[test]
        fn a_resolved_incident_from_the_past_never_changes_the_current_status(
            incidents in prop::collection::vec(incident(), 0..10), extra in incident(), now in now()
        ) {
            let before = derive(&site(incidents.clone()), now).components.iter().map(|c| c.status).collect::<Vec<_>>();
            let mut extra = extra;
            extra.id = "extra".into();
            if extra.end.is_none() || extra.end.unwrap_or(now) > now { return Ok(()); }
            let mut with = incidents;
            with.push(extra);
            let after = derive(&site(with), now).components.iter().map(|c| c.status).collect::<Vec<_>>();
            prop_assert_eq!(before, after);
        }
    }
}
