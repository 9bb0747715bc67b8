//! When `vigie watch` acts next: the site's next change, the longest wait between two
//! builds, and the retry of a failed publish. Pure: the caller passes the time.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// The longest wait before retrying a failed publish, unless the first wait is longer.
pub const RETRY_CAP: Duration = Duration::from_secs(10 * 60);

/// What the loop is waiting for.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The site's next change, as the last good build reported it.
    pub next_change: Option<DateTime<Utc>>,
    /// When the last build ran (good or not).
    pub last_build: Instant,
    /// The longest wait between two builds.
    pub max_wait: Duration,
    /// A publish that failed and is to be tried again.
    pub retry: Option<Retry>,
}

/// A failed publish waiting for its next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Failures in a row so far.
    pub failures: u32,
    pub due: Instant,
}

impl Schedule {
    /// How long to wait, from `clock` (the wall clock) and `instant` (the monotonic one),
    /// before something is due.
    pub fn wait(&self, clock: DateTime<Utc>, instant: Instant) -> Duration {
        let change = self
            .next_change
            .map(|next| (next - clock).to_std().unwrap_or(Duration::ZERO));
        let longest = (self.last_build + self.max_wait).saturating_duration_since(instant);
        let retry = self.retry.map(|r| r.due.saturating_duration_since(instant));
        [change, Some(longest), retry]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(Duration::ZERO)
    }

    /// Whether the site must be built again: its next change has come, or the longest wait
    /// has passed (the clock may have jumped, or a change of the sources gone unseen).
    pub fn build_due(&self, clock: DateTime<Utc>, instant: Instant) -> bool {
        self.next_change.is_some_and(|next| clock >= next)
            || instant >= self.last_build + self.max_wait
    }

    /// Whether a failed publish is to be tried again now.
    pub fn retry_due(&self, instant: Instant) -> bool {
        self.retry.is_some_and(|r| instant >= r.due)
    }
}

/// The wait before the next attempt after `failures` failures in a row: `first`, doubled at
/// each failure, at most [`RETRY_CAP`] (or `first` if it is longer).
pub fn retry_delay(first: Duration, failures: u32) -> Duration {
    let cap = RETRY_CAP.max(first);
    2u32.checked_pow(failures.saturating_sub(1))
        .and_then(|factor| first.checked_mul(factor))
        .map_or(cap, |d| d.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn schedule(next: Option<&str>, start: Instant) -> Schedule {
        Schedule {
            next_change: next.map(t),
            last_build: start,
            max_wait: Duration::from_secs(3600),
            retry: None,
        }
    }

    #[test]
    fn the_retry_delay_doubles_up_to_ten_minutes() {
        let s = Duration::from_secs;
        let delays: Vec<Duration> = (1..=8).map(|n| retry_delay(s(10), n)).collect();
        assert_eq!(
            delays,
            [s(10), s(20), s(40), s(80), s(160), s(320), s(600), s(600)]
        );
        assert_eq!(retry_delay(s(10), 1000), s(600));
        assert_eq!(
            retry_delay(s(900), 3),
            s(900),
            "a longer first wait is kept"
        );
    }

    #[test]
    fn the_wait_ends_at_the_next_change() {
        let start = Instant::now();
        let s = schedule(Some("2026-12-01T01:00:00Z"), start);
        let clock = t("2026-12-01T00:30:00Z");
        assert_eq!(s.wait(clock, start), Duration::from_secs(1800));
        assert!(!s.build_due(clock, start));
        assert!(s.build_due(t("2026-12-01T01:00:00Z"), start));
    }

    #[test]
    fn the_wait_never_exceeds_the_longest_wait() {
        let start = Instant::now();
        let s = schedule(Some("2026-12-01T23:00:00Z"), start);
        let clock = t("2026-12-01T00:30:00Z");
        assert_eq!(s.wait(clock, start), Duration::from_secs(3600));
        let later = start + Duration::from_secs(3600);
        assert!(
            s.build_due(clock, later),
            "an hour later, whatever the clock says"
        );
        assert_eq!(
            schedule(None, start).wait(clock, start),
            Duration::from_secs(3600)
        );
    }

    #[test]
    fn a_next_change_already_passed_is_due_at_once() {
        let start = Instant::now();
        let s = schedule(Some("2026-12-01T01:00:00Z"), start);
        assert_eq!(s.wait(t("2026-12-01T02:00:00Z"), start), Duration::ZERO);
    }

    #[test]
    fn a_pending_retry_shortens_the_wait() {
        let start = Instant::now();
        let mut s = schedule(Some("2026-12-01T01:00:00Z"), start);
        s.retry = Some(Retry {
            failures: 1,
            due: start + Duration::from_secs(10),
        });
        let clock = t("2026-12-01T00:30:00Z");
        assert_eq!(s.wait(clock, start), Duration::from_secs(10));
        assert!(!s.retry_due(start));
        assert!(s.retry_due(start + Duration::from_secs(10)));
    }
}
