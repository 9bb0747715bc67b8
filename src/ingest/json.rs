//! vigie's own alert shape, for any other system (docs/monitoring.md):
//! `{"key", "status": "firing"|"resolved", "components", "severity", "summary",
//! "description", "start", "end"}`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{to_second, Alert, Format, Malformed};
use crate::model::config::Config;
use crate::model::Severity;

/// The body as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    key: String,
    status: String,
    #[serde(default)]
    components: Vec<String>,
    #[serde(default)]
    severity: Option<String>,
    summary: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    end: Option<String>,
}

/// Reads a body of vigie's own shape; `now` is the start or end left out.
pub fn parse(body: &[u8], config: &Config, now: DateTime<Utc>) -> Result<Alert, Malformed> {
    let p: Payload = serde_json::from_slice(body)
        .map_err(|e| Malformed(format!("the body is not vigie's alert JSON: {e}")))?;
    if p.key.trim().is_empty() {
        return Err(Malformed("`key` is empty".to_string()));
    }
    let firing = match p.status.as_str() {
        "firing" => true,
        "resolved" => false,
        other => {
            return Err(Malformed(format!(
                "`status` is `{other}`; write `firing` or `resolved`"
            )))
        }
    };
    let severity = match p.severity.as_deref() {
        None => Severity::MajorOutage,
        Some(word) => config
            .ingest
            .severities
            .get(word)
            .copied()
            .or_else(|| {
                Severity::from_keyword(word)
                    .filter(|s| *s != Severity::Maintenance && *s != Severity::Notice)
            })
            .ok_or_else(|| {
                Malformed(format!(
                    "`severity` is `{word}`: write major-outage, partial-outage, degraded, or a label of `ingest.severities`"
                ))
            })?,
    };
    let time = |field: &str, text: &Option<String>| -> Result<DateTime<Utc>, Malformed> {
        match text {
            None => Ok(to_second(now)),
            Some(t) => DateTime::parse_from_rfc3339(t.trim())
                .map(|t| to_second(t.with_timezone(&Utc)))
                .map_err(|_| Malformed(format!("`{field}` `{t}` is not an RFC 3339 time"))),
        }
    };
    let start = time("start", &p.start)?;
    let end = if firing {
        None
    } else {
        Some(time("end", &p.end)?)
    };
    let mut notes = Vec::new();
    let components = super::components(config, p.components, &mut notes);
    let summary = super::one_line(&p.summary, 150);
    if summary.is_empty() {
        return Err(Malformed("`summary` is empty".to_string()));
    }
    Ok(Alert {
        format: Format::Json,
        key: p.key,
        firing,
        start,
        end,
        components,
        severity,
        summary,
        description: p.description,
        notes,
    })
}
