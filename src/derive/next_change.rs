//! The next moment at which the site's output would differ from what it is at `now`.
//!
//! Provisional: the smallest version pages need to look ahead (every incident's start, end,
//! announcement and posts, and the next local midnight). The full version, with `vigie
//! build`'s report and `api/build.json`, replaces this file.

use chrono::{DateTime, Utc};

use super::uptime::{day_bounds, local_date};
use crate::model::Site;

/// The earliest instant after `now` at which any output of `site` would differ, or `None`
/// when nothing is due (never the case while the site has a time zone: midnight comes).
pub fn next_change(site: &Site, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let tz = site.config.tz;
    let (_, midnight) = day_bounds(tz, local_date(tz, now));
    site.incidents
        .iter()
        .flat_map(|i| {
            [i.start, i.published]
                .into_iter()
                .chain(i.end)
                .chain(i.posts.iter().map(|p| p.at))
        })
        .chain([midnight])
        .filter(|t| *t > now)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;
    use std::path::Path;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn without_incidents_the_next_change_is_local_midnight() {
        let config = Config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n",
        )
        .unwrap();
        let site = Site {
            config,
            incidents: Vec::new(),
            files: Vec::new(),
        };
        assert_eq!(
            next_change(&site, t("2026-12-01T00:30:00Z")),
            Some(t("2026-12-01T23:00:00Z"))
        );
        assert_eq!(
            next_change(&site, t("2026-11-30T23:00:00Z")),
            Some(t("2026-12-01T23:00:00Z"))
        );
    }
}
