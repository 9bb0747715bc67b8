//! What there is to tell at `now`: every event due by then, each with a stable id. Pure:
//! the times come from [`crate::derive::timeline`], the windows already seen from the
//! ledger.
//!
//! - each public post (the announcement of an incident or a maintenance, then each update);
//! - a maintenance rescheduled: its window differs from the one seen when it was first
//!   announced (only while the new window has not ended);
//! - a reminder before a maintenance window (only the shortest one due, only before the
//!   window starts, and only after subscribers learnt of the window, so that a late run
//!   sends one reminder, not all of them, and none repeats the news just sent);
//! - a maintenance started (while it lasts) and completed, an incident resolved, unless a
//!   post of the incident already says so.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::derive::timeline::{announced_at, is_announced, maintenance_end, post_public_at};
use crate::derive::StatusModel;
use crate::model::{Incident, UpdateStatus};

/// A maintenance window: start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    /// The window of a maintenance as the site says now.
    pub fn of(i: &Incident) -> Window {
        Window {
            start: i.start,
            end: maintenance_end(i),
        }
    }
}

/// The windows of a maintenance seen by earlier runs, oldest first, each with the moment
/// it was first seen.
pub type SeenWindows = HashMap<String, Vec<(Window, DateTime<Utc>)>>;

/// What an event tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Post `k` of the incident (0: the announcement).
    Post(usize),
    /// The maintenance's window changed to this one.
    Rescheduled(Window),
    /// The maintenance starts in this long.
    Reminder(Duration),
    Started,
    Completed,
    Resolved,
}

/// One thing to tell the subscribers of every channel, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable: `incident-id.post-anchor` for a post, as in its e-mail's Message-ID;
    /// `incident-id.reminder-24h-<start>` and so on for the others. The channels that
    /// take an idempotency key get this one.
    pub id: String,
    /// The incident's index in `site.incidents`.
    pub incident: usize,
    pub kind: EventKind,
    /// When it became due.
    pub due: DateTime<Utc>,
}

/// `t` as a compact UTC stamp for ids: `20261205T0100Z`.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%MZ").to_string()
}

/// A reminder's delay for ids: `24h`, `90m`, `45s`.
pub fn delay_word(d: Duration) -> String {
    let s = d.num_seconds();
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Whether a public post of `i` at `now` already carries one of `statuses`.
fn says(i: &Incident, now: DateTime<Utc>, statuses: &[UpdateStatus]) -> bool {
    (0..i.posts.len()).any(|k| {
        post_public_at(i, k) <= now && i.posts[k].status.is_some_and(|s| statuses.contains(&s))
    })
}

/// Every event due at the model's `now`, sorted by due time then id. `seen` holds the
/// windows earlier runs saw (with the one of this run already added); `reminders` are
/// the delays of `notify.reminders`.
pub fn events(model: &StatusModel, seen: &SeenWindows, reminders: &[Duration]) -> Vec<Event> {
    let now = model.now;
    let mut out = Vec::new();
    for (n, i) in model.site.incidents.iter().enumerate() {
        if !is_announced(i, now) {
            continue;
        }
        let announced = announced_at(i);
        let mut push = |suffix: String, kind: EventKind, due: DateTime<Utc>| {
            out.push(Event {
                id: format!("{}.{suffix}", i.id),
                incident: n,
                kind,
                due,
            });
        };
        for k in 0..i.posts.len() {
            let due = post_public_at(i, k);
            if due <= now {
                push(i.posts[k].anchor.clone(), EventKind::Post(k), due);
            }
        }
        if i.is_notice() {
            continue;
        }
        if !i.is_maintenance() {
            if let Some(end) = i.end {
                if end <= now && announced < end && !says(i, now, &[UpdateStatus::Resolved]) {
                    push("resolved".to_string(), EventKind::Resolved, end);
                }
            }
            continue;
        }
        let window = Window::of(i);
        if let Some(list) = seen.get(&i.id) {
            if let (true, Some(&(last, at))) = (list.len() > 1, list.last()) {
                if last == window && window.end > now {
                    push(
                        format!("rescheduled-{}-{}", stamp(window.start), stamp(window.end)),
                        EventKind::Rescheduled(window),
                        at,
                    );
                }
            }
        }
        // When subscribers learnt of this window: at the announcement, or for a window
        // rescheduled, when a run first saw it. A reminder due before then has nothing to
        // add to the news that told of it.
        let told_at = seen
            .get(&i.id)
            .filter(|l| l.len() > 1)
            .and_then(|l| l.last())
            .filter(|(w, _)| *w == window)
            .map_or(announced, |&(_, at)| at.max(announced));
        // The shortest reminder due before the window starts.
        if now < window.start {
            let due = reminders
                .iter()
                .map(|&r| (r, window.start - r))
                .filter(|&(_, at)| at <= now && told_at < at)
                .min_by_key(|&(r, _)| r);
            if let Some((r, at)) = due {
                push(
                    format!("reminder-{}-{}", delay_word(r), stamp(window.start)),
                    EventKind::Reminder(r),
                    at,
                );
            }
        }
        if window.start <= now
            && now < window.end
            && announced < window.start
            && !says(
                i,
                now,
                &[
                    UpdateStatus::InProgress,
                    UpdateStatus::Completed,
                    UpdateStatus::Resolved,
                ],
            )
        {
            push("started".to_string(), EventKind::Started, window.start);
        }
        if let Some(end) = i.end {
            if end <= now
                && announced < end
                && !says(i, now, &[UpdateStatus::Completed, UpdateStatus::Resolved])
            {
                push("completed".to_string(), EventKind::Completed, end);
            }
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.id.cmp(&b.id)));
    out
}

/// The windows of the maintenances announced at `now` that `seen` does not end with:
/// the ones to add to the ledger.
pub fn new_windows(model: &StatusModel, seen: &SeenWindows) -> Vec<(String, Window)> {
    model
        .site
        .incidents
        .iter()
        .filter(|i| i.is_maintenance() && is_announced(i, model.now))
        .filter_map(|i| {
            let w = Window::of(i);
            let known = seen
                .get(&i.id)
                .and_then(|l| l.last())
                .is_some_and(|(last, _)| *last == w);
            (!known).then(|| (i.id.clone(), w))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::load::testing::{config_with, site, t};

    const MAINTENANCE: &str = "---\ntitle: M\nstart: 2026-12-05 02:00\nend: 2026-12-05 04:00\nseverity: maintenance\npublished: 2026-12-01 10:00\n---\nTravaux.\n";

    fn ids_at(files: &[(&str, &str)], now: &str, seen: &SeenWindows) -> Vec<String> {
        let site = site(config_with(&["web"]), files);
        let model = derive(&site, t(now));
        events(&model, seen, &[Duration::hours(24), Duration::hours(1)])
            .into_iter()
            .map(|e| e.id)
            .collect()
    }

    #[test]
    fn a_maintenance_is_announced_reminded_started_and_completed() {
        let files = [("m", MAINTENANCE)];
        let none = SeenWindows::new();
        assert!(ids_at(&files, "2026-12-01T08:00:00Z", &none).is_empty());
        assert_eq!(
            ids_at(&files, "2026-12-01T09:00:00Z", &none),
            ["m.announcement"]
        );
        assert_eq!(
            ids_at(&files, "2026-12-04T01:00:00Z", &none),
            ["m.announcement", "m.reminder-24h-20261205T0100Z"]
        );
        // Both reminders are due: only the shortest goes.
        assert_eq!(
            ids_at(&files, "2026-12-05T00:30:00Z", &none),
            ["m.announcement", "m.reminder-1h-20261205T0100Z"]
        );
        assert_eq!(
            ids_at(&files, "2026-12-05T01:30:00Z", &none),
            ["m.announcement", "m.started"]
        );
        assert_eq!(
            ids_at(&files, "2026-12-05T03:00:00Z", &none),
            ["m.announcement", "m.completed"]
        );
    }

    #[test]
    fn a_post_that_says_it_is_over_replaces_the_event() {
        let text = "---\ntitle: P\nstart: 2026-11-20 10:00\nend: 2026-11-20 11:00\nseverity: degraded\nupdates:\n  - {at: 2026-11-20 11:00, status: resolved, body: Fini.}\n---\nLent.\n";
        let ids = ids_at(&[("p", text)], "2026-11-21T00:00:00Z", &SeenWindows::new());
        assert_eq!(ids, ["p.announcement", "p.update-20261120t1000z"]);
        let open = text
            .replace(
                "  - {at: 2026-11-20 11:00, status: resolved, body: Fini.}\n",
                "",
            )
            .replace("updates:\n", "");
        let ids = ids_at(&[("p", &open)], "2026-11-21T00:00:00Z", &SeenWindows::new());
        assert_eq!(ids, ["p.announcement", "p.resolved"]);
    }

    #[test]
    fn a_window_first_seen_late_still_gets_its_reminder() {
        let files = [("m", MAINTENANCE)];
        let mut seen = SeenWindows::new();
        let w = Window {
            start: t("2026-12-05T01:00:00Z"),
            end: t("2026-12-05T03:00:00Z"),
        };
        seen.insert("m".into(), vec![(w, t("2026-12-04T01:30:00Z"))]);
        assert_eq!(
            ids_at(&files, "2026-12-04T01:30:00Z", &seen),
            ["m.announcement", "m.reminder-24h-20261205T0100Z"]
        );
    }

    #[test]
    fn a_changed_window_is_one_event_while_it_lasts() {
        let files = [("m", MAINTENANCE)];
        let old = Window {
            start: t("2026-12-04T01:00:00Z"),
            end: t("2026-12-04T03:00:00Z"),
        };
        let new = Window {
            start: t("2026-12-05T01:00:00Z"),
            end: t("2026-12-05T03:00:00Z"),
        };
        let mut seen = SeenWindows::new();
        seen.insert("m".into(), vec![(old, t("2026-12-01T09:00:00Z"))]);
        let site = site(config_with(&["web"]), &files);
        let model = derive(&site, t("2026-12-02T00:00:00Z"));
        assert_eq!(new_windows(&model, &seen), [("m".to_string(), new)]);
        seen.get_mut("m")
            .unwrap()
            .push((new, t("2026-12-02T00:00:00Z")));
        assert_eq!(
            ids_at(&files, "2026-12-02T00:00:00Z", &seen),
            [
                "m.announcement",
                "m.rescheduled-20261205T0100Z-20261205T0300Z"
            ]
        );
        assert!(new_windows(&model, &seen).is_empty());
        // Once the new window is over, there is nothing to say about it.
        assert!(!ids_at(&files, "2026-12-06T00:00:00Z", &seen)
            .iter()
            .any(|id| id.contains("rescheduled")));
    }
}
