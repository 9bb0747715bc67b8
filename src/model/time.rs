//! Times written as text the same way everywhere: RFC 3339 in UTC ([`iso`]) and the anchor
//! of a post ([`update_anchor`]). Written by hand rather than with chrono's `format`, which
//! parses its format string on every call (a build writes hundreds of thousands of
//! these); the tests compare both.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A number without padding (chrono's `%-d`).
pub(crate) fn push_number(s: &mut String, n: u32) {
    if n < 10 {
        s.push(char::from(b'0' + n as u8));
    } else {
        let _ = write!(s, "{n}");
    }
}

/// Two digits.
pub(crate) fn push_2(s: &mut String, n: u32) {
    s.push(char::from(b'0' + (n / 10 % 10) as u8));
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// "00:44" (chrono's `%H:%M`).
pub(crate) fn push_hm(s: &mut String, hour: u32, minute: u32) {
    push_2(s, hour);
    s.push(':');
    push_2(s, minute);
}

/// A year as chrono's `%Y` writes it: four digits at least, a sign beyond 9999.
pub(crate) fn push_year(s: &mut String, year: i32) {
    if (0..=9999).contains(&year) {
        let y = year as u32;
        push_2(s, y / 100);
        push_2(s, y % 100);
    } else {
        let _ = write!(s, "{year:+05}");
    }
}

/// RFC 3339 in UTC, to the second: "2017-10-27T22:44:00Z" (chrono's `%Y-%m-%dT%H:%M:%SZ`).
pub fn iso(t: DateTime<Utc>) -> String {
    let mut s = String::with_capacity(20);
    push_year(&mut s, t.year());
    s.push('-');
    push_2(&mut s, t.month());
    s.push('-');
    push_2(&mut s, t.day());
    s.push('T');
    push_hm(&mut s, t.hour(), t.minute());
    s.push(':');
    push_2(&mut s, t.second());
    s.push('Z');
    s
}

/// An update's anchor: "update-20171027t2244z" (`update-` and chrono's `%Y%m%dt%H%Mz`, in
/// UTC).
pub fn update_anchor(t: DateTime<Utc>) -> String {
    let mut s = String::with_capacity(21);
    s.push_str("update-");
    push_year(&mut s, t.year());
    push_2(&mut s, t.month());
    push_2(&mut s, t.day());
    s.push('t');
    push_2(&mut s, t.hour());
    push_2(&mut s, t.minute());
    s.push('z');
    s
}

/// `t` as an incident file writes it: `2026-11-25 10:00` in the site's zone `tz` (seconds
/// only when there are some), or with its offset when that local time happens twice (the
/// night the clocks go back), so that it reads back as exactly `t`. Used in what vigie
/// writes or suggests writing; not on a hot path.
pub fn as_written(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    use chrono::TimeZone;
    let local = t.with_timezone(&tz);
    let seconds = if t.second() == 0 { "" } else { ":%S" };
    match tz.from_local_datetime(&local.naive_local()) {
        chrono::LocalResult::Single(_) => local
            .format(&format!("%Y-%m-%d %H:%M{seconds}"))
            .to_string(),
        _ => local.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_written_as_incident_files_write_them() {
        let paris = chrono_tz::Europe::Paris;
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            as_written(t("2026-12-01T01:00:00Z"), paris),
            "2026-12-01 02:00"
        );
        assert_eq!(
            as_written(t("2026-12-01T01:00:07Z"), paris),
            "2026-12-01 02:00:07"
        );
        // 02:30 happens twice in Paris that night.
        assert_eq!(
            as_written(t("2026-10-25T00:30:00Z"), paris),
            "2026-10-25T02:30:00+02:00"
        );
        assert_eq!(
            as_written(t("2026-10-25T01:30:00Z"), paris),
            "2026-10-25T02:30:00+01:00"
        );
    }

    #[test]
    fn hand_written_times_match_chrono() {
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        for k in 0..(366 * 5) {
            assert_eq!(iso(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            assert_eq!(
                update_anchor(t),
                format!("update-{}", t.format("%Y%m%dt%H%Mz"))
            );
            t += chrono::Duration::seconds(86_400 + 3_541 * (k % 7));
        }
        for year in [1, 999, 10_000, -5] {
            let t = Utc.with_ymd_and_hms(year, 3, 4, 5, 6, 7).unwrap();
            assert_eq!(iso(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
}
