//! Uptime Kuma's webhook notification into an [`Alert`]: the monitor's name maps to a
//! component through `ingest.monitors`; a heartbeat down (`status: 0`) opens, up (`1`)
//! closes. Pending and maintenance heartbeats, and the test message (no heartbeat), open
//! and close nothing.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::{to_second, Alert, Format, Malformed};
use crate::model::config::Config;
use crate::model::Severity;

/// The webhook body, as Uptime Kuma sends it (its other fields are not read).
#[derive(Debug, Deserialize)]
struct Payload {
    #[serde(default)]
    heartbeat: Option<Heartbeat>,
    #[serde(default)]
    monitor: Option<Monitor>,
    #[serde(default)]
    msg: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Heartbeat {
    status: u8,
    /// UTC, `YYYY-MM-DD HH:MM:SS.mmm`.
    time: String,
    #[serde(default)]
    msg: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Monitor {
    name: String,
}

/// Reads an Uptime Kuma webhook body: an alert, or why there is none.
pub fn parse(body: &[u8], config: &Config) -> Result<Result<Alert, String>, Malformed> {
    let not_kuma = |e: &dyn std::fmt::Display| {
        Malformed(format!(
            "the body is not an Uptime Kuma webhook notification: {e}"
        ))
    };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| not_kuma(&e))?;
    if !value.is_object() {
        return Err(not_kuma(&"it is not a JSON object"));
    }
    let p: Payload = serde_json::from_value(value).map_err(|e| not_kuma(&e))?;
    let (Some(beat), Some(monitor)) = (p.heartbeat, p.monitor) else {
        let Some(msg) = p.msg else {
            return Err(not_kuma(&"it has no `heartbeat`, `monitor` or `msg`"));
        };
        return Ok(Err(format!(
            "a message without a heartbeat or a monitor (Uptime Kuma's test?): {}",
            super::one_line(&msg, 100)
        )));
    };
    let firing = match beat.status {
        0 => true,
        1 => false,
        2 => {
            return Ok(Err(format!(
                "`{}` is pending, neither down nor up",
                monitor.name
            )))
        }
        3 => {
            return Ok(Err(format!(
                "`{}` is under maintenance in Uptime Kuma",
                monitor.name
            )))
        }
        other => {
            return Err(Malformed(format!(
                "the heartbeat's status is {other}; Uptime Kuma sends 0 (down) to 3"
            )))
        }
    };
    let at = time(&beat.time)?;
    let mut notes = Vec::new();
    let wanted = match config.ingest.monitors.get(&monitor.name) {
        Some(id) => vec![id.clone()],
        None => {
            notes.push(format!(
                "the monitor `{}` is not in `ingest.monitors`",
                monitor.name
            ));
            Vec::new()
        }
    };
    let components = super::components(config, wanted, &mut notes);
    let description = beat
        .msg
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty() && firing);
    Ok(Ok(Alert {
        format: Format::UptimeKuma,
        summary: super::one_line(&monitor.name, 150),
        key: monitor.name,
        firing,
        start: at,
        end: (!firing).then_some(at),
        components,
        severity: Severity::MajorOutage,
        description,
        notes,
    }))
}

/// A heartbeat's time: UTC as Uptime Kuma writes it, or RFC 3339; to the second.
fn time(text: &str) -> Result<DateTime<Utc>, Malformed> {
    let t = text.trim();
    DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").map(|n| n.and_utc()))
        .map(to_second)
        .map_err(|_| Malformed(format!("the heartbeat's time `{text}` is not a time")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::t;

    fn config() -> Config {
        crate::load::config::parse(
            std::path::Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ncomponents:\n  - {id: mail, name: Mail}\ningest:\n  monitors: {\"Mail SMTP\": mail}\n",
        )
        .unwrap()
    }

    #[test]
    fn down_opens_and_up_closes_at_the_heartbeats_second() {
        let down = include_str!("../../tests/fixtures/ingest/uptime-kuma-down.json");
        let a = parse(down.as_bytes(), &config()).unwrap().unwrap();
        assert!(a.firing);
        assert_eq!(
            (a.start, a.components.clone()),
            (t("2026-11-25T10:02:13Z"), vec!["mail".to_string()])
        );
        let up = include_str!("../../tests/fixtures/ingest/uptime-kuma-up.json");
        let a = parse(up.as_bytes(), &config()).unwrap().unwrap();
        assert_eq!((a.firing, a.end), (false, Some(t("2026-11-25T10:41:52Z"))));
    }

    #[test]
    fn the_test_message_and_a_pending_beat_open_nothing() {
        let none = parse(
            br#"{"heartbeat": null, "monitor": null, "msg": "Uptime Kuma test"}"#,
            &config(),
        );
        assert!(none.unwrap().is_err());
        let pending = parse(br#"{"heartbeat": {"status": 2, "time": "2026-11-25 10:00:00"}, "monitor": {"name": "Mail SMTP"}}"#, &config());
        assert!(pending.unwrap().unwrap_err().contains("pending"));
        assert!(parse(b"[1]", &config()).is_err());
    }
}
