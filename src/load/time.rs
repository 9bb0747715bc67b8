//! Times as written in incident files: a local time in the site's time zone, or RFC 3339
//! with an offset. Local times that a daylight-saving change makes impossible or ambiguous
//! are refused, with the offsets that would make them clear.

use std::fmt;

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::de::{self, Deserialize, Deserializer, Visitor};

use crate::load::yaml::HELP_SEP;

/// A time as written, before the site's time zone is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeSpec {
    /// No offset: read in the site's time zone.
    Local { naive: NaiveDateTime, text: String },
    /// With an explicit offset.
    Fixed(DateTime<FixedOffset>),
}

/// Why a local time cannot be placed on the time line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub message: String,
    pub help: String,
}

const FORMAT_HELP: &str =
    "write `YYYY-MM-DD HH:MM` in the site's time zone, or RFC 3339 with an offset (`2017-10-28T00:44:00+02:00`)";

impl TimeSpec {
    /// Parses the text of a time; `Err` holds a message and a hint.
    pub fn parse(text: &str) -> Result<TimeSpec, TimeError> {
        let t = text.trim();
        if let Some(naive) = parse_minute(t) {
            return Ok(TimeSpec::Local {
                naive,
                text: t.to_string(),
            });
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(TimeSpec::Fixed(dt));
        }
        // RFC 3339 with a space instead of `T`, or without seconds.
        for fmt in [
            "%Y-%m-%d %H:%M:%S%:z",
            "%Y-%m-%dT%H:%M%:z",
            "%Y-%m-%d %H:%M%:z",
        ] {
            if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
                return Ok(TimeSpec::Fixed(dt));
            }
        }
        if let Some(stripped) = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')) {
            if let Some(naive) = parse_naive(stripped) {
                return Ok(TimeSpec::Fixed(naive.and_utc().fixed_offset()));
            }
        }
        if let Some(naive) = parse_naive(t) {
            return Ok(TimeSpec::Local {
                naive,
                text: t.to_string(),
            });
        }
        Err(TimeError {
            message: if looks_like_a_date(t) {
                format!("`{t}` is not a valid date and time")
            } else {
                format!("`{t}` is not a date and time")
            },
            help: FORMAT_HELP.to_string(),
        })
    }

    /// The instant this time names in `tz`.
    pub fn resolve(&self, tz: Tz) -> Result<DateTime<Utc>, TimeError> {
        match self {
            TimeSpec::Fixed(dt) => Ok(dt.with_timezone(&Utc)),
            TimeSpec::Local { naive, text } => match tz.from_local_datetime(naive) {
                LocalResult::Single(dt) => Ok(dt.with_timezone(&Utc)),
                LocalResult::Ambiguous(first, second) => Err(TimeError {
                    message: format!(
                        "`{text}` happens twice in {} (the clocks go back that night)",
                        tz.name()
                    ),
                    help: format!(
                        "add the offset: `{}` for the first, `{}` for the second",
                        first.fixed_offset().format("%Y-%m-%dT%H:%M:%S%:z"),
                        second.fixed_offset().format("%Y-%m-%dT%H:%M:%S%:z")
                    ),
                }),
                LocalResult::None => {
                    let before = tz.from_utc_datetime(&(*naive - chrono::Duration::hours(3)));
                    Err(TimeError {
                        message: format!(
                            "`{text}` does not exist in {} (the clocks jump forward that night)",
                            tz.name()
                        ),
                        help: format!(
                            "write the time with an explicit offset, e.g. `{}{}`",
                            naive.format("%Y-%m-%dT%H:%M:%S"),
                            before.offset_fixed()
                        ),
                    })
                }
            },
        }
    }
}

trait OffsetFixed {
    fn offset_fixed(&self) -> FixedOffset;
}

impl OffsetFixed for DateTime<Tz> {
    fn offset_fixed(&self) -> FixedOffset {
        self.fixed_offset().timezone()
    }
}

fn looks_like_a_date(t: &str) -> bool {
    t.len() >= 8 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit) && t.as_bytes()[4] == b'-'
}

/// The usual form, `YYYY-MM-DD HH:MM` (or with `T`), read without chrono's format parser:
/// incident files hold thousands of these. `None` for anything else, including an
/// impossible date, which the general parsing below then reports.
fn parse_minute(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b' ' | b'T')
        || b[13] != b':'
    {
        return None;
    }
    let n = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let year = i32::try_from(n(0, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, n(5, 7)?, n(8, 10)?)?.and_hms_opt(n(11, 13)?, n(14, 16)?, 0)
}

fn parse_naive(t: &str) -> Option<NaiveDateTime> {
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(n);
        }
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

impl<'de> Deserialize<'de> for TimeSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TimeSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date and time such as `2017-10-28 00:44`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeSpec, E> {
                TimeSpec::parse(v)
                    .map_err(|e| E::custom(format!("{}{HELP_SEP}{}", e.message, e.help)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TimeSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TimeSpec, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TimeSpec, E> {
                self.visit_str(&v.to_string())
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_local_time_is_read_in_the_site_time_zone() {
        let t = TimeSpec::parse("2017-10-28 00:44").unwrap();
        assert_eq!(t.resolve(Paris).unwrap(), utc("2017-10-27T22:44:00Z"));
    }

    #[test]
    fn the_usual_form_reads_as_chrono_reads_it() {
        for text in [
            "2017-10-28 00:44",
            "2017-10-28T23:59",
            "0999-01-01 00:00",
            "2024-02-29 12:00",
            "2023-02-29 12:00",
            "2017-13-01 00:00",
            "2017-10-28 24:00",
            "2017-10-28 12:60",
            "2017-10-28 1:44",
            "2017-10-28x00:44",
            "+017-10-28 00:44",
            "2017-10-2８ 00:44",
        ] {
            let chrono = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
                .ok()
                .filter(|_| text.len() == 16);
            // Anything the fast path leaves goes on to the general parsing.
            let fast = parse_minute(text);
            assert!(fast.is_none() || fast == chrono, "{text}");
        }
        for text in ["2017-10-28 00:44", "2017-10-28T23:59", "2024-02-29 12:00"] {
            assert!(parse_minute(text).is_some(), "{text}");
        }
    }

    #[test]
    fn rfc3339_keeps_its_own_offset() {
        for text in [
            "2017-10-28T00:44:00+02:00",
            "2017-10-28 00:44:00+02:00",
            "2017-10-27T22:44Z",
        ] {
            assert_eq!(
                TimeSpec::parse(text).unwrap().resolve(Paris).unwrap(),
                utc("2017-10-27T22:44:00Z"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_time_in_the_spring_gap_asks_for_an_offset() {
        let e = TimeSpec::parse("2017-03-26 02:30")
            .unwrap()
            .resolve(Paris)
            .unwrap_err();
        assert_eq!(e.message, "`2017-03-26 02:30` does not exist in Europe/Paris (the clocks jump forward that night)");
        assert!(e.help.contains("2017-03-26T02:30:00+01:00"), "{}", e.help);
    }

    #[test]
    fn a_time_in_the_autumn_overlap_asks_for_an_offset() {
        let e = TimeSpec::parse("2017-10-29 02:30")
            .unwrap()
            .resolve(Paris)
            .unwrap_err();
        assert!(e.message.contains("happens twice"));
        assert!(
            e.help.contains("2017-10-29T02:30:00+02:00")
                && e.help.contains("2017-10-29T02:30:00+01:00")
        );
    }

    #[test]
    fn an_impossible_date_is_refused() {
        let e = TimeSpec::parse("2017-02-30 10:00").unwrap_err();
        assert_eq!(e.message, "`2017-02-30 10:00` is not a valid date and time");
        assert!(TimeSpec::parse("yesterday").is_err());
    }
}
