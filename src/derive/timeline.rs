//! Timeline facts every output agrees on: when an incident is announced, when a
//! maintenance window ends, when the page last changed.

use chrono::{DateTime, Duration, Utc};

use super::StatusModel;
use crate::model::Incident;

/// How long a maintenance without an `end` is taken to last, for `scheduled_until` and the
/// calendar: a window must end somewhere, and an hour is the shortest usual one.
pub const DEFAULT_MAINTENANCE_HOURS: i64 = 1;

/// When a maintenance window ends: its `end`, or [`DEFAULT_MAINTENANCE_HOURS`] after its start.
pub fn maintenance_end(i: &Incident) -> DateTime<Utc> {
    i.end
        .unwrap_or(i.start + Duration::hours(DEFAULT_MAINTENANCE_HOURS))
}

/// Whether the incident's announcement is out at `now`: only those appear in the API.
pub fn is_announced(i: &Incident, now: DateTime<Utc>) -> bool {
    i.posts.first().is_some_and(|p| p.at <= now)
}

/// The times at or before `now` at which `i` changed something a reader sees: its
/// published posts, its start and its end.
pub fn changes(i: &Incident, now: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
    i.posts
        .iter()
        .map(|p| p.at)
        .chain([i.start])
        .chain(i.end)
        .filter(move |t| *t <= now)
}

/// The latest moment at or before `now` at which anything on the page changed, or `None`
/// when nothing ever did. Not `now`: an unchanged site keeps the same `updated_at`.
pub fn last_change(model: &StatusModel) -> Option<DateTime<Utc>> {
    model
        .site
        .incidents
        .iter()
        .flat_map(|i| changes(i, model.now))
        .max()
}
