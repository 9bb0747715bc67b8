//! Timeline facts every output agrees on: when an incident is announced and each of its
//! posts becomes public, when a maintenance window ends, when a notice leaves the front
//! page, when the page last changed.
//!
//! "Is it public yet" is answered here and nowhere else. An incident is public from its
//! announcement ([`announced_at`]); before that, no output shows it at all: no page, no
//! line in a list, no feed entry, no API object, no calendar event, no effect on a status,
//! a badge or an uptime bar. Each post is public from its own time, and never before the
//! announcement ([`post_public_at`]).

use chrono::{DateTime, Duration, Utc};

use super::StatusModel;
use crate::model::{Config, Incident};

/// How long a maintenance without an `end` is taken to last, for `scheduled_until` and the
/// calendar: a window must end somewhere, and an hour is the shortest usual one.
pub const DEFAULT_MAINTENANCE_HOURS: i64 = 1;

/// When a maintenance window ends: its `end`, or [`DEFAULT_MAINTENANCE_HOURS`] after its start.
pub fn maintenance_end(i: &Incident) -> DateTime<Utc> {
    i.end
        .unwrap_or(i.start + Duration::hours(DEFAULT_MAINTENANCE_HOURS))
}

/// When the incident is announced, and so becomes public: its `published`, which the load
/// stage sets, when the file does not, to the earliest of its start and its updates' times.
pub fn announced_at(i: &Incident) -> DateTime<Utc> {
    i.published
}

/// Whether the incident is announced at `now`: before that, no output shows it.
pub fn is_announced(i: &Incident, now: DateTime<Utc>) -> bool {
    announced_at(i) <= now
}

/// When post `k` of `i` becomes public: at its own time, but not before the announcement.
pub fn post_public_at(i: &Incident, k: usize) -> DateTime<Utc> {
    let at = i.posts.get(k).map_or(i.published, |p| p.at);
    at.max(announced_at(i))
}

/// Whether post `k` of `i` is public at `now`.
pub fn is_post_public(i: &Incident, k: usize, now: DateTime<Utc>) -> bool {
    post_public_at(i, k) <= now
}

/// The indices of the posts of `i` public at `now`, in the incident's order (the
/// announcement first); none before the announcement.
pub fn public_posts(i: &Incident, now: DateTime<Utc>) -> impl Iterator<Item = usize> + '_ {
    (0..i.posts.len()).filter(move |&k| is_post_public(i, k, now))
}

/// The newest post of `i` public at `now` (the last in the incident's order), if any.
pub fn latest_public_post(i: &Incident, now: DateTime<Utc>) -> Option<usize> {
    (0..i.posts.len())
        .rev()
        .find(|&k| is_post_public(i, k, now))
}

/// When a notice leaves the front page for the history: at its `end` when it has one,
/// else `notice_days` after it is announced (or after its start, when that comes later: a
/// notice about a change to come stays until the change plus as many days). `None` for
/// what is not a notice.
pub fn notice_expiry(i: &Incident, notice_days: u32) -> Option<DateTime<Utc>> {
    if !i.is_notice() {
        return None;
    }
    Some(
        i.end.unwrap_or_else(|| {
            announced_at(i).max(i.start) + Duration::days(i64::from(notice_days))
        }),
    )
}

/// When the incident is over, as every output sees it: its `end`, or for a notice without
/// one, its [`notice_expiry`]. `None` while nothing ends it.
pub fn over_at(i: &Incident, config: &Config) -> Option<DateTime<Utc>> {
    notice_expiry(i, config.notice_days).or(i.end)
}

/// The times at or before `now` at which `i` changed something a reader sees: its
/// public posts, its start and its end (a notice's expiry), none of them before it is
/// announced.
pub fn changes<'a>(
    i: &'a Incident,
    config: &Config,
    now: DateTime<Utc>,
) -> impl Iterator<Item = DateTime<Utc>> + 'a {
    let announced = announced_at(i);
    (0..i.posts.len())
        .map(move |k| post_public_at(i, k))
        .chain([i.start.max(announced)])
        .chain(over_at(i, config).map(|end| end.max(announced)))
        .filter(move |t| *t <= now && announced <= now)
}

/// The latest moment at or before `now` at which anything on the page changed, or `None`
/// when nothing ever did. Not `now`: an unchanged site keeps the same `updated_at`.
pub fn last_change(model: &StatusModel) -> Option<DateTime<Utc>> {
    model.last_changes().iter().flatten().max().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::{config_with, t};
    use crate::model::{Post, Severity};
    use std::path::Path;

    fn config() -> Config {
        config_with(&["web"])
    }

    fn parse(text: &str) -> Incident {
        crate::load::incident::parse(Path::new("incidents/x.md"), "x", text, &config()).unwrap()
    }

    /// Issue 13: written on Wednesday for Friday night, with a `scheduled` update dated
    /// Wednesday and no `published`.
    fn announced_by_an_update() -> Incident {
        parse("---\ntitle: Maintenance\nstart: 2026-12-01 02:00\nend: 2026-12-01 03:00\nseverity: maintenance\nupdates:\n  - at: 2026-11-25 10:00\n    status: scheduled\n    body: Prévue.\n---\nTravaux.\n")
    }

    #[test]
    fn without_published_an_incident_is_announced_at_its_earliest_post_or_start() {
        // Issue 13.
        let i = announced_by_an_update();
        assert_eq!(announced_at(&i), t("2026-11-25T09:00:00Z"));
        assert_eq!(
            i.posts[0].at,
            announced_at(&i),
            "the announcement's own time"
        );
        assert!(!is_announced(&i, t("2026-11-25T08:59:59Z")));
        assert!(is_announced(&i, t("2026-11-25T09:00:00Z")));
        let plain = parse("---\ntitle: P\nstart: 2026-12-01 02:00\nseverity: degraded\nupdates:\n  - {at: 2026-12-01 03:00, body: b}\n---\n");
        assert_eq!(announced_at(&plain), plain.start);
    }

    #[test]
    fn a_written_published_wins_over_earlier_posts() {
        let i = parse("---\ntitle: M\nstart: 2026-12-01 02:00\nseverity: maintenance\npublished: 2026-11-28 12:00\nupdates:\n  - {at: 2026-11-25 10:00, status: scheduled, body: b}\n---\n");
        assert_eq!(announced_at(&i), t("2026-11-28T11:00:00Z"));
        assert!(!is_announced(&i, t("2026-11-26T00:00:00Z")));
        // The early update waits for the announcement.
        assert_eq!(post_public_at(&i, 1), t("2026-11-28T11:00:00Z"));
    }

    #[test]
    fn each_post_is_public_from_its_own_time() {
        let i = parse("---\ntitle: P\nstart: 2026-11-20 10:00\nseverity: degraded\nupdates:\n  - {at: 2026-11-20 11:00, status: identified, body: a}\n  - {at: 2026-11-20 12:00, status: resolved, body: b}\n---\n");
        let at = |s: &str| public_posts(&i, t(s)).collect::<Vec<_>>();
        assert_eq!(at("2026-11-20T08:59:59Z"), Vec::<usize>::new());
        assert_eq!(at("2026-11-20T09:00:00Z"), [0]);
        assert_eq!(at("2026-11-20T10:30:00Z"), [0, 1]);
        assert_eq!(at("2026-11-20T11:00:00Z"), [0, 1, 2]);
        assert_eq!(latest_public_post(&i, t("2026-11-20T10:30:00Z")), Some(1));
        assert_eq!(latest_public_post(&i, t("2026-11-20T08:00:00Z")), None);
    }

    #[test]
    fn a_notice_expires_at_its_end_or_some_days_after_it_is_announced() {
        let open = parse("---\ntitle: N\nstart: 2026-11-20 10:00\nseverity: notice\n---\n");
        assert_eq!(notice_expiry(&open, 14), Some(t("2026-12-04T09:00:00Z")));
        let ended =
            parse("---\ntitle: N\nstart: 2026-11-20 10:00\nend: 2026-11-22 10:00\nseverity: notice\n---\n");
        assert_eq!(notice_expiry(&ended, 14), Some(t("2026-11-22T09:00:00Z")));
        // Announced ahead of the change it announces: it stays until the change plus the days.
        let ahead = parse("---\ntitle: N\nstart: 2027-01-01 00:00\nseverity: notice\npublished: 2026-12-01 10:00\n---\n");
        assert_eq!(notice_expiry(&ahead, 14), Some(t("2027-01-14T23:00:00Z")));
        let incident = parse("---\ntitle: I\nstart: 2026-11-20 10:00\nseverity: degraded\n---\n");
        assert_eq!(notice_expiry(&incident, 14), None);
        assert_eq!(over_at(&open, &config()), Some(t("2026-12-04T09:00:00Z")));
        assert_eq!(over_at(&incident, &config()), None);
    }

    #[test]
    fn nothing_changes_before_the_announcement() {
        let mut i = parse("---\ntitle: P\nstart: 2026-11-20 10:00\nend: 2026-11-20 11:00\nseverity: degraded\npublished: 2026-11-21 09:00\n---\n");
        let config = config();
        assert_eq!(changes(&i, &config, t("2026-11-21T07:00:00Z")).count(), 0);
        let seen: Vec<_> = changes(&i, &config, t("2026-11-21T08:00:00Z")).collect();
        assert!(
            seen.iter().all(|c| *c == t("2026-11-21T08:00:00Z")),
            "{seen:?}"
        );
        i.posts.push(Post {
            at: t("2026-11-22T08:00:00Z"),
            status: None,
            markdown: String::new(),
            html: String::new(),
            text: String::new(),
            anchor: "u".into(),
            author: None,
        });
        assert_eq!(
            changes(&i, &config, t("2026-11-23T00:00:00Z")).max(),
            Some(t("2026-11-22T08:00:00Z"))
        );
        assert_eq!(i.severity, Severity::Degraded);
    }
}
