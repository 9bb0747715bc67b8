//! Dates, times, durations and percentages in each language, as pages, feeds and
//! announcements write them: "samedi 28 octobre 2017, 00:44 CEST".
//!
//! Written by hand rather than with chrono's `format_localized`, which parses its format
//! string on every call (a build formats hundreds of thousands of dates); the tests
//! compare both, day after day over years and time zones.

use std::fmt::Write as _;

#[cfg(test)]
use chrono::Locale;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::model::lang::{capitalize, Lang};
use crate::model::time::{push_hm, push_number, push_year};

impl Lang {
    /// chrono's locale for the language: what the hand-written formatting below matches
    /// (the tests compare both).
    #[cfg(test)]
    fn locale(self) -> Locale {
        match self {
            Lang::Fr => Locale::fr_FR,
            Lang::En => Locale::en_GB,
        }
    }

    /// "samedi 28 octobre 2017, 00:44 CEST".
    ///
    /// Dates are written by hand rather than with chrono's `format_localized`, which parses
    /// its format string on every call: a build formats hundreds of thousands of dates.
    pub fn datetime(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(40);
        self.push_date(&mut s, local.date_naive());
        s.push_str(", ");
        push_hm(&mut s, local.hour(), local.minute());
        s.push(' ');
        // What chrono writes for `%Z`: the offset's `Display`, which is the zone's
        // abbreviation when it has one (read directly), else the offset in numbers.
        match chrono_tz::OffsetName::abbreviation(local.offset()) {
            Some(name) => s.push_str(name),
            None => {
                let _ = write!(s, "{}", local.offset());
            }
        }
        s
    }

    /// "samedi 28 octobre 2017".
    pub fn date(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(28);
        self.push_date(&mut s, local.date_naive());
        s
    }

    /// "28 oct. 2017" — short, for lists.
    pub fn short_date(self, t: DateTime<Utc>, tz: Tz) -> String {
        self.short_day(tz.from_utc_datetime(&t.naive_utc()).date_naive())
    }

    /// "28 oct. 2017": a day, short, for lists and uptime bars.
    pub fn short_day(self, d: NaiveDate) -> String {
        let mut s = String::with_capacity(16);
        push_number(&mut s, d.day());
        s.push(' ');
        s.push_str(self.short_months()[d.month0() as usize % 12]);
        s.push(' ');
        push_year(&mut s, d.year());
        s
    }

    /// "samedi 28 octobre 2017" (chrono's `%A %-d %B %Y`).
    fn push_date(self, s: &mut String, d: NaiveDate) {
        let days = match self {
            Lang::Fr => &FR_DAYS,
            Lang::En => &EN_DAYS,
        };
        s.push_str(days[d.weekday().num_days_from_monday() as usize % 7]);
        s.push(' ');
        push_number(s, d.day());
        s.push(' ');
        s.push_str(self.strings().months[d.month0() as usize % 12]);
        s.push(' ');
        push_year(s, d.year());
    }

    /// Abbreviated month names, as chrono's `%b` writes them.
    fn short_months(self) -> &'static [&'static str; 12] {
        match self {
            Lang::Fr => &FR_SHORT_MONTHS,
            Lang::En => &EN_SHORT_MONTHS,
        }
    }

    /// "00:44".
    pub fn time(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(5);
        push_hm(&mut s, local.hour(), local.minute());
        s
    }

    /// "octobre 2017", capitalised for a heading: "Octobre 2017".
    pub fn month_heading(self, year: i32, month: u32) -> String {
        let name = self.strings().months[(month as usize).saturating_sub(1) % 12];
        format!("{} {year}", capitalize(name))
    }

    /// A duration: "1 h 02", "45 min", "2 j 3 h" (French); "1 h 02 min", "45 min", "2 d 3 h".
    pub fn duration(self, seconds: i64) -> String {
        let minutes = (seconds.max(0) + 30) / 60;
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        match self {
            Lang::Fr if d > 0 => format!("{d} j {h} h"),
            Lang::Fr if h > 0 => format!("{h} h {m:02}"),
            Lang::En if d > 0 => format!("{d} d {h} h"),
            Lang::En if h > 0 => format!("{h} h {m:02} min"),
            _ => format!("{m} min"),
        }
    }

    /// An incident's time span in words: "samedi 28 octobre 2017 de 00:44 à 01:46 (1 h 02)";
    /// both dates when it spans days; "depuis le samedi 28 octobre 2017 à 00:44" without end.
    pub fn period(self, start: DateTime<Utc>, end: Option<DateTime<Utc>>, tz: Tz) -> String {
        let t = self.strings();
        let at =
            |x: DateTime<Utc>| format!("{}{}{}", self.date(x, tz), t.at_time, self.time(x, tz));
        let Some(end) = end else {
            return format!("{} {}", t.since, at(start));
        };
        let duration = self.duration((end - start).num_seconds());
        let local = |x: DateTime<Utc>| tz.from_utc_datetime(&x.naive_utc()).date_naive();
        if local(start) == local(end) {
            format!(
                "{} {} {} {} {} ({duration})",
                self.date(start, tz),
                t.time_from,
                self.time(start, tz),
                t.time_to,
                self.time(end, tz)
            )
        } else {
            format!(
                "{} {} {} {} ({duration})",
                t.date_from,
                at(start),
                t.date_to,
                at(end)
            )
        }
    }

    /// "99,95 %" / "99.95%".
    pub fn percent(self, value: f64) -> String {
        let s = format!("{value:.2}");
        match self {
            Lang::Fr => format!("{}\u{a0}%", s.replace('.', ",")),
            Lang::En => format!("{s}%"),
        }
    }
}

/// Day names from Monday, as chrono's `%A` writes them (`fr_FR`, `en_GB`).
const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Abbreviated month names, as chrono's `%b` writes them (`fr_FR`, `en_GB`).
const FR_SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn french_dates_use_french_day_and_month_names() {
        let t = Utc.with_ymd_and_hms(2017, 10, 27, 22, 44, 0).unwrap();
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            Lang::Fr.datetime(t, paris),
            "samedi 28 octobre 2017, 00:44 CEST"
        );
        assert_eq!(
            Lang::En.datetime(t, paris),
            "Saturday 28 October 2017, 00:44 CEST"
        );
    }

    #[test]
    fn hand_written_dates_match_chrono() {
        let zones = [
            chrono_tz::Europe::Paris,
            chrono_tz::America::New_York,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::UTC,
        ];
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        // Every day of several years, at hours that move through the day.
        for k in 0..(366 * 5) {
            for tz in zones {
                for lang in [Lang::Fr, Lang::En] {
                    let local = tz.from_utc_datetime(&t.naive_utc());
                    let chrono = |fmt: &str| local.format_localized(fmt, lang.locale()).to_string();
                    assert_eq!(lang.datetime(t, tz), chrono("%A %-d %B %Y, %H:%M %Z"));
                    assert_eq!(lang.date(t, tz), chrono("%A %-d %B %Y"));
                    assert_eq!(lang.short_date(t, tz), chrono("%-d %b %Y"));
                    assert_eq!(lang.time(t, tz), chrono("%H:%M"));
                }
            }
            t += chrono::Duration::seconds(86_400 + 3_541 * (k % 7));
        }
        for year in [1, 999, 10_000, -5] {
            let d = NaiveDate::from_ymd_opt(year, 3, 4).unwrap();
            assert_eq!(
                Lang::Fr.short_day(d),
                d.format_localized("%-d %b %Y", Locale::fr_FR).to_string()
            );
        }
    }

    #[test]
    fn periods_read_as_sentences() {
        let paris = chrono_tz::Europe::Paris;
        let start = Utc.with_ymd_and_hms(2017, 10, 27, 22, 44, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2017, 10, 27, 23, 46, 0).unwrap();
        assert_eq!(
            Lang::Fr.period(start, Some(end), paris),
            "samedi 28 octobre 2017 de 00:44 à 01:46 (1 h 02)"
        );
        assert_eq!(
            Lang::En.period(start, Some(end), paris),
            "Saturday 28 October 2017 from 00:44 to 01:46 (1 h 02 min)"
        );
        let late = Utc.with_ymd_and_hms(2017, 10, 28, 23, 30, 0).unwrap();
        assert_eq!(
            Lang::Fr.period(start, Some(late), paris),
            "du samedi 28 octobre 2017 à 00:44 au dimanche 29 octobre 2017 à 01:30 (1 j 0 h)"
        );
        assert_eq!(
            Lang::Fr.period(start, None, paris),
            "depuis le samedi 28 octobre 2017 à 00:44"
        );
        assert_eq!(
            Lang::En.period(start, None, paris),
            "since Saturday 28 October 2017, 00:44"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(Lang::Fr.duration(62 * 60), "1 h 02");
        assert_eq!(Lang::Fr.duration(45 * 60), "45 min");
        assert_eq!(Lang::Fr.duration(51 * 3600), "2 j 3 h");
        assert_eq!(Lang::En.duration(62 * 60), "1 h 02 min");
    }

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(Lang::Fr.percent(99.951), "99,95\u{a0}%");
        assert_eq!(Lang::En.percent(100.0), "100.00%");
    }
}
