//! The clock: the one place that reads the current time. Everything else takes `now` as a
//! parameter, so a build is reproducible with `--now` or `SOURCE_DATE_EPOCH`.

use chrono::{DateTime, Utc};

use crate::error::Error;

/// Resolves `now`: `--now`, else `SOURCE_DATE_EPOCH`, else the clock. The one place the
/// clock is read.
pub fn resolve_now(flag: Option<&str>) -> Result<DateTime<Utc>, Error> {
    if let Some(text) = flag {
        return DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                Error::Usage(format!(
                    "--now `{text}` is not an RFC 3339 time; write e.g. 2026-11-20T12:00:00+01:00"
                ))
            });
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds"
            ))
        })?;
        return DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| Error::Usage(format!("SOURCE_DATE_EPOCH `{epoch}` is out of range")));
    }
    Ok(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_read_from_the_flag_first() {
        assert_eq!(
            resolve_now(Some("2026-11-20T12:00:00+01:00"))
                .unwrap()
                .to_rfc3339(),
            "2026-11-20T11:00:00+00:00"
        );
        assert!(matches!(
            resolve_now(Some("tomorrow")),
            Err(Error::Usage(_))
        ));
    }
}
