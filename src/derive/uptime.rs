//! Daily uptime: the share of a day not covered by outages, in the site's time zone.
//!
//! Major outages weigh 1, partial outages 0.3; degraded performance, maintenance and
//! notices are not downtime. Where incidents overlap, each instant counts once, at the
//! heaviest weight that covers it.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::model::Severity;

/// The weight of an instant hit at `severity`: 1 for a major outage, 0.3 for a partial one.
pub fn downtime_weight(severity: Severity) -> f64 {
    match severity {
        Severity::MajorOutage => 1.0,
        Severity::PartialOutage => 0.3,
        Severity::Degraded | Severity::Maintenance | Severity::Notice => 0.0,
    }
}

/// A stretch of time during which a component was hit at some severity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub severity: Severity,
}

/// Weighted downtime in seconds within `[from, to)`: each instant counts once, at the
/// heaviest weight of the intervals covering it.
pub fn weighted_downtime(intervals: &[Interval], from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    if to <= from {
        return 0.0;
    }
    // Boundaries of the clipped intervals with positive weight.
    let mut events: Vec<(DateTime<Utc>, i8, f64)> = Vec::new();
    for iv in intervals {
        let w = downtime_weight(iv.severity);
        let (s, e) = (iv.start.max(from), iv.end.min(to));
        if w > 0.0 && s < e {
            events.push((s, 1, w));
            events.push((e, -1, w));
        }
    }
    if events.is_empty() {
        return 0.0;
    }
    events.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    // Active counts per weight class; few classes, so a small vector does.
    let mut active: Vec<(f64, usize)> = Vec::new();
    let mut total = 0.0;
    let mut last = from;
    for (t, kind, w) in events {
        let current = active
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(w, _)| *w)
            .fold(0.0, f64::max);
        total += current * (t - last).num_milliseconds() as f64 / 1000.0;
        last = t;
        match active.iter_mut().find(|(aw, _)| *aw == w) {
            Some((_, n)) if kind > 0 => *n += 1,
            Some((_, n)) => *n = n.saturating_sub(1),
            None if kind > 0 => active.push((w, 1)),
            None => {}
        }
    }
    total
}

/// The instant a local day begins in `tz` (the first existing minute after midnight where
/// a daylight-saving change skips midnight).
pub fn day_start(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let mut time = NaiveTime::MIN;
    for _ in 0..=24 * 4 {
        match tz.from_local_datetime(&date.and_time(time)) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => time += chrono::Duration::minutes(15),
        }
    }
    date.and_time(NaiveTime::MIN).and_utc()
}

/// The local date of `t` in `tz`.
pub fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    tz.from_utc_datetime(&t.naive_utc()).date_naive()
}

/// `[start, end)` of the local day `date`.
pub fn day_bounds(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    (day_start(tz, date), day_start(tz, next))
}

/// Uptime in `[0, 1]` of the stretch `[from, to)`.
pub fn uptime_ratio(intervals: &[Interval], from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let length = (to - from).num_milliseconds() as f64 / 1000.0;
    if length <= 0.0 {
        return 1.0;
    }
    (1.0 - weighted_downtime(intervals, from, to) / length).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn iv(s: &str, e: &str, severity: Severity) -> Interval {
        Interval {
            start: t(s),
            end: t(e),
            severity,
        }
    }

    #[test]
    fn overlapping_major_outages_are_not_counted_twice() {
        let ivs = [
            iv(
                "2020-01-01T10:00:00Z",
                "2020-01-01T12:00:00Z",
                Severity::MajorOutage,
            ),
            iv(
                "2020-01-01T11:00:00Z",
                "2020-01-01T13:00:00Z",
                Severity::MajorOutage,
            ),
        ];
        let d = weighted_downtime(&ivs, t("2020-01-01T00:00:00Z"), t("2020-01-02T00:00:00Z"));
        assert_eq!(d, 3.0 * 3600.0);
    }

    #[test]
    fn a_partial_outage_under_a_major_one_counts_at_the_major_weight_only() {
        let ivs = [
            iv(
                "2020-01-01T10:00:00Z",
                "2020-01-01T14:00:00Z",
                Severity::PartialOutage,
            ),
            iv(
                "2020-01-01T11:00:00Z",
                "2020-01-01T12:00:00Z",
                Severity::MajorOutage,
            ),
        ];
        let d = weighted_downtime(&ivs, t("2020-01-01T00:00:00Z"), t("2020-01-02T00:00:00Z"));
        assert!((d - (3600.0 + 0.3 * 3.0 * 3600.0)).abs() < 1e-6, "{d}");
    }

    #[test]
    fn degraded_maintenance_and_notices_are_not_downtime() {
        let ivs = [
            iv(
                "2020-01-01T10:00:00Z",
                "2020-01-01T14:00:00Z",
                Severity::Degraded,
            ),
            iv(
                "2020-01-01T10:00:00Z",
                "2020-01-01T14:00:00Z",
                Severity::Maintenance,
            ),
            iv(
                "2020-01-01T10:00:00Z",
                "2020-01-01T14:00:00Z",
                Severity::Notice,
            ),
        ];
        assert_eq!(
            uptime_ratio(&ivs, t("2020-01-01T00:00:00Z"), t("2020-01-02T00:00:00Z")),
            1.0
        );
    }

    #[test]
    fn an_incident_across_midnight_is_split_between_the_two_days() {
        let ivs = [iv(
            "2020-01-01T23:00:00+01:00",
            "2020-01-02T01:00:00+01:00",
            Severity::MajorOutage,
        )];
        let d1 = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap();
        let (s1, e1) = day_bounds(Paris, d1);
        let (s2, e2) = day_bounds(Paris, d2);
        assert_eq!(weighted_downtime(&ivs, s1, e1), 3600.0);
        assert_eq!(weighted_downtime(&ivs, s2, e2), 3600.0);
    }

    #[test]
    fn the_day_the_clocks_go_back_lasts_25_hours() {
        let d = NaiveDate::from_ymd_opt(2017, 10, 29).unwrap();
        let (s, e) = day_bounds(Paris, d);
        assert_eq!((e - s).num_hours(), 25);
        // An incident from 02:30+02:00 to 02:30+01:00 lasts one hour.
        let ivs = [iv(
            "2017-10-29T02:30:00+02:00",
            "2017-10-29T02:30:00+01:00",
            Severity::MajorOutage,
        )];
        assert_eq!(weighted_downtime(&ivs, s, e), 3600.0);
        let ratio = uptime_ratio(&ivs, s, e);
        assert!((ratio - 24.0 / 25.0).abs() < 1e-9);
    }

    #[test]
    fn the_day_the_clocks_jump_forward_lasts_23_hours() {
        let (s, e) = day_bounds(Paris, NaiveDate::from_ymd_opt(2017, 3, 26).unwrap());
        assert_eq!((e - s).num_hours(), 23);
    }
}
